"""Each segment's arrays (indexer/engine/segment_arrays.py): written whole by both writers, read
instead of the blocks, and never trusted when they do not fit their segment.

A large rebuild's writer processes write them from the postings in hand; a small rebuild or an
incremental reindex derives them from the blocks after its commit. Both must hold exactly what
the blocks hold, and a search must answer the same from them as from the blocks.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from bench.corpus import write_corpus
from helpers import rebuilt, write_post
from indexer import reindex as build, store
from indexer.engine import ENGINE_VARIABLE, postings as postings_module
from indexer.engine.postings import TermPostings, leaf_blocks, places_reader
from indexer.engine.segment_arrays import MANIFEST, TYPES, SegmentArrays, part_name
from indexer.engine.segments import write_from_blocks
from indexer.query import SearchRequest, SearchService
from indexer.reindex import reindex

pytestmark = pytest.mark.slow  # builds indexes in writer processes

POSTS = 600

QUERIES = ["council", "peer challenge", '"peer challenge"', "children services safeguarding", "inspecton"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("posts")
    write_corpus(folder, POSTS)
    return folder


def _built(corpus: Path, index_dir: Path, parallel: bool, runs: bool = False) -> Path:
    assert rebuilt(corpus, index_dir, parallel, runs).documents == POSTS
    return store.live_generation(index_dir)


@pytest.fixture(scope="module", params=["in memory", "through runs on disk"])
def parallel(request, corpus, tmp_path_factory) -> Path:
    return _built(corpus, tmp_path_factory.mktemp("parallel") / "index", True, request.param != "in memory")


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory) -> Path:
    return _built(corpus, tmp_path_factory.mktemp("serial") / "index", False)


def _segments(generation: Path) -> list[str]:
    ix = whoosh_index.open_dir(str(generation))
    try:
        return [segment.segment_id() for segment in ix._segments()]
    finally:
        ix.close()


def _parts(folder: Path, segment_id: str) -> dict:
    """Every part's bytes, and the fields that have terms."""
    manifest = json.loads((folder / part_name(segment_id, MANIFEST)).read_text())
    fields = {name: field for name, field in manifest["fields"].items() if field["end"] > field["first"]}
    return {"fields": fields} | {part: (folder / part_name(segment_id, part)).read_bytes() for part in TYPES}


def _derived(generation: Path, folder: Path) -> dict[str, dict]:
    """Each segment's arrays derived from its blocks into `folder`."""
    found = {}
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.reader() as reader:
            for leaf, _ in reader.leaf_readers():
                write_from_blocks(folder, leaf, leaf_blocks, lambda name: places_reader(ix.schema, name))
                found[leaf.segment().segment_id()] = _parts(folder, leaf.segment().segment_id())
    finally:
        ix.close()
    return found


def test_the_writer_processes_write_what_the_blocks_hold(parallel, tmp_path):
    segments = _segments(parallel)
    assert len(segments) >= 2
    written = {segment_id: _parts(parallel, segment_id) for segment_id in segments}
    assert all(len(parts["docs"]) for parts in written.values())
    assert written == _derived(parallel, tmp_path)


def test_a_small_rebuild_derives_them_after_its_commit(serial):
    (segment_id,) = _segments(serial)
    assert SegmentArrays.written(serial, segment_id)


def _generation(service: SearchService):
    return service._generation()


def _answers(index_dir: Path) -> list:
    with SearchService(index_dir) as service:
        found = []
        for q in QUERIES:
            result = service.search(SearchRequest(q=q, per_page=50))
            found.append((result.total, [(hit.id, hit.score, hit.snippet) for hit in result.hits]))
        return found


def test_searches_read_the_arrays_and_answer_as_from_the_blocks(parallel, tmp_path, monkeypatch):
    with SearchService(parallel.parent) as service:
        assert all(_generation(service).postings.segments_read_from_arrays())
    from_arrays = _answers(parallel.parent)
    copy = tmp_path / "index"
    shutil.copytree(parallel.parent, copy)
    generation = store.live_generation(copy)
    for path in generation.glob("*.lga_*"):
        path.unlink()
    with SearchService(copy) as service:
        assert not any(_generation(service).postings.segments_read_from_arrays())
    assert _answers(copy) == from_arrays
    assert any(total for total, _ in from_arrays)


def test_the_plain_engine_answers_the_same(parallel, monkeypatch):
    from_arrays = _answers(parallel.parent)
    monkeypatch.setenv(ENGINE_VARIABLE, "plain")
    assert _answers(parallel.parent) == from_arrays


