"""What the query service reads from an index generation, behind one small interface.

A search needs, from a generation's files: each term's posts and weights (`arrays`, `doc_ids`),
where its words stand (`position_keys`, `positions`), deleted posts, each post's stored fields,
body and field lengths, and the top k of a set of posts by BM25F (`top_k`, in `bm25f.py`, from
the postings). `Engine` gives exactly that, in two implementations:

- `plain`: Whoosh's public API only. The reference: it works with any Whoosh of the 2.7 line.
- `fast`: reads Whoosh-Reloaded 2.7.5's blocks, columns and pickles itself (`postings.py` reads
  a term's blocks at once, `storage.py` a post's stored fields straight from its column and every
  read with one `os.pread`); used only on the exact version it was written for, checked when a
  generation opens, else the plain one with a logged warning.

`postings.py` also holds the arrays of document numbers and places that matching works with
(unions, intersections, phrase starts), which both engines give.

`LGSEARCH_ENGINE=plain` chooses the reference on purpose (to rule the fast reader out when
something looks wrong). tests/engine/ holds both to one conformance suite.
"""

from __future__ import annotations

import logging
import os
from whoosh.filedb.filestore import FileStorage

from indexer.engine.bm25f import top_k
from indexer.engine.version import fast_reader_fits
from indexer.schema import body_reader

logger = logging.getLogger(__name__)

ENGINE_VARIABLE = "LGSEARCH_ENGINE"
ENGINES = ("fast", "plain")


class Engine:
    """One open reader's postings, stored fields, bodies and field lengths, read by `name`'s way."""

    def __init__(self, name: str, reader, folder=None):
        self.name = name
        self.reader = reader
        # The fast engine reads each segment's arrays from the generation's folder where it has
        # them (segment_arrays.py); the plain one reads only through Whoosh.
        postings = _way(name).postings
        self.postings = postings(reader, folder=folder) if name == "fast" else postings(reader)
        self._stored = self._bodies = None

    def stored_fields(self, docnum: int) -> dict:
        """A post's stored fields (its body is kept apart)."""
        if self._stored is None:
            self._stored = _way(self.name).stored_fields_reader(self.reader)
        return self._stored(docnum)

    def body(self, docnum: int) -> str:
        if self._bodies is None:
            self._bodies = body_reader(self.reader)
        return self._bodies(docnum)

    def field_lengths(self, field_name: str) -> bytes:
        """Each post's length in a text field, one byte each as Whoosh encodes it."""
        return _way(self.name).length_bytes(self.reader, field_name)

    def top_k(self, collection, q, docs: set[int], weights, count: int, deadline) -> list[tuple[int, float]] | None:
        """The `count` posts of `docs` with the highest BM25F score (times `weights`, by document
        number, when given), best first, as (document number, Whoosh's score); None for a query
        top-k does not score (the caller ranks those with Whoosh's searcher). `collection` is the
        open generation, for its statistics (see bm25f.py)."""
        return top_k(collection, q, docs, weights, count, deadline)


def chosen_engine() -> str:
    """The engine to use: `LGSEARCH_ENGINE` if set, else fast where Whoosh is the version the
    fast reader was written for."""
    wanted = os.environ.get(ENGINE_VARIABLE, "").strip().lower()
    if wanted and wanted not in ENGINES:
        logger.warning("%s=%s is not one of %s: choosing for this Whoosh", ENGINE_VARIABLE, wanted, ", ".join(ENGINES))
        wanted = ""
    if wanted:
        return wanted
    fits, why = fast_reader_fits()
    if not fits:
        logger.warning("Searching with Whoosh's plain reader, which is slower: %s", why)
        return "plain"
    return "fast"


def open_index(path, name: str):
    """The Whoosh index in the folder, its files read as engine `name` reads them: the fast
    engine with one `os.pread` a read; both with plain reads, never memory maps (see
    indexer/query/generation.py)."""
    if name == "fast":
        from indexer.engine.storage import PreadStorage as storage_class
    else:
        storage_class = FileStorage
    return storage_class(str(path), supports_mmap=False, readonly=True).open_index()


def _way(name: str):
    """The module that reads postings, stored fields and lengths for engine `name`."""
    if name == "plain":
        from indexer.engine import plain

        return plain
    from indexer.engine import fast

    return fast
