"""Putting the matching posts in order, and the page of hits with their snippets.

By relevance, a post's Whoosh BM25F score (with nearness bonuses) times its share of the
query's concepts, so a post with more of them comes first; or by date. Ranking stops at the
search's deadline with what it has.
"""

from __future__ import annotations

import heapq
import weakref

import numpy as np

from whoosh import query as wq
from whoosh.collectors import FilterCollector
from whoosh.matching import ListMatcher

from indexer.query import bounds
from indexer.query.bounds import Deadline, OutOfTime
from indexer.query.generation import Generation
from indexer.query.matching import Found
from indexer.query.request import SearchRequest
from indexer.query.results import Hit
from indexer.query.snippets import highlight_text, lead
from indexer.query.snippets import snippet as passages
from indexer.engine.postings import doc_numbers
from indexer.schema import TEXT_FIELDS, stored_document

RERANK_DEPTH = 200  # how many top posts are re-ranked by how many concepts they have
COVERAGE_POWER = 1.0  # how strongly a post with fewer of the concepts ranks lower
LONG_QUERY = 6  # concepts; a search with more is a long question, whose snippets show its rarest words
LIT_SHARE = 3  # a long question's snippets light the rarest third of its words
DOCSET_UP_TO = 5_000  # matches; up to this many, Whoosh ranking walks only them (see ranked)


def page(gen: Generation, found: Found, request: SearchRequest) -> list[Hit]:
    first = (request.page - 1) * request.per_page
    if first >= len(found.matching):
        return []
    return ranked(gen, found, request, first + request.per_page, first)


def ranked(gen: Generation, found: Found, request: SearchRequest, limit: int | None, first: int = 0) -> list[Hit]:
    """The matching posts in the request's order from `first` down to `limit` (None: all,
    without snippets), each with its stored fields and snippet. Only the posts from `first`
    are read and get snippets: page 29 made a snippet for every post of pages 1 to 28 too.
    Once the search is out of time, the posts left show their opening lines instead."""
    text_query, text = found.parsed.query, found.text
    if not found.matching:
        return []
    scored = request.effective_sort == "relevance" and text_query is not None
    order = _order(gen, found, request, limit, scored)
    body_terms = snippet_terms(gen, text_query) if text_query is not None and limit is not None else frozenset()
    title_terms = text_terms(text_query) if body_terms else frozenset()
    rare_terms = rarest(gen, body_terms) if len(found.parsed.concepts) > LONG_QUERY else body_terms
    hits = []
    for docnum, score in order[first:limit]:
        stored = gen.stored_fields(docnum)
        body = gen.body(docnum) if limit is not None else ""  # a download shows no summaries
        snippet, title = "", None
        if body_terms and not (found.deadline is not None and found.deadline.expired()):
            # A long question's snippet shows where the post has its rarest words, not the
            # generic ones that open it; a post with none of them shows its other words.
            snippet = " ".join(passages(body, rare_terms).split()) if rare_terms is not body_terms else ""
            snippet = snippet or " ".join(passages(body, body_terms).split())
            title = highlight_text(stored.get("title", ""), title_terms, gen.schema["title"].analyzer)
        score = score * text.coverage(docnum) ** COVERAGE_POWER if scored and score is not None else None
        if limit is not None and not snippet:
            snippet = lead(body)
        hits.append(Hit(stored_document(stored), snippet, score, title))
    return hits


def _order(
    gen: Generation, found: Found, request: SearchRequest, limit: int | None, scored: bool
) -> list[tuple[int, float | None]]:
    """(document number, Whoosh score) of the first `limit` posts, in the request's order.

    By relevance, posts are ranked by Whoosh's BM25F score (with nearness bonuses) times the
    share of the query's concepts they have, worked out by the engine's top-k without scoring every
    match; by date, from the date columns. A query top-k cannot score (a date range in
    the query, say) is ranked by Whoosh: its top posts by score, re-ranked by concepts.
    Ranking stops at the search's deadline with what it has."""
    text_query, text, matching = found.parsed.query, found.text, found.matching
    count = limit or len(matching)  # no limit: every match (a download)
    if scored:
        top = gen.top_k(text_query, matching, text.weights(COVERAGE_POWER), count, found.deadline)
        if top is not None:
            return top
    elif "sortedby" in sort_args(request):
        return [(doc, None) for doc in by_date(gen, matching, request, count)]
    depth = None if limit is None else (max(limit, RERANK_DEPTH) if scored else limit)
    if scored and depth and len(matching) <= DOCSET_UP_TO:
        results = gen.searcher.search(wq.And([text_query, DocSet(matching, gen.searcher)]), limit=depth)
    else:
        collector = gen.searcher.collector(limit=depth, **sort_args(request))
        timed = DeadlineFilterCollector(collector, matching, found.deadline)
        try:
            gen.searcher.search_with_collector(text_query or wq.Every(), timed)
        except OutOfTime:
            pass  # found.deadline notes it; the page keeps what was collected
        results = timed.results()
    order = [(hit.docnum, hit.score) for hit in results]  # not list(): its length hint counts every match
    if scored and text.concept_docs:
        order.sort(key=lambda item: -item[1] * text.coverage(item[0]) ** COVERAGE_POWER)
    return order


