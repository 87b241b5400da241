"""Each segment's postings as plain arrays in files beside it, which every server worker maps.

Reading a word's posts and weights from Whoosh's blocks means unzipping and unpickling each block
of up to 128 postings, places and all, and undoing the gaps between its document numbers one at a
time in Python. At 100,000 posts that was about half the CPU of a search not asked before, and
each worker kept copies of what it had read. The same numbers, written once as arrays beside the
segment, are read by slicing a memory map the system shares between processes.

For segment `MAIN_<id>` the generation's folder holds `MAIN_<id>.lga_<part>`:

- `terms`: every term's bytes, one after another, field by field, ascending within a field;
- `term_ends`: where each term's bytes end (int64);
- `prefixes`: each term's first 8 bytes as a big-endian number (uint64), to find a term with
  numpy's binary search;
- `posting_ends`: where each term's postings end (int64);
- `docs`: each posting's document number within the segment (int32), ascending within a term;
- `weights`: each posting's weight, as Whoosh stores it (float32);
- `counts`: how many places each posting has (uint32; 0 in fields that keep none);
- `place_ends`: where each term's places end (int64);
- `places`: every posting's places (uint32), posting after posting;
- `manifest.json`: the format, the segment, its number of posts, each field's terms and whether
  it keeps places, and the length of every part. Written last: parts without it are not read.

Named after their segment, Whoosh deletes them with it (`index.clean_files`), and the reindex
job's clean-up keeps them while the segment lives. They are raw numbers read with numpy.memmap:
nothing in them is ever unpickled. The fast segment writer (fresh_segment.py) writes them as it
writes the segment; a segment Whoosh's own writer made (a small rebuild, an incremental update,
a merge) has them derived from its blocks after the commit (`segments.write_missing_arrays`). A segment without
them, or whose files do not check out, is read from its blocks as before.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from array import array
from bisect import bisect_left
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

FORMAT = 1  # bumped whenever what the files hold, or how, changes
SUFFIX = ".lga_"
MANIFEST = "manifest.json"
# Parts written a term at a time, and the type of each part's numbers.
STREAMED = {"terms": np.uint8, "docs": np.int32, "weights": np.float32, "counts": np.uint32, "places": np.uint32}
PER_TERM = {"term_ends": np.int64, "prefixes": np.uint64, "posting_ends": np.int64, "place_ends": np.int64}
TYPES = {**STREAMED, **PER_TERM}
PREFIX_BYTES = 8
DECODE_EVERY = 1 << 18  # postings gathered before their weights and places are written (numpy calls
# a batch, not a term)


def part_name(segment_id: str, part: str) -> str:
    return f"{segment_id}{SUFFIX}{part}"


def prefix_of(term: bytes) -> int:
    """The term's first 8 bytes as one number: terms in byte order have these in order too."""
    return int.from_bytes(term[:PREFIX_BYTES].ljust(PREFIX_BYTES, b"\0"), "big")


