"""A Whoosh segment writer for new documents only, for the writer processes of a large rebuild.

Whoosh's SegmentWriter keeps every posting as a tuple (field, term, document, weight, value),
sorts them all and, whenever its pool passes `limitmb`, pickles each tuple to a run on disk and
unpickles it again to merge the runs; writing the segment then asks the file system, once per
posting, whether the field has a length column. At 600 words a post that was 690 postings and
8 ms of a post's 11 ms. This writer keeps each term's postings together as it goes (arrays of
documents and weights, the values side by side), so nothing is sorted but the terms, a run on
disk is one record a term, and the lengths are read once a field.

What it writes is exactly what SegmentWriter writes for the same documents:
tests/test_build_parallel_answers.py compares every term and posting of both. Beside the
segment it also writes the segment's arrays (segment_arrays.py) from the postings it has in hand,
where deriving them from the written blocks would read them all again.
"""

from __future__ import annotations

import functools
import heapq
import logging
import pickle
from array import array
from collections import Counter

from whoosh.analysis import RegexTokenizer
from whoosh.formats import Frequency, Positions
from whoosh.system import _INT_SIZE, pack_uint
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from indexer import safe_pickle
from indexer.analysis import index_positions, text_analyzer
from indexer.engine.postings import places_reader
from indexer.engine.segment_arrays import SegmentArraysWriter
from indexer.schema import PackedPositions

logger = logging.getLogger(__name__)

# What a posting costs here, roughly, for deciding when to move postings to a run on disk:
# the document and weight arrays, an average value (positions), and each term's own objects.
_BYTES_A_POSTING = 30
_BYTES_A_TERM = 400


class FreshSegmentWriter(SegmentWriter):
    """Adds new documents to a new segment of an empty index; no updates, deletions or merges.
    Fields must have no term vectors and no separate spelling words (lgsearch's have neither)."""

    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        if self.segments:
            self.cancel()
            raise ValueError("FreshSegmentWriter writes only to an empty index")
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"FreshSegmentWriter cannot write the {name} field's vectors or spellings")
        self.pool = _TermPool(self._tempstorage, limitmb)
        self._quick = {name: _quick_index(field) for name, field in self.schema.items()}
        self._arrays: SegmentArraysWriter | None = None

    def add_document(self, **fields) -> None:
        """SegmentWriter.add_document, with each posting put with its term's others."""
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        perdocwriter = self.perdocwriter
        pool = self.pool
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    quick = self._quick[fieldname]
                    if quick is not None and isinstance(value, str):
                        length = quick(pool, fieldname, docnum, value, fieldboost)
                    else:
                        length = pool.add_field(fieldname, field, docnum, field.index(value), fieldboost)
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(stored))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        pool.document_done()

    def finished_segment(self):
        """The segment written, for another writer to commit; None when nothing was added."""
        if self._added:
            return self._finalize_segment()
        self._close_segment()
        return None

    def _finalize_segment(self):
        """The segment written and assembled, then its arrays put in place beside it (under
        its name, after the assembly, so they are not taken into its compound file)."""
        segment = super()._finalize_segment()
        self._with_arrays(lambda arrays: arrays.finish(self.docnum))
        self._arrays = None
        return segment

    def abandon(self) -> None:
        """Close the segment's files without committing or removing anything: the temporary
        folder is shared with the other writer processes, and the job removes it."""
        if self._arrays is not None:
            self._arrays.abandon()
            self._arrays = None
        self._close_segment()

    def _with_arrays(self, step) -> None:
        """A step of writing the segment's arrays. A segment without them is still whole
        (searches read its blocks), so a failure here is logged and the arrays dropped."""
        if self._arrays is None:
            return
        try:
            step(self._arrays)
        except Exception:
            logger.warning("Could not write the arrays of a segment; searches will read its blocks", exc_info=True)
            self._arrays.abandon()
            self._arrays = None

    def _flush_segment(self) -> None:
        """Every field's terms in order, each term's postings in document order."""
        self.perdocwriter.close()
        lengths_reader = self.per_document_reader()
        # Whoosh looks for the length column's file once a posting; once a field is enough.
        lengths_reader.has_column = functools.cache(lengths_reader.has_column)
        fieldwriter = self.fieldwriter
        self._arrays = SegmentArraysWriter(self.storage.folder, self.newsegment.segment_id())
        try:
            field_lengths = None
            current = None
            for fieldname, term, postings in self.pool.terms():
                if fieldname != current:
                    if current is not None:
                        fieldwriter.finish_field()
                    current = fieldname
                    field = self.schema[fieldname]
                    fieldwriter.start_field(fieldname, field)
                    field_lengths = self._field_lengths(lengths_reader, fieldname) if field.scorable else None
                    decode = places_reader(self.schema, fieldname)
                    self._with_arrays(lambda arrays: arrays.start_field(fieldname, decode))
                fieldwriter.start_term(term)
                postings.write_to(fieldwriter, field_lengths)
                fieldwriter.finish_term()
                self._with_arrays(
                    lambda arrays: arrays.add(term, postings.docs, postings.weights, postings.values, postings.sizes)
                )
            if current is not None:
                fieldwriter.finish_field()
        except BaseException:
            if self._arrays is not None:
                self._arrays.abandon()
                self._arrays = None
            raise
        finally:
            fieldwriter.close()
            lengths_reader.close()

    def _field_lengths(self, lengths_reader, fieldname) -> list:
        """Each document's length in the field as Whoosh stores it (to a byte's precision)."""
        return [lengths_reader.doc_field_length(docnum, fieldname) for docnum in range(self.docnum)]


