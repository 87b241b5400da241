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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer import store
from indexer.reindex.files import LastGoodVersions, Writing, file_stamp, index_file
from indexer.reindex.indexed import document_count, indexed_hashes, readable_hashes
from indexer.reindex.report import Rejected, ReindexReport
from indexer.reindex.sources import SourceError, SourceFile, collect_files
from indexer.reindex.writers import PartsWriter, new_writer, split_into_parts
from indexer.engine.segments import unreferenced_files, write_missing_arrays
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
    derive: Callable[[Path], object] | None = None,
) -> ReindexReport:
    """Bring the index in `index_dir` up to date with `sources`; see the module docstring.

    Dates are read as on `today` (by default the day the job starts), the same for every file.
    `derive(generation)` writes the files every server worker shares (indexer/query/shared.py)
    into a rebuild before it is switched to."""
    started = time.monotonic()
    unfollowed: list[Rejected] = []
    files = collect_files(sources, unfollowed)
    index_dir = Path(index_dir)
    with store.ReindexLock(index_dir, wait=wait):
        store.remove_abandoned_builds(index_dir)
        job = ReindexJob(
            index_dir,
            list(sources),
            files,
            ReindexReport(rejected=unfollowed),
            today or datetime.date.today(),
            progress,
            derive,
        )
        live = None if rebuild else store.live_generation(index_dir)
        if live is None:
            job.rebuild()
        else:
            job.update(live)
    job.report.seconds = time.monotonic() - started
    return job.report


@dataclass
class ReindexJob:
    """One run of the job: the sources and the files found in them, the index folder, the day
    dates are read as, the progress bar, and the report of what it did."""

    index_dir: Path
    sources: list[Path]
    files: list[SourceFile]
    report: ReindexReport
    today: datetime.date
    progress: Callable[[Iterator[SourceFile]], Iterator[SourceFile]] | None = None
    derive: Callable[[Path], object] | None = None

    def rebuild(self) -> None:
        """A fresh index beside the live one, switched to when complete. It never needs the live
        index to be readable: that is only read for the report's counts, which is how a damaged
        index is repaired."""
        existing = readable_hashes(self.index_dir)
        building = store.new_building_dir(self.index_dir)
        try:
            ix = whoosh_index.create_in(str(building), build_schema())
            parts = (
                split_into_parts(self.files, WRITER_PROCESSES) if len(self.files) >= PARALLEL_BUILD_THRESHOLD else None
            )
            if parts:
                self._write_in_parts(ix, parts, existing)
            else:
                with LastGoodVersions(self.index_dir) as last_good:
                    self._write(ix, Writing(existing, self.report, True, self.today, last_good))
            self.report.documents = document_count(ix)
            store.write_meta(building)
            self._write_segment_arrays(building)
            self._derive(building)
            store.publish(self.index_dir, building)
        except BaseException:
            store.remove_abandoned_builds(self.index_dir)
            raise

    def update(self, live: Path) -> None:
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
            self._write(ix, Writing(existing, self.report, False, self.today))
            self.report.documents = document_count(ix)
            store.write_meta(live)
        except BaseException:
            _remove_unreferenced_files(live)
            raise
        self._write_segment_arrays(live)
        # No shared files for the new commit here: deriving them takes seconds (7 at 20,000 posts),
        # where an update of one file takes well under one. The first server worker to open the
        # commit writes them from the copy it derives anyway, and the others take them up.

    def _write_segment_arrays(self, generation: Path) -> None:
        """Write the arrays of the segments that lack them (indexer/engine/segment_arrays.py);
        searches read a segment's blocks when this fails, so it is logged, not raised."""
        started = time.monotonic()
        try:
            written = write_missing_arrays(generation)
        except Exception:
            logger.warning("Could not write the arrays of the index's new segments", exc_info=True)
        else:
            if written:
                logger.info("Wrote the arrays of %d segments in %.1f s", written, time.monotonic() - started)

    def _derive(self, generation: Path) -> None:
        """Write the generation's shared files; servers derive their own copies when it fails."""
        if self.derive is None:
            return
        started = time.monotonic()
        try:
            self.derive(generation)
        except Exception:
            logger.warning("Could not write the files server workers share; each derives its own", exc_info=True)
        else:
            logger.info("Wrote the files server workers share in %.1f s", time.monotonic() - started)

    def _write(self, ix, writing: Writing) -> None:
        """Every file through one writer in this process: any incremental run, and a small rebuild."""
        writer = new_writer(SegmentWriter, ix, limitmb=128)
        report, fresh = writing.report, writing.fresh
        wrote = False
        try:
            for source_file in self.progress(iter(self.files)) if self.progress else self.files:
                wrote |= index_file(writer, source_file, writing)
            roots = {str(Path(s).resolve()) for s in self.sources}
            for doc_id, (_, root, _) in writing.existing.items():
                if doc_id in writing.seen:
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

    def _write_in_parts(self, ix, parts, existing) -> None:
        """A large rebuild: each part of the files written by a process of its own (see writers)."""
        bar = self.progress(iter(self.files)) if self.progress else iter(())

        def advance(count: int) -> None:
            for _ in range(count):
                next(bar, None)

        writer = new_writer(PartsWriter, ix)
        try:
            results = writer.write(parts, existing, self.today, self.index_dir, advance)
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
            self.report.add(result.report)
            seen.update(result.seen)
        self.report.deleted += sum(1 for doc_id in existing if doc_id not in seen)  # a rebuild keeps only its sources


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


def cancel_quietly(writer) -> None:
    """Cancel a failed run's writer; a writer that will not close is logged, not raised over
    the error that stopped the run."""
    try:
        writer.cancel()
    except Exception:
        logger.warning("The index writer did not close cleanly", exc_info=True)