class SegmentArraysWriter:
    """Writes one segment's arrays: terms are added field by field, ascending within a field,
    each with its postings; `finish` puts the files in place, `abandon` removes what was written.

    Parts that grow a term at a time go to temporary files as they come; places are decoded a
    batch of postings at a time (`decode(joined values, lengths) -> (counts, places)`, as
    postings.py reads a term's places at once), since a numpy call a term would cost more than
    the term."""

    def __init__(self, folder: Path, segment_id: str):
        self.folder = Path(folder)
        self.segment_id = segment_id
        self._temporary = f".lga-{segment_id}-{secrets.token_hex(4)}"
        self._out = {part: open(self._path(part), "wb") for part in STREAMED}
        self._per_term = {part: array("Q" if part == "prefixes" else "q") for part in PER_TERM}
        self._fields: dict[str, dict] = {}
        self._field: str | None = None
        self._last_term: bytes | None = None
        self._totals = {"terms": 0, "postings": 0, "places": 0}
        # Gathered since the last batch was written: the postings' weights, and the encoded
        # places, their lengths and each term's number of postings, of terms that keep places.
        self._weights = array("d")
        self._values: list[bytes] = []
        self._lengths = array("I")
        self._batch_terms: list[int] = []
        self._decode = None

    def _path(self, part: str) -> Path:
        return self.folder / f"{self._temporary}.{part}"

    def start_field(self, field_name: str, decode) -> None:
        """Terms of `field_name` follow; `decode` reads their places, or None if it keeps none."""
        self._decode_batch()
        if field_name in self._fields:
            raise ValueError(f"the {field_name} field's terms were added already")
        self._field, self._last_term, self._decode = field_name, None, decode
        number = len(self._per_term["term_ends"])
        self._fields[field_name] = {"first": number, "end": number, "places": decode is not None}

    def add(self, term: bytes, docs, weights, values: bytes = b"", lengths=None) -> None:
        """One term of the current field: its document numbers (ascending, as array('I') or
        int32 numbers), weights (float64, as array('d') or numbers) and, in a field that keeps
        places, each posting's encoded places joined and their lengths (array('I') or numbers).
        Most terms have a posting or two, so the work a term is kept to appending to buffers."""
        if self._last_term is not None and term <= self._last_term:
            raise ValueError("terms must be added in ascending order")
        self._last_term = term
        self._out["terms"].write(term)
        self._totals["terms"] += len(term)
        self._per_term["term_ends"].append(self._totals["terms"])
        self._per_term["prefixes"].append(prefix_of(term))
        self._out["docs"].write(docs if _is_array(docs, "I") else np.asarray(docs, dtype=np.int32).tobytes())
        self._weights.extend(
            weights if _is_array(weights, "d") else array("d", np.asarray(weights, dtype=np.float64).tobytes())
        )
        count = len(docs)
        self._totals["postings"] += count
        self._per_term["posting_ends"].append(self._totals["postings"])
        self._fields[self._field]["end"] = len(self._per_term["term_ends"])
        if self._decode is None:
            self._out["counts"].write(bytes(4 * count))
            self._per_term["place_ends"].append(self._totals["places"])
        else:
            self._values.append(values)
            self._lengths.extend(
                lengths if _is_array(lengths, "I") else array("I", np.asarray(lengths, dtype=np.uint32).tobytes())
            )
            self._batch_terms.append(count)
        if len(self._weights) >= DECODE_EVERY:
            self._decode_batch()

    def _decode_batch(self) -> None:
        """Write the weights gathered so far, and decode and write the places gathered."""
        self._out["weights"].write(np.frombuffer(self._weights, dtype=np.float64).astype(np.float32).tobytes())
        self._weights = array("d")
        if not self._batch_terms:
            return
        lengths = np.frombuffer(self._lengths, dtype=np.uint32).astype(np.int64)
        counts, places = self._decode(b"".join(self._values), lengths)
        self._out["counts"].write(np.asarray(counts, dtype=np.uint32).tobytes())
        self._out["places"].write(np.asarray(places, dtype=np.uint32).tobytes())
        firsts = np.cumsum(self._batch_terms) - self._batch_terms
        ends = np.cumsum(np.add.reduceat(np.asarray(counts, dtype=np.int64), firsts)) + self._totals["places"]
        self._per_term["place_ends"].extend(ends.tolist())
        self._totals["places"] = int(ends[-1])
        self._values, self._lengths, self._batch_terms = [], array("I"), []

    def finish(self, doc_count: int) -> None:
        """Put the files in place under the segment's name, the manifest last."""
        self._decode_batch()
        for out in self._out.values():
            out.close()
        for part, numbers in self._per_term.items():
            self._path(part).write_bytes(np.asarray(numbers, dtype=TYPES[part]).tobytes())
        manifest = {
            "format": FORMAT,
            "segment": self.segment_id,
            "documents": doc_count,
            "fields": self._fields,
            "sizes": {part: self._path(part).stat().st_size for part in TYPES},
        }
        self._path(MANIFEST).write_text(json.dumps(manifest))
        for part in (*TYPES, MANIFEST):
            os.replace(self._path(part), self.folder / part_name(self.segment_id, part))

    def abandon(self) -> None:
        for out in self._out.values():
            out.close()
        for part in (*TYPES, MANIFEST):
            self._path(part).unlink(missing_ok=True)


