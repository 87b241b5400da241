"""One conformance suite for both engines (indexer/engine/): what each reads from a generation
must be what Whoosh's own public API and searcher say, as Lucene tests every postings format
with one suite.

The corpus is large enough that common words fill many 128-posting blocks in each segment, and
it is indexed in three runs with posts deleted after, as a server's index is after incremental
reindexes. Author and source phrases use Whoosh's own Positions format (pickled gaps); title,
body and labels use lgsearch's PackedPositions, so both ways of storing places are read.
"""

from __future__ import annotations

import itertools
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq
from whoosh.util.numeric import length_to_byte

from bench.corpus import AUTHORS, SOURCES, TAGS, write_corpus
from indexer import engine as engines
from indexer.reindex import reindex
from indexer.engine.postings import DOC_SHIFT
from indexer.query import SearchRequest, SearchService
from indexer.query.bounds import Deadline
from indexer.query.matching import matched_docs
from indexer.query.ranking import DocSet
from indexer.schema import BODY_COLUMN, KEY_FIELDS, value_key

pytestmark = pytest.mark.slow  # builds a 1,200-post index in four runs

POSTS = 1_200
BLOCK = 128  # postings in one of Whoosh's blocks
ENGINES = list(engines.ENGINES)


@pytest.fixture(scope="module")
def generation_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("conformance")
    every, corpus, index_dir = root / "every", root / "corpus", root / "index"
    write_corpus(every, POSTS)
    corpus.mkdir()
    posts = sorted(every.iterdir())
    thirds = len(posts) // 3
    for part in (posts[:thirds], posts[thirds : 2 * thirds], posts[2 * thirds :]):
        for post in part:
            shutil.copy(post, corpus / post.name)
        report = reindex([corpus], index_dir)
        assert not report.rejected
    for post in posts[10:400:7] + posts[700:760]:  # deletions in every segment
        (corpus / post.name).unlink()
    reindex([corpus], index_dir)
    return index_dir


@pytest.fixture(scope="module", params=ENGINES)
def service(request, generation_dir):
    patch = pytest.MonkeyPatch()
    patch.setenv(engines.ENGINE_VARIABLE, request.param)
    with SearchService(generation_dir) as service:
        gen = service._generation()
        assert gen.engine.name == request.param
        if request.param == "fast":  # every segment read from its arrays (segment_arrays.py)
            assert all(gen.postings.segments_read_from_arrays())
        yield service
    patch.undo()


@pytest.fixture(scope="module")
def whoosh(generation_dir):
    """Whoosh's own searcher over the same generation: the reference."""
    with SearchService(generation_dir) as service:
        with service._generation().index.searcher() as searcher:
            yield searcher


def test_the_corpus_spans_blocks_segments_and_deletions(whoosh):
    leaves = list(whoosh.reader().leaf_readers())
    assert len(leaves) >= 3
    assert sum(leaf.has_deletions() for leaf, _ in leaves) >= 2
    widest = max(
        leaf.doc_frequency("body", text) for leaf, _ in leaves for text in itertools.islice(leaf.lexicon("body"), 200)
    )
    assert widest > 3 * BLOCK


def _sample_terms(reader, field_name: str, every: int = 25, common: int = 5) -> list[str]:
    """Every nth term of the field, and its commonest ones (those span the most blocks)."""
    terms = list(reader.lexicon(field_name))
    commonest = sorted(terms, key=lambda t: -reader.doc_frequency(field_name, t))[:common]
    return list(dict.fromkeys(commonest + terms[::every]))


def _expected(reader, field_name: str, text) -> tuple[dict[int, float], dict[int, list[int]]]:
    """Each live post with the term: its weight, and its positions where the field keeps them."""
    weights, places = {}, {}
    matcher = reader.postings(field_name, text)
    with_positions = reader.schema[field_name].format.supports("positions")
    while matcher.is_active():
        weights[matcher.id()] = matcher.weight()
        if with_positions:
            places[matcher.id()] = list(matcher.value_as("positions"))
        matcher.next()
    return weights, places


