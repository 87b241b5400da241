"""Reading the index's pickles without running code from its files.

Whoosh keeps the table of contents (the schema and the list of segments), each segment's
directory, stored fields and postings as pickles, and a pickle may name any function for the
reader to call: a rewritten `_MAIN_1.toc` ran a command in every process that opened the index.
Here the unpickler admits only the classes and functions an lgsearch index holds (found by
reading what Whoosh and lgsearch write; `tests/test_safe_pickle.py` holds the list to what a real
index uses), and `install()` puts it in place of every unpickling call Whoosh makes. Importing
`indexer` installs it, so no entry point can open an index without it.

Anything else named in a pickle raises `ForbiddenInIndex`, which the query service and `publish`
report as a damaged index.
"""

from __future__ import annotations

import importlib
import pickle
import re
import threading
import types
from collections import defaultdict

__all__ = ["ForbiddenInIndex", "IndexUnpickler", "loads", "load", "install"]


class ForbiddenInIndex(pickle.UnpicklingError):
    """A pickle in the index names something no lgsearch index holds: it was not written by
    lgsearch, and is not run."""

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name
        super().__init__(f"a file of the index names {module}.{name}, which no lgsearch index holds")


# `_codecs.encode(text, "latin1")` is how protocol 2 pickles write bytes (Whoosh's postings
# blocks: one call a posting). It is answered by `str.encode`, a call in C: a function of ours
# checking its arguments was a quarter of reading a rare word's postings at 100,000 posts. It
# makes bytes from text and nothing else: anything but text raises TypeError, a codec that is
# not a text encoding (rot13, zlib, base64) LookupError, and IndexUnpickler.load reports both as
# an unpickling error. Another text encoding only makes other bytes, as a pickle of protocol 3
# can hold any bytes directly.
_text_to_bytes = str.encode


# (module, name) as written in the pickle -> where it is found. Only what an index holds:
# - the table of contents: the schema (its field types, formats, analyzers and columns, lgsearch's
#   own filters and position format among them) and the list of segments with their codec;
# - postings blocks, pickled by Whoosh with protocol 2, write bytes as `_codecs.encode`;
# - a segment's field lengths are a defaultdict(int); a tokenizer keeps a compiled pattern.
# Stored fields, column values, compound-file directories and postings are plain lists, dicts,
# strings, numbers and bytes, which a pickle makes without naming anything.
_ADMITTED_NAMES = {
    ("whoosh.fields", "Schema"),
    ("whoosh.fields", "TEXT"),
    ("whoosh.fields", "ID"),
    ("whoosh.fields", "KEYWORD"),
    ("whoosh.fields", "STORED"),
    ("whoosh.fields", "COLUMN"),
    ("whoosh.formats", "Existence"),
    ("whoosh.formats", "Frequency"),
    ("whoosh.formats", "Positions"),
    ("whoosh.columns", "CompressedBytesColumn"),
    ("whoosh.columns", "VarBytesColumn"),
    ("whoosh.analysis.analyzers", "CompositeAnalyzer"),
    ("whoosh.analysis.filters", "LowercaseFilter"),
    ("whoosh.analysis.tokenizers", "IDTokenizer"),
    ("whoosh.analysis.tokenizers", "RegexTokenizer"),
    ("whoosh.codec.whoosh3", "W3Codec"),
    ("whoosh.codec.whoosh3", "W3Segment"),
    ("indexer.analysis", "SectorTextFilter"),
    ("indexer.schema", "PackedPositions"),
    ("indexer.schema", "ValueKeyFilter"),
    ("builtins", "int"),
    ("collections", "defaultdict"),
    ("re", "_compile"),
    ("_codecs", "encode"),
}
_STAND_INS = {("_codecs", "encode"): _text_to_bytes, ("collections", "defaultdict"): defaultdict}
_admitted: dict[tuple[str, str], object] = {}
_admitted_lock = threading.Lock()


def admitted() -> dict[tuple[str, str], object]:
    """Each admitted (module, name) and the object it stands for, resolved once."""
    if len(_admitted) < len(_ADMITTED_NAMES):
        with _admitted_lock:
            for module, name in _ADMITTED_NAMES:
                found = _STAND_INS.get((module, name))
                if found is None:
                    found = getattr(importlib.import_module(module), name)
                _admitted[module, name] = found
    return _admitted


