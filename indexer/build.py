"""The reindex job: read every source file, extract it and bring the index up to date.

Incremental runs compare content hashes and touch only what changed. `--rebuild` writes a
fresh index beside the live one and switches to it atomically. Either way a failure leaves the
live index as it was: Whoosh commits are all-or-nothing, and a rebuild is only published whole.
"""
from __future__ import annotations

import ctypes
import datetime
import hashlib
import logging
import os
import shutil
import signal
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from indexer import store
from indexer.document import document_id
from indexer.organisations import find_organisations
from indexer.reading.readers import SUPPORTED_EXTENSIONS, UnreadableFile, read_bytes, read_document
from indexer.schema import build_schema, document_fields, document_from_stored

logger = logging.getLogger(__name__)

# Above this many files a fresh build uses two processes: 3,000 posts took 18 s instead of 35 s.
PARALLEL_BUILD_THRESHOLD = 500
# Documents handed to a writer process at a time (Whoosh's default).
PARALLEL_BATCH_SIZE = 100


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


def collect_files(sources: list[Path], rejected: list[Rejected] | None = None) -> list[SourceFile]:
    """Every indexable file under the sources, in a stable order. Links that cannot be followed
    (see _follow) are added to `rejected` with the reason."""
    rejected = [] if rejected is None else rejected
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
        found: list[Path] = []
        _walk(root, root, (root,), found, rejected)
        files.extend(SourceFile(path, root, path.relative_to(root).as_posix()) for path in sorted(found))
    return files


def _walk(root: Path, folder: Path, chain: tuple[Path, ...], found: list[Path], rejected: list[Rejected]) -> None:
    """The indexable files in `folder` (as seen from `root`) and below. `chain` holds the real
    folders walked to get here, so a link back to one of them is a loop."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        rejected.append(Rejected(str(folder), f"The folder cannot be read ({error.strerror})."))
        return
    for entry in entries:
        path = Path(entry.path)
        indexable = path.suffix.lower() in SUPPORTED_EXTENSIONS
        if entry.is_symlink():
            target = _follow(root, path, indexable, rejected)
            if target is None:
                continue
            if target.is_dir():
                if target in chain:
                    rejected.append(Rejected(str(path), "The link leads back to a folder that contains it "
                                                        "(a loop), so lgsearch does not follow it."))
                else:
                    _walk(root, path, (*chain, target), found, rejected)
            elif indexable and target.is_file():
                found.append(path)
        elif entry.is_dir(follow_symlinks=False):
            _walk(root, path, (*chain, path), found, rejected)
        elif indexable and entry.is_file(follow_symlinks=False):
            found.append(path)


def _follow(root: Path, link: Path, indexable: bool, rejected: list[Rejected]) -> Path | None:
    """Where a link inside a source folder leads, if that is inside the same folder.

    A link out of it could put any file the indexer can read (say /etc/passwd) on the web."""
    # Only links that could be a post or a folder are worth a word; others are ignored like any file.
    worth_reporting = indexable or not link.suffix
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        if worth_reporting:
            rejected.append(Rejected(str(link), f"The link leads to nothing: {os.readlink(link)} does not exist."))
        return None
    except (RuntimeError, OSError):
        if worth_reporting:
            rejected.append(Rejected(str(link), "The link is part of a loop of links, so lgsearch does not follow it."))
        return None
    if not target.is_relative_to(root):
        if indexable or target.is_dir():
            rejected.append(Rejected(str(link), f"The link leads outside the source folder (to {target}); "
                                                "lgsearch follows only links that stay inside it."))
        return None
    return target


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
    existing = _readable_hashes(index_dir)
    building = store.new_building_dir(index_dir)
    try:
        ix = whoosh_index.create_in(str(building), build_schema())
        with _LastGoodVersions(index_dir) as last_good:
            _write(ix, files, sources, existing, report, fresh=True, progress=progress, today=today,
                   last_good=last_good)
        report.documents = _document_count(ix)
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
        existing = _indexed_hashes(live)
        ix = whoosh_index.open_dir(str(live))
    except Exception as error:
        logger.info("Could not read the live index in %s", live, exc_info=True)
        raise store.IndexDamaged(f"it cannot be read ({error or type(error).__name__})") from error
    try:
        _write(ix, files, sources, existing, report, fresh=False, progress=progress, today=today)
        report.documents = _document_count(ix)
        store.write_meta(live)
    except BaseException:
        _remove_unreferenced_files(live)
        raise


def _readable_hashes(index_dir: Path) -> dict[str, tuple[str, str]]:
    """What the live index holds, for a rebuild's counts; nothing when it cannot be read."""
    try:
        live = store.live_generation(index_dir)
        return _indexed_hashes(live) if live is not None else {}
    except Exception as error:
        logger.warning("The live index cannot be read (%s); rebuilding from the sources alone.", error)
        return {}