@pytest.mark.parametrize(
    "field_name", ["title", "body", "labels", "author_text", "source_text", KEY_FIELDS["tag"], KEY_FIELDS["org"]]
)
def test_postings_are_whooshs(service, whoosh, field_name):
    """Posts, weights and places of terms across many blocks and segments, live posts only."""
    gen = service._generation()
    postings, reader = gen.postings, whoosh.reader()
    live = gen.live_mask()
    compared = 0
    for text in _sample_terms(reader, field_name):
        weights, places = _expected(reader, field_name, text)
        docs, ours = postings.arrays(field_name, text)
        keep = live[docs]
        assert docs[keep].tolist() == list(weights), text
        assert ours[keep].tolist() == pytest.approx(list(weights.values())), text
        assert postings.doc_ids(field_name, text) == set(weights)
        if places:
            assert postings.positions(field_name, text, list(places)) == places, text
            assert postings.positions(field_name, text, list(places), 2) == {d: p[:2] for d, p in places.items()}
            keys = postings.position_keys(field_name, text)
            keys = keys[live[keys >> DOC_SHIFT]]
            assert keys.tolist() == [doc << DOC_SHIFT | p for doc, found in places.items() for p in found]
        compared += len(weights)
    assert compared > {"body": 5_000, "labels": 1_000, "title": 1_000}.get(field_name, 300)


def test_stored_fields_bodies_and_lengths_are_whooshs(service, whoosh):
    gen = service._generation()
    reader = whoosh.reader()
    bodies = reader.column_reader(BODY_COLUMN)
    live = sorted(reader.all_doc_ids())
    assert len(live) > POSTS - 120
    for docnum in live:
        assert gen.stored_fields(docnum) == reader.stored_fields(docnum)
        assert gen.body(docnum) == bodies[docnum].decode("utf-8")
    for field_name in ("title", "body", "labels"):
        lengths = gen.field_lengths(field_name)
        assert [lengths[d] for d in live] == [
            length_to_byte(reader.doc_field_length(d, field_name, 0) or 0) for d in live
        ]


def _queries(reader) -> list[wq.Query]:
    """Whoosh queries of every kind lgsearch matches: words in each field, And, Or, Not,
    phrases (packed and pickled places), prefixes and ranges, over common and rare words."""
    rng = random.Random(7)
    body = _sample_terms(reader, "body", every=40)
    title = _sample_terms(reader, "title", every=10)
    queries: list[wq.Query] = []
    for a, b in zip(body, body[3:]):
        queries += [
            wq.Term("body", a),
            wq.And([wq.Term("body", a), wq.Term("body", b)]),
            wq.Or([wq.Term("body", a), wq.Term("title", b)]),
            wq.And([wq.Term("body", a), wq.Not(wq.Term("body", b))]),
        ]
    for text in title[:10]:
        queries.append(wq.Or([wq.Term("title", text), wq.Term("body", text), wq.Term("labels", text)]))
    bodies = reader.column_reader(BODY_COLUMN)
    for docnum in rng.sample(sorted(reader.all_doc_ids()), 25):
        words = bodies[docnum].decode("utf-8").lower().split()
        start = rng.randrange(0, max(1, len(words) - 3))
        queries.append(wq.Phrase("body", words[start : start + rng.choice((2, 3))]))
    queries.append(wq.Phrase("body", [body[0], body[0]]))
    for author in AUTHORS[:3]:
        queries.append(wq.Phrase("author_text", author.lower().split()))
    for source in SOURCES[:3]:
        queries.append(wq.Phrase("source_text", source.lower().replace("'", " ").split()))
    queries += [
        wq.Prefix("body", body[1][:3]),
        wq.TermRange("body", "a", "c"),
        wq.Term(KEY_FIELDS["tag"], value_key(TAGS[0])),
        wq.Or([wq.Term(KEY_FIELDS["tag"], value_key(TAGS[1])), wq.Term("year", "2015")]),
    ]
    return queries


