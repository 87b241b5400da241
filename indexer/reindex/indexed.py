"""What an index holds, read without its terms: how many posts, and each post's content hash,
source folder and file stamp (what a reindex compares to decide what to read again).

Whoosh's SegmentReader copies a segment's terms and postings files into memory when it opens:
a searcher over 20,000 posts took 250 MB, and at 100,000 posts the job peaked at 1.3 GB only
to count them. The count is in the table of contents, and the hashes in four small columns.
"""

from __future__ import annotations

import logging
from pathlib import Path

from whoosh import index as whoosh_index
from indexer import store
from indexer.engine.segments import columns_reader

logger = logging.getLogger(__name__)

COMPARED = ("content_hash", "source_root", "file_stamp")


def document_count(ix) -> int:
    """The posts in the index (deleted ones aside), from its table of contents."""
    toc = whoosh_index.TOC.read(ix.storage, ix.indexname)
    return sum(segment.doc_count() for segment in toc.segments)


def readable_hashes(index_dir: Path) -> dict[str, tuple[str, str, str]]:
    """What the live index holds, for a rebuild's counts; nothing when it cannot be read."""
    try:
        live = store.live_generation(index_dir)
        return indexed_hashes(live) if live is not None else {}
    except Exception as error:
        logger.warning("The live index cannot be read (%s); rebuilding from the sources alone.", error)
        return {}


def indexed_hashes(generation: Path) -> dict[str, tuple[str, str, str]]:
    """id -> (content hash, source root, file stamp) of everything in the index, read from
    columns: reading every stored post (bodies and all) took most of an incremental run."""
    ix = whoosh_index.open_dir(str(generation))
    try:
        reader = columns_reader(ix)
        try:
            if all(reader.has_column(name) for name in COMPARED):
                columns = [list(reader.column_reader(name)) for name in ("id", *COMPARED)]
                return {
                    columns[0][docnum]: tuple(column[docnum] for column in columns[1:])
                    for docnum in reader.all_doc_ids()
                }
        finally:
            reader.close()
        with ix.searcher() as searcher:  # an index from before the columns
            return {
                fields["id"]: tuple(fields.get(name, "") for name in COMPARED)
                for fields in searcher.all_stored_fields()
            }
    finally:
        ix.close()
