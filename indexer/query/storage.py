"""Reading a generation's files with one system call a read.

Whoosh reads a stored post, a column value or a word's postings with `get(position, length)`
on a part of a segment file. Without memory maps (see generation.py) that is a seek and a read
through three wrappers and Python's file buffer: ~2 µs of Python a read, several hundred reads a
search, and ~2,000 for a CSV download. Here `get` is one `os.pread` of the open file instead.
It also leaves the file's shared position alone, so no read depends on the seek before it.
Reads in sequence (`read`, `seek`) go through Whoosh's own wrappers as before.
"""
from __future__ import annotations

import os

from whoosh.filedb.compound import SubFile
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class PreadFile(StructFile):
    """A file, or the part of one from `start` for `length` bytes, whose reads at a position
    are each one `os.pread` of the whole file."""

    def __init__(self, fileobj, raw, start: int = 0, length: int | None = None, name=None, onclose=None):
        super().__init__(fileobj, name=name, onclose=onclose)
        self._raw = raw  # the open file of the whole segment
        self._fd = raw.fileno()
        self._start = start
        self._length = length

    def get(self, position: int, length: int) -> bytes:
        if self._length is not None and position + length > self._length:
            length = max(0, self._length - position)  # as a read of the part would stop
        return os.pread(self._fd, length, self._start + position)

    def subset(self, position: int, length: int, name=None) -> "PreadFile":
        start = self._start + position
        return PreadFile(SubFile(self._raw, start, length), self._raw, start, length, name or self._name)


class PreadStorage(FileStorage):
    """An index folder whose files, and the files within its compound segment files, are read
    with `os.pread`."""

    def open_file(self, name, **kwargs):
        opened = super().open_file(name, **kwargs)
        return PreadFile(opened.file, opened.file, name=name, onclose=opened.onclose)