def snippet_terms(gen: Generation, q: wq.Query) -> frozenset[str]:
    """The words of the query that are in the index's body field: those a snippet lights."""
    field = gen.schema["body"]
    return frozenset(
        field.from_bytes(text) for _, text in q.existing_terms(gen.searcher.reader(), fieldname="body", expand=True)
    )


def rarest(gen: Generation, terms: frozenset[str]) -> frozenset[str]:
    """The third of the words that fewest posts have (at least two): what a long question's
    snippets light."""
    keep = max(2, len(terms) // LIT_SHARE)
    if len(terms) <= keep:
        return terms
    reader = gen.searcher.reader()
    return frozenset(sorted(terms, key=lambda term: (reader.doc_frequency("body", term), term))[:keep])


def by_date(gen: Generation, docs: set[int], request: SearchRequest, limit: int) -> list[int]:
    """The first `limit` posts in date order, newest or oldest first, from the date columns:
    ties in the order Whoosh's sorting gives them."""
    args = sort_args(request)
    if limit <= 0 or not docs:
        return []
    keys = gen.sort_keys(args["sortedby"])
    if len(docs) <= SMALL_SORT:
        pick = heapq.nlargest if args.get("reverse") else heapq.nsmallest
        return pick(limit, docs, key=lambda doc: (keys[doc], doc))
    # Many posts (a feed of a common word): each post's place in (key, post) order, worked out
    # once for the column, puts them in order in numpy; heapq's key call a post took ~0.4 ms
    # in every thousand. The same posts in the same order: (key, post) pairs are all different.
    places = _date_places(gen, keys)
    found = doc_numbers(docs)
    wanted = -places[found] if args.get("reverse") else places[found]
    if limit < len(found):
        chosen = np.argpartition(wanted, limit - 1)[:limit]
    else:
        chosen = np.arange(len(found))
    return found[chosen[np.argsort(wanted[chosen])]].tolist()


SMALL_SORT = 256  # posts heapq puts in date order as quickly as numpy does
_places_of_keys: "weakref.WeakKeyDictionary[Generation, dict[str, tuple[list, np.ndarray]]]" = (
    weakref.WeakKeyDictionary()
)


def _date_places(gen: Generation, keys: list) -> np.ndarray:
    """Each post's place when every post is put in order of (its key, its number); kept for the
    generation while its column of keys is the same list (a refresh makes a new one)."""
    kept = _places_of_keys.setdefault(gen, {})
    found = kept.get(id(keys))
    if found is not None and found[0] is keys:
        return found[1]
    order = sorted(range(len(keys)), key=lambda doc: (keys[doc], doc))
    places = np.empty(len(keys), dtype=np.int64)
    places[order] = np.arange(len(keys), dtype=np.int64)
    kept.clear()  # the column of an earlier refresh is not asked for again
    kept[id(keys)] = (keys, places)
    return places


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


class DeadlineFilterCollector(FilterCollector):
    """Whoosh's filter collector that also stops at a deadline, keeping what it collected.

    Whoosh's own TimeLimitCollector cannot wrap a filter (its loop skips the filter's), and its
    alarm signal only works in a main thread, so both jobs are done in one loop here."""

    def __init__(self, child, allow, deadline: Deadline):
        super().__init__(child, allow=allow)
        self.deadline = deadline

    def collect_matches(self):
        child = self.child
        allow = self._allow
        for count, sub_docnum in enumerate(child.matches()):
            if allow is None or self.offset + sub_docnum in allow:
                child.collect(sub_docnum)
            if count % bounds.CHECK_EVERY == bounds.CHECK_EVERY - 1:
                self.deadline.check()


class DocSet(wq.Query):
    """Matches exactly the given document numbers, scoring nothing.

    Ranking `And([words, DocSet(matching)])` walks only the posts a search already knows match
    (say, those with a phrase, or under a filter), instead of every post with any of the words
    and then filtering them out one by one."""

    fieldname = None  # in no one field
    boost = 1.0

    def __init__(self, docnums: set[int], top_searcher):
        self.docnums = docnums
        self.top = top_searcher

    def __eq__(self, other):
        return type(other) is type(self) and other.docnums == self.docnums

    def __hash__(self):
        return hash((type(self), len(self.docnums)))

    def __repr__(self):
        return f"DocSet({len(self.docnums)} posts)"

    def is_leaf(self):
        return True

    def estimate_size(self, ixreader):
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        offset = (
            0 if searcher is self.top else next((at for sub, at in self.top.subsearchers or () if sub is searcher), 0)
        )
        end = offset + searcher.doc_count_all()
        ids = sorted(docnum - offset for docnum in self.docnums if offset <= docnum < end)
        return ListMatcher(ids, weights=[0.0] * len(ids)) if ids else wq.NullQuery.matcher(searcher)