def _quick_index(field):
    """A quicker way from a text value to the pool for the two kinds of field that hold most of a
    post's terms, putting there exactly what `field.index` gives; None for other fields."""
    field_format, analyzer = field.format, field.analyzer
    if type(field_format) in (Positions, PackedPositions) and analyzer == text_analyzer():
        boost, encode, scorable = field_format.field_boost, field_format.encode, field.scorable

        def positions(pool, fieldname, docnum, value, fieldboost) -> int:
            return pool.add_positions(fieldname, docnum, index_positions(value), boost, fieldboost, encode, scorable)

        return positions
    if (
        type(field_format) is Frequency
        and type(analyzer) is RegexTokenizer
        and not analyzer.gaps
        and analyzer.expression.groups == 0
    ):
        boost, words, scorable = field_format.field_boost, analyzer.expression.findall, field.scorable

        def counts(pool, fieldname, docnum, value, fieldboost) -> int:
            return pool.add_counts(fieldname, docnum, Counter(words(value)), boost, fieldboost, scorable)

        return counts
    return None


class _Postings:
    """One term's postings: documents, weights and values (encoded frequencies or positions)."""

    __slots__ = ("docs", "weights", "values", "sizes")

    def __init__(self, docs=None, weights=None, values=None, sizes=None):
        self.docs = docs if docs is not None else array("I")
        self.weights = weights if weights is not None else array("d")
        self.values = values if values is not None else bytearray()
        self.sizes = sizes if sizes is not None else array("I")

    def extend(self, other: "_Postings") -> None:
        self.docs.extend(other.docs)
        self.weights.extend(other.weights)
        self.values += other.values
        self.sizes.extend(other.sizes)

    def record(self) -> tuple:
        return self.docs.tobytes(), self.weights.tobytes(), bytes(self.values), self.sizes.tobytes()

    @classmethod
    def from_record(cls, record: tuple) -> "_Postings":
        docs, weights, values, sizes = record
        postings = cls(array("I"), array("d"), bytearray(values), array("I"))
        postings.docs.frombytes(docs)
        postings.weights.frombytes(weights)
        postings.sizes.frombytes(sizes)
        return postings

    def write_to(self, fieldwriter, field_lengths) -> None:
        """Into the field writer's current term a block at a time: what W3PostingsWriter's
        add_posting does one posting at a time (a call and four checks each), done per block."""
        writer = fieldwriter._postwriter
        docs, weights, sizes, values = self.docs, self.weights, self.sizes, self.values
        start, offset, count = 0, 0, len(docs)
        while start < count:
            if len(writer._ids) >= writer._blocklimit:
                writer._write_block()
            end = min(count, start + writer._blocklimit - len(writer._ids))
            block_docs = docs[start:end]
            writer._ids.extend(block_docs)
            block_weights = weights[start:end]
            writer._weights.fromlist(block_weights.tolist())
            writer._maxweight = max(writer._maxweight, max(block_weights))
            for size in sizes[start:end]:
                if size:  # as add_posting, which keeps only values that are not empty
                    writer._values.append(bytes(values[offset : offset + size]))
                    offset += size
            if field_lengths is not None:
                lengths = [length for length in map(field_lengths.__getitem__, block_docs) if length]
                if lengths:
                    shortest = min(lengths)
                    if writer._minlength is None or shortest < writer._minlength:
                        writer._minlength = shortest
                    writer._maxlength = max(writer._maxlength, max(lengths))
            start = end


# The encoded value of a term found once, at each of the first positions of a text, by each
# kind of positions format (Whoosh's Positions, PackedPositions): the same bytes each time.
_CACHED_POSITIONS = 4096
_single_positions: dict[tuple, bytes] = {}


def _single_position(kind, position: int, encode) -> bytes:
    value = _single_positions[(kind, position)] = encode([position])
    return value