def test_matches_are_whooshs_searchers(service, whoosh):
    """Every query's posts as lgsearch matches them from the engine's postings, against the
    posts Whoosh's own searcher finds for the same query."""
    gen = service._generation()
    reader = whoosh.reader()
    matched = 0
    for q in _queries(reader):
        ours = matched_docs(gen, q, Deadline(30)).tolist()
        assert ours == sorted(whoosh.docs_for_query(q)), q
        matched += len(ours)
    assert matched > 20_000


def test_scores_are_whooshs_searchers(service, whoosh):
    """The best-scoring posts of each scorable query, and their BM25F scores, as Whoosh's own
    searcher scores those posts."""
    gen = service._generation()
    checked = 0
    for q in _queries(whoosh.reader()):
        docs = set(whoosh.docs_for_query(q))
        top = gen.top_k(q, docs, None, 20, Deadline(30)) if docs else None
        if top is None:
            continue
        ours = {doc: score for doc, score in top if score > 0}
        theirs = {hit.docnum: hit.score for hit in whoosh.search(wq.And([q, DocSet(set(ours), whoosh)]), limit=None)}
        assert set(theirs) == set(ours), q
        for doc, score in ours.items():
            assert theirs[doc] == pytest.approx(score, rel=1e-9), q
        checked += len(ours)
    assert checked > 1_000


TYPED = [
    "leadership",
    "peer challenge",
    '"children services"',
    "inspection -budget",
    "author:jane",
    "tag:SLI OR tag:Budget",
    "insp*",
    "council budget pressure demand",
]


def _answers(service) -> list:
    """Pages, totals, facets, snippets, a post's page and more like this, as a user sees them."""
    found = []
    for q, page in itertools.product(TYPED, (1, 2)):
        result = service.search(SearchRequest(q=q, page=page, per_page=10))
        found.append(
            (
                q,
                page,
                result.total,
                [(h.id, round(h.score or 0, 6), h.snippet) for h in result.hits],
                {name: [(v.value, v.count) for v in values] for name, values in result.facets.items()},
            )
        )
    first = service.search(SearchRequest(q="leadership")).hits[0].id
    page = service.document(first, q="leadership")
    found.append((page.paragraphs, [doc["id"] for doc in page.more_like_this]))
    return found


def test_both_engines_give_users_the_same_answers(generation_dir, monkeypatch):
    answers = {}
    for name in ENGINES:
        monkeypatch.setenv(engines.ENGINE_VARIABLE, name)
        with SearchService(generation_dir) as service:
            assert service._generation().engine.name == name
            answers[name] = _answers(service)
    assert answers["fast"] == answers["plain"]
    assert sum(total for _, _, total, _, _ in answers["fast"][:-1]) > 1_000


def test_another_whoosh_gets_the_plain_engine_with_a_warning(monkeypatch, caplog):
    from importlib import metadata

    real = metadata.version
    monkeypatch.delenv(engines.ENGINE_VARIABLE, raising=False)
    monkeypatch.setattr(metadata, "version", lambda name: "2.7.6" if name == "Whoosh-Reloaded" else real(name))
    with caplog.at_level("WARNING", logger="indexer.engine"):
        assert engines.chosen_engine() == "plain"
    assert "Whoosh-Reloaded is 2.7.6" in caplog.text
    monkeypatch.setattr(metadata, "version", real)
    assert engines.chosen_engine() == "fast"


def test_an_engine_named_in_the_environment_is_used(monkeypatch):
    monkeypatch.setenv(engines.ENGINE_VARIABLE, "plain")
    assert engines.chosen_engine() == "plain"
    monkeypatch.setenv(engines.ENGINE_VARIABLE, "quick")
    assert engines.chosen_engine() == "fast"
    assert np.dtype(np.int64).itemsize * 8 > DOC_SHIFT  # places fit in one number
