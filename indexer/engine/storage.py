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
from bisect import bisect_right
from zlib import decompress

from whoosh.codec.whoosh3 import STORED_COLUMN, W3PerDocReader
from whoosh.columns import CompressedBytesColumn, PickleColumn
from whoosh.filedb.compound import SubFile
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from indexer.safe_pickle import loads


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


def stored_fields_reader(reader):
    """Each post's stored fields by document number, `stored_fields_reader(reader)(docnum)`:
    Whoosh's `stored_fields` unpacked straight from its segment's stored column. Whoosh's own
    call also walks five wrappers and copies the fields into a new dict, checking each against
    the schema (~8 µs of a CSV row's ~22); the schema of a generation never changes. A reader
    whose segments are not stored this way is read through `stored_fields` as before."""
    leaves = list(reader.leaf_readers())
    columns = [_stored_column(leaf) for leaf, _ in leaves]
    if not leaves or any(column is None for column in columns):
        return reader.stored_fields
    bases = [base for _, base in leaves]

    def stored_fields(docnum: int) -> dict:
        at = bisect_right(bases, docnum) - 1
        column, docnum = columns[at], docnum - bases[at]
        length = column._lengths[docnum]
        if not length:
            return {}
        return loads(decompress(column._dbfile.get(column._basepos + column._offsets[docnum], length)))

    return stored_fields


def _stored_column(leaf):
    """The segment's column of compressed, pickled stored fields (Whoosh-Reloaded 2.7.5's
    W3 codec), or None when it is kept some other way."""
    per_doc = getattr(leaf, "_perdoc", None)
    if not isinstance(per_doc, W3PerDocReader):
        return None
    column = per_doc._cached_reader("_stored", STORED_COLUMN)
    if type(column) is not PickleColumn.Reader:
        return None
    child = column._child
    if type(child) is not CompressedBytesColumn.Reader or child._decompress is not decompress:
        return None
    return child
