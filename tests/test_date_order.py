"""Date order of many posts (a feed, a browse) put in order by numpy gives the very posts, in
the very order, that heapq gave over (date key, post number): ties by post number, on an index
of several segments with deletions."""

from __future__ import annotations

import heapq
import random

import pytest

from indexer.engine.postings import Posts
from indexer.query import SearchRequest, SearchService, ranking

import numpy as np


@pytest.fixture(scope="module")
def gen(segmented_index):
    with SearchService(segmented_index) as service:
        yield service._generation()


def heapq_order(gen, docs, request, limit):
    args = ranking.sort_args(request)
    keys = gen.sort_keys(args["sortedby"])
    pick = heapq.nlargest if args.get("reverse") else heapq.nsmallest
    return pick(limit, docs, key=lambda doc: (keys[doc], doc))


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_numpy_date_order_is_heapqs(gen, monkeypatch, sort):
    monkeypatch.setattr(ranking, "SMALL_SORT", 0)  # the judged corpus is small: numpy for every set
    request = SearchRequest(q="leadership", sort=sort)
    keys = gen.sort_keys(ranking.sort_args(request)["sortedby"])
    every = [doc for doc in range(len(keys)) if not gen.searcher.reader().is_deleted(doc)]
    assert len(set(keys[doc] for doc in every)) < len(every)  # some posts share a date: ties are tested
    rng = random.Random(4)
    for _ in range(60):
        docs = set(rng.sample(every, rng.randint(1, len(every))))
        limit = rng.choice([1, 5, 10, len(docs), len(docs) + 3])
        for made in (docs, Posts(np.array(sorted(docs), dtype=np.int64))):
            assert ranking.by_date(gen, made, request, limit) == heapq_order(gen, docs, request, limit)
    assert ranking.by_date(gen, set(every), request, 0) == [] and ranking.by_date(gen, set(), request, 5) == []
