"""A generation's postings and field lengths, read a block at a time, recent terms kept.

Walking Whoosh's matchers costs a few Python calls a posting, and at 20,000 posts a two-word
search has ~8,000 matches: most of a search's time went there. Whoosh stores postings in blocks
of up to 128 (document numbers, weights and positions, compressed); reading whole blocks is
several times faster, and a search reads the same term more than once (its matching posts, its
scores, a phrase's positions), as do searches after it. So each term's decoded blocks are kept,
up to a bound, for the life of the generation (whose files never change).

That reaches into Whoosh's block matcher (pinned as Whoosh-Reloaded 2.7.5); any other matcher is
read through its public per-posting calls instead, and tests check both ways agree.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate
from pickle import loads

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import length_to_byte

KEEP_POSTINGS = 400_000  # postings kept decoded, over all terms (~40 MB at most)
KEEP_POSITIONS = 8_000_000  # positions kept as arrays for phrases, over all terms (64 MB at most)
DOC_SHIFT = 32  # a position key is the document number shifted up this far, plus the position
PICKLED_LIST = b"\x80\x02]q\x00"  # how Whoosh's Positions format starts each posting's gaps
WALKED_BLOCK = 128


@dataclass
class Block:
    """Up to 128 postings of one term in one segment."""

    base: int  # the segment's first document number
    ids: "tuple | list"  # document numbers within the segment, ascending
    weights: "tuple | list"
    values: "tuple | list"  # each posting's encoded positions
    last: int  # the highest id, to skip the block without reading it again


class TermPostings:
    """One term's postings in every segment, decoded."""

    def __init__(self, blocks: list[Block], decode):
        self.blocks = blocks
        self.size = sum(len(block.ids) for block in blocks)
        self._decode = decode
        self._lasts = [block.base + block.last for block in blocks]
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (ascending, deleted posts included) and weights, as arrays."""
        if self._arrays is None:
            if not self.blocks:
                self._arrays = np.zeros(0, dtype=np.int64), np.zeros(0)
            else:
                self._arrays = (
                    np.concatenate([np.asarray(block.ids, dtype=np.int64) + block.base for block in self.blocks]),
                    np.concatenate([np.asarray(block.weights, dtype=np.float64) for block in self.blocks]))
        return self._arrays

    def positions(self, docs: list[int]) -> dict[int, list[int]]:
        """The term's positions in each of `docs` that has it."""
        return {doc: list(positions) for doc, positions in self.each_positions(docs)}

    def each_positions(self, docs: list[int]):
        """(doc, its positions as an iterable) for each of `docs` that has the term, in order."""
        blocks, lasts, decode = self.blocks, self._lasts, self._decode
        for doc in docs:
            at = bisect_left(lasts, doc)
            if at == len(blocks):
                continue
            block = blocks[at]
            local = doc - block.base
            i = bisect_left(block.ids, local)
            if i < len(block.ids) and block.ids[i] == local:
                yield doc, decode(block.values[i])


class Postings:
    """Postings of an open generation's reader, with recently read terms kept decoded."""

    def __init__(self, reader, keep: int = KEEP_POSTINGS):
        self.reader = reader
        self.keep = keep
        self._terms: OrderedDict[tuple[str, str], TermPostings] = OrderedDict()
        self._held = 0
        self._keys: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._held_keys = 0
        self._deleted: set[int] | None = None

    def term(self, field_name: str, text: str, keep: bool = True) -> TermPostings:
        """The term's postings, decoded; kept for later searches unless `keep` is False (terms
        read once, as when a generation's facet values are read)."""
        key = (field_name, text)
        found = self._terms.get(key)
        if found is not None:
            self._terms.move_to_end(key)
            return found
        found = TermPostings(list(self._read(field_name, text)), _decoder(self.reader, field_name))
        if not keep:
            return found
        self._terms[key] = found
        self._held += found.size
        while self._held > self.keep and len(self._terms) > 1:
            _, dropped = self._terms.popitem(last=False)
            self._held -= dropped.size
        return found

    def position_keys(self, field_name: str, text: str) -> np.ndarray:
        """Every place the term stands, as `document number << DOC_SHIFT | position`, ascending
        (deleted posts included). A phrase is then matched by comparing whole arrays in C,
        where checking its posts one by one in Python took most of a phrase search's time."""
        key = (field_name, text)
        found = self._keys.get(key)
        if found is not None:
            self._keys.move_to_end(key)
            return found
        found = _position_keys(self.term(field_name, text))
        self._keys[key] = found
        self._held_keys += len(found)
        while self._held_keys > KEEP_POSITIONS and len(self._keys) > 1:
            _, dropped = self._keys.popitem(last=False)
            self._held_keys -= len(dropped)
        return found

    def doc_ids(self, field_name: str, text: str, keep: bool = True) -> set[int]:
        """Every live document number with the term."""
        found: set[int] = set()
        for block in self.term(field_name, text, keep).blocks:
            found.update(block.ids if block.base == 0 else [block.base + local for local in block.ids])
        return found - self.deleted() if self.deleted() else found

    def deleted(self) -> set[int]:
        if self._deleted is None:
            self._deleted = {base + docnum for leaf, base in self.reader.leaf_readers()
                             if leaf.has_deletions() for docnum in leaf.deleted_docs_set}
        return self._deleted

    def _read(self, field_name: str, text: str):
        for leaf, base in self.reader.leaf_readers():
            if (field_name, text) not in leaf:
                continue
            matcher = leaf.postings(field_name, text)
            if isinstance(matcher, FilterMatcher):  # Whoosh's way of hiding deleted posts
                matcher = matcher.child
            if type(matcher) is W3LeafMatcher:
                yield from _stored_blocks(matcher, base)
            else:
                yield from _walked_blocks(matcher, base)


