"""A generation's postings, field lengths and word places, read a block at a time and kept.

Walking Whoosh's matchers costs a few Python calls a posting, and at 20,000 posts a two-word
search has ~8,000 matches: most of a search's time went there. Whoosh stores postings in blocks
of up to 128 (document numbers, weights and positions, compressed); a term's postings are read
in one go and parsed whole. What searches use is then kept, each up to a bound, for the life of
the generation (whose files never change): the blocks as read, briefly; each term's document
numbers and weights as numpy arrays (matching sets and bm25f.py); and a word's places as one
sorted array of `document << 32 | position`, so a phrase is matched by comparing arrays in C
(phrase_starts) instead of checking posts one by one, and nearness scores look places up; a
word's document numbers and weights are kept beside its places, for scoring it.

That reaches into Whoosh's block matcher and its Positions encoding (pinned as Whoosh-Reloaded
2.7.5); any other matcher or format is read through public per-posting calls instead, and tests
check both ways agree with Whoosh.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from itertools import accumulate, chain

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.filedb.structfile import BufferFile
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import length_to_byte

from indexer.engine.kept import Kept as _Kept
from indexer.engine.segment_arrays import SegmentArrays
from indexer.safe_pickle import loads
from indexer.schema import PackedPositions

logger = logging.getLogger(__name__)

KEEP_POSTINGS = 400_000  # postings kept as read, in blocks, over all terms (~40 MB at most)
KEEP_ARRAYS = 4_000_000  # postings kept as arrays of document numbers and weights (48 MB at most)
KEEP_POSITIONS = 40_000_000  # places kept for phrases, over all terms, with each word's postings
# beside its places counted one each (~320 MB at most: a common word has many places a posting).
# At 100,000 posts, 32 million held the places of the 16 commonest words; 40 million holds more
# of the words phrases are made of (phrase p95 184 -> 118 ms in the benchmark's order, and a
# worker's memory after the searches 676 -> 690 MB).
KEEP_NEAR_POSITIONS = 8_000_000  # and for nearness scores alone (~64 MB at most), apart, so that
# the many words searched for do not push out the common words phrases need
LOOK_AGAIN = 2.0  # seconds between looks for the arrays of segments that had none
# What a worker keeps of its own beside the shared files when every segment has its arrays
# (segment_arrays.py): a word's places are then made again from them by numpy alone, where
# without them they are unpickled from Whoosh's blocks, so a worker keeps a fifth as many.
KEEP_OWN_POSITIONS = 8_000_000  # ~64 MB at most
KEEP_OWN_NEAR_POSITIONS = 2_000_000  # ~16 MB at most
DOC_SHIFT = 32  # a position key is the document number shifted up this far, plus the position
POSITION_BITS = (1 << DOC_SHIFT) - 1
MERGE_FROM = 8  # compare two arrays of places by merging once the shorter is an eighth as long
PICKLED_LIST = b"\x80\x02]q\x00"  # how Whoosh's Positions format starts each posting's gaps
WALKED_BLOCK = 128


@dataclass
class Block:
    """Up to 128 postings of one term in one segment."""

    base: int  # the segment's first document number
    ids: "tuple | list"  # document numbers within the segment, ascending
    weights: "tuple | list"
    values: "tuple | list"  # each posting's encoded positions


class TermPostings:
    """One term's postings in every segment, decoded."""

    def __init__(self, blocks: list[Block], decode):
        self.blocks = blocks
        self.size = sum(len(block.ids) for block in blocks)
        self._decode = decode

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (ascending, deleted posts included) and weights, as arrays."""
        return _joined(
            [np.asarray(block.ids, dtype=np.int32) + block.base for block in self.blocks],
            [np.asarray(block.weights, dtype=np.float64) for block in self.blocks],
        )


def _joined(docs: list[np.ndarray], weights: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A term's document numbers (int32) and weights (float64) from its parts, one a segment or
    block, in order; empty arrays of those types when there are none."""
    if not docs:
        return np.zeros(0, dtype=np.int32), np.zeros(0)
    if len(docs) == 1:
        return docs[0], weights[0]
    return np.concatenate(docs), np.concatenate(weights)


