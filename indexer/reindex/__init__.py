"""The reindex job: read every source file, extract it and bring the index up to date.

Incremental runs compare content hashes and touch only what changed. `--rebuild` writes a
fresh index beside the live one and switches to it atomically. Either way a failure leaves the
live index as it was: Whoosh commits are all-or-nothing, and a rebuild is only published whole.

The package's modules: `sources` (which files), `files` (one file into the index), `writers`
(the writer processes of a large build), `indexed` (what the live index holds), `report`
(what the job did).
"""
from __future__ import annotations

import datetime
import logging
import shutil
import time
from pathlib import Path
from typing import Callable, Iterator

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer import store
from indexer.reindex.files import LastGoodVersions, file_stamp, index_file
from indexer.reindex.indexed import document_count, indexed_hashes, readable_hashes
from indexer.reindex.report import Rejected, ReindexReport
from indexer.reindex.sources import SourceError, SourceFile, collect_files
from indexer.reindex.writers import PartsWriter, new_writer, split_into_parts
from indexer.engine.segments import unreferenced_files
from indexer.schema import build_schema

__all__ = ["ReindexReport", "Rejected", "SourceError", "SourceFile", "collect_files", "file_stamp", "reindex"]

logger = logging.getLogger(__name__)

# From this many files a rebuild runs in writer processes (see writers.py); fewer are written by
# one plain Whoosh writer in the job, quick enough at that size.
PARALLEL_BUILD_THRESHOLD = 500
# One per core of the machine this was measured on; each writes a segment, and every search
# reads every segment, so more would slow searches down.
WRITER_PROCESSES = 2


def reindex(
    sources: list[Path],
    index_dir: Path,
    rebuild: bool = False,
    wait: float = 0.0,
    progress: Callable[[Iterator[SourceFile]], Iterator[SourceFile]] | None = None,
    today: datetime.date | None = None,
) -> ReindexReport:
    """Bring the index in `index_dir` up to date with `sources`; see the module docstring.

    Dates are read as on `today` (by default the day the job starts), the same for every file."""
    started = time.monotonic()
    today = today or datetime.date.today()
    unfollowed: list[Rejected] = []
    files = collect_files(sources, unfollowed)
    index_dir = Path(index_dir)
    with store.ReindexLock(index_dir, wait=wait):
        store.remove_abandoned_builds(index_dir)
        report = ReindexReport(rejected=unfollowed)
        if rebuild:
            _rebuild(index_dir, files, sources, report, progress, today)
        else:
            live = store.live_generation(index_dir)
            if live is None:
                _rebuild(index_dir, files, sources, report, progress, today)
            else:
                _update(live, files, sources, report, progress, today)
    report.seconds = time.monotonic() - started
    return report


def _rebuild(index_dir: Path, files, sources, report: ReindexReport, progress, today) -> None:
    """A fresh index beside the live one, switched to when complete. It never needs the live
    index to be readable: that is only read for the report's counts, which is how a damaged
    index is repaired."""
    existing = readable_hashes(index_dir)
    building = store.new_building_dir(index_dir)
    try:
        ix = whoosh_index.create_in(str(building), build_schema())
        parts = split_into_parts(files, WRITER_PROCESSES) if len(files) >= PARALLEL_BUILD_THRESHOLD else None
        if parts:
            _write_in_parts(ix, parts, files, existing, report, progress, today, index_dir)
        else:
            with LastGoodVersions(index_dir) as last_good:
                _write(ix, files, sources, existing, report, fresh=True, progress=progress, today=today,
                       last_good=last_good)
        report.documents = document_count(ix)
        store.write_meta(building)
        store.publish(index_dir, building)
    except BaseException:
        store.remove_abandoned_builds(index_dir)
        raise


def _update(live: Path, files, sources, report: ReindexReport, progress, today) -> None:
    """One Whoosh commit on the live index. Whatever a failed or killed run wrote is removed,
    so a full disk does not stay full."""
    store.check_schema(live)
    _remove_unreferenced_files(live)  # left by a run that was killed
    try:
        existing = indexed_hashes(live)
        ix = whoosh_index.open_dir(str(live))
    except Exception as error:
        logger.info("Could not read the live index in %s", live, exc_info=True)
        raise store.IndexDamaged(f"it cannot be read ({error or type(error).__name__})") from error
    try:
        _write(ix, files, sources, existing, report, fresh=False, progress=progress, today=today)
        report.documents = document_count(ix)
        store.write_meta(live)
    except BaseException:
        _remove_unreferenced_files(live)
        raise


def _remove_unreferenced_files(generation: Path, indexname: str = "MAIN") -> None:
    """Delete what the index's table of contents does not name: Whoosh's temporary folder and
    files and the segments of a commit that never finished. Only called while holding the lock."""
    leftovers = unreferenced_files(generation, {store.META_NAME}, indexname)
    if leftovers is None:
        logger.info("Cannot read the index's table of contents in %s; leaving its files alone", generation)
        return
    for path in leftovers:
        logger.info("Removing %s, left by a reindex that did not finish", path)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _write(ix, files, sources, existing, report, fresh, progress, today, last_good=None) -> None:
    """Every file through one writer in this process: any incremental run, and a small rebuild."""
    writer = new_writer(SegmentWriter, ix, limitmb=128)
    seen: dict[str, str] = {}
    wrote = False
    try:
        for source_file in (progress(iter(files)) if progress else files):
            wrote |= index_file(writer, source_file, existing, seen, report, fresh, today, last_good)
        roots = {str(Path(s).resolve()) for s in sources}
        for doc_id, (_, root, _) in existing.items():
            if doc_id in seen:
                continue
            if root in roots:
                report.deleted += 1
                if not fresh:
                    writer.delete_by_term("id", doc_id)
                    wrote = True
            elif fresh:
                report.deleted += 1  # a rebuild keeps only the sources it was given
        if fresh or wrote:
            writer.commit()
        else:  # nothing changed: the live index, and every server's caches, stay as they are
            writer.cancel()
            _remove_unreferenced_files(Path(ix.storage.folder))  # the files Whoosh opened for a segment
    except BaseException:
        cancel_quietly(writer)
        raise


def cancel_quietly(writer) -> None:
    """Cancel a failed run's writer; a writer that will not close is logged, not raised over
    the error that stopped the run."""
    try:
        writer.cancel()
    except Exception:
        logger.warning("The index writer did not close cleanly", exc_info=True)


def _write_in_parts(ix, parts, files, existing, report, progress, today, index_dir) -> None:
    """A large rebuild: each part of the files written by a process of its own (see writers)."""
    bar = progress(iter(files)) if progress else iter(())

    def advance(count: int) -> None:
        for _ in range(count):
            next(bar, None)

    writer = new_writer(PartsWriter, ix)
    try:
        results = writer.write(parts, existing, today, index_dir, advance)
        writer.commit([result.segment for result in results if result.segment is not None])
        for _ in bar:  # to its end, so a progress bar shows it finished
            pass
    except BaseException:
        cancel_quietly(writer)
        raise
    finally:
        getattr(bar, "close", lambda: None)()
    seen = set()
    for result in results:
        report.add(result.report)
        seen.update(result.seen)
    report.deleted += sum(1 for doc_id in existing if doc_id not in seen)  # a rebuild keeps only its sources