class IndexUnpickler(pickle.Unpickler):
    """An unpickler that makes only the objects an index holds: it never imports a module or
    calls a function the pickle names unless it is one of those."""

    def find_class(self, module, name):
        found = (_admitted or admitted()).get((module, name))
        if found is None:
            raise ForbiddenInIndex(module, name)
        return found

    def load(self):
        try:
            return super().load()
        except (LookupError, TypeError) as error:  # bytes made from something other than text
            raise pickle.UnpicklingError(f"a file of the index makes an object in an unexpected way: {error}") from None

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("a file of the index refers to an object outside it")


class _Bytes:
    """A bytes object as the file an unpickler reads: `peek` hands it the rest at once, so it
    reads a pickle of many small parts (protocol 2 has no frames) with no call a part."""

    __slots__ = ("_data", "_at")

    def __init__(self, data: bytes):
        self._data = data
        self._at = 0

    def peek(self, size=0):
        return self._data[self._at :]

    def read(self, size=-1):
        start = self._at
        self._at = len(self._data) if size is None or size < 0 else min(start + size, len(self._data))
        return self._data[start : self._at]

    def readinto(self, buffer):
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def readline(self, size=-1):
        found = self._data.find(b"\n", self._at)
        return self.read(-1 if found < 0 else found + 1 - self._at)


# The opcodes by which a pickle names a module's object: GLOBAL `c`, INST `i`, STACK_GLOBAL, EXT1-4.
# A pickle without any of these bytes names nothing, and so can make only plain data (strings,
# numbers, bytes, lists, tuples, dicts, sets): every other way to call or build an object needs
# one named first (persistent ids fail, as pickle.loads has no persistent_load). The bytes also
# occur inside data, so most pickles with text still go through IndexUnpickler; small ones of
# numbers (positions, postings of one word) are read by pickle.loads itself, ~8 times faster.
_MAY_NAME = re.compile(rb"[ci\x93\x82-\x84]").search


def loads(data, /, **_ignored):
    """`pickle.loads` for data read from the index."""
    if not isinstance(data, bytes):
        data = bytes(data)
    if _MAY_NAME(data) is None:
        return pickle.loads(data)
    return IndexUnpickler(_Bytes(data)).load()


def load(file, /, **_ignored):
    """`pickle.load` for a file of the index."""
    return IndexUnpickler(file).load()


# `pickle` as Whoosh's modules see it once installed: writing as before, reading through IndexUnpickler.
_pickle_for_whoosh = types.ModuleType("pickle", "pickle, reading through indexer.safe_pickle")
_pickle_for_whoosh.__dict__.update({key: value for key, value in vars(pickle).items() if not key.startswith("__")})
_pickle_for_whoosh.__dict__.update(load=load, loads=loads, Unpickler=IndexUnpickler, _Unpickler=IndexUnpickler)

# Every Whoosh module that unpickles, and so every one whose names install() replaces.
# tests/test_safe_pickle.py imports all of Whoosh and fails on any other module that can unpickle.
WHOOSH_MODULES = (
    "whoosh.compat",
    "whoosh.index",
    "whoosh.formats",
    "whoosh.columns",
    "whoosh.externalsort",
    "whoosh.codec.whoosh3",
    "whoosh.codec.whoosh2",
    "whoosh.codec.plaintext",
    "whoosh.filedb.structfile",
    "whoosh.filedb.misc",
    "whoosh.filedb.fileindex",
    "whoosh.multiproc",
    "whoosh.util.loading",
    "whoosh.legacy",
)
_REPLACEMENTS = (
    (pickle.loads, loads),
    (pickle.load, load),
    (pickle, _pickle_for_whoosh),
    (pickle.Unpickler, IndexUnpickler),
    (pickle._Unpickler, IndexUnpickler),
)


def _replacement(value):
    return next((new for old, new in _REPLACEMENTS if value is old), None)


def unpickling_names(module) -> list[str]:
    """The names in a module bound to Python's own unpickling (what install() replaces)."""
    return [name for name, value in vars(module).items() if _replacement(value) is not None]


def install() -> None:
    """Make every Whoosh module read pickles through IndexUnpickler. Idempotent."""
    for module_name in WHOOSH_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # a module this Whoosh does not have cannot read anything
            continue
        for name in unpickling_names(module):
            setattr(module, name, _replacement(getattr(module, name)))
    legacy = importlib.import_module("whoosh.legacy")
    # Tables of contents of Whoosh's 2011 format are read with an unpickler that admits anything;
    # lgsearch never wrote one, so they are not read at all ("Can't read format", a damaged index).
    legacy.toc_loaders.clear()
    legacy.RenamingUnpickler = None
