"""Ranking without scoring every match (indexer/engine/bm25f.py) must rank exactly as Whoosh scoring every
match does, and postings read a block at a time (postings.py) must say what Whoosh's matchers say.

The index here has several segments and deleted posts, as a server's index has after
incremental reindexes; the queries are the judged set's, typed as staff type them.
"""

from __future__ import annotations


import pytest
from whoosh import query as wq
from whoosh.util.numeric import byte_to_length

from indexer.query import SearchRequest, SearchService
from indexer.engine import bm25f
from indexer.query.bounds import Deadline
from indexer.query.ranking import DocSet
from indexer.engine.postings import Postings
from indexer.query.generation import Generation
from tests.relevance.relevance_eval import load_queries

QUERIES = [item.query for item in load_queries()] + [
    '"peer challenge"',
    "sector-led improvement",
    "SEND ofsted",
    "ofsted inspection -academy",
    "children's services",
    "well being",
    "council budget pressures",
    "insp* ofsted",
    "l* m* n* r*",
    "{a TO c}",
    "schol~ leadership",
    "title:peer AND body:challenge",
    '"peer challenge" NOT ofsted',
    "inspection NOT academy",
    "(ofsted OR inspection) AND NOT (academy OR school)",
    "leadership AND NOT council AND NOT budget",
]


@pytest.fixture(scope="module")
def service(segmented_index):
    with SearchService(segmented_index) as service:
        gen = service._generation()
        assert len(gen.searcher.reader().leaf_readers() and list(gen.searcher.reader().leaf_readers())) > 1
        assert any(leaf.has_deletions() for leaf, _ in gen.searcher.reader().leaf_readers())
        yield service


@pytest.mark.parametrize("sorted_first", [bm25f.SORTED_FIRST, 3])
def test_pages_match_whoosh_scoring_every_match(service, monkeypatch, sorted_first):
    """Every judged query, first and second page: the same posts in the same order with the same
    scores as when Whoosh scores every match; also when only a few matches are put in ceiling
    order at first (as at 20,000 posts, where most are never sorted)."""
    monkeypatch.setattr(bm25f, "SORTED_FIRST", sorted_first)
    requests = [
        SearchRequest(q=q, per_page=per_page, page=page) for q in QUERIES for per_page, page in ((10, 1), (5, 2))
    ]
    service._answers = type(service._answers)()
    fast = [_page(service, request) for request in requests]
    service._answers = type(service._answers)()  # forget the answers
    monkeypatch.setattr(Generation, "top_k", lambda *args: None)
    slow = [_page(service, request) for request in requests]
    assert sum(len(page) for page in fast) > 500
    for request, ours, whooshs in zip(requests, fast, slow):
        assert ours == whooshs, request.q


def _page(service, request):
    return [(hit.id, round(hit.score, 6)) for hit in service.search(request).hits]


def _parsed_queries(service, gen):
    """(typed query, its Whoosh query) for each of QUERIES that parses to something."""
    for q in QUERIES:
        parsed = service._parse(gen, q)
        if parsed.query is not None and parsed.query is not wq.NullQuery:
            yield q, parsed.query


def test_each_score_is_whooshs_score_of_that_post(service):
    gen = service._generation()
    checked = 0
    for q, query in _parsed_queries(service, gen):
        docs = set(gen.every())
        top = gen.top_k(query, docs, None, 20, Deadline(10))
        if top is None:
            continue
        ours = {doc: score for doc, score in top if score > 0}
        whoosh = {
            hit.docnum: hit.score
            for hit in gen.searcher.search(wq.And([query, DocSet(set(ours), gen.searcher)]), limit=None)
        }
        assert set(whoosh) == set(ours), q
        for doc, score in ours.items():
            assert whoosh[doc] == pytest.approx(score, rel=1e-9), q
        checked += len(ours)
    assert checked > 500


