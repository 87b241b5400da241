"""A large fresh build in writer processes, each writing one contiguous part of the files.

Each process reads, extracts and writes its own run of files into its own segment, and the job
commits the segments in file order. Two things follow. Posts get the document numbers one
writer would give them, so posts that score the same rank in the same order whichever way the
index was built. And the job itself only waits: with Whoosh's MpWriter it read and extracted
every file while its writer processes waited for work, three busy processes on two cores.

Writer processes die with the job (PR_SET_PDEATHSIG) and a cancel kills them, so neither
`kill -9` nor SIGTERM of the job leaves a process behind.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.reduction
import os
import signal
import sys
from dataclasses import dataclass
from typing import Callable

from whoosh.writing import SegmentWriter

from indexer.reindex.files import LastGoodVersions, Writing, index_file
from indexer.engine.fresh_segment import FreshSegmentWriter
from indexer.engine.segments import commit_segments
from indexer.reindex.report import ReindexReport
from indexer.reindex.sources import SourceFile

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Forked, so a writer process starts with the job's state as it is (the files, what is indexed).
_FORK = multiprocessing.get_context("fork")
# How often a writer process says how far it has got, in files.
PROGRESS_EVERY = 20
# The postings a writer process holds before it moves them to a run on disk.
POOL_LIMIT_MB = 128


def new_writer(kind, ix, **options):
    """A Whoosh writer that lets go of the index's write lock when it fails to start (on a full
    disk, say), as Whoosh's own does not: the next writer in this process would wait for it."""
    writer = kind.__new__(kind)
    try:
        writer.__init__(ix, **options)
    except BaseException:
        if getattr(writer, "writelock", None) is not None:
            writer.writelock.release()
        raise
    return writer


def split_into_parts(files: list[SourceFile], count: int) -> list[list[SourceFile]] | None:
    """The files in `count` contiguous parts of about equal size, or None when they cannot be
    split evenly. Files that share an id stay in one part: which of them is indexed depends on
    whether those before it could be read (see files.index_file)."""
    sizes = [_size(source_file) for source_file in files]
    total = sum(sizes) or 1
    blocked = _cuts_inside_shared_ids(files)
    cuts, done, position = [], 0, 0
    for number in range(1, count):
        target = total * number / count
        while position < len(files) and done + sizes[position] <= target:
            done += sizes[position]
            position += 1
        cut = _nearest_allowed(position, blocked, cuts[-1] if cuts else 0, len(files))
        if cut is None:
            return None
        cuts.append(cut)
    bounds = [0, *cuts, len(files)]
    parts = [files[start:end] for start, end in zip(bounds, bounds[1:])]
    smallest = min(sum(sizes[start:end]) for start, end in zip(bounds, bounds[1:]))
    return parts if smallest >= total / count / 2 else None  # no part under half its share


def _size(source_file: SourceFile) -> int:
    try:
        return source_file.path.stat().st_size
    except OSError:
        return 0  # reported when it is read


