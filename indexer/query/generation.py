"""One open index generation: its searcher, and what every search needs from it, read once.

A searcher costs ~90 ms to open, so one is kept per process and refreshed when the index
changes. What a search needs besides the postings it matches (every post's facet values, the
months of the timeline, the spelling corrector's words) is read here once per searcher, from
postings and columns rather than from every stored post, and `warm()` reads it when the
generation opens so no user's search pays for it.
"""

from __future__ import annotations

import ctypes
import logging
import weakref
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.util.numeric import byte_to_length

from indexer import store
from indexer.organisations import known_organisations
from indexer.query.parsing import make_parser
from indexer.engine import Engine, chosen_engine, open_index
from indexer.engine.postings import doc_numbers, phrase_starts, runs, term_text
from indexer.query.request import FILTER_FIELDS
from indexer.query.shared import (
    MANIFEST,
    SharedFiles,
    folder_of,
    read_shared_files,
    shared_files_on,
    write_derived,
)
from indexer.query.spelling import SpellingCorrector
from indexer.schema import KEY_FIELDS, LABEL_FIELDS, NEWEST_KEY_MISSING, TEXT_FIELDS, WORDS_FIELD, value_key
from indexer.vocabulary import acronyms


logger = logging.getLogger(__name__)

KNOWN_WORDS = 200_000  # words whose collection frequency is remembered, for more like this
WARM_WORDS = 400  # the commonest words whose places a server reads as a generation opens, room
# allowing. 40 left a server making the places of most words searched for on first use (~5 ms a
# word at 20,000 posts, in each worker): under the load test a tenth of the CPU went there. 400
# take ~2 s more to warm at 20,000 posts, and a worker holds its memory sooner (after opening 221
# -> 293 MB, after searches 315 -> 336 MB); at 100,000 posts the room is full before the 40th.


@dataclass
class FacetPairs:
    """A facet's value keys, and which post has which: one (post, value) pair an entry.

    Packed, the pairs are in document order and `starts[doc]` is where a post's pairs start, so
    the values of a search's posts are taken straight from their runs: counting the matches of
    a common word (the organisations facet has ~11 pairs a post) walked every pair before."""

    docs: "list | np.ndarray"
    values: "list | np.ndarray"  # the index in `keys` of each pair's value
    keys: list[str]
    index: dict[str, int] = field(default_factory=dict)  # each key's place in `keys`
    starts: np.ndarray | None = None  # packed: where each post's pairs start, and where the last ends

    def add(self, key: str, docs: set[int]) -> None:
        self.docs.append(doc_numbers(docs).astype(np.int32))
        self.values.append(np.full(len(docs), len(self.keys), dtype=np.int32))
        self.keys.append(key)

    def packed(self, size: int) -> "FacetPairs":
        """The pairs as arrays in document order, for document numbers below `size`."""
        docs = np.concatenate(self.docs) if self.keys else np.zeros(0, dtype=np.int32)
        values = np.concatenate(self.values) if self.keys else np.zeros(0, dtype=np.int32)
        order = np.argsort(docs, kind="stable")
        docs, values = docs[order], values[order]
        return FacetPairs(
            docs,
            values,
            self.keys,
            {key: at for at, key in enumerate(self.keys)},
            np.searchsorted(docs, np.arange(size + 1)),
        )

    def values_of(self, docs: np.ndarray) -> np.ndarray:
        """The value of every pair of the given posts."""
        first = self.starts[docs]
        return self.values[runs(first, self.starts[docs + 1] - first)]


