"""The answer cache and the facet counts it keeps: the same request again costs nothing, a
reindex is seen at once, and every count read from postings is the count a filtered search finds."""

from __future__ import annotations

import random
import threading
from contextlib import contextmanager

import pytest

from helpers import write_post
from indexer.reindex import reindex
from indexer.query import SearchRequest, SearchService
from indexer.query import bounds
from indexer.query.generation import Generation
from indexer.query.cache import DEFAULT_MEGABYTES, AnswerCache, size_in_bytes
from indexer.query.results import FacetValues
from web.web_corpus import build_index, write_corpus


@contextmanager
def lock_held_elsewhere(service: SearchService, seconds: float = 30):
    """The service's lock held by another thread (as by a search running there) until the block ends."""
    held, release = threading.Event(), threading.Event()

    def hold():
        with service._lock:
            held.set()
            release.wait(seconds)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(seconds)
    try:
        yield
    finally:
        release.set()
        holder.join(seconds)


@pytest.fixture
def posts(tmp_path):
    folder = tmp_path / "posts"
    write_post(folder, "a.md", "Peer challenge", "Peer challenge in the region.", tags=["SLI"], date="2020-01-02")
    write_post(folder, "b.md", "Budgets", "Budget pressures and peer support.", tags=["Finance"], date="2021-03-04")
    return folder


def test_the_same_request_again_is_answered_from_memory(posts, tmp_path):
    reindex([posts], tmp_path / "index")
    with SearchService(tmp_path / "index") as service:
        first = service.search(SearchRequest(q="peer"))
        assert service.search(SearchRequest(q="peer")) is first
        assert service.search(SearchRequest(q="peer", page=2)) is not first


def test_an_incremental_reindex_is_seen_at_once(posts, tmp_path):
    reindex([posts], tmp_path / "index")
    with SearchService(tmp_path / "index") as service:
        assert service.search(SearchRequest(q="peer")).total == 2
        months = service.month_counts(SearchRequest(q="peer"))
        write_post(posts, "c.md", "More peers", "Peer review again.", tags=["SLI"], date="2022-05-06")
        reindex([posts], tmp_path / "index")
        assert service.search(SearchRequest(q="peer")).total == 3
        assert service.month_counts(SearchRequest(q="peer")) != months
        assert len(list(service.iter_matching(SearchRequest(q="peer")))) == 3


def test_a_rebuild_is_seen_at_once(posts, tmp_path):
    reindex([posts], tmp_path / "index")
    with SearchService(tmp_path / "index") as service:
        assert service.search(SearchRequest(q="budget")).total == 1
        (posts / "b.md").unlink()
        reindex([posts], tmp_path / "index", rebuild=True)
        assert service.search(SearchRequest(q="budget")).total == 0


def test_an_answer_cut_short_by_the_time_limit_is_not_kept(posts, tmp_path, monkeypatch):
    reindex([posts], tmp_path / "index")
    monkeypatch.setattr(bounds, "CHECK_EVERY", 1)
    with SearchService(tmp_path / "index", time_limit=0.0) as service:
        first = service.search(SearchRequest(q="peer"))
        assert bounds.TIME_LIMIT_NOTICE in first.notice
        assert service.search(SearchRequest(q="peer")) is not first


def test_the_cache_is_bounded_and_forgets_the_least_recently_used():
    cache = AnswerCache(max_entries=3)
    for key in "abcd":
        cache.put("v1", key, key.upper())
    assert len(cache) == 3 and cache.get("v1", "a") is None
    cache.get("v1", "b")
    cache.put("v1", "e", "E")
    assert cache.get("v1", "b") == "B" and cache.get("v1", "c") is None
    assert cache.get("v2", "b") is None and len(cache) == 0


def test_every_facet_count_is_what_that_filter_finds(tmp_path):
    index_dir = tmp_path / "index"
    build_index(write_corpus(tmp_path / "corpus"), index_dir)
    rng = random.Random(5)
    with SearchService(index_dir) as service:
        tags = [v.value for v in service.search(SearchRequest()).facets["tag"]]
        for q in ["", "leadership", "care", "inspection", "council budget", "digital"]:
            request = SearchRequest(q=q, tag=tuple(rng.sample(tags, rng.randint(0, 1))), per_page=1)
            result = service.search(request)
            for name, values in result.facets.items():
                for value in values[:6]:
                    own = service.search(request.with_changes(**{name: (value.value,)}))
                    assert value.count == own.total, (q, request, name, value)