@dataclass
class Places:
    """Every place a word stands (position keys), and beside them its document numbers and
    weights: a phrase's words are scored as well as matched, and reading a common word's postings
    again for its scores, once its arrays had been dropped, was the slowest part of the slowest
    phrases at 100,000 posts (the arrays take a small part of the room of the places)."""

    keys: np.ndarray
    arrays: tuple[np.ndarray, np.ndarray]

    def size(self) -> int:
        return len(self.keys) + len(self.arrays[0])


class Postings:
    """Postings of an open generation's reader, with recently read terms kept decoded: whole
    blocks for a while, and for longer what searches use (document numbers and weights as
    arrays, and the places of the words of phrases)."""

    def __init__(self, reader, keep: int = KEEP_POSTINGS, folder=None):
        self.reader = reader
        # Each segment's arrays (segment_arrays.py) where the generation's folder has them.
        self._folder = folder
        self._leaves = list(reader.leaf_readers())
        self._files = [_segment_arrays(folder, leaf) for leaf, _ in self._leaves]
        # Segments with no arrays yet, looked for again now and then (see _has_arrays).
        self._absent = {
            number
            for number, ((leaf, _), files) in enumerate(zip(self._leaves, self._files))
            if files is None
            and folder is not None
            and leaf.segment() is not None
            and not SegmentArrays.written(folder, leaf.segment().segment_id())
        }
        self._looked = time.monotonic()
        self._terms = _Kept(keep)
        self._arrays = _Kept(KEEP_ARRAYS)
        self._keys = _Kept(KEEP_POSITIONS)
        self._near_keys = _Kept(KEEP_NEAR_POSITIONS)
        self._deleted: set[int] | None = None
        # Words whose places and arrays come from files every worker maps (see share()).
        self.shared_places: dict[tuple[str, str], Places] = {}
        self.shared_arrays: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}

    def share(self, places: dict[tuple[str, str], Places], arrays: dict[tuple[str, str], tuple]) -> None:
        """Use these places and arrays (views of memory-mapped files the system shares between
        processes) for their words from now on, instead of reading and keeping a copy. They count
        against the room for places and arrays as the copies did, so a worker keeps no more of
        its own than before; what it keeps of its own then drops out."""
        self.shared_places, self.shared_arrays = places, arrays
        held_places = sum(kept.size() for kept in places.values())
        held_arrays = sum(len(docs) for docs, _ in arrays.values())
        if all(self._files):  # a word's places are made from its segments' arrays in C: keep fewer
            self._keys = _Kept(KEEP_OWN_POSITIONS)
            self._near_keys = _Kept(KEEP_OWN_NEAR_POSITIONS)
        else:
            self._keys = _Kept(max(KEEP_POSITIONS // 4, KEEP_POSITIONS - held_places))
            self._near_keys = _Kept(KEEP_NEAR_POSITIONS)
        self._arrays = _Kept(max(KEEP_ARRAYS // 4, KEEP_ARRAYS - held_arrays))
        self._terms = _Kept(self._terms.bound)

    def kept_words(self) -> tuple[dict, dict]:
        """The places and arrays kept now, by (field, word): what share() takes."""
        return dict(self._keys.items()), dict(self._arrays.items())

    @property
    def keep_positions(self) -> int:
        """How many phrase places are kept, over all terms."""
        return self._keys.bound

    @property
    def keep_arrays(self) -> int:
        """How many postings are kept as arrays, over all terms."""
        return self._arrays.bound

    def term(self, field_name: str, text: str, keep: bool = True) -> TermPostings:
        """The term's postings, decoded; kept for later searches unless `keep` is False (terms
        read once, as when a generation's facet values are read)."""

        def read():
            return TermPostings(list(self._read(field_name, text)), _decoder(self.reader, field_name))

        if not keep:
            return read()
        return self._terms.get((field_name, text), read, lambda term: term.size)

    def arrays(self, field_name: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The term's document numbers (ascending, deleted posts included) and weights."""
        key = (field_name, text)
        shared = self.shared_arrays.get(key) or self.shared_places.get(key)
        if shared is not None:
            return shared if type(shared) is tuple else shared.arrays
        return self._arrays.get(key, lambda: self._arrays_of(key), lambda arrays: len(arrays[0]))

    def _arrays_of(self, key: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
        places = self.shared_places.get(key) or self._keys.peek(key) or self._near_keys.peek(key)
        if places is not None:
            return places.arrays
        return self._read_arrays(key)

    def _read_arrays(self, key: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
        """The term's document numbers and weights, from each segment's arrays where it has
        them, else from its blocks."""
        if not self._has_arrays():
            return self.term(*key).arrays()
        docs, weights = [], []
        for leaf_number, number in self._numbers(key):
            leaf, base = self._leaves[leaf_number]
            if number is None:
                leaf_docs, leaf_weights = TermPostings(list(leaf_blocks(leaf, *key, base)), None).arrays()
            else:
                leaf_docs, leaf_weights = self._segment_postings(leaf_number, number)
            docs.append(leaf_docs)
            weights.append(leaf_weights)
        return _joined(docs, weights)

    def _segment_postings(self, leaf_number: int, number: int) -> tuple[np.ndarray, np.ndarray]:
        """A term's document numbers (across segments) and weights, as arrays() gives them, from
        one segment's arrays."""
        docs, weights = self._files[leaf_number].postings(number)
        return docs + np.int32(self._leaves[leaf_number][1]), np.asarray(weights, dtype=np.float64)

    def segments_read_from_arrays(self) -> list[bool]:
        """For each segment, whether its postings are read from its arrays (segment_arrays.py)."""
        self._has_arrays()
        return [files is not None for files in self._files]

    def _has_arrays(self) -> bool:
        """Whether any segment is read from its arrays. A segment an incremental reindex made
        gets its arrays just after the commit that servers follow at once, so those still
        missing are looked for again, at most every LOOK_AGAIN seconds."""
        now = time.monotonic()
        if self._absent and now - self._looked >= LOOK_AGAIN:
            self._looked = now
            for leaf_number in list(self._absent):
                leaf = self._leaves[leaf_number][0]
                if SegmentArrays.written(self._folder, leaf.segment().segment_id()):
                    self._absent.discard(leaf_number)  # looked at once: arrays that do not check out are not again
                    self._files[leaf_number] = _segment_arrays(self._folder, leaf)
        return any(self._files)

    def _numbers(self, key: tuple[str, str]):
        """(segment, the term's number in the segment's arrays, or None to read its blocks) of
        each segment with the term. Whoosh's own term index says which segments have it and how
        many postings: arrays that disagree are not used again."""
        field_name, text = key
        term = None  # the term as the segments' arrays hold it, made once
        for leaf_number, (leaf, _) in enumerate(self._leaves):
            try:
                info = leaf.term_info(field_name, text)
            except TermNotFound:
                continue
            files = self._files[leaf_number]
            if files is None:
                yield leaf_number, None
                continue
            if term is None:
                term = text if isinstance(text, bytes) else self.reader.schema[field_name].to_bytes(text)
            number = files.find(field_name, term)
            if number is None or files.count(number) != info.doc_frequency() or not files.in_segment(number):
                logger.warning(
                    "The arrays of segment %s do not match its postings; reading its blocks instead",
                    leaf.segment().segment_id(),
                )
                self._files[leaf_number] = None
                yield leaf_number, None
                continue
            yield leaf_number, number

    def position_keys(self, field_name: str, text: str) -> np.ndarray:
        """Every place the term stands, as `document number << DOC_SHIFT | position`, ascending
        (deleted posts included). A phrase is then matched by comparing whole arrays in C,
        where checking its posts one by one in Python took most of a phrase search's time."""
        key = (field_name, text)
        shared = self.shared_places.get(key)
        if shared is not None:
            return shared.keys
        made = self._near_keys.peek(key)  # made for nearness scores already: kept from now on here
        return self._keys.get(key, lambda: made if made is not None else self._made_places(key), Places.size).keys

    def _made_places(self, key: tuple[str, str]) -> Places:
        if self._has_arrays():
            places = self._places_from_files(key)
            if places is not None:
                return places
        term = self.term(*key)
        arrays = term.arrays()
        return Places(_position_keys(term, arrays[0]), arrays)

    def _places_from_files(self, key: tuple[str, str]) -> Places | None:
        """The term's places from its segments' arrays; None when one of them lacks them."""
        docs, weights, keys = [], [], []
        for leaf_number, number in self._numbers(key):
            kept = self._files[leaf_number].places(key[0], number) if number is not None else None
            if kept is None:
                return None
            leaf_docs, leaf_weights = self._segment_postings(leaf_number, number)
            counts, places = kept
            docs.append(leaf_docs)
            weights.append(leaf_weights)
            keys.append((np.repeat(leaf_docs.astype(np.int64), counts) << DOC_SHIFT) | places)
        return Places(np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64), _joined(docs, weights))

    def positions(self, field_name: str, text: str, docs: list[int], limit: int | None = None) -> dict[int, list[int]]:
        """The term's positions in each of `docs` that has it, from its places. Nearness scores
        want a page's worth of posts, but the places are made for all and kept: they take a
        tenth of the room of the postings they come from, and the next search with the word
        needs them again (reading its postings again was a fifth of a search's time). With a
        `limit`, only the first `limit` positions of each post (a long report's are many)."""
        key = (field_name, text)
        places = self.shared_places.get(key) or self._keys.peek(key)
        if places is None:
            places = self._near_keys.get(key, lambda: self._made_places(key), Places.size)
        keys = places.keys
        firsts = np.asarray(docs, dtype=np.int64) << DOC_SHIFT
        starts = np.searchsorted(keys, firsts)
        counts = np.searchsorted(keys, firsts + (1 << DOC_SHIFT)) - starts
        if limit is not None:
            np.minimum(counts, limit, out=counts)
        # Every wanted place in one array, made a list once: a list a post was most of the time here.
        places = (keys[runs(starts, counts)] & POSITION_BITS).tolist()
        found, at = {}, 0
        for doc, count in zip(docs, counts.tolist()):
            if count:
                found[doc] = places[at : at + count]
                at += count
        return found

    def doc_ids(self, field_name: str, text: str, keep: bool = True) -> set[int]:
        """Every live document number with the term."""
        if keep:
            found = set(self.arrays(field_name, text)[0].tolist())
        elif self._has_arrays():
            found = set(self._read_arrays((field_name, text))[0].tolist())
        else:
            found = set()
            for block in self.term(field_name, text, keep).blocks:
                found.update(block.ids if block.base == 0 else [block.base + local for local in block.ids])
        return found - self.deleted() if self.deleted() else found

    def deleted(self) -> set[int]:
        if self._deleted is None:
            self._deleted = {
                base + docnum
                for leaf, base in self.reader.leaf_readers()
                if leaf.has_deletions()
                for docnum in leaf.deleted_docs_set
            }
        return self._deleted

    def _read(self, field_name: str, text: str):
        for leaf, base in self._leaves:
            if (field_name, text) in leaf:
                yield from leaf_blocks(leaf, field_name, text, base)


def leaf_blocks(leaf, field_name: str, text, base: int = 0):
    """One segment's blocks of the term (which it must have), deleted posts included."""
    matcher = leaf.postings(field_name, text)
    if isinstance(matcher, FilterMatcher):  # Whoosh's way of hiding deleted posts
        matcher = matcher.child
    if type(matcher) is W3LeafMatcher:
        yield from _stored_blocks(_in_memory(matcher), base)
    else:
        yield from _walked_blocks(matcher, base)


def _segment_arrays(folder, leaf) -> SegmentArrays | None:
    segment = leaf.segment() if folder is not None else None
    if segment is None:
        return None
    return SegmentArrays.open(folder, segment.segment_id(), leaf.doc_count_all())


def places_reader(schema, field_name: str):
    """How to read the places of many postings of the field at once (see _PLACES_AT_ONCE), or
    None for a field whose places are not read that way (or that keeps none)."""
    field_format = schema[field_name].format
    if not field_format.supports("positions"):
        return None
    if type(field_format) is Positions:
        return _pickled_places
    if type(field_format) is PackedPositions:
        return _packed_places
    return None


def _in_memory(matcher: W3LeafMatcher) -> W3LeafMatcher:
    """The same matcher over its term's postings read in one go: Whoosh reads each block's
    length, header and data in several small reads, each a seek and a read of the file."""
    length = matcher._length
    if isinstance(length, tuple):  # Whoosh reads it from the term info as a 1-tuple
        length = length[0]
    data = matcher._postfile.get(matcher._startoffset, length)
    return W3LeafMatcher(
        BufferFile(data), 0, length, matcher.format, term=matcher._term, byteids=matcher._byteids, scorer=matcher.scorer
    )


def _stored_blocks(matcher: W3LeafMatcher, base: int):
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        yield Block(base, matcher._ids, matcher._weights, matcher._values)
        matcher._next_block()


def _walked_blocks(matcher, base: int):
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value())
        if len(ids) == WALKED_BLOCK:
            yield Block(base, ids, weights, values)
            ids, weights, values = [], [], []
        matcher.next()
    if ids:
        yield Block(base, ids, weights, values)


def _decoder(reader, field_name: str):
    """How to read a posting's positions: Whoosh's own decoding, or a faster copy of it."""
    field_format = reader.schema[field_name].format
    if type(field_format) is Positions:
        return _decoded_positions
    if type(field_format) is PackedPositions:
        return field_format.decode_positions
    return lambda value: field_format.decode_as("positions", value)


def _decoded_positions(value: bytes):
    """Whoosh's Positions.decode_positions, with the running sum done by itertools in C."""
    if not value.endswith(b"."):
        value += b"."
    return accumulate(loads(value[_INT_SIZE:]))


def _position_keys(term: TermPostings, docs: np.ndarray | None = None) -> np.ndarray:
    """The term's position keys; `docs`, when given, are its document numbers (as arrays())."""
    read = _PLACES_AT_ONCE.get(getattr(term._decode, "__func__", term._decode))
    if read is not None and term.size:
        try:
            per_posting, places = read(*joined_values(term.blocks))
        except ValueError:  # not laid out as expected: decode posting by posting instead
            pass
        else:
            if docs is None:
                docs = term.arrays()[0]
            keys = np.repeat(docs.astype(np.int64, copy=False), per_posting)
            keys <<= DOC_SHIFT
            keys |= places
            return keys
    keys = [
        (block.base + local) << DOC_SHIFT | position
        for block in term.blocks
        for local, value in zip(block.ids, block.values)
        for position in term._decode(value)
    ]
    return np.array(keys, dtype=np.int64)


def joined_values(blocks: list[Block]) -> tuple[bytes, np.ndarray]:
    """Every posting's encoded positions joined, and each one's length."""
    values = list(chain.from_iterable(block.values for block in blocks))
    return b"".join(values), np.fromiter(map(len, values), dtype=np.int64, count=len(values))


def _packed_places(joined: bytes, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How many positions each posting has, and all of them in order, from PackedPositions
    (each posting a 4-byte count, then its positions as 4-byte numbers): the postings' bytes
    joined are one array of 4-byte numbers, from which the counts are cut out."""
    if (lengths % 4).any() or lengths.min() < 8:
        raise ValueError("postings not laid out as PackedPositions")
    numbers = np.frombuffer(joined, dtype="<u4")
    sizes = lengths // 4  # a posting's count and its positions
    at_counts = np.cumsum(sizes) - sizes
    per_posting = sizes - 1
    if (numbers[at_counts].byteswap() != per_posting).any():  # Whoosh writes counts big-endian
        raise ValueError("position counts do not match")
    places = np.ones(len(numbers), dtype=bool)
    places[at_counts] = False
    return per_posting, numbers[places]


def _pickled_places(joined: bytes, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same from Whoosh's encoding of each posting (a 4-byte count, then a pickled list of
    gaps), with no Python step a posting: the counts and pickle headers are cut out with numpy,
    and what is left unpickled as one list."""
    head = _INT_SIZE + len(PICKLED_LIST)
    if lengths.min() <= head:
        raise ValueError("a posting too short to hold positions")
    raw = np.frombuffer(joined, dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    in_heads = starts[:, None] + np.arange(head)  # where each posting's count and header lie
    heads = raw[in_heads]
    if not (heads[:, _INT_SIZE:] == np.frombuffer(PICKLED_LIST, dtype=np.uint8)).all():
        raise ValueError("positions not stored as a pickled list")
    per_posting = heads[:, :_INT_SIZE].astype(np.int64) @ (256 ** np.arange(_INT_SIZE - 1, -1, -1))
    keep = np.ones(len(raw), dtype=bool)
    keep[in_heads.ravel()] = False
    last = starts + lengths - 1
    keep[last[raw[last] == ord(".")]] = False  # each posting's own end of pickle
    places = np.array(loads(b"\x80\x02]" + raw[keep].tobytes() + b"."), dtype=np.int64)
    if len(places) != per_posting.sum():
        raise ValueError("position counts do not match")
    # Each posting's gaps count from 0: take the gaps before it off its first gap, and one
    # running total gives every posting's own positions.
    firsts = (np.cumsum(per_posting) - per_posting)[per_posting > 0]
    if len(firsts) > 1:
        places[firsts[1:]] -= np.add.reduceat(places, firsts)[:-1]
    np.cumsum(places, out=places)
    return per_posting, places


# A format's per-posting decoding -> how to read all of a term's places at once.
_PLACES_AT_ONCE = {_decoded_positions: _pickled_places, PackedPositions.decode_positions: _packed_places}


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
        starts = _in_both(starts + offset, others) - offset
    return starts


def _in_both(few: np.ndarray, many: np.ndarray) -> np.ndarray:
    """The values of `few` also in `many` (both ascending), ascending. Looked up one by one
    when `few` is much the shorter; else both are merged (a stable sort of two sorted runs is
    one merge) and the values that then stand twice are kept. (A word can stand twice at one
    place, a joined compound beside its part, so repeats are dropped first.)"""
    if len(few) * MERGE_FROM < len(many):
        at = np.searchsorted(many, few)
        np.minimum(at, len(many) - 1, out=at)
        return few[many[at] == few]
    merged = np.concatenate((_once_each(few), _once_each(many)))
    merged.sort(kind="stable")
    return merged[1:][merged[1:] == merged[:-1]]


NO_DOCS = np.zeros(0, dtype=np.int64)  # an empty array of document numbers, shared, so read-only
NO_DOCS.flags.writeable = False


def union_of(arrays: list[np.ndarray]) -> np.ndarray:
    """Ascending arrays of document numbers joined: ascending, once each. (A sort of the joined
    arrays: numpy's unique took forty times as long.)"""
    arrays = [array for array in arrays if len(array)]
    if len(arrays) <= 1:
        return arrays[0] if arrays else NO_DOCS
    joined = np.concatenate(arrays)
    joined.sort()
    return _once_each(joined)


def intersection_of(arrays: list[np.ndarray]) -> np.ndarray:
    """The document numbers in every one of the ascending arrays, ascending."""
    arrays = sorted(arrays, key=len)
    found = arrays[0] if arrays else NO_DOCS
    for array in arrays[1:]:
        found = np.intersect1d(found, array, assume_unique=True)
    return found


def docs_of(keys: np.ndarray) -> np.ndarray:
    """The document numbers of ascending position keys, once each."""
    return _once_each(keys >> DOC_SHIFT)


def _once_each(ascending: np.ndarray) -> np.ndarray:
    """The array without repeats; itself when it has none (most have none, and copying an
    array of millions of places was a good part of a phrase's time)."""
    if len(ascending) < 2:
        return ascending
    new = ascending[1:] != ascending[:-1]
    if new.all():
        return ascending
    return ascending[np.concatenate(([True], new))]


def runs(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The places of every item of each run (`count` items from `start`), run after run, in
    one array: items of many posts taken at once from arrays kept in post order."""
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(starts - (ends - counts), counts)


class Posts(set):
    """A set of document numbers made from an ascending array, which it keeps: numpy work on
    the set (its mask, for ranking, facets and the timeline) then needs no array made again from
    the set (~0.3 ms for a common word's matches). Sets made from it by set operations are plain
    sets."""

    __slots__ = ("ascending",)

    def __init__(self, ascending: np.ndarray):
        super().__init__(ascending.tolist())
        self.ascending = ascending


def doc_numbers(docs: set[int]) -> np.ndarray:
    """A set of document numbers as an array, for numpy's counts and masks."""
    if type(docs) is Posts:
        return docs.ascending
    return np.fromiter(docs, dtype=np.int64, count=len(docs))


def term_text(term):
    """A term of the index as text (Whoosh's terms are bytes), or as it is if not text."""
    try:
        return term.decode("utf-8") if isinstance(term, bytes) else term
    except UnicodeDecodeError:
        return term


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
