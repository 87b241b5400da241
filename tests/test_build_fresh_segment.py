"""The writer processes' segment writer gives exactly what Whoosh's own gives.

Its quicker way to a field's postings is tried against `field.index` on generated text (hyphens,
apostrophes, acronyms, stop words, other scripts), and a whole segment of awkward posts is
written both ways and compared term by term, posting by posting.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer.engine.fresh_segment import FreshSegmentWriter, _quick_index, _TermPool
from indexer.engine.segment_arrays import MANIFEST, SUFFIX, TYPES, part_name
from indexer.engine.segments import write_missing_arrays
from indexer.schema import build_schema

SCHEMA = build_schema()
QUICK_FIELDS = sorted(name for name, field in SCHEMA.items() if field.indexed and _quick_index(field))

PIECES = [
    "SEND",
    "send",
    "well-being",
    "sector‑led",
    "DfE's",
    "council’s",
    "e-mail",
    "re-read",
    "a-b-c",
    "Ofsted",
    "OFSTED",
    "organization",
    "the",
    "of",
    "x",
    "ÉCOLE",
    "Київ",
    "東京",
    "naïve",
    "co-op",
    "2019",
    "3rd",
    "S114",
    "it's",
    "—",
    "-",
    "'",
    "\x1f",
    "\n",
    "  ",
    ".",
    "&",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40).map(" ".join)


def test_the_fields_holding_most_terms_have_a_quicker_way():
    assert {"title", "body", "labels", "words"} <= set(QUICK_FIELDS)


def pooled(add) -> tuple[int, dict]:
    pool = _TermPool(tempstorage=None, limitmb=128)
    length = add(pool)
    return length, {(name, term): postings.record() for name, term, postings in pool.terms()}


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from([1.0, 0.5, 3.0]))
def test_the_quicker_way_gives_what_the_field_gives(text, fieldboost):
    for name in QUICK_FIELDS:
        field, quick = SCHEMA[name], _quick_index(SCHEMA[name])
        assert pooled(lambda pool: quick(pool, name, 7, text, fieldboost)) == pooled(
            lambda pool: pool.add_field(name, field, 7, field.index(text), fieldboost)
        ), name


AWKWARD_POSTS = [
    {
        "id": "a",
        "title": "Sector-led SEND well-being",
        "body": "The the the. Well-being, DfE's " * 200,
        "labels": "SLI\nPeer-review",
        "words": "sector led sectorled send well being",
    },
    {"id": "b", "title": "", "body": "Київ 東京 naïve co-op " * 3, "tag_key": "a\x1fb", "tag_label": "A\x1fB"},
    {"id": "c", "title": "Only a title"},
    {"id": "d", "body": "word " * 70000},  # one term, positions well past a block
    *(
        {"id": f"e{n}", "title": "Well-being " * n, "body": "SEND well-being word " * n, "words": "send well"}
        for n in range(1, 300)
    ),  # terms of many posts of many lengths, over several blocks
]


def segment_terms(index_dir: Path) -> dict:
    ix = whoosh_index.open_dir(str(index_dir))
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            found = {}
            for name, text in reader.all_terms():
                info = reader.term_info(name, text)
                matcher = reader.postings(name, text)
                items = []
                while matcher.is_active():
                    items.append((matcher.id(), matcher.weight(), matcher.value()))
                    matcher.next()
                found[name, text] = (
                    info.doc_frequency(),
                    info.weight(),
                    info.min_length(),
                    info.max_length(),
                    info.max_weight(),
                    items,
                )
            return found | {"stored": list(reader.iter_docs())}
    finally:
        ix.close()


@pytest.mark.parametrize("limitmb", [128, 0], ids=["in memory", "through runs on disk"])
def test_a_segment_written_both_ways_is_the_same(tmp_path, limitmb):
    for kind, folder in ((SegmentWriter, "plain"), (FreshSegmentWriter, "fresh")):
        (tmp_path / folder).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / folder), SCHEMA)
        writer = kind(ix, limitmb=limitmb) if kind is FreshSegmentWriter else kind(ix)
        for post in AWKWARD_POSTS:
            writer.add_document(**post)
        writer.commit()
    assert segment_terms(tmp_path / "fresh") == segment_terms(tmp_path / "plain")
    # The arrays it writes beside the segment are those derived from the plain segment's blocks.
    assert write_missing_arrays(tmp_path / "fresh") == 0
    assert write_missing_arrays(tmp_path / "plain") == 1
    assert segment_arrays(tmp_path / "fresh") == segment_arrays(tmp_path / "plain")


def segment_arrays(index_dir: Path) -> dict:
    """Every part of the one segment's arrays, and the fields that have terms."""
    (manifest,) = index_dir.glob(f"*{SUFFIX}{MANIFEST}")
    segment_id = manifest.name.removesuffix(f"{SUFFIX}{MANIFEST}")
    fields = json.loads(manifest.read_text())["fields"]
    return {"fields": {name: field for name, field in fields.items() if field["end"] > field["first"]}} | {
        part: (index_dir / part_name(segment_id, part)).read_bytes() for part in TYPES
    }