def test_block_postings_agree_with_whooshs_matchers(service):
    gen = service._generation()
    reader = gen.searcher.reader()
    postings = Postings(reader, keep=1_000)  # small, so terms are also dropped and read again
    terms = [
        (field, text)
        for field in ("title", "body")
        for text in ["council", "ofst", "inspect", "school", "peer", "challeng", "§send", "wellb"]
    ]
    for field, text in terms * 2:
        if (field, text) not in reader:
            continue
        matcher = reader.postings(field, text)
        expected = {}
        while matcher.is_active():
            expected[matcher.id()] = matcher.value_as("positions")
            matcher.next()
        assert postings.doc_ids(field, text) == set(expected)
        assert postings.positions(field, text, sorted(expected)) == expected  # places made
        assert postings.positions(field, text, [max(expected) + 1]) == {}
        assert postings.positions(field, text, sorted(expected)[::3]) == {
            doc: expected[doc] for doc in sorted(expected)[::3]
        }  # places kept
    assert len(postings._terms) < len(terms)


def test_a_words_places_are_read_at_once_as_whooshs_matchers_give_them(service):
    """Every place of a word, read for all its posts at once from PackedPositions, is what
    Whoosh's own matcher says, post by post, for every word of the body and title."""
    from indexer.engine import postings as postings_module

    gen = service._generation()
    reader = gen.searcher.reader()
    postings = Postings(reader)
    compared = 0
    for field in ("title", "body", "labels"):
        assert type(gen.schema[field].format).__name__ == "PackedPositions"
        for text in list(reader.field_terms(field))[::3]:
            term = postings.term(field, text, keep=False)
            postings_module._packed_places(*postings_module.joined_values(term.blocks))  # raises if not packed
            ours = postings_module._position_keys(term)
            matcher = reader.postings(field, text)
            expected = []
            while matcher.is_active():
                expected.extend(matcher.id() << postings_module.DOC_SHIFT | p for p in matcher.value_as("positions"))
                matcher.next()
            live = set(gen.every())
            assert [key for key in ours.tolist() if key >> postings_module.DOC_SHIFT in live] == expected
            compared += len(expected)
    assert compared > 4_000


def test_phrase_matches_are_whooshs(service, monkeypatch):
    """Phrases matched from arrays of word places (postings.py) find exactly the live posts
    Whoosh's own phrase matching finds: two- and three-word runs taken from the posts, a word
    twice, runs in the wrong order, and words that never meet."""
    from indexer import analysis
    from indexer.query import matching

    gen = service._generation()
    searcher = gen.searcher
    runs = set()
    for doc in sorted(gen.every())[::4]:
        words = [token.text for token in analysis.text_analyzer()(gen.body(doc))][:60]
        for start in range(0, len(words) - 3, 7):
            runs.update(
                [
                    tuple(words[start : start + 2]),
                    tuple(words[start : start + 3]),
                    tuple(reversed(words[start : start + 2])),
                    (words[start], words[start]),
                ]
            )
    monkeypatch.setattr(gen.postings._keys, "bound", 2_000)  # places dropped and read again
    live = set(gen.every())
    compared = found = 0
    for field in ("body", "title"):
        for run in sorted(runs):
            phrase = wq.Phrase(field, list(run))
            ours = matching.bounded_docs(gen, phrase, Deadline(10))
            whooshs = {docnum for docnum in searcher.docs_for_query(phrase)} & live
            assert ours == whooshs, (field, run)
            compared += 1
            found += bool(ours)
    assert compared > 200 and found > 100


def test_a_server_warms_the_places_of_the_commonest_words(segmented_index, monkeypatch):
    """What a server reads as it starts: the places of the body's commonest words, by Whoosh's
    own count; and phrases then find what they found without it. (Its own copy: shared files,
    tests/test_shared_files.py, would be written into the index, which other tests share.)"""
    from indexer.query import matching

    monkeypatch.setenv("LGSEARCH_SHARED_FILES", "off")
    with SearchService(segmented_index) as service:
        service.warm()
        gen = service._generation()
        commonest = [
            gen.schema["body"].from_bytes(word) for _, word in gen.searcher.reader().most_frequent_terms("body", 5)
        ]
        assert all(gen.postings._keys.peek(("body", word)) is not None for word in commonest)
        warmed = {
            (word, other): matching.bounded_docs(gen, wq.Phrase("body", [word, other]), Deadline(10))
            for word in commonest
            for other in commonest
        }
    with SearchService(segmented_index) as cold:
        gen = cold._generation()
        assert gen.postings._keys.peek(("body", commonest[0])) is None
        for (word, other), docs in warmed.items():
            assert matching.bounded_docs(gen, wq.Phrase("body", [word, other]), Deadline(10)) == docs
    assert any(warmed.values())