def _document_count(ix) -> int:
    ix = ix.refresh()
    try:
        with ix.searcher() as searcher:
            return searcher.doc_count()
    finally:
        ix.close()


def _indexed_hashes(generation: Path) -> dict[str, tuple[str, str, str]]:
    """id -> (content hash, source root, file stamp) of everything in the live index, read from
    columns: reading every stored post (bodies and all) took most of an incremental run."""
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            if all(reader.has_column(name) for name in _COMPARED):
                columns = [list(reader.column_reader(name)) for name in ("id", *_COMPARED)]
                return {columns[0][docnum]: tuple(column[docnum] for column in columns[1:])
                        for docnum in reader.all_doc_ids()}
            return {fields["id"]: tuple(fields.get(name, "") for name in _COMPARED)
                    for fields in searcher.all_stored_fields()}
    finally:
        ix.close()


_COMPARED = ("content_hash", "source_root", "file_stamp")


def _remove_unreferenced_files(generation: Path, indexname: str = "MAIN") -> None:
    """Delete what the index's table of contents does not name: Whoosh's temporary folder and
    files and the segments of a commit that never finished. Only called while holding the lock."""
    storage = FileStorage(str(generation))
    try:
        toc = whoosh_index.TOC.read(storage, indexname)
    except Exception:
        logger.info("Cannot read the index's table of contents in %s; leaving its files alone", generation)
        return
    segments = {segment.segment_id() for segment in toc.segments}
    segment_file = whoosh_index.TOC._segment_pattern(indexname)
    keep = {whoosh_index.TOC._filename(indexname, toc.generation), f"{indexname}_WRITELOCK", store.META_NAME}
    for path in generation.iterdir():
        match = segment_file.fullmatch(path.name)
        if path.name in keep or (match and match.group(1) in segments):
            continue
        logger.info("Removing %s, left by a reindex that did not finish", path)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _write(ix, files, sources, existing, report, fresh, progress, today, last_good=None) -> None:
    big = fresh and len(files) >= PARALLEL_BUILD_THRESHOLD
    if big:
        writer = _new_writer(_ProcessWriter, ix, procs=2, batchsize=PARALLEL_BATCH_SIZE, multisegment=True, limitmb=128)
    else:
        writer = _new_writer(SegmentWriter, ix, limitmb=128)
    seen: dict[str, str] = {}
    wrote = False
    try:
        for source_file in (progress(iter(files)) if progress else files):
            wrote |= _write_one(writer, source_file, existing, seen, report, fresh, today, last_good)
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
        try:
            writer.cancel()
        except Exception:
            logger.warning("The index writer did not close cleanly", exc_info=True)
        raise


def _new_writer(kind, ix, **options):
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


def _write_one(writer, source_file: SourceFile, existing, seen, report, fresh, today, last_good) -> bool:
    """Index one file, or leave its indexed version as it is; True when the index was written to.

    A file whose size and modification time are those indexed is not read again. One whose time
    changed but not its content is written again (to record the new time) but counted unchanged."""
    doc_id = source_file.id
    if doc_id in seen:
        report.rejected.append(Rejected(
            str(source_file.path),
            f"Another file ({seen[doc_id]}) already has the id {doc_id}; rename one of them.",
        ))
        return False
    try:
        previous_hash, _, previous_stamp = existing.get(doc_id, (None, None, None))
        stamp = file_stamp(source_file.path)
        if not fresh and previous_stamp and previous_stamp == stamp:
            seen[doc_id] = str(source_file.path)  # same size and time: not read again
            report.unchanged += 1
            return False
        data = read_bytes(source_file.path)
        content_hash = hashlib.sha256(data).hexdigest()
        document = read_document(source_file.path, source_file.relative_path, data, today=today)
        document.organisations = find_organisations(f"{document.title}\n{document.body}")
    except UnreadableFile as error:
        _reject(report, source_file, error.reason)
        _keep_last_good_version(writer, source_file, existing, seen, last_good)
        return False
    except Exception as error:  # a bug of ours must not stop the run
        logger.exception("Could not extract %s", source_file.path)
        _reject(report, source_file, f"The file could not be read ({type(error).__name__}).")
        _keep_last_good_version(writer, source_file, existing, seen, last_good)
        return False
    seen[doc_id] = str(source_file.path)
    fields = document_fields(document, content_hash, str(source_file.root), stamp)
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
    return True