def _stored_blocks(matcher: W3LeafMatcher, base: int):
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        yield Block(base, matcher._ids, matcher._weights, matcher._values, matcher.block_max_id())
        matcher._next_block()


def _walked_blocks(matcher, base: int):
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value())
        if len(ids) == WALKED_BLOCK:
            yield Block(base, ids, weights, values, ids[-1])
            ids, weights, values = [], [], []
        matcher.next()
    if ids:
        yield Block(base, ids, weights, values, ids[-1])


def _decoder(reader, field_name: str):
    """How to read a posting's positions: Whoosh's own decoding, or a faster copy of it."""
    field_format = reader.schema[field_name].format
    if type(field_format) is Positions:
        return _decoded_positions
    return lambda value: field_format.decode_as("positions", value)


def _decoded_positions(value: bytes):
    """Whoosh's Positions.decode_positions, with the running sum done by itertools in C."""
    if not value.endswith(b"."):
        value += b"."
    return accumulate(loads(value[_INT_SIZE:]))


def _position_keys(term: TermPostings) -> np.ndarray:
    if term._decode is _decoded_positions:
        try:
            return _stored_position_keys(term.blocks)
        except ValueError:  # not laid out as expected: decode posting by posting instead
            pass
    keys = [(block.base + local) << DOC_SHIFT | position for block in term.blocks
            for local, value in zip(block.ids, block.values) for position in term._decode(value)]
    return np.array(keys, dtype=np.int64)


def _stored_position_keys(blocks: list[Block]) -> np.ndarray:
    """Position keys from Whoosh's encoding (a 4-byte count, then a pickled list of gaps), with
    one unpickling for every posting of the term: each posting's list is opened into one list."""
    counts, gaps, docs = [], [], []
    for block in blocks:
        values = block.values
        if not all(value.startswith(PICKLED_LIST, _INT_SIZE) for value in values):
            raise ValueError("positions not stored as a pickled list")
        counts.append(b"".join(value[:_INT_SIZE] for value in values))
        body = len(PICKLED_LIST) + _INT_SIZE
        gaps.append(b"".join(value[body:-1] if value.endswith(b".") else value[body:] for value in values))
        docs.append(np.asarray(block.ids, dtype=np.int64) + block.base)
    if not blocks:
        return np.zeros(0, dtype=np.int64)
    per_posting = np.frombuffer(b"".join(counts), dtype=">i4").astype(np.int64)
    flat = np.array(loads(b"\x80\x02]" + b"".join(gaps) + b"."), dtype=np.int64)
    if len(flat) != per_posting.sum():
        raise ValueError("position counts do not match")
    running = np.cumsum(flat)
    before = np.concatenate(([0], running))[np.cumsum(per_posting) - per_posting]
    positions = running - np.repeat(before, per_posting)
    return np.repeat(np.concatenate(docs), per_posting) << DOC_SHIFT | positions


def phrase_starts(keys: list[np.ndarray]) -> np.ndarray:
    """The keys (as position_keys) of each place where the words, whose keys are given in the
    phrase's order, stand side by side: the rarest word's places, kept where each other word
    stands at the right distance from them."""
    order = sorted(range(len(keys)), key=lambda at: len(keys[at]))
    starts = keys[order[0]] - order[0]
    for offset in order[1:]:
        others = keys[offset]
        if not len(starts) or not len(others):
            return starts[:0]
        wanted = starts + offset
        at = np.minimum(np.searchsorted(others, wanted), len(others) - 1)
        starts = starts[others[at] == wanted]
    return starts


def bits_of(docs, size: int) -> int:
    """A set of document numbers as an integer with those bits set: sets of many posts are
    then intersected and counted in C (facets.py)."""
    packed = bytearray((size + 7) // 8)
    for docnum in docs:
        packed[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(packed, "little")


def length_bytes(reader, field_name: str) -> bytes:
    """Each document's length in the field, in Whoosh's one-byte encoding, indexed by document
    number across segments: one byte a post, where a list of numbers would take 32."""
    return b"".join(_leaf_length_bytes(leaf, field_name) for leaf, _ in reader.leaf_readers())


def _leaf_length_bytes(leaf, field_name: str) -> bytes:
    count = leaf.doc_count_all()
    column = getattr(getattr(leaf, "_perdoc", None), "_cached_reader", None)
    if column is not None:
        lengths = column(_lenfield(field_name), LENGTHS_COLUMN)
        if lengths is None:
            return bytes(count)
        if hasattr(lengths, "_dbfile") and getattr(lengths, "_fixedlen", None) == 1:
            stored = lengths._dbfile.get(lengths._basepos, min(lengths._count, count))
            return bytes(stored) + bytes(count - len(stored))
    return bytes(length_to_byte(leaf.doc_field_length(docnum, field_name, 0) or 0) for docnum in range(count))