def test_places_made_for_nearness_never_push_out_a_phrases(service, monkeypatch):
    """Nearness scores keep the places they make apart from phrases' (the warmed common words),
    and a phrase then takes a word's places from there rather than reading them again."""
    gen = service._generation()
    reader = gen.searcher.reader()
    words = [gen.schema["body"].from_bytes(word) for _, word in reader.most_frequent_terms("body", 12)]
    postings = Postings(reader)
    postings._near_keys.bound = 1  # room for one word's places at a time
    made = []
    make = postings._made_places
    monkeypatch.setattr(postings, "_made_places", lambda key: made.append(key) or make(key))
    phrase_places = postings.position_keys("body", words[0])
    docs = sorted(gen.every())
    for word in words[1:]:
        expected = postings.positions("body", word, docs)
        assert expected and all(positions == sorted(positions) for positions in expected.values())
    assert postings._keys.peek(("body", words[0])).keys is phrase_places
    assert len(postings._keys) == 1 and len(postings._near_keys) == 1
    postings.position_keys("body", words[-1])  # the last word's, made for nearness: not made again
    assert made == [("body", word) for word in words]
    assert postings.positions("body", words[-1], docs) == expected


def test_a_words_scores_come_from_the_postings_kept_beside_its_places(service, monkeypatch):
    """Once a word's places are kept (for phrases, or for nearness), scoring it takes its
    document numbers and weights from beside them, even after its own arrays were dropped,
    rather than reading its postings again; and they are the numbers Whoosh's matcher gives."""
    gen = service._generation()
    reader = gen.searcher.reader()
    words = [gen.schema["body"].from_bytes(word) for _, word in reader.most_frequent_terms("body", 6)]
    postings = Postings(reader)
    postings._arrays.bound = 1  # room for one word's arrays at a time
    for word in words[:3]:
        postings.position_keys("body", word)
    for word in words[3:]:
        postings.positions("body", word, sorted(gen.every())[:5])
    read = []
    term = postings.term
    monkeypatch.setattr(postings, "term", lambda *key, **kwargs: read.append(key) or term(*key, **kwargs))
    for word in words * 2:
        docs, weights = postings.arrays("body", word)
        matcher = reader.postings("body", word)
        expected = []
        while matcher.is_active():
            expected.append((matcher.id(), matcher.weight()))
            matcher.next()
        live = set(gen.every())
        assert [(doc, weight) for doc, weight in zip(docs.tolist(), weights.tolist()) if doc in live] == expected
    assert read == []


def test_field_lengths_are_whooshs(service):
    gen = service._generation()
    searcher = gen.searcher
    for field in ("title", "body", "labels"):
        lengths = gen.field_lengths(field)
        assert len(lengths) == searcher.doc_count_all()
        for doc in gen.every():
            assert (byte_to_length(lengths[doc]) if lengths[doc] else None) == searcher.doc_field_length(
                doc, field, None
            ), (field, doc)


def test_facet_counts_by_value_equal_counts_post_by_post(service, monkeypatch):
    """Counting a facet from its (post, value) arrays (many posts) gives the counts counted post
    by post (few)."""
    from indexer.query import facets

    gen = service._generation()
    rng = __import__("random").Random(5)
    everything = sorted(gen.every())
    samples = [set(everything)] + [set(rng.sample(everything, rng.randint(1, len(everything)))) for _ in range(20)]
    for docs in samples:
        for name in gen.facet_keys():
            monkeypatch.setattr(facets, "COUNT_BY_VALUE_FROM", 0)
            by_value = facets.value_counts(gen, name, docs)
            monkeypatch.setattr(facets, "COUNT_BY_VALUE_FROM", 10**9)
            by_post = facets.value_counts(gen, name, docs)
            assert by_value.tolist() == by_post.tolist()
    assert any(facets.value_counts(gen, name, set(everything)).any() for name in gen.facet_keys())


