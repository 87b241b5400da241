"""The fast build answers exactly as the plain one.

A large rebuild takes the fast path: writer processes, each writing its own segment. The same
posts built by one plain writer in one segment must give the same answers through the real query
service: the same posts in the same order, the same totals, facet counts, corrections, snippets and
stored fields, and the same terms with the same frequencies in every field.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from bench.corpus import WORDS, write_corpus
from helpers import CORPUS, SEEDS, rebuilt, write_post
from indexer import store
from indexer.query import SearchRequest, SearchService

pytestmark = pytest.mark.slow  # builds the same corpus both ways, in writer processes

SYNTHETIC_POSTS = 240
# Made-up words of the synthetic corpus, common to rare, so some queries match many posts and some few.
COMMON, MIDDLING, RARE = WORDS[120], WORDS[400], WORDS[1500]

REQUESTS = [
    SearchRequest(per_page=100),
    SearchRequest(sort="oldest", per_page=100),
    SearchRequest(q="inspection", per_page=100),
    SearchRequest(q="peer challenge", per_page=100),
    SearchRequest(q='"peer challenge"', per_page=100),
    SearchRequest(q="children services safeguarding", per_page=50),
    SearchRequest(q="sector-led improvement"),
    SearchRequest(q=f"{COMMON} {MIDDLING}", per_page=100),
    SearchRequest(q=RARE),
    SearchRequest(q="Ofsted", page=2),
    SearchRequest(q="LGA"),
    SearchRequest(q="CQC"),
    SearchRequest(q="organization culture"),
    SearchRequest(q="inspecton"),  # misspelt: corrected from the collection's own words
    SearchRequest(q="goverance academies", correct=False),
    SearchRequest(q="title:post -budget"),
    SearchRequest(q="leadership", sort="newest", per_page=25),
    SearchRequest(tag=("SLI",), per_page=100),
    SearchRequest(org=("Ofsted",), year=("2015", "2016"), per_page=100),
    SearchRequest(q="council", author=("Carl Haggerty",), category=("Digital",)),
    SearchRequest(q="housing", source=("ADCS Blog",), date_from="2014-01-01", date_to="2018-12-31"),
]


@pytest.fixture(scope="module")
def posts(tmp_path_factory) -> Path:
    """Synthetic posts shaped like real ones, the shared test posts, and the seeds (plain text)."""
    folder = tmp_path_factory.mktemp("posts")
    write_corpus(folder / "synthetic", SYNTHETIC_POSTS)
    for name, title, body, meta in CORPUS:
        write_post(folder / "shared", name, title, body, **meta)
    shutil.copytree(SEEDS, folder / "seeds")
    return folder


def built(folder: Path, index_dir: Path, fast: bool, runs: bool = False) -> Path:
    report = rebuilt(folder, index_dir, parallel=fast, runs=runs)
    assert report.rejected == [] and report.documents == SYNTHETIC_POSTS + len(CORPUS) + 5
    return index_dir


@pytest.fixture(scope="module")
def plain_index(posts, tmp_path_factory) -> Path:
    return built(posts, tmp_path_factory.mktemp("plain") / "index", fast=False)


@pytest.fixture(scope="module", params=["in memory", "through runs on disk"])
def fast_index(request, posts, tmp_path_factory) -> Path:
    return built(posts, tmp_path_factory.mktemp("fast") / "index", fast=True, runs=request.param != "in memory")


def segments(index_dir: Path) -> int:
    ix = whoosh_index.open_dir(str(store.live_generation(index_dir)))
    try:
        return len(ix._segments())
    finally:
        ix.close()


def answer(service: SearchService, request: SearchRequest) -> dict:
    result = service.search(request)
    return {
        "total": result.total,
        "hits": [(hit.id, hit.score, hit.document, hit.snippet, hit.title_html) for hit in result.hits],
        "facets": {name: [(v.value, v.count, v.selected) for v in values] for name, values in result.facets.items()},
        "suggestion": result.suggestion,
        "corrected": result.corrected,
        "notice": result.notice,
    }


def test_the_fast_build_really_is_the_parallel_one(plain_index, fast_index):
    assert segments(plain_index) == 1
    assert segments(fast_index) >= 2


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r.q or 'browse'}-{r.sort or ''}-{r.page}")
def test_the_fast_build_answers_each_query_as_the_plain_one(request_, plain_index, fast_index):
    with SearchService(plain_index) as plain, SearchService(fast_index) as fast:
        expected = answer(plain, request_)
        assert expected["total"] > 0 or expected["suggestion"], "a query that tests nothing"
        assert answer(fast, request_) == expected


def test_the_fast_build_stores_the_same_fields_and_pages(plain_index, fast_index):
    with SearchService(plain_index) as plain, SearchService(fast_index) as fast:
        assert list(fast.export()) == list(plain.export())
        for doc_id in ("post-00003", "post-00117", "academies", "peer-challenge"):
            assert fast.document(
                f"synthetic/{doc_id}" if doc_id.startswith("post") else f"shared/{doc_id}", q="peer challenge"
            ) == plain.document(
                f"synthetic/{doc_id}" if doc_id.startswith("post") else f"shared/{doc_id}", q="peer challenge"
            )
    assert stored_by_id(fast_index) == stored_by_id(plain_index)


def test_the_fast_build_indexes_the_same_terms_as_often(plain_index, fast_index):
    """Every field's terms with their statistics: what scoring, facets and the spelling
    corrector read."""
    assert terms(fast_index) == terms(plain_index)


def test_the_fast_build_writes_the_same_postings(plain_index, fast_index):
    """Every posting of every term: the post, its weight and its value (frequency or positions)."""
    assert postings(fast_index) == postings(plain_index)


def stored_by_id(index_dir: Path) -> dict[str, dict]:
    ix = whoosh_index.open_dir(str(store.live_generation(index_dir)))
    try:
        with ix.searcher() as searcher:
            return {fields["id"]: fields for fields in searcher.all_stored_fields()}
    finally:
        ix.close()


def terms(index_dir: Path) -> dict[str, dict]:
    ix = whoosh_index.open_dir(str(store.live_generation(index_dir)))
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            return {
                name: {
                    text: (
                        info.doc_frequency(),
                        info.weight(),
                        info.min_length(),
                        info.max_length(),
                        info.max_weight(),
                        info.min_id(),
                        info.max_id(),
                    )
                    for text, info in reader.iter_field(name)
                }
                for name in ix.schema.names()
                if ix.schema[name].indexed
            } | {"lengths": {name: reader.field_length(name) for name in ix.schema.scorable_names()}}
    finally:
        ix.close()


def postings(index_dir: Path) -> dict[tuple[str, bytes], list]:
    ix = whoosh_index.open_dir(str(store.live_generation(index_dir)))
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            found = {}
            for name, text in reader.all_terms():
                matcher = reader.postings(name, text)
                found[name, text] = list(zip(matcher.all_ids(), *_weights_and_values(reader.postings(name, text))))
            return found
    finally:
        ix.close()


def _weights_and_values(matcher):
    weights, values = [], []
    while matcher.is_active():
        weights.append(matcher.weight())
        values.append(matcher.value())
        matcher.next()
    return weights, values
