"""Checking that the index being served can really be read: for /healthz.

The check opens the files afresh rather than asking the open searcher, which holds files opened
earlier: a file since damaged or cut short on disk shows only to a new reader.
"""

from __future__ import annotations

from pathlib import Path

from indexer.schema import body_reader


def files_on_disk(generation: Path) -> tuple | None:
    """Each file's name, size and time, to tell when they change; None when the folder is gone
    (a publish or rebuild removes the generation before the one it replaced). A file that goes
    while they are listed is left out."""
    files = []
    try:
        entries = list(generation.iterdir())
    except FileNotFoundError:
        return None
    for entry in entries:
        try:
            stat = entry.stat()
        except OSError:
            continue
        files.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(files))


def read_through(generation: Path) -> None:
    """Open the index afresh without memory maps and read a stored document, its body and a
    posting at each end."""
    from whoosh.filedb.filestore import FileStorage

    ix = FileStorage(str(generation), supports_mmap=False, readonly=True).open_index()
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            last = reader.doc_count_all() - 1
            for docnum in sorted({0, last}) if last >= 0 else ():
                if reader.is_deleted(docnum):
                    continue
                doc_id = reader.stored_fields(docnum)["id"]
                body_reader(reader)(docnum)
                if docnum not in set(reader.postings("id", doc_id).all_ids()):
                    raise ValueError(f"document {docnum} is missing from the postings of its id")
    finally:
        ix.close()