def test_the_health_check_answers_at_once_while_a_search_holds_the_searcher(posts, tmp_path):
    reindex([posts], tmp_path / "index")
    with SearchService(tmp_path / "index") as service:
        before = service.health()
        with lock_held_elsewhere(service, seconds=10):
            assert service.health() == before  # the last answer, the files being unchanged
            write_post(posts, "c.md", "New", "A new post.")
            reindex([posts], tmp_path / "index")
            waiting = threading.Thread(target=service.health)
            waiting.start()
            waiting.join(1)
            assert waiting.is_alive()  # the files changed, so it waits to read them for real
        waiting.join(5)
        assert service.health().documents == 3


def test_ranking_only_the_matching_posts_ranks_them_as_filtering_every_match_does(tmp_path, monkeypatch):
    from indexer.query import ranking

    index_dir = tmp_path / "index"
    build_index(write_corpus(tmp_path / "corpus"), index_dir)
    requests = [
        SearchRequest(q='"we learned"'),
        SearchRequest(q="leadership", tag=("SLI",)),
        SearchRequest(q="care council", source=("Council Voices",), per_page=20),
        SearchRequest(q='inspection "we learned"'),
    ]
    answers = {}
    monkeypatch.setattr(Generation, "top_k", lambda *args: None)  # the Whoosh ranking it falls back to
    for limit in (0, 10_000):
        monkeypatch.setattr(ranking, "DOCSET_UP_TO", limit)
        with SearchService(index_dir) as service:
            answers[limit] = [[(h.id, round(h.score, 6)) for h in service.search(r).hits] for r in requests]
    assert answers[0] == answers[10_000] and all(answers[0])


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_following_service_opens_each_new_version_in_the_background(posts, tmp_path, monkeypatch, rebuild):
    """A server's searches never wait for a reindexed index to open: a background thread opens
    and warms it, and searches use the version before until it is ready."""
    import time

    from indexer.query import generation

    opened_in = []
    real_init = generation.Generation.__init__

    def recording_init(self, path):
        opened_in.append(threading.current_thread().name)
        real_init(self, path)

    reindex([posts], tmp_path / "index")
    with SearchService(tmp_path / "index") as service:
        service.warm()
        service.follow(every=0.02)
        monkeypatch.setattr(generation.Generation, "__init__", recording_init)
        assert service.search(SearchRequest(q="peer")).total == 2
        write_post(posts, "c.md", "More peers", "Peer review again.", tags=["SLI"], date="2022-05-06")
        reindex([posts], tmp_path / "index", rebuild=rebuild)
        waited = 0.0
        while service.search(SearchRequest(q="peer")).total != 3 and waited < 10:
            time.sleep(0.02)
            waited += 0.02
        assert service.search(SearchRequest(q="peer")).total == 3
        assert opened_in and set(opened_in) == {"lgsearch-follow"}


def test_the_cache_is_bounded_in_bytes_too():
    cache = AnswerCache(max_entries=100, max_bytes=40)
    cache.put("v1", "a", "A", size=10)
    cache.put("v1", "b", "B", size=10)
    cache.put("v1", "c", "C", size=10)
    cache.put("v1", "d", "D", size=10)
    cache.put("v1", "e", "E", size=10)  # 50 > 40: the least recently used goes
    assert cache.get("v1", "a") is None and [cache.get("v1", k) for k in "bcde"] == list("BCDE")
    assert cache.bytes == 40
    cache.put("v1", "big", "H", size=11)  # more than a quarter of the whole cache: not kept at all
    assert cache.get("v1", "big") is None and len(cache) == 4
    cache.put("v1", "b", "B2", size=1)  # replacing an answer replaces its size
    assert cache.bytes == 31


