"""The reindex job: read every source file, extract it and bring the index up to date.

Incremental runs compare content hashes and touch only what changed. `--rebuild` writes a
fresh index beside the live one and switches to it atomically. Either way a failure leaves the
live index as it was: Whoosh commits are all-or-nothing, and a rebuild is only published whole.
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from whoosh import index as whoosh_index

from indexer import store
from indexer.document import document_id
from indexer.orgs import find_organisations
from indexer.readers import SUPPORTED_EXTENSIONS, UnreadableFile, read_bytes, read_document
from indexer.schema import build_schema, document_fields

logger = logging.getLogger(__name__)

# Above this many files a fresh build uses two processes: 3,000 posts took 18 s instead of 35 s.
PARALLEL_BUILD_THRESHOLD = 500


class SourceError(Exception):
    """A source that does not exist or cannot be indexed: the user's to fix (exit status 2)."""


@dataclass
class SourceFile:
    path: Path
    root: Path
    relative_path: str

    @property
    def id(self) -> str:
        return document_id(self.relative_path)


@dataclass
class Rejected:
    path: str
    reason: str


@dataclass
class ReindexReport:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    documents: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data


def collect_files(sources: list[Path]) -> list[SourceFile]:
    """Every indexable file under the sources, in a stable order."""
    files: list[SourceFile] = []
    for source in sources:
        if not source.exists():
            raise SourceError(f"There is no file or folder called {source}.")
        root = source.resolve()
        if root.is_file():
            if root.suffix.lower() not in SUPPORTED_EXTENSIONS:
                kinds = ", ".join(sorted(SUPPORTED_EXTENSIONS))
                raise SourceError(f"{source} is not a file lgsearch can index (it reads {kinds}).")
            files.append(SourceFile(root, root, root.name))
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() in SUPPORTED_EXTENSIONS and path.is_file():
                files.append(SourceFile(path, root, path.relative_to(root).as_posix()))
    return files


def reindex(
    sources: list[Path],
    index_dir: Path,
    rebuild: bool = False,
    wait: float = 0.0,
    progress: Callable[[Iterator[SourceFile]], Iterator[SourceFile]] | None = None,
) -> ReindexReport:
    """Bring the index in `index_dir` up to date with `sources`; see the module docstring."""
    started = time.monotonic()
    files = collect_files(sources)
    index_dir = Path(index_dir)
    with store.ReindexLock(index_dir, wait=wait):
        store.remove_abandoned_builds(index_dir)
        live = store.live_generation(index_dir)
        if live is not None and not rebuild:
            store.check_schema(live)
        existing = _indexed_hashes(live) if live is not None else {}
        fresh = rebuild or live is None
        report = ReindexReport()
        if fresh:
            building = store.new_building_dir(index_dir)
            try:
                ix = whoosh_index.create_in(str(building), build_schema())
                _write(ix, files, sources, existing, report, fresh=True, progress=progress)
                report.documents = _document_count(ix)
                store.write_meta(building)
                store.publish(index_dir, building)
            except BaseException:
                store.remove_abandoned_builds(index_dir)
                raise
        else:
            ix = whoosh_index.open_dir(str(live))
            _write(ix, files, sources, existing, report, fresh=False, progress=progress)
            report.documents = _document_count(ix)
            store.write_meta(live)
    report.seconds = time.monotonic() - started
    return report


def _document_count(ix) -> int:
    ix = ix.refresh()
    try:
        with ix.searcher() as searcher:
            return searcher.doc_count()
    finally:
        ix.close()


def _indexed_hashes(generation: Path) -> dict[str, tuple[str, str]]:
    """id -> (content hash, source root) of everything in the live index."""
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.searcher() as searcher:
            return {
                fields["id"]: (fields.get("content_hash", ""), fields.get("source_root", ""))
                for fields in searcher.all_stored_fields()
            }
    finally:
        ix.close()


def _write(ix, files, sources, existing, report, fresh, progress) -> None:
    big = fresh and len(files) >= PARALLEL_BUILD_THRESHOLD
    writer = ix.writer(procs=2, multisegment=True, limitmb=128) if big else ix.writer(limitmb=128)
    seen: dict[str, str] = {}
    try:
        for source_file in (progress(iter(files)) if progress else files):
            _write_one(writer, source_file, existing, seen, report, fresh)
        roots = {str(Path(s).resolve()) for s in sources}
        for doc_id, (_, root) in existing.items():
            if doc_id in seen:
                continue
            if root in roots:
                report.deleted += 1
                if not fresh:
                    writer.delete_by_term("id", doc_id)
            elif fresh:
                report.deleted += 1  # a rebuild keeps only the sources it was given
        writer.commit()
    except BaseException:
        writer.cancel()
        raise


def _write_one(writer, source_file: SourceFile, existing, seen, report, fresh) -> None:
    doc_id = source_file.id
    if doc_id in seen:
        report.rejected.append(Rejected(
            str(source_file.path),
            f"Another file ({seen[doc_id]}) already has the id {doc_id}; rename one of them.",
        ))
        return
    try:
        data = read_bytes(source_file.path)
        content_hash = hashlib.sha256(data).hexdigest()
        previous_hash = existing.get(doc_id, (None, None))[0]
        if not fresh and previous_hash == content_hash:
            seen[doc_id] = str(source_file.path)
            report.unchanged += 1
            return
        document = read_document(source_file.path, source_file.relative_path, data)
        document.organisations = find_organisations(f"{document.title}\n{document.body}")
    except UnreadableFile as error:
        _reject(report, source_file, error.reason, doc_id, existing, seen)
        return
    except Exception as error:  # a bug of ours must not stop the run
        logger.exception("Could not extract %s", source_file.path)
        _reject(report, source_file, f"The file could not be read ({type(error).__name__}).", doc_id, existing, seen)
        return
    seen[doc_id] = str(source_file.path)
    fields = document_fields(document, content_hash, str(source_file.root))
    if fresh:
        writer.add_document(**fields)
    else:
        writer.update_document(**fields)
    if previous_hash is None:
        report.added += 1
    elif previous_hash == content_hash:
        report.unchanged += 1
    else:
        report.updated += 1


def _reject(report, source_file, reason, doc_id, existing, seen) -> None:
    """Report a bad file; an earlier good version of it stays in the index."""
    logger.warning("Skipped %s: %s", source_file.path, reason)
    report.rejected.append(Rejected(str(source_file.path), reason))
    if doc_id in existing:
        seen[doc_id] = str(source_file.path)