def test_facet_values_are_listed_most_results_first_then_by_label(service):
    """Values put in order by numpy are in the order a plain sort of the counts gives (most
    results, then label; years newest first), ticked values marked and kept even at 0."""
    from collections import Counter
    from itertools import chain

    from indexer.query import facets
    from indexer.query.request import filter_key

    gen = service._generation()
    rng = __import__("random").Random(6)
    everything = sorted(gen.every())
    for _ in range(30):
        docs = set(rng.sample(everything, rng.randint(1, len(everything))))
        for name in gen.facet_keys():
            labels, keys = gen.facet_labels(name), gen.facet_pairs()[name].keys
            ticked = tuple(labels.get(key) or key for key in rng.sample(keys, min(len(keys), rng.randint(0, 2))))
            ticked += ("no such value",) if name != "year" and rng.random() < 0.3 else ()
            counts = Counter(chain.from_iterable(gen.facet_keys()[name][doc] for doc in docs))  # a plain count
            chosen = {filter_key(name, value) for value in ticked}
            expected = [(labels.get(key) or key, count, key in chosen) for key, count in counts.items()]
            expected += [
                (labels.get(key) or value, 0, True)
                for key, value in {filter_key(name, value): value for value in ticked}.items()
                if key not in counts
            ]
            order = (lambda v: -int(v[0])) if name == "year" else (lambda v: (-v[1], v[0].casefold()))
            listed = facets.listed_values(gen, name, facets.value_counts(gen, name, docs), ticked)
            assert [(v.value, v.count, v.selected) for v in listed] == sorted(expected, key=order), name


def test_month_counts_are_the_stored_dates_counted(service):
    """The timeline's counts, from arrays, are the posts' stored dates counted one by one."""
    from collections import Counter

    gen = service._generation()
    rng = __import__("random").Random(7)
    everything = sorted(gen.every())
    dated = 0
    for docs in [set(everything)] + [set(rng.sample(everything, rng.randint(1, 40))) for _ in range(20)]:
        expected = Counter(
            gen.searcher.stored_fields(doc)["date"][:7] for doc in docs if gen.searcher.stored_fields(doc).get("date")
        )
        assert gen.month_counts(docs) == expected
        dated += sum(expected.values())
    assert dated > 100


def test_more_like_this_finds_what_whooshs_more_like_finds(service, monkeypatch):
    from indexer.query import similar

    gen = service._generation()
    compared = 0
    for numterms in (8, 25):
        monkeypatch.setattr(similar, "MORE_LIKE_TERMS", (numterms,))
        for docnum in sorted(gen.every())[::3]:
            ours = similar.more_like(gen, docnum, Deadline(10))
            whooshs = [
                hit.docnum
                for hit in gen.searcher.more_like(docnum, "body", text=gen.body(docnum), top=5, numterms=numterms)
            ]
            assert ours == whooshs, docnum
            compared += len(ours)
    assert compared > 200