def _copy_of(generation: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(generation.parent, copy)
    return store.live_generation(copy)


def test_arrays_cut_short_are_not_read(parallel, tmp_path, caplog):
    expected = _answers(parallel.parent)
    generation = _copy_of(parallel, tmp_path)
    segment_id = _segments(generation)[0]
    docs = generation / part_name(segment_id, "docs")
    docs.write_bytes(docs.read_bytes()[:-4])
    with caplog.at_level(logging.WARNING):
        with SearchService(generation.parent) as service:
            assert _generation(service).postings.segments_read_from_arrays().count(False) == 1
    assert "do not fit it" in caplog.text
    assert _answers(generation.parent) == expected


def test_arrays_that_disagree_with_the_postings_are_dropped(parallel, tmp_path, caplog):
    """Another segment's arrays under this one's name pass every check of their own shape; the
    number of postings Whoosh's term index gives for a term tells them apart."""
    expected = _answers(parallel.parent)
    generation = _copy_of(parallel, tmp_path)
    first, second = _segments(generation)[:2]
    documents = json.loads((generation / part_name(first, MANIFEST)).read_text())["documents"]
    for part in TYPES:
        shutil.copy(generation / part_name(second, part), generation / part_name(first, part))
    manifest = json.loads((generation / part_name(second, MANIFEST)).read_text())
    manifest.update(segment=first, documents=documents)
    docs = np.fromfile(generation / part_name(first, "docs"), dtype=np.int32)
    assert docs.max() < documents, "the test needs arrays whose numbers fit the segment"
    (generation / part_name(first, MANIFEST)).write_text(json.dumps(manifest))
    with caplog.at_level(logging.WARNING):
        assert _answers(generation.parent) == expected
    assert "do not match its postings" in caplog.text


def test_arrays_whose_numbers_fall_outside_the_segment_are_dropped(parallel, tmp_path, caplog):
    expected = _answers(parallel.parent)
    generation = _copy_of(parallel, tmp_path)
    segment_id = _segments(generation)[0]
    documents = json.loads((generation / part_name(segment_id, MANIFEST)).read_text())["documents"]
    docs = generation / part_name(segment_id, "docs")
    docs.write_bytes(np.full(len(docs.read_bytes()) // 4, documents, dtype=np.int32).tobytes())
    with caplog.at_level(logging.WARNING):
        assert _answers(generation.parent) == expected
    assert "do not match its postings" in caplog.text


def test_an_update_writes_the_arrays_of_its_segment_and_servers_take_them_up(corpus, tmp_path, monkeypatch):
    """A server follows an update's commit at once; the arrays come just after it, and the
    server reads them from then on."""
    index_dir = tmp_path / "index"
    reindex([corpus], index_dir)
    added = tmp_path / "added"
    write_post(added, "new.md", "Zebrafish and peer challenge", "Peer challenge between councils.", date="2024-01-01")
    monkeypatch.setattr(postings_module, "LOOK_AGAIN", 0.0)
    with SearchService(index_dir) as service:
        assert all(_generation(service).postings.segments_read_from_arrays())
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(build, "write_missing_arrays", lambda generation: 0)  # the commit alone first
            reindex([corpus, added], index_dir)
        assert [hit.id for hit in service.search(SearchRequest(q="zebrafish")).hits] == ["new"]
        gen = _generation(service)
        assert gen.postings.segments_read_from_arrays().count(False) == 1
        assert build.write_missing_arrays(gen.path) == 1
        assert [hit.id for hit in service.search(SearchRequest(q="zebrafish peer")).hits][:1] == ["new"]
        assert all(gen.postings.segments_read_from_arrays())


def test_a_write_that_fails_leaves_nothing_behind(parallel, tmp_path, monkeypatch):
    generation = _copy_of(parallel, tmp_path)
    segment_id = _segments(generation)[0]
    for part in (*TYPES, MANIFEST):
        (generation / part_name(segment_id, part)).unlink()
    before = sorted(path.name for path in generation.iterdir())

    def broken(joined, lengths):
        raise ValueError("not laid out as expected")

    with pytest.raises(ValueError):
        ix = whoosh_index.open_dir(str(generation))
        try:
            with ix.reader() as reader:
                leaf = next(leaf for leaf, _ in reader.leaf_readers() if leaf.segment().segment_id() == segment_id)
                write_from_blocks(generation, leaf, leaf_blocks, lambda name: places_reader(ix.schema, name) and broken)
        finally:
            ix.close()
    assert sorted(path.name for path in generation.iterdir()) == before


def test_term_arrays_equal_the_blocks_term_by_term(parallel):
    """The arrays of sampled terms of every field, and their places, as the blocks give them."""
    with SearchService(parallel.parent) as service:
        postings = _generation(service).postings
        reader = _generation(service).searcher.reader()
        compared = 0
        for name in reader.schema.names():
            if not reader.schema[name].indexed:
                continue
            for text in list(reader.lexicon(name))[::11]:
                blocks = TermPostings(list(postings._read(name, text)), None).arrays()
                docs, weights = postings.arrays(name, text)
                assert docs.dtype == blocks[0].dtype and weights.dtype == blocks[1].dtype
                assert np.array_equal(docs, blocks[0]) and np.array_equal(weights, blocks[1])
                compared += 1
    assert compared > 500
