"""Where the live index lives: generations on disk, the pointer to the live one, the writer lock.

An index directory holds `gen-*` folders, each a complete Whoosh index, and a `CURRENT` file
naming the live one. A rebuild writes a `building-*` folder, renames it to `gen-*` and then
replaces `CURRENT` in one atomic step, so a reader never sees a half-built index.
"""

from __future__ import annotations

import datetime
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import stat
import time
import weakref
from pathlib import Path

from indexer.schema import SCHEMA_VERSION

logger = logging.getLogger(__name__)

POINTER_NAME = "CURRENT"
META_NAME = "lgsearch.json"
LOCK_NAME = "reindex.lock"
SHARED_PREFIX = "shared-"  # a generation's files derived for every server worker (query/shared.py)
# What `publish` names a generation; anything else in CURRENT is not followed.
_GENERATION_NAME = re.compile(r"gen-[A-Za-z0-9_-]+")
REBUILD_ADVICE = "Run `lgsearch index --rebuild` to rebuild it from the sources."


class ReindexBusy(Exception):
    """Another reindex holds the lock."""

    def __init__(self, pid: int | None):
        self.pid = pid
        who = f" (pid {pid})" if pid else ""
        super().__init__(f"Another reindex is running{who}.")


class IndexOutdated(Exception):
    """The live index was written by another schema version."""

    def __init__(self, found):
        super().__init__(
            f"The index was built by another version of lgsearch (schema {found}, "
            f"this version needs {SCHEMA_VERSION}). Run `lgsearch index --rebuild` to rebuild it."
        )


class IndexUnavailable(Exception):
    """There is no usable index: none built yet, one of an older schema, or a damaged one."""


class IndexDamaged(IndexUnavailable):
    """The live index, or the pointer to it, cannot be read; a rebuild repairs it."""

    def __init__(self, what: str):
        super().__init__(f"The search index is damaged: {what}. {REBUILD_ADVICE}")


def live_generation(index_dir: Path) -> Path | None:
    """The folder of the live index, or None when there is none yet.

    Raises IndexDamaged when CURRENT does not name a generation folder inside `index_dir`:
    its bytes are never followed as a path of their own."""
    try:
        raw = (index_dir / POINTER_NAME).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise IndexDamaged(f"its {POINTER_NAME} file cannot be read ({error.strerror})") from None
    try:
        name = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        name = None
    if not name or not _GENERATION_NAME.fullmatch(name):
        raise IndexDamaged(f"its {POINTER_NAME} file does not name an index folder")
    generation = index_dir / name
    if not generation.is_dir():
        raise IndexDamaged(f"its {POINTER_NAME} file names a folder that is not there ({name})")
    return generation


def pointer_stamp(index_dir: Path) -> tuple:
    """Changes whenever a rebuild switches generations; cheap enough to check per request."""
    try:
        stat = (index_dir / POINTER_NAME).stat()
    except FileNotFoundError:
        return ()
    return (stat.st_ino, stat.st_mtime_ns)


def shared_folder_name(commit: int) -> str:
    """The folder, inside a generation, of the files derived from its commit number `commit`."""
    return f"{SHARED_PREFIX}{commit}"


def read_meta(generation: Path) -> dict:
    try:
        return json.loads((generation / META_NAME).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def check_schema(generation: Path) -> dict:
    meta = read_meta(generation)
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise IndexOutdated(meta.get("schema_version", "unknown"))
    return meta


def write_meta(generation: Path) -> None:
    meta = {
        "schema_version": SCHEMA_VERSION,
        "indexed_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    _atomic_write(generation / META_NAME, json.dumps(meta))


def new_building_dir(index_dir: Path) -> Path:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = index_dir / f"building-{stamp}-{os.getpid()}"
    path.mkdir(parents=True)
    return path


def publish(index_dir: Path, building: Path) -> Path:
    """Make a finished build the live index in one atomic step; keep the one before it.

    A failure before the switch removes the new generation again, so nothing is left unpublished."""
    try:
        previous = live_generation(index_dir)
    except IndexDamaged:
        previous = None
    generation = building.with_name("gen-" + building.name.removeprefix("building-"))
    building.rename(generation)
    try:
        _atomic_write(index_dir / POINTER_NAME, generation.name)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    keep = {generation.name, previous.name if previous else None}
    # The previous generation stays for processes still reading it; older ones go.
    for old in index_dir.glob("gen-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    return generation


def remove_abandoned_builds(index_dir: Path) -> None:
    """What a killed or failed job left in the index folder: unfinished builds, a finished build
    it never switched to, half-written pointer files. Only called while holding the lock."""
    for path in index_dir.glob("building-*"):
        logger.info("Removing an unfinished build left by an earlier run: %s", path.name)
        shutil.rmtree(path, ignore_errors=True)
    for path in index_dir.glob(f".{POINTER_NAME}.*.tmp"):
        logger.info("Removing a half-written pointer left by an earlier run: %s", path.name)
        path.unlink(missing_ok=True)
    try:
        live = live_generation(index_dir)
    except IndexDamaged:
        return  # which generation is unpublished cannot be told; the rebuild's switch tidies up
    if live is None:
        return
    # Generation names start with the time they were built, so one named after the live one was
    # built later and never switched to: the job was stopped between the rename and the switch.
    for path in index_dir.glob("gen-*"):
        if path.name > live.name and path.is_dir():
            logger.info("Removing a build that was never switched to: %s", path.name)
            shutil.rmtree(path, ignore_errors=True)


def index_size(generation: Path) -> int:
    """The bytes of a generation's files; one removed while they are counted counts nothing."""
    size = 0
    for path in generation.iterdir():
        try:
            status = path.stat()
        except FileNotFoundError:
            continue
        if stat.S_ISREG(status.st_mode):
            size += status.st_size
    return size


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Locks this process holds; see _forget_locks_after_fork.
_held_locks: "weakref.WeakSet[ReindexLock]" = weakref.WeakSet()


class ReindexLock:
    """One writer at a time. The kernel drops the lock when its holder dies, so a killed
    job never leaves a lock behind; the file names the holder's pid for the message.

    A flock belongs to the open file, which a forked child shares. Whoosh's writer processes are
    forked, so each closes its copy at once (see _forget_locks_after_fork): the lock lives and
    dies with the job alone. Python opens it close-on-exec, so programs it runs never get it."""

    def __init__(self, index_dir: Path, wait: float = 0.0):
        self.path = index_dir / LOCK_NAME
        self.wait = wait
        self._handle = None

    def __enter__(self) -> "ReindexLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        deadline = time.monotonic() + max(self.wait, 0)
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    handle.close()
                    raise
                if time.monotonic() >= deadline:
                    pid = _read_pid(self.path)
                    handle.close()
                    raise ReindexBusy(pid) from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        _held_locks.add(self)
        return self

    def __exit__(self, *exc) -> None:
        _held_locks.discard(self)
        if self._handle is not None:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def _forget(self) -> None:
        """In a forked child: close this copy of the file without unlocking it for the parent."""
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()


def _forget_locks_after_fork() -> None:
    for lock in list(_held_locks):
        lock._forget()
    _held_locks.clear()


os.register_at_fork(after_in_child=_forget_locks_after_fork)


def _read_pid(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