class SegmentArrays:
    """One segment's arrays, mapped read-only. `find` gives a term's number, `postings` and
    `places` its numbers as views of the maps (document numbers within the segment)."""

    def __init__(self, fields: dict, parts: dict[str, np.ndarray], doc_count: int):
        self.fields = fields
        self.parts = parts
        self.doc_count = doc_count
        self._terms = parts["terms"]
        self._term_ends = parts["term_ends"]
        self._prefixes = parts["prefixes"]
        self._posting_ends = parts["posting_ends"]
        self._place_ends = parts["place_ends"]

    @staticmethod
    def written(folder: Path, segment_id: str) -> bool:
        """Whether the segment's arrays have been put in place (their manifest is there)."""
        return (Path(folder) / part_name(segment_id, MANIFEST)).exists()

    @classmethod
    def open(cls, folder: Path, segment_id: str, doc_count: int) -> "SegmentArrays | None":
        """The segment's arrays, or None when it has none; a warning when they are there but do
        not check out (the segment is then read from its blocks)."""
        folder = Path(folder)
        try:
            manifest = json.loads((folder / part_name(segment_id, MANIFEST)).read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            logger.warning("The arrays of segment %s cannot be read (%s); reading its blocks", segment_id, error)
            return None
        try:
            return cls._checked(folder, segment_id, doc_count, manifest)
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("The arrays of segment %s do not fit it (%s); reading its blocks", segment_id, error)
            return None

    @classmethod
    def _checked(cls, folder: Path, segment_id: str, doc_count: int, manifest: dict) -> "SegmentArrays":
        if manifest.get("format") != FORMAT:
            raise ValueError(f"format {manifest.get('format')}, not {FORMAT}")
        if manifest["segment"] != segment_id or manifest["documents"] != doc_count:
            raise ValueError("written for another segment")
        parts = {}
        for part, kind in TYPES.items():
            path = folder / part_name(segment_id, part)
            size = path.stat().st_size
            if size != manifest["sizes"][part] or size % np.dtype(kind).itemsize:
                raise ValueError(f"{part} is {size} bytes, not {manifest['sizes'][part]}")
            parts[part] = np.memmap(path, dtype=kind, mode="r") if size else np.zeros(0, dtype=kind)
        terms = len(parts["term_ends"])
        if not len(parts["prefixes"]) == len(parts["posting_ends"]) == len(parts["place_ends"]) == terms:
            raise ValueError("the parts count different numbers of terms")
        postings = len(parts["docs"])
        if not len(parts["weights"]) == len(parts["counts"]) == postings:
            raise ValueError("the parts count different numbers of postings")
        for part, end in (
            ("term_ends", len(parts["terms"])),
            ("posting_ends", postings),
            ("place_ends", len(parts["places"])),
        ):
            ends = parts[part]
            if terms and (ends[-1] != end or ends[0] < 0 or (np.diff(ends) < 0).any()):
                raise ValueError(f"{part} does not fit")
        fields = manifest["fields"]
        spans = sorted((field["first"], field["end"]) for field in fields.values())
        if any(not 0 <= first <= end <= terms for first, end in spans) or any(
            end > first for (_, end), (first, _) in zip(spans, spans[1:])
        ):
            raise ValueError("the fields' terms overlap")
        return cls(fields, parts, doc_count)

    def find(self, field_name: str, term: bytes) -> int | None:
        """The term's number, or None when the segment's field has no such term."""
        field = self.fields.get(field_name)
        if field is None:
            return None
        first, end = field["first"], field["end"]
        prefixes = self._prefixes[first:end]
        wanted = prefix_of(term)
        low = first + int(np.searchsorted(prefixes, wanted, "left"))
        high = first + int(np.searchsorted(prefixes, wanted, "right"))
        at = bisect_left(range(low, high), term, key=self.term)  # the terms sharing its first bytes
        number = low + at
        return number if number < high and self.term(number) == term else None

    def term(self, number: int) -> bytes:
        start = int(self._term_ends[number - 1]) if number else 0
        return self._terms[start : int(self._term_ends[number])].tobytes()

    def count(self, number: int) -> int:
        """How many postings the term has."""
        return int(self._posting_ends[number]) - (int(self._posting_ends[number - 1]) if number else 0)

    def postings(self, number: int) -> tuple[np.ndarray, np.ndarray]:
        """The term's document numbers within the segment (int32) and weights (float32)."""
        start, end = self._span(self._posting_ends, number)
        return self.parts["docs"][start:end], self.parts["weights"][start:end]

    def in_segment(self, number: int) -> bool:
        """Whether the term's first and last document numbers lie within the segment: checked
        a term at a time, as it is read, since checking every number when the files open would
        read them all from disk."""
        start, end = self._span(self._posting_ends, number)
        docs = self.parts["docs"]
        return end == start or (0 <= docs[start] and docs[end - 1] < self.doc_count)

    def places(self, field_name: str, number: int) -> tuple[np.ndarray, np.ndarray] | None:
        """How many places each of the term's postings has, and the places, posting after
        posting; None in a field whose places are not kept here."""
        if not self.fields[field_name]["places"]:
            return None
        start, end = self._span(self._posting_ends, number)
        place_start, place_end = self._span(self._place_ends, number)
        return self.parts["counts"][start:end], self.parts["places"][place_start:place_end]

    @staticmethod
    def _span(ends: np.ndarray, number: int) -> tuple[int, int]:
        return (int(ends[number - 1]) if number else 0), int(ends[number])


def _is_array(numbers, typecode: str) -> bool:
    return isinstance(numbers, array) and numbers.typecode == typecode