def file_stamp(path: Path) -> str:
    """A file's size and modification time: when both are as indexed, it has not changed."""
    status = path.stat()
    return f"{status.st_size}:{status.st_mtime_ns}"


def _reject(report, source_file, reason) -> None:
    """Report a bad file. The report lists it (the CLI on stderr), so the log does not say it a
    second time."""
    logger.debug("Skipped %s: %s", source_file.path, reason)
    report.rejected.append(Rejected(str(source_file.path), reason))


def _keep_last_good_version(writer, source_file: SourceFile, existing, seen, last_good) -> None:
    """A file that has turned bad keeps its last good version, as the README promises: an
    incremental run leaves it where it is, a rebuild (`last_good` given) copies it across from
    the live index. What cannot be kept is counted as deleted."""
    doc_id = source_file.id
    if doc_id not in existing:
        return
    if last_good is not None:
        fields = last_good.fields(doc_id)
        if fields is None:
            return
        writer.add_document(**fields)
    seen[doc_id] = str(source_file.path)


class _LastGoodVersions:
    """The live index's documents as index fields, for a rebuild to carry across a file that has
    turned bad. The live index is opened only when such a file turns up; one that cannot be read,
    or was built by another version of lgsearch, has nothing to carry (a rebuild never needs it)."""

    def __init__(self, index_dir: Path):
        self._index_dir = index_dir
        self._opened = False
        self._ix = self._searcher = None

    def __enter__(self) -> "_LastGoodVersions":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        if self._ix is not None:
            self._ix.close()
        self._ix = self._searcher = None

    def fields(self, doc_id: str) -> dict | None:
        searcher = self._open()
        stored = searcher.document(id=doc_id) if searcher is not None else None
        if stored is None:
            return None
        return document_fields(document_from_stored(stored), stored.get("content_hash", ""),
                               stored.get("source_root", ""), stored.get("file_stamp", ""))

    def _open(self):
        if not self._opened:
            self._opened = True
            try:
                live = store.live_generation(self._index_dir)
                if live is not None:
                    store.check_schema(live)
                    self._ix = whoosh_index.open_dir(str(live))
                    self._searcher = self._ix.searcher()
            except store.IndexOutdated:
                logger.warning("The live index was built by another version of lgsearch, so files "
                               "that have turned bad are left out of the rebuild.")
            except Exception as error:
                logger.warning("The live index cannot be read (%s), so files that have turned bad are "
                               "left out of the rebuild.", error)
                self.close()
        return self._searcher
# -- the two-process writer ------------------------------------------------------------------

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class _WriterProcess(SubWriterTask):
    """One of Whoosh's writer processes, made to die with the job: a killed job must never leave
    processes behind (the lock itself is not inherited: see store.ReindexLock)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.daemon = True  # stopped by multiprocessing when the job exits normally
        self.job_pid = os.getpid()

    def run(self) -> None:
        _die_with(self.job_pid)
        # The job stops its writers itself; a stop signal to the whole group ends them at once.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        super().run()


def _die_with(job_pid: int) -> None:
    """Ask the kernel to kill this process when the job dies, then make sure it has not already."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            logger.warning("Could not tie a writer process to its job (errno %s)", ctypes.get_errno())
    if os.getppid() != job_pid:
        os._exit(1)


class _ProcessWriter(MpWriter):
    """Whoosh's multi-process writer, with writer processes that die with the job and a cancel
    that really stops them. Whoosh's own cancel only sets a flag in the job's copy of each
    process object, so the processes waited for work forever and the job hung on exit
    waiting for them (SIGTERM then left it stuck)."""

    def _new_task(self):
        task = _WriterProcess(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                              self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task

    def commit(self, *args, **kwargs) -> None:
        super().commit(*args, **kwargs)
        failed = [task.exitcode for task in self.tasks if task.exitcode != 0]
        if failed:
            raise RuntimeError(f"A writer process failed (exit status {failed[0]})")

    def cancel(self) -> None:
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.kill()
            for task in self.tasks:
                task.join(timeout=10)
            for q in (self.jobqueue, self.resultqueue):
                q.cancel_join_thread()  # nobody will read what is still queued
                q.close()
        finally:
            if not self.is_closed:
                SegmentWriter.cancel(self)