def _cuts_inside_shared_ids(files: list[SourceFile]) -> list[bool]:
    """For each place between two files, whether it falls between two files with one id."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for position, source_file in enumerate(files):
        first.setdefault(source_file.id, position)
        last[source_file.id] = position
    inside = [0] * (len(files) + 2)
    for doc_id, start in first.items():
        if last[doc_id] > start:
            inside[start + 1] += 1
            inside[last[doc_id] + 1] -= 1
    blocked, depth = [], 0
    for position in range(len(files) + 1):
        depth += inside[position]
        blocked.append(depth > 0)
    return blocked


def _nearest_allowed(position: int, blocked: list[bool], after: int, end: int) -> int | None:
    for distance in range(end):
        for cut in (position - distance, position + distance):
            if after < cut < end and not blocked[cut]:
                return cut
    return None


@dataclass
class PartResult:
    """What a writer process sends back: its segment (None if it wrote nothing), its share of the
    report, and the ids it indexed or kept."""

    segment: object
    report: ReindexReport
    seen: list[str]


class PartsWriter(SegmentWriter):
    """Holds the index's write lock, runs one writer process per part and commits their
    segments in order. It writes no documents itself."""

    def write(
        self, parts: list[list[SourceFile]], existing: dict, today, index_dir, advance: Callable[[int], None]
    ) -> list[PartResult]:
        """Each part written by its own process; `advance` hears how many files each has done."""
        self.processes = []
        for part in parts:
            receiver, sender = _FORK.Pipe(duplex=False)
            process = _PartProcess(self.storage, self.indexname, part, existing, today, index_dir, sender)
            process.start()
            sender.close()
            self.processes.append((process, receiver))
        return self._results(advance)

    def _results(self, advance) -> list[PartResult]:
        results: dict[int, PartResult] = {}
        waiting = dict(enumerate(self.processes))
        while waiting:
            ready = multiprocessing.connection.wait(
                [receiver for _, receiver in waiting.values()] + [process.sentinel for process, _ in waiting.values()]
            )
            for number, (process, receiver) in list(waiting.items()):
                if receiver.poll():
                    try:
                        kind, value = receiver.recv()
                    except EOFError:  # it died without a word: killed, or out of memory
                        kind, value = "ended", None
                elif process.sentinel in ready:
                    kind, value = "ended", None
                else:
                    continue
                if kind == "progress":
                    advance(value)
                elif kind == "done":
                    results[number] = value
                    del waiting[number]
                elif kind == "failed":
                    raise value
                else:
                    process.join()
                    raise RuntimeError(f"A writer process failed (exit status {process.exitcode})")
        for process, receiver in self.processes:
            process.join()
            receiver.close()
        return [results[number] for number in range(len(self.processes))]

    def commit(self, segments: list) -> None:
        """The parts' segments, in order, as the index's one new generation."""
        commit_segments(self, segments)

    def cancel(self) -> None:
        try:
            for process, _ in getattr(self, "processes", ()):
                if process.is_alive():
                    process.kill()
            for process, receiver in getattr(self, "processes", ()):
                process.join(timeout=10)
                receiver.close()
        finally:
            if not self.is_closed:
                SegmentWriter.cancel(self)


class _PartProcess(_FORK.Process):
    """One writer process: reads, extracts and writes its part of the files into a segment of
    its own, and dies with the job (the lock itself is not inherited: see store.ReindexLock)."""

    def __init__(self, storage, indexname, files, existing, today, index_dir, sender):
        super().__init__()
        self.daemon = True  # stopped by multiprocessing when the job exits normally
        self.job_pid = os.getpid()
        self._args = (storage, indexname, files, existing, today, index_dir)
        self._sender = sender

    def run(self) -> None:
        _die_with(self.job_pid)
        # The job stops its writers itself; a stop signal to the whole group ends them at once.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self._sender.send(("done", self._write(*self._args)))
        except BaseException as error:
            logger.info("A writer process failed", exc_info=True)
            self._sender.send(("failed", _sendable(error)))
            sys.exit(1)

    def _write(self, storage, indexname, files, existing, today, index_dir) -> PartResult:
        writer = FreshSegmentWriter(storage.open_index(indexname), _lk=False, limitmb=POOL_LIMIT_MB)
        try:
            with LastGoodVersions(index_dir) as last_good:
                writing = Writing(existing, ReindexReport(), True, today, last_good)
                for number, source_file in enumerate(files, 1):
                    index_file(writer, source_file, writing)
                    if number % PROGRESS_EVERY == 0:
                        self._sender.send(("progress", PROGRESS_EVERY))
            self._sender.send(("progress", len(files) % PROGRESS_EVERY))
            segment = writer.finished_segment()
        except BaseException:
            # Not writer.cancel(): that removes the temporary folder the other processes share,
            # and the error they would then report could hide this one. The job removes it.
            try:
                writer.abandon()
            except Exception:
                logger.info("A writer process could not close its segment", exc_info=True)
            raise
        return PartResult(segment, writing.report, list(writing.seen))


def _sendable(error: BaseException) -> BaseException:
    """The error itself when it survives the pipe, or its message."""
    try:
        multiprocessing.reduction.ForkingPickler.dumps(error)
        return error
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")


def _die_with(job_pid: int) -> None:
    """Ask the kernel to kill this process when the job dies, then make sure it has not already."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            logger.warning("Could not tie a writer process to its job (errno %s)", ctypes.get_errno())
    if os.getppid() != job_pid:
        os._exit(1)
