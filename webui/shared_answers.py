"""Drawn answers kept in files that every worker of one server reads: the same address asked
again is answered without searching or drawing, whichever worker takes it.

Each worker has its own memory, so the query service's answer cache (indexer/query/cache.py)
helps only the worker that worked the answer out, and even then the page is drawn again. Here
the finished body of a complete answer is written to a file named by its ETag (http_cache.py),
which already stands for everything the body depends on: the index version, the code, the
whole address and the service's name. A new index version or new code gives new names, so an
old file is never served; it is only left to be swept away.

The files hold bytes only: one line of JSON (the content type) and the body, nothing that is
run. Each is written to a temporary name and renamed, so a reader sees all of it or nothing.
The directory is bounded in bytes: an answer over an eighth of the ceiling is not kept, and
each worker sweeps the oldest files away once it has written a sixteenth of the ceiling since
its last sweep, so the files stay within the ceiling and a sixteenth a worker.
`lgsearch serve` makes the directory (private to its user) as it starts and removes it at exit.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path

DEFAULT_MEGABYTES = 64  # env LGSEARCH_SHARED_CACHE_MB; 0 keeps nothing
LARGEST_SHARE = 8  # an answer is kept only if it takes at most an eighth of the ceiling
SWEEP_SHARE = 16  # a worker sweeps after writing a sixteenth of the ceiling
KEPT_AFTER_SWEEP = 0.75  # a sweep removes the oldest files until this share of the ceiling is left
_NAME = re.compile(r"[0-9a-f]{16,64}")
_SUFFIX = ".answer"
_WRITING = ".writing-"
ABANDONED_AFTER = 60.0  # seconds: a file still being written after this was left by a stopped worker


def shared_bytes_setting() -> int:
    """The ceiling from LGSEARCH_SHARED_CACHE_MB (megabytes, 0 keeps nothing), or the default."""
    try:
        megabytes = float(os.environ.get("LGSEARCH_SHARED_CACHE_MB", DEFAULT_MEGABYTES))
    except ValueError:
        megabytes = DEFAULT_MEGABYTES
    return int(max(0.0, megabytes) * 1024 * 1024)


class SharedAnswers:
    """Finished answers by ETag, in files of one directory that several processes share."""

    def __init__(self, directory: Path, max_bytes: int | None = None):
        self.directory = Path(directory)
        self.max_bytes = shared_bytes_setting() if max_bytes is None else max_bytes
        self._written = 0  # bytes this process has written since its last sweep
        self._lock = threading.Lock()

    def get(self, etag: str) -> tuple[str, bytes] | None:
        """The content type and body kept for `etag`, or None."""
        path = self._path(etag)
        if path is None:
            return None
        try:
            with open(path, "rb") as file:
                kept = file.read()
        except OSError:
            return None
        head, newline, body = kept.partition(b"\n")
        if not newline:
            return None
        try:
            content_type = json.loads(head)["type"]
        except (ValueError, KeyError, TypeError):
            return None
        return (content_type, body) if isinstance(content_type, str) else None

    def put(self, etag: str, content_type: str, body: bytes) -> None:
        """Keep a complete answer's body for `etag`; one too large for the ceiling is not kept."""
        path = self._path(etag)
        if path is None or len(body) * LARGEST_SHARE > self.max_bytes:
            return
        data = json.dumps({"type": content_type}).encode("ascii") + b"\n" + body
        # A name no other thread or worker writes at the same time (tempfile's random names cost
        # more than the write); only this user can read it.
        temporary = self.directory / f"{_WRITING}{os.getpid()}-{threading.get_ident()}"
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(handle, view) :]
            finally:
                os.close(handle)
            os.replace(temporary, path)
        except OSError:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            return  # a full disk or a removed directory: the answer is simply not kept
        with self._lock:
            self._written += len(data)
            due = self._written * SWEEP_SHARE > self.max_bytes
            if due:
                self._written = 0
        if due:
            self.sweep()

    def sweep(self) -> None:
        """Remove the oldest answers until what is kept is within KEPT_AFTER_SWEEP of the ceiling."""
        kept = []
        abandoned_before = time.time() - ABANDONED_AFTER
        try:
            with os.scandir(self.directory) as entries:
                for entry in entries:
                    if entry.name.startswith(_WRITING):
                        _remove_if_older(entry, abandoned_before)  # a worker stopped mid-write
                    elif entry.name.endswith(_SUFFIX):
                        try:
                            stat = entry.stat()
                        except OSError:
                            continue  # another worker removed it
                        kept.append((stat.st_mtime, stat.st_size, entry.path))
        except OSError:
            return
        total = sum(size for _, size, _ in kept)
        if total <= self.max_bytes:
            return
        kept.sort()
        for _, size, path in kept:
            if total <= self.max_bytes * KEPT_AFTER_SWEEP:
                break
            try:
                os.unlink(path)
            except OSError:
                pass  # another worker's sweep removed it first
            total -= size

    def total_bytes(self) -> int:
        """What the kept answers take on disk now."""
        return sum(path.stat().st_size for path in self.directory.glob("*" + _SUFFIX))

    def _path(self, etag: str) -> Path | None:
        if self.max_bytes <= 0 or not _NAME.fullmatch(etag):
            return None
        return self.directory / (etag + _SUFFIX)


def _remove_if_older(entry: os.DirEntry, moment: float) -> None:
    try:
        if entry.stat().st_mtime < moment:
            os.unlink(entry.path)
    except OSError:
        pass  # finished and renamed, or removed by another worker