def test_key_terms_are_whooshs_expander_terms(service):
    """The key terms of every post, weighed from index_term_counts, are exactly those Whoosh's
    Expander picks from the post's text through its token stream (the same words, the same
    weights, in the same order)."""
    from whoosh import classify

    from indexer.analysis import index_term_counts
    from indexer.query import similar

    gen = service._generation()
    compared = 0
    for docnum in sorted(gen.every()):
        text = gen.body(docnum)[: similar.KEY_TERMS_READ]
        whooshs = classify.Expander(gen.searcher.reader(), "body")
        whooshs.add_text(text)
        weights = {term: weight for term, _, weight, _ in gen.schema["body"].index(text)}
        assert {term.decode(): float(count) for term, count in weights.items()} == {
            term: float(count) for term, count in index_term_counts(text).items()
        }
        for numterms in similar.MORE_LIKE_TERMS:
            ours = similar.key_terms(gen, docnum, numterms)
            assert ours == whooshs.expanded_terms(numterms), docnum
            compared += len(ours)
    assert compared > 500


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_order_is_whooshs_sorted_order(service, sort):
    """Newest or oldest first, ties included, as Whoosh's sorted search gives them."""
    from indexer.query.ranking import by_date, sort_args

    gen = service._generation()
    rng = __import__("random").Random(3)
    everything = sorted(gen.every())
    for size in (1, 5, 30, len(everything)):
        docs = set(rng.sample(everything, size))
        request = SearchRequest(q="council", sort=sort)
        for limit in (1, 10, 40):
            whoosh = gen.searcher.search(DocSet(docs, gen.searcher), limit=limit, **sort_args(request))
            assert by_date(gen, docs, request, limit) == [hit.docnum for hit in whoosh]


def test_snippets_are_whooshs_highlights(service):
    """The passages lit for each hit are exactly what Whoosh's highlighter gives that hit."""
    from indexer.query.ranking import snippet_terms
    from indexer.query.snippets import MarkFormatter, PassageFragmenter, snippet

    gen = service._generation()
    compared = 0
    for q, query in _parsed_queries(service, gen):
        results = gen.searcher.search(query, limit=15)
        results.fragmenter, results.formatter = PassageFragmenter(), MarkFormatter()
        terms = snippet_terms(gen, query)
        for hit in results:
            body = gen.body(hit.docnum)
            expected = hit.highlights("body", text=body, top=2)
            assert snippet(body, terms) == expected, (q, hit["id"])
            compared += bool(expected)
    assert compared > 300


def test_a_lead_from_the_start_of_a_body_is_the_lead_of_the_whole_body():
    """lead() reads only a body's start when that holds a lead's worth of words."""
    import html
    import random

    from indexer.query.snippets import SNIPPET_CHARS, lead

    def whole(body):  # the lead worked out from every word of the body
        text = " ".join(body.split())
        if len(text) > SNIPPET_CHARS:
            text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
        return html.escape(text, quote=False)

    rng = random.Random(4)
    words = ["council", "a", "peer-challenge", "x" * 300, "<b>", "&", "Ofsted's"]
    spaces = [" ", "  ", "\n\n", "\t", " " * 900]
    bodies = ["", "short", " " * 2000 + "late words " * 30, "word" * 400]
    bodies += ["".join(rng.choice(words) + rng.choice(spaces) for _ in range(rng.randint(1, 120))) for _ in range(300)]
    for body in bodies:
        assert lead(body) == whole(body), body[:80]


def test_snippets_are_whooshs_highlights_for_any_text(service):
    """On made-up posts (compounds, acronyms, stop words, long gaps and long words, matches at
    the edges or nowhere) the passages are still exactly what Whoosh's highlighter gives."""
    import random

    from whoosh import highlight

    from indexer.analysis import indexed_terms
    from indexer.query.snippets import MarkFormatter, PassageFragmenter, snippet

    analyzer = service._generation().schema["body"].analyzer
    words = [
        "council",
        "councils",
        "sector-led",
        "led",
        "peer",
        "peer-challenge",
        "SEND",
        "send",
        "well-being",
        "wellbeing",
        "Ofsted's",
        "the",
        "of",
        "and",
        "a",
        "organization",
        "x" * 70,
        "2024",
        "improvement",
        "co-operate",
        "DfE",
        "schools",
        "it's",
        "well",
        "being",
    ]
    gaps = [" ", " ", " ", ", ", ". ", ".\n\n", " - ", "-" * 90 + " ", " " * 150, "? ", "…"]
    rng = random.Random(12)
    compared = 0
    for _ in range(400):
        text = "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randint(0, 160)))
        chosen = rng.sample(words, rng.randint(1, 3))
        terms = frozenset(term for word in chosen for term, *_ in indexed_terms(word) if rng.random() < 0.8)
        tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
        tokens = highlight.Highlighter()._merge_matched_tokens(highlight.set_matched_filter(tokens, terms))
        fragments = highlight.top_fragments(
            PassageFragmenter().fragment_tokens(text, tokens),
            2,
            highlight.BasicFragmentScorer(),
            highlight.FIRST,
            minscore=1,
        )
        expected = MarkFormatter().format(fragments)
        assert snippet(text, terms) == expected, (text, terms)
        compared += bool(expected)
    assert compared > 200


