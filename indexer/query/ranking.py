"""Putting the matching posts in order, and the page of hits with their snippets.

By relevance, Whoosh's BM25F (with nearness bonuses) ranks the posts; the top ones are then
re-ranked so a post with more of the query's concepts comes first. Ranking stops at the
search's deadline with what it has.
"""
from __future__ import annotations

import heapq

from whoosh import query as wq

from indexer.query.bounds import DeadlineFilterCollector, DocSet, OutOfTime
from indexer.query.generation import Generation
from indexer.query.matching import Found
from indexer.query.request import SearchRequest
from indexer.query.results import Hit
from indexer.query.scoring import top_scored
from indexer.query.snippets import MarkFormatter, PassageFragmenter, highlight_text, lead
from indexer.schema import TEXT_FIELDS, stored_document

RERANK_DEPTH = 200  # how many top posts are re-ranked by how many concepts they have
COVERAGE_POWER = 2.0  # how strongly a post with fewer of the concepts ranks lower
DOCSET_UP_TO = 5_000  # matches; up to this many, Whoosh ranking walks only them (see ranked)


def page(gen: Generation, found: Found, request: SearchRequest) -> list[Hit]:
    first = (request.page - 1) * request.per_page
    if first >= len(found.matching):
        return []
    return ranked(gen, found, request, first + request.per_page)[first:]


def ranked(gen: Generation, found: Found, request: SearchRequest, limit: int | None) -> list[Hit]:
    """The matching posts in the request's order, down to `limit`, with snippets.

    By relevance, Whoosh's BM25F (with nearness bonuses) ranks the posts; the top ones are
    then re-ranked so a post with more of the concepts comes first. Ranking stops at the
    search's deadline with what it has."""
    text_query, text, matching = found.parsed.query, found.text, found.matching
    if not matching:
        return []
    scored = request.effective_sort == "relevance" and text_query is not None
    depth = None if limit is None else (max(limit, RERANK_DEPTH) if scored else limit)
    top = None
    count = limit or len(matching)  # no limit: every match (a download)
    if scored:
        coverage = text.coverage if len(text.concept_docs) > 1 else None  # else all have it
        top = top_scored(gen, text_query, matching, coverage, COVERAGE_POWER, count, found.deadline)
    elif "sortedby" in sort_args(request):
        top = [(doc, None) for doc in by_date(gen, matching, request, count)]
    if top is not None:
        # Put in order here; Whoosh fetches only the page's posts, for their snippets.
        results = gen.searcher.search(DocSet({doc for doc, _ in top}, gen.searcher), limit=len(top) or 1)
        results.q = text_query if text_query is not None else wq.NullQuery  # the words snippets light
    elif scored and depth and len(matching) <= DOCSET_UP_TO:
        results = gen.searcher.search(wq.And([text_query, DocSet(matching, gen.searcher)]), limit=depth)
    else:
        collector = gen.searcher.collector(limit=depth, **sort_args(request))
        timed = DeadlineFilterCollector(collector, matching, found.deadline)
        try:
            gen.searcher.search_with_collector(text_query or wq.Every(), timed)
        except OutOfTime:
            found.out_of_time = True
        results = timed.results()
    results.fragmenter = PassageFragmenter()
    results.formatter = MarkFormatter()
    ranked = [hit for hit in results]  # not list(): its length hint counts every match
    scores = dict(top) if top is not None else None
    if top is not None:
        place = {doc: i for i, (doc, _) in enumerate(top)}
        ranked.sort(key=lambda hit: place[hit.docnum])
    elif scored and text.concept_docs:
        ranked.sort(key=lambda hit: -hit.score * text.coverage(hit.docnum) ** COVERAGE_POWER)
    hits = []
    title_terms = text_terms(text_query) if text_query is not None else frozenset()
    for hit in ranked[:limit]:
        stored = hit.fields()
        snippet, title = "", None
        if text_query is not None and limit is not None:
            snippet = " ".join(hit.highlights("body", top=2).split())
            title = highlight_text(stored.get("title", ""), title_terms, gen.index.schema["title"].analyzer)
        score = scores[hit.docnum] if scores is not None else hit.score
        score = score * text.coverage(hit.docnum) ** COVERAGE_POWER if scored and score is not None else None
        hits.append(Hit(stored_document(stored), snippet or lead(stored.get("body", "")), score, title))
    return hits


def by_date(gen: Generation, docs: set[int], request: SearchRequest, limit: int) -> list[int]:
    """The first `limit` posts in date order, newest or oldest first, from the date columns:
    ties in the order Whoosh's sorting gives them."""
    args = sort_args(request)
    keys = gen.sort_keys(args["sortedby"])
    pick = heapq.nlargest if args.get("reverse") else heapq.nsmallest
    return pick(limit, docs, key=lambda doc: (keys[doc], doc))


def text_terms(q: wq.Query) -> frozenset[str]:
    """The words a query looks for in the text, to light up in titles as in snippets."""
    return frozenset(text for field_name, text in q.iter_all_terms() if field_name in TEXT_FIELDS)


def sort_args(request: SearchRequest) -> dict:
    sort = request.effective_sort
    if sort == "newest" or (sort == "relevance" and not request.q.strip()):
        return {"sortedby": "newest_key", "reverse": True}
    if sort == "oldest":
        return {"sortedby": "oldest_key"}
    return {}
