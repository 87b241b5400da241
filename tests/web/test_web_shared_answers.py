"""Answers shared between workers: an address one worker answered is answered again by another
from the shared files, the very same bytes, without a search; a reindex, another host or an
answer cut short is never served from them; the files stay within their ceiling in bytes."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from helpers import write_post
from indexer.reindex import reindex
from web import web_corpus as corpus
from web.conftest import app_for
from webui.shared_answers import LARGEST_SHARE, SWEEP_SHARE, SharedAnswers

URLS = [
    "/search?q=inspection",
    "/search?q=inspection&tag=Ofsted",
    "/",
    f"/doc/{corpus.INSPECTION_ID}?q=inspection",
    "/api/search?q=inspection",
    f"/api/doc/{corpus.INSPECTION_ID}",
    "/search.atom?q=inspection",
    "/org",
]


@pytest.fixture
def workers(tmp_path):
    """Opens apps ("workers") on an index, each given the same shared directory (or none)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    with ExitStack() as stack:

        def worker(index_dir, directory=shared, **config):
            return stack.enter_context(app_for(index_dir, SHARED_ANSWERS_DIR=directory, **config))

        yield worker


@pytest.mark.parametrize("url", URLS)
def test_another_worker_answers_a_repeat_from_the_shared_files_without_a_search(index_dir, workers, searches, url):
    first = workers(index_dir).test_client().get(url)
    assert first.status_code == 200 and searches
    searches.clear()
    again = workers(index_dir).test_client().get(url)
    assert searches == []
    assert again.status_code == 200
    assert again.data == first.data
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    # and what a worker with no shared files draws itself is the same
    alone = workers(index_dir, directory=None).test_client().get(url)
    assert alone.data == first.data


def test_a_304_still_comes_first_and_head_is_answered_without_a_body(index_dir, workers, searches):
    url = "/search?q=inspection"
    etag = workers(index_dir).test_client().get(url).headers["ETag"]
    searches.clear()
    client = workers(index_dir).test_client()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    head = client.head(url)
    assert head.status_code == 200 and head.data == b"" and searches == []


def test_another_host_is_not_served_the_answer_kept_for_the_first(index_dir, workers):
    url = "/search.atom?q=leadership"
    workers(index_dir).test_client().get(url)
    there = workers(index_dir).test_client().get(url, headers={"Host": "elsewhere.example"})
    assert b"elsewhere.example" in there.data


def test_after_a_reindex_the_new_answer_is_served_not_the_kept_one(tmp_path, workers):
    posts = tmp_path / "posts"
    write_post(posts, "a.md", "Peer challenge", "Peer challenge in the region.", date="2020-01-02")
    reindex([posts], tmp_path / "index")
    before = workers(tmp_path / "index").test_client().get("/api/search?q=peer")
    assert before.json["total"] == 1
    write_post(posts, "b.md", "More peers", "Peer review again.", date="2021-01-02")
    reindex([posts], tmp_path / "index")
    after = workers(tmp_path / "index").test_client().get("/api/search?q=peer")
    assert after.json["total"] == 2 and after.headers["ETag"] != before.headers["ETag"]


def test_an_answer_cut_short_or_an_error_is_not_kept(index_dir, workers, tmp_path):
    shared = tmp_path / "shared"
    client = workers(index_dir, SEARCH_TIME_LIMIT=1e-9).test_client()
    assert client.get("/api/search?q=leadership").headers["Cache-Control"] == "no-store"
    assert client.get("/doc/no-such-post").status_code == 404
    assert client.get("/search?page=nothing").status_code == 400
    assert client.get("/search.csv?q=inspection").status_code == 200  # streamed: not kept
    assert list(shared.iterdir()) == []


def test_the_files_stay_within_their_ceiling(tmp_path):
    ceiling = 64 * 1024
    shared = SharedAnswers(tmp_path, max_bytes=ceiling)
    for n in range(400):
        shared.put(f"{n:032x}", "text/html; charset=utf-8", bytes([n % 256]) * 1500)
        assert shared.total_bytes() <= ceiling + ceiling // SWEEP_SHARE + 2000
    kept = [n for n in range(400) if shared.get(f"{n:032x}") is not None]
    assert kept and kept[-1] == 399  # the newest are kept, the oldest swept away
    assert len(kept) < 400
    assert shared.get(f"{399:032x}") == ("text/html; charset=utf-8", bytes([399 % 256]) * 1500)


def test_an_answer_too_large_for_the_ceiling_is_not_kept(tmp_path):
    shared = SharedAnswers(tmp_path, max_bytes=8000)
    shared.put("a" * 32, "application/json", b"x" * (8000 // LARGEST_SHARE + 1))
    assert shared.get("a" * 32) is None and shared.total_bytes() == 0


def test_names_that_are_not_digests_and_damaged_files_are_misses(tmp_path):
    shared = SharedAnswers(tmp_path, max_bytes=1 << 20)
    shared.put("../../etc/passwd", "text/plain", b"no")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / ("b" * 32 + ".answer")).write_bytes(b"no line of JSON first")
    (tmp_path / ("c" * 32 + ".answer")).write_bytes(b'{"kind": 1}\nbody')
    assert shared.get("b" * 32) is None and shared.get("c" * 32) is None


def test_a_ceiling_of_nothing_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("LGSEARCH_SHARED_CACHE_MB", "0")
    shared = SharedAnswers(tmp_path)
    shared.put("d" * 32, "text/plain", b"body")
    assert shared.get("d" * 32) is None and list(tmp_path.iterdir()) == []


def test_a_file_left_half_written_by_a_stopped_worker_is_swept_away(tmp_path):
    import os
    import time

    from webui.shared_answers import ABANDONED_AFTER

    shared = SharedAnswers(tmp_path, max_bytes=1 << 20)
    left = tmp_path / ".writing-123-456"
    left.write_bytes(b"half")
    writing = tmp_path / ".writing-123-789"
    writing.write_bytes(b"still being written")
    past = time.time() - ABANDONED_AFTER - 5
    os.utime(left, (past, past))
    shared.sweep()
    assert not left.exists() and writing.exists()