class Generation:
    """An open searcher over one generation, and what is cached for it.

    `version` changes whenever the searcher does, so caches of answers know when to forget."""

    def __init__(self, path: Path):
        self.path = path
        # Files are read with plain reads, so an open generation holds open files: one that
        # is dropped without close() (a worker's app at exit, an error while opening) still
        # closes them, rather than leaving it to the garbage collector's warnings.
        self._open_parts: list = []
        self._closer = weakref.finalize(self, _close_all, self._open_parts)
        self.meta = store.check_schema(path)
        # Read with plain file reads, not memory maps: Whoosh copies every sub-file it opens from
        # a map into a buffer of its own (~300 MB a worker at 20,000 posts, growing with the index),
        # and a map of a file cut short under it kills the process (SIGBUS). Searches are as fast.
        self.engine_name = chosen_engine()
        self.index = open_index(path, self.engine_name)
        self.searcher = self.index.searcher()
        self._commit = self.index.latest_generation()
        self._open_parts.append(self.searcher)
        self.schema = self.searcher.schema  # Whoosh's index.schema reads the files again each time
        self.parser = make_parser(self.schema)
        self.version = 0
        self._forget()

    @property
    def commit(self) -> int:
        """The number of the Whoosh commit the searcher reads."""
        return self._commit

    @classmethod
    def opened(cls, path: Path) -> "Generation":
        """A generation opened and warmed (from its shared files where they fit it); its files
        are closed again if either fails."""
        gen = cls.__new__(cls)
        gen.searcher = gen.index = None
        try:
            gen.__init__(path)
            gen.use_shared(read_shared_files(gen))
            gen.warm()
        except BaseException:
            gen.close()
            raise
        return gen

    def _forget(self) -> None:
        self._facet_keys: dict[str, list[tuple[str, ...]]] | None = None
        self._facet_pairs: dict[str, FacetPairs] = {}
        self._facet_labels: dict[str, dict[str, str]] = {}
        self._facet_listing: dict[str, tuple[list[str], np.ndarray]] = {}
        self._corrector: SpellingCorrector | None = None
        self._months: tuple[np.ndarray, list[str]] | None = None
        self._every: set[int] | None = None
        self._live_mask: np.ndarray | None = None
        self._last_mask: tuple[set[int] | None, np.ndarray | None] = (None, None)
        self._frequencies: dict[tuple[str, bytes], float | None] = {}
        self._bm25_norms: dict[str, np.ndarray] = {}
        self._lengths: dict[str, bytes] = {}
        self._sort_keys: dict[str, list] = {}
        self.engine = Engine(self.engine_name, self.searcher.reader(), self.path)
        self.postings = self.engine.postings
        self.shared: SharedFiles | None = None
        self._shared_tried: int | None = None

    def shares_files(self) -> bool:
        """Whether this generation reads and writes shared files: with the fast engine only (the
        plain one keeps no places of its own this way) and unless LGSEARCH_SHARED_FILES=off."""
        return self.engine_name == "fast" and shared_files_on()

    def shared_files_to_adopt(self) -> "SharedFiles | None":
        """The generation's shared files, when it made its own copy and they have appeared since
        (a reindex writes them just after its commit, which servers follow at once); read again
        only when their manifest changes."""
        if self.shared is not None or not self.shares_files():
            return None
        try:
            stamp = (folder_of(self.path, self._commit) / MANIFEST).stat().st_mtime_ns
        except OSError:
            return None
        if stamp == self._shared_tried:
            return None
        self._shared_tried = stamp
        return read_shared_files(self)

    def use_shared(self, shared: "SharedFiles | None") -> None:
        """Take the common words' places and arrays, the facet pairs and the months from the
        generation's shared files (read_shared_files), dropping any copy of them made here."""
        if shared is None:
            return
        self.shared = shared
        self.postings.share(shared.places, shared.arrays)
        self._facet_keys = None
        self._facet_pairs, self._facet_labels, self._facet_listing = {}, {}, {}
        self._months = shared.months
        _give_back_freed_memory()

    def up_to_date(self) -> bool:
        """Whether the searcher has the generation's latest commit."""
        if self.searcher.reader().generation() is None:
            # An index of no posts has no segments: Whoosh's reader of none knows no commit, so
            # its searcher is never up to date and cannot refresh. Its table of contents does.
            return self.index.latest_generation() == self._commit
        return self.searcher.up_to_date()

    def refresh(self) -> bool:
        """Follow an incremental reindex of this generation; True when anything changed."""
        if self.up_to_date():
            return False
        # A fresh searcher, not Whoosh's refresh(): Whoosh-Reloaded 2.7.5's reader(reuse=...)
        # adds the old reader's segments to the new ones, so a refreshed searcher still saw the
        # segments a reindex had merged away, and the posts it had deleted.
        old, self.searcher = self.searcher, self.index.searcher()
        old.close()
        self._commit = self.index.latest_generation()
        self._open_parts[:] = [self.searcher]
        self.meta = store.read_meta(self.path) or self.meta
        self.version += 1
        self._forget()
        self.use_shared(read_shared_files(self))
        return True

    def warm(self) -> None:
        """Read what every search needs now, not on a user's first search."""
        self.every()
        self.corrector()
        for name in FILTER_FIELDS:
            self.facet_listing(name)
        self.months()
        self.sort_keys("newest_key")
        for field_name in TEXT_FIELDS:
            self.field_lengths(field_name)

    def warm_common_words(self, field_name: str = "body", share: bool = True) -> None:
        """Read the postings and places of the field's commonest words now (at most WARM_WORDS,
        and up to half of the postings and three quarters of the places that the engine keeps).
        Common words are what people type most, most phrases have one, and reading a common word
        takes ~50 ms at 20,000 posts and ~250 ms at 100,000 (its places as much again). A server
        does this as a generation opens, before it serves from it; a one-off command does not.
        Where the generation's shared files are used, they hold these words already; where it has
        none (an update's commit: the reindex job leaves them to the servers, to stay quick), what
        was read here is written as its shared files, unless `share` is False, for other workers
        to map, and this one maps them too, dropping its own copy."""
        if self.shared is not None:
            return
        places: Counter = Counter()
        posts: Counter = Counter()
        for word, info in self._each_word(field_name):
            places[word] += info.weight()
            posts[word] += info.doc_frequency()
        room_for_places = self.postings.keep_positions * 3 // 4
        room_for_postings = self.postings.keep_arrays // 2
        warmed = []
        for word, count in places.most_common(WARM_WORDS):
            if posts[word] <= room_for_postings:
                room_for_postings -= posts[word]
                self.postings.arrays(field_name, word)
            if count <= room_for_places:  # else a less common word may still fit
                room_for_places -= count
                warmed.append(self.postings.position_keys(field_name, word))
        if len(warmed) > 1:
            # The first phrase of two common words in a process took four times as long as any
            # after it (the system handing over memory for its arrays): one is matched now.
            phrase_starts(warmed[:2])
        del warmed  # so that nothing here holds on to the copy once the shared files replace it
        if share and field_name == "body" and self.shares_files():
            self._share_derived()

    def _share_derived(self) -> None:
        try:
            write_derived(self, warmed=True)
        except Exception as error:  # a folder the server may not write, a full disk, a reindex under way
            logger.warning(
                "Could not write the shared files of %s (%s); this worker keeps its own copy", self.path, error
            )
            return
        self.use_shared(read_shared_files(self))
        for name in FILTER_FIELDS:
            self.facet_listing(name)

    def every(self) -> set[int]:
        """Every live document number: what a search with no words matches."""
        if self._every is None:
            self._every = set(self.searcher.docs_for_query(wq.Every()))
        return self._every

    def live_mask(self) -> np.ndarray:
        """Whether each document number is a live post, as an array."""
        if self._live_mask is None:
            self._live_mask = self._mask_of(self.every())
        return self._live_mask

    def bm25_norms(self, field_name: str) -> np.ndarray:
        """BM25's length part, K1 * (1 - B + B * length / average), for each one-byte length code
        of the field: the same for every search of the generation, so worked out once."""
        norms = self._bm25_norms.get(field_name)
        if norms is None:
            weighting = self.searcher.weighting
            k1, b = weighting.K1, weighting.B  # BM25F(): one B for every field
            average = self.searcher.avg_field_length(field_name) or 1
            norms = self._bm25_norms[field_name] = np.array(
                [k1 * ((1 - b) + b * byte_to_length(code) / average) for code in range(256)]
            )
        return norms

    def top_k(self, q, docs: set[int], weights, count: int, deadline) -> list[tuple[int, float]] | None:
        """The `count` best of `docs` by BM25F, by this generation's engine (see Engine.top_k)."""
        return self.engine.top_k(self, q, docs, weights, count, deadline)

    def frequency(self, term: tuple[str, bytes]) -> float | None:
        """How often the term occurs in the generation, None when it does not: looked up once
        (more like this asks for most of a post's words, and most were in the last post too),
        remembering at most KNOWN_WORDS terms."""
        if term not in self._frequencies:
            reader = self.searcher.reader()
            if len(self._frequencies) >= KNOWN_WORDS:
                self._frequencies.clear()
            self._frequencies[term] = reader.frequency(*term) if term in reader else None
        return self._frequencies[term]

    def length_codes(self, field_name: str) -> np.ndarray:
        """field_lengths as an array of one-byte codes."""
        return np.frombuffer(self.field_lengths(field_name), dtype=np.uint8)

    def field_lengths(self, field_name: str) -> bytes:
        """Each document's length in a text field (one byte each, as Whoosh stores it), for
        the quick scores that choose which matches Whoosh ranks (candidates.py)."""
        if field_name not in self._lengths:
            self._lengths[field_name] = self.engine.field_lengths(field_name)
        return self._lengths[field_name]

    def facet_keys(self) -> dict[str, list[tuple[str, ...]]]:
        """Each facet's value keys for every document number, from the key fields' postings.

        Values that differ only in case or spacing share a key; `facet_labels` gives the
        spelling most posts use, counted from the label fields' postings."""
        if self._facet_keys is None and self.shared is not None:
            self._facet_keys = self._facet_keys_shared()
        if self._facet_keys is None:
            reader = self.searcher.reader()
            size = reader.doc_count_all()
            live = self.every()
            keys: dict[str, list[tuple[str, ...]]] = {}
            for name in FILTER_FIELDS:
                per_doc: list[list[str]] = [[] for _ in range(size)]
                pairs = FacetPairs([], [], [])
                for key in _terms(reader, KEY_FIELDS[name]):
                    docs = self.postings.doc_ids(KEY_FIELDS[name], key, keep=False) & live
                    for docnum in docs:
                        per_doc[docnum].append(key)
                    pairs.add(key, docs)
                self._facet_pairs[name] = pairs.packed(size)
                shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per distinct set
                keys[name] = [shared.setdefault(tuple(values), tuple(values)) for values in per_doc]
                self._facet_labels[name] = _commonest_spellings(reader, LABEL_FIELDS[name])
            self._facet_keys = keys
        return self._facet_keys

    def _facet_keys_shared(self) -> dict[str, list[tuple[str, ...]]]:
        """facet_keys from the shared files' pairs (in each post's run, values in key order)."""
        keys = {}
        for name in FILTER_FIELDS:
            facet = self.shared.facets[name]
            names = facet["keys"]
            pairs = FacetPairs(facet["docs"], facet["values"], names, {key: at for at, key in enumerate(names)})
            pairs.starts = facet["starts"]
            self._facet_pairs[name] = pairs
            self._facet_labels[name] = facet["labels"]
            shared: dict[tuple[str, ...], tuple[str, ...]] = {}
            values, starts = pairs.values.tolist(), pairs.starts.tolist()
            keys[name] = [
                shared.setdefault(values_key, values_key)
                for values_key in (
                    tuple(names[value] for value in values[start:end]) for start, end in zip(starts, starts[1:])
                )
            ]
        return keys

    def facet_pairs(self) -> dict[str, FacetPairs]:
        """Each facet's (post, value) pairs, as arrays: counted for many posts at once."""
        self.facet_keys()
        return self._facet_pairs

    def facet_labels(self, name: str) -> dict[str, str]:
        """The spelling most posts use of each of a facet's value keys."""
        self.facet_keys()
        return self._facet_labels[name]

    def facet_listing(self, name: str) -> tuple[list[str], np.ndarray]:
        """Each of a facet's value keys as shown (its label), and its place among values with
        as many results: by label, or for years newest first."""
        if name not in self._facet_listing:
            keys, spellings = self.facet_pairs()[name].keys, self.facet_labels(name)
            labels = [spellings.get(key) or key for key in keys]
            if name == "year":
                place = lambda at: (0, -int(labels[at]), at) if labels[at].isdigit() else (1, 0, at)  # noqa: E731
            else:
                place = lambda at: (labels[at].casefold(), at)  # noqa: E731
            ranks = np.empty(len(keys), dtype=np.int64)
            ranks[sorted(range(len(keys)), key=place)] = np.arange(len(keys))
            self._facet_listing[name] = (labels, ranks)
        return self._facet_listing[name]

    def mask(self, docs: set[int]) -> np.ndarray:
        """Whether each document number is in `docs`, as an array; the last set asked about is
        remembered (by identity), as ranking, facets and the timeline ask about the same one."""
        if docs is self._every:
            return self.live_mask()
        if self._last_mask[0] is not docs:
            self._last_mask = (docs, self._mask_of(docs))
        return self._last_mask[1]

    def _mask_of(self, docs: set[int]) -> np.ndarray:
        mask = np.zeros(self.searcher.doc_count_all(), dtype=bool)
        mask[doc_numbers(docs)] = True
        return mask

    def corrector(self) -> SpellingCorrector:
        """Spelling corrections from this index's own words, built when the generation is warmed."""
        if self._corrector is None:
            counts: Counter = Counter()
            for word, info in self._each_word(WORDS_FIELD):
                counts[word] += info.doc_frequency()
            names = [form for acronym in acronyms().values() for form in acronym.long_forms]
            names.extend(known_organisations())
            extra = {word.lower() for name in names for word in re.findall(r"\w+", name)}
            self._corrector = SpellingCorrector(counts, extra)
        return self._corrector

    def _each_word(self, field_name: str):
        """(word, its term info) for each word of the field in each segment in turn, the same
        word once a segment: a merged walk of all segments' words was ~10x slower."""
        for leaf, _ in self.searcher.reader().leaf_readers():
            for word, info in leaf.iter_field(field_name):
                yield term_text(word), info

    def stored_fields(self, docnum: int) -> dict:
        """A post's stored fields (not its body)."""
        return self.engine.stored_fields(docnum)

    def body(self, docnum: int) -> str:
        """A post's body, from its own column: its other stored fields are read without it."""
        return self.engine.body(docnum)

    def sort_keys(self, field_name: str) -> list:
        """Each document's value in a sortable column (newest_key, oldest_key), for date order."""
        if field_name not in self._sort_keys:
            reader = self.searcher.reader()
            # An index of no posts has no segments, and Whoosh's reader of none has no columns.
            self._sort_keys[field_name] = list(reader.column_reader(field_name)) if reader.doc_count_all() else []
        return self._sort_keys[field_name]

    def months(self) -> tuple[np.ndarray, list[str]]:
        """Each document's month of publication, for timelines, read from the sortable date
        column: a number a document indexing a list of months (`YYYY-MM`; "" first, undated)."""
        if self._months is None:
            written = [
                str(value)[:7] if value and value != NEWEST_KEY_MISSING else ""
                for value in self.sort_keys("newest_key")
            ]
            names = [""] + sorted(set(written) - {""})
            number = {name: at for at, name in enumerate(names)}
            self._months = (np.array([number[month] for month in written], dtype=np.int32), names)
        return self._months

    def month_counts(self, docs: set[int]) -> Counter:
        """How many of `docs` were published in each month; undated ones are left out."""
        numbers, names = self.months()
        counts = np.bincount(numbers[self.mask(docs)], minlength=len(names))
        found = np.flatnonzero(counts[1:]) + 1
        return Counter(dict(zip(map(names.__getitem__, found.tolist()), counts[found].tolist())))

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
        if self.index is not None:
            self.index.close()
        self._closer.detach()