def test_answers_about_one_long_post_stay_under_the_ceiling_in_bytes(tmp_path, monkeypatch):
    """120 pages of one long post, each with other words lit, once took +4.4 MB each a worker."""
    body = "\n\n".join(f"Paragraph {n} on budgets, peer review and council leadership." for n in range(1_000))
    write_post(tmp_path / "posts", "long.md", "A long report", body)
    reindex([tmp_path / "posts"], tmp_path / "index")
    monkeypatch.setenv("LGSEARCH_CACHE_MB", "2")
    with SearchService(tmp_path / "index") as service:
        ceiling = 2 * 1024 * 1024
        assert service._answers.max_bytes == ceiling
        pages = [service.document("long", q=f"budgets {n}") for n in range(120)]
        assert all(len(page.paragraphs) == 1_000 for page in pages)
        one_page = size_in_bytes(pages[-1])
        assert one_page > 2 * len(body)  # the body and its lit paragraphs, each counted
        assert 0 < service._answers.bytes <= ceiling
        assert len(service._answers) < 120
        assert service.document("long", q="budgets 119") is pages[-1]  # the latest are kept


def test_a_facets_labels_belong_to_the_generation_and_are_not_counted(tmp_path):
    labels = [f"Organisation {n}" * 10 for n in range(1_000)]
    listed = FacetValues(labels, [0, 1], [5, 3])
    assert size_in_bytes(listed) < size_in_bytes(labels) / 10


def test_the_ceiling_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LGSEARCH_CACHE_MB", "16")
    assert AnswerCache().max_bytes == 16 * 1024 * 1024
    monkeypatch.setenv("LGSEARCH_CACHE_MB", "lots")
    assert AnswerCache().max_bytes == DEFAULT_MEGABYTES * 1024 * 1024


def test_a_long_list_of_numbers_or_words_is_measured_as_each_sampled_item_alone():
    """The quick way for a long list of plain values (a facet's thousands of counts) gives what
    measuring each sampled item on its own gives."""
    import sys

    from indexer.query.cache import SAMPLED

    for items in ([n * 7919 for n in range(3_000)], [f"value {n}" * (n % 5 + 1) for n in range(1_000)]):
        step = len(items) / SAMPLED
        sample = [items[int(at * step)] for at in range(SAMPLED)]
        each_alone = sum(size_in_bytes(one) for one in sample)
        assert size_in_bytes(items) == sys.getsizeof(items) + int(each_alone * len(items) / SAMPLED)
    nested = [[n] for n in range(1_000)]  # not plain values: each sampled item is walked
    assert size_in_bytes(nested) > sys.getsizeof(nested) + SAMPLED * sys.getsizeof([0]) * 4


def test_a_repeat_is_answered_while_another_thread_holds_the_services_lock(posts, tmp_path):
    """A server following the index answers a kept answer without its lock, so a repeat does not
    wait behind a search running in another thread."""
    reindex([posts], tmp_path / "index")
    with SearchService(tmp_path / "index") as service:
        service.warm()
        service.follow(every=60)
        first = service.search(SearchRequest(q="peer"))
        document = service.document("a", "peer")
        months = service.month_counts(SearchRequest(q="peer"))
        answers = {}
        asker = threading.Thread(
            target=lambda: answers.update(
                page=service.search(SearchRequest(q="peer")),
                document=service.document("a", "peer"),
                months=service.month_counts(SearchRequest(q="peer")),
            )
        )
        with lock_held_elsewhere(service):
            asker.start()
            asker.join(10)  # far above the time a kept answer takes; only a wait for the lock reaches it
            answered_while_held = not asker.is_alive()
        asker.join(30)
        assert answered_while_held
        assert answers["page"] is first and answers["document"] is document and answers["months"] == months


def test_the_cache_stays_bounded_in_bytes_with_threads_putting_and_getting_at_once():

    cache = AnswerCache(max_entries=1_000, max_bytes=4_000)
    start = threading.Barrier(4)

    def work(worker: int):
        start.wait(30)
        for n in range(2_000):
            cache.put("v1", (worker, n % 300), n, size=10 + n % 17)
            cache.get("v1", (worker, (n * 7) % 300))

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    kept = [cache.get("v1", (worker, n)) for worker in range(4) for n in range(300)]
    assert cache.bytes <= 4_000 and len(cache) <= 1_000
    assert cache.bytes == sum(size for _, size in cache._answers.values())
    assert sum(answer is not None for answer in kept) == len(cache) > 100