class _TermPool:
    """Postings grouped by field and term, moved to runs on disk when they pass the limit."""

    def __init__(self, tempstorage, limitmb: int):
        self._tempstorage = tempstorage
        self._limit = limitmb * 1024 * 1024
        self._fields: dict[str, dict[bytes, _Postings]] = {}
        self._count = 0  # postings since the last run
        self._terms = 0
        self.runs: list[str] = []

    def _terms_of(self, fieldname: str) -> dict[bytes, _Postings]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
        return terms

    def _postings(self, terms: dict[bytes, _Postings], term: bytes) -> _Postings:
        self._terms += 1
        postings = terms[term] = _Postings()
        return postings

    def add_field(self, fieldname, field, docnum, items, fieldboost) -> int:
        """One document's postings in a field, as `field.index` gives them; the document's length
        in the field (0 if the field is not scorable)."""
        terms = self._terms_of(fieldname)
        scorable = field.scorable
        length = count = 0
        for term, freq, weight, value in items:
            postings = terms.get(term) or self._postings(terms, term)
            postings.docs.append(docnum)
            postings.weights.append(weight * fieldboost)
            if value:
                postings.values += value
                postings.sizes.append(len(value))
            else:
                postings.sizes.append(0)
            count += 1
            if scorable:
                length += freq
        self._count += count
        return length

    # The same for the quicker ways (see _quick_index), with Whoosh's sums in Whoosh's order.

    def add_positions(
        self, fieldname, docnum, positions: dict[str, list[int]], boost, fieldboost, encode, scorable
    ) -> int:
        terms = self._terms_of(fieldname)
        kind = getattr(encode, "__func__", encode)  # the format's encoding, whatever its boost
        length = 0
        for text, found in positions.items():
            term = text.encode("utf-8")
            postings = terms.get(term) or self._postings(terms, term)
            freq = len(found)
            postings.docs.append(docnum)
            postings.weights.append(freq * 1.0 * boost * fieldboost)
            if freq == 1 and found[0] < _CACHED_POSITIONS:  # most terms of a post: once, early on
                value = _single_positions.get((kind, found[0])) or _single_position(kind, found[0], encode)
            else:
                value = encode(found)
            postings.values += value
            postings.sizes.append(len(value))
            length += freq
        self._count += len(positions)
        return length if scorable else 0

    def add_counts(self, fieldname, docnum, counts: Counter, boost, fieldboost, scorable) -> int:
        terms = self._terms_of(fieldname)
        length = 0
        for text, freq in counts.items():
            term = text.encode("utf-8")
            postings = terms.get(term) or self._postings(terms, term)
            postings.docs.append(docnum)
            postings.weights.append(freq * 1.0 * boost * fieldboost)
            postings.values += pack_uint(freq)
            postings.sizes.append(_INT_SIZE)
            length += freq
        self._count += len(counts)
        return length if scorable else 0

    def document_done(self) -> None:
        if self._count * _BYTES_A_POSTING + self._terms * _BYTES_A_TERM > self._limit:
            self._save_run()

    def _save_run(self) -> None:
        name = f"{random_name()}.run"  # the temporary folder is shared with the other writer processes
        with self._tempstorage.create_file(name).raw_file() as run:
            for fieldname, term, postings in self._in_memory():
                pickle.dump((fieldname, term, postings.record()), run, pickle.HIGHEST_PROTOCOL)
        self.runs.append(name)
        self._fields, self._count, self._terms = {}, 0, 0

    def _in_memory(self):
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for term in sorted(terms):
                yield fieldname, term, terms[term]

    def _read_run(self, name):
        with self._tempstorage.open_file(name).raw_file() as run:
            while True:
                try:
                    fieldname, term, record = safe_pickle.load(run)
                except EOFError:
                    break
                yield fieldname, term, _Postings.from_record(record)
        self._tempstorage.delete_file(name)

    def terms(self):
        """(field, term, postings) in order, each term's postings from every run joined in
        document order (runs hold earlier documents than those after them)."""
        sources = [self._read_run(name) for name in self.runs] + [self._in_memory()]
        self.runs = []
        if len(sources) == 1:
            yield from sources[0]
            return
        merged = heapq.merge(*sources, key=lambda item: (item[0], item[1]))
        pending = None
        for fieldname, term, postings in merged:
            if pending is not None and pending[0] == fieldname and pending[1] == term:
                pending[2].extend(postings)
                continue
            if pending is not None:
                yield pending
            pending = (fieldname, term, postings)
        if pending is not None:
            yield pending

    def cleanup(self) -> None:
        """Delete the runs on disk: Whoosh's SegmentWriter calls this when it cancels or closes
        a segment (writing.py), so it is not dead code, though nothing here calls it."""
        for name in self.runs:
            try:
                self._tempstorage.delete_file(name)
            except OSError:
                pass
        self.runs = []
