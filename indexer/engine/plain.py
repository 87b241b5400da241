"""The reference engine: a generation read through Whoosh's public API and nothing else.

Slower than the fast reader (a few Python calls a posting), but it needs no knowledge of how
Whoosh lays out its files, so it works with any Whoosh of the 2.7 line. tests/engine/ holds the
fast reader to what this one reads. Only live posts are ever seen here: Whoosh's matchers hide
deleted ones (the fast reader includes them, and its callers keep the live ones).
"""

from __future__ import annotations

import numpy as np
from whoosh.util.numeric import length_to_byte

from indexer.engine.kept import Kept

# The same bounds as the fast reader's (postings.py), so either holds as much.
KEEP_ARRAYS = 4_000_000
KEEP_POSITIONS = 40_000_000
DOC_SHIFT = 32  # a place is `document number << DOC_SHIFT | position`, as the fast reader's


class _Term:
    """One term's live posts, weights and (where the field keeps them) positions."""

    __slots__ = ("docs", "weights", "positions")

    def __init__(self, docs: np.ndarray, weights: np.ndarray, positions: list[list[int]] | None):
        self.docs, self.weights, self.positions = docs, weights, positions

    def size(self) -> int:
        return len(self.docs) + (sum(map(len, self.positions)) if self.positions else 0)


class PlainPostings:
    """Postings of an open reader, by Whoosh's matchers, with recently read terms kept."""

    def __init__(self, reader):
        self.reader = reader
        self._terms = Kept(KEEP_ARRAYS)
        self._places = Kept(KEEP_POSITIONS)
        self._deleted: set[int] | None = None

    @property
    def keep_positions(self) -> int:
        return self._places.bound

    @property
    def keep_arrays(self) -> int:
        return self._terms.bound

    def arrays(self, field_name: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The term's live document numbers (ascending) and weights."""
        term = self._term(field_name, text)
        return term.docs, term.weights

    def doc_ids(self, field_name: str, text: str, keep: bool = True) -> set[int]:
        """Every live document number with the term."""
        return set(self._term(field_name, text, keep).docs.tolist())

    def position_keys(self, field_name: str, text: str) -> np.ndarray:
        """Every place the term stands in a live post, as `document << DOC_SHIFT | position`, ascending."""

        def make():
            term = self._term(field_name, text)
            keys = [
                doc << DOC_SHIFT | position
                for doc, positions in zip(term.docs.tolist(), term.positions or ())
                for position in positions
            ]
            return np.array(keys, dtype=np.int64)

        return self._places.get((field_name, text), make, len)

    def positions(self, field_name: str, text: str, docs: list[int], limit: int | None = None) -> dict[int, list[int]]:
        """The term's positions in each of `docs` that has it; with a `limit`, only the first
        `limit` of each post's."""
        term = self._term(field_name, text)
        at = {doc: index for index, doc in enumerate(term.docs.tolist())}
        return {doc: list(term.positions[at[doc]][:limit]) for doc in docs if doc in at and term.positions}

    def deleted(self) -> set[int]:
        if self._deleted is None:
            self._deleted = set(range(self.reader.doc_count_all())) - set(self.reader.all_doc_ids())
        return self._deleted

    def _term(self, field_name: str, text: str, keep: bool = True) -> _Term:
        if not keep:
            return self._read(field_name, text)
        return self._terms.get((field_name, text), lambda: self._read(field_name, text), _Term.size)

    def _read(self, field_name: str, text: str) -> _Term:
        docs, weights, positions = [], [], []
        with_positions = self.reader.schema[field_name].format.supports("positions")
        if (field_name, text) in self.reader:
            matcher = self.reader.postings(field_name, text)
            while matcher.is_active():
                docs.append(matcher.id())
                weights.append(matcher.weight())
                if with_positions:
                    positions.append(matcher.value_as("positions"))
                matcher.next()
        return _Term(
            np.array(docs, dtype=np.int32), np.array(weights, dtype=np.float64), positions if with_positions else None
        )


def stored_fields_reader(reader):
    """Each post's stored fields by document number, as Whoosh's own call gives them."""
    return reader.stored_fields


def length_bytes(reader, field_name: str) -> bytes:
    """Each document's length in the field, in Whoosh's one-byte encoding, by document number."""
    return bytes(
        length_to_byte(reader.doc_field_length(docnum, field_name, 0) or 0) for docnum in range(reader.doc_count_all())
    )


postings = PlainPostings  # what `Engine` makes for a reader