def _give_back_freed_memory() -> None:
    """Return the memory of a copy just dropped to the system: glibc keeps freed blocks of the
    heap for reuse, so a worker that took up shared files after making its own copy held on to
    the copy's memory as well (at 20,000 posts, 360 MB resident where 184 MB was needed)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _close_all(parts: list) -> None:
    for part in parts:
        part.close()


def live_counts(reader, field_name: str) -> dict[str, int]:
    """How many live posts hold each value of a field (deleted posts not counted)."""
    counts: dict[str, int] = {}
    if field_name in reader.schema:
        for term in reader.lexicon(field_name):
            value = term_text(term)
            live = sum(1 for docnum in reader.postings(field_name, value).all_ids() if not reader.is_deleted(docnum))
            if live:
                counts[value] = live
    return counts


def _terms(reader, field_name: str) -> list[str]:
    if field_name not in reader.schema:
        return []
    return [term_text(term) for term in reader.lexicon(field_name)]


def _commonest_spellings(reader, field_name: str) -> dict[str, str]:
    """value key -> the spelling of it that most posts use."""
    counts: Counter = Counter()
    if field_name in reader.schema:
        for term, info in reader.iter_field(field_name):
            counts[term_text(term)] = info.doc_frequency()
    labels: dict[str, str] = {}
    for label, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        labels.setdefault(value_key(label), label)
    return labels