def test_written_words_give_the_terms_their_analysis_gives_even_past_their_bound():
    """The words a snippet lights are those whose own analysis gives a query term, however many
    words were learnt before (a small bound makes it start afresh often)."""
    import random

    from indexer.analysis import indexed_terms
    from indexer.query.snippets import WrittenWords

    rng = random.Random(3)
    vocabulary = [
        "council",
        "Councils",
        "sector-led",
        "SEND",
        "send",
        "well-being",
        "the",
        "DfE",
        "organization",
        "peer",
        "peers",
        "co-operate",
        "Ofsted's",
    ] + [f"w{n}" for n in range(40)]
    for limit in (5, 1_000):
        written = WrittenWords(limit=limit)
        for _ in range(200):
            words = set(rng.sample(vocabulary, rng.randint(1, 20)))
            terms = frozenset(term for word in rng.sample(vocabulary, 3) for term, *_ in indexed_terms(word))
            expected = {word for word in words if any(term in terms for term, *_ in indexed_terms(word))}
            assert written.giving(words, terms) == expected


def test_written_words_shared_by_threads_answer_each_as_alone():
    """Threads sharing one WrittenWords (one for the process) each get what their words' own
    analysis gives, while others add words and it starts afresh under them."""
    import random
    import threading

    from indexer.analysis import indexed_terms
    from indexer.query.snippets import WrittenWords

    written = WrittenWords(limit=40)
    vocabulary = [f"w{n}" for n in range(120)] + ["council", "sector-led", "SEND", "well-being"]
    failures = []

    def ask(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(400):
                words = set(rng.sample(vocabulary, 30))
                terms = frozenset(term for word in rng.sample(vocabulary, 4) for term, *_ in indexed_terms(word))
                expected = {word for word in words if any(term in terms for term, *_ in indexed_terms(word))}
                if written.giving(words, terms) != expected:
                    failures.append(seed)
        except Exception as error:  # a set read while another thread changed it
            failures.append(error)

    threads = [threading.Thread(target=ask, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_a_set_of_posts_made_from_an_array_is_that_array_for_numpy():
    """matching.py makes sets from sorted arrays once (postings.Posts); masks and counts then use
    the array, and sets made from such a set by set operations are plain sets."""
    import numpy as np
    from indexer.engine.postings import Posts, doc_numbers

    ascending = np.array([2, 5, 9, 40])
    posts = Posts(ascending)
    assert posts == {2, 5, 9, 40} and doc_numbers(posts) is ascending
    narrowed = posts & {5, 40, 41}
    assert type(narrowed) is set and sorted(doc_numbers(narrowed).tolist()) == [5, 40]


NOT_QUERIES = [
    '"peer challenge" NOT ofsted',
    "inspection NOT academy",
    "(ofsted OR inspection) AND NOT (academy OR school)",
    "leadership AND NOT council AND NOT budget",
]


@pytest.mark.parametrize("q", NOT_QUERIES)
def test_the_syntax_modes_not_is_matched_from_postings_as_whoosh_matches_it(service, q):
    from indexer.query import matching

    gen = service._generation()
    query = service._parse(gen, q).query
    assert matching._docs_of(gen.postings, query, Deadline(10)) is not None  # not Whoosh's matchers
    assert bm25f._scorable(query)
    ours = matching.matched_docs(gen, query, Deadline(10)).tolist()
    assert ours and ours == sorted(gen.searcher.docs_for_query(query))
