"""HTTP validators: every answer from the index carries an ETag, Last-Modified and a
Cache-Control suited to it; a request sending them back is answered 304 without a search; a
reindex, another host or a path prefix gives another ETag; an answer cut short gives none."""

from __future__ import annotations

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from helpers import write_post
from indexer.reindex import reindex
from web import web_corpus as corpus
from webui import create_app, http_cache

ANSWERS = {
    "/search?q=inspection": http_cache.PAGE,
    "/": http_cache.PAGE,
    f"/doc/{corpus.INSPECTION_ID}?q=inspection": http_cache.PAGE,
    "/org": http_cache.PAGE,
    "/api/search?q=inspection": http_cache.PAGE,
    f"/api/doc/{corpus.INSPECTION_ID}": http_cache.PAGE,
    "/search.csv?q=inspection": http_cache.DOWNLOAD,
    "/search.atom?q=inspection": http_cache.FEED,
}


@pytest.mark.parametrize("url", ANSWERS)
def test_every_answer_from_the_index_carries_validators(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"') and len(response.headers["ETag"]) == 34
    assert response.last_modified is not None
    assert response.headers["Cache-Control"] == ANSWERS[url]


@pytest.mark.parametrize("url", ANSWERS)
def test_a_request_sending_its_etag_back_is_answered_304_without_a_search(client, searches, url):
    etag = client.get(url).headers["ETag"]
    assert searches  # the first answer was worked out
    searches.clear()
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == ANSWERS[url]
    assert searches == []
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data


def test_if_modified_since_is_compared_with_when_the_index_was_built(client, searches):
    first = client.get("/search.atom?q=leadership")
    searches.clear()
    since = first.headers["Last-Modified"]
    assert client.get("/search.atom?q=leadership", headers={"If-Modified-Since": since}).status_code == 304
    assert searches == []
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get("/search.atom?q=leadership", headers={"If-Modified-Since": older}).status_code == 200


def test_every_request_and_format_has_its_own_etag(client):
    etags = {
        client.get(url).headers["ETag"]
        for url in [
            "/search?q=inspection",
            "/search?q=inspection&page=2",
            "/search?q=leadership",
            "/api/search?q=inspection",
            "/search.csv?q=inspection",
            "/search.atom?q=inspection",
        ]
    }
    assert len(etags) == 6


def test_two_workers_on_one_index_give_the_same_etag(index_dir, open_app):
    url = "/search?q=leadership"
    first, second = (open_app(index_dir).test_client().get(url) for _ in range(2))
    assert first.headers["ETag"] == second.headers["ETag"]
    answer = open_app(index_dir).test_client().get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert answer.status_code == 304


def test_another_host_gets_another_etag(client):
    """Links in an answer (Atom and CSV addresses in full) are made from the host asked for."""
    here = client.get("/search.atom?q=leadership")
    there = client.get("/search.atom?q=leadership", headers={"Host": "elsewhere.example"})
    assert b"elsewhere.example" in there.data and b"elsewhere.example" not in here.data
    assert here.headers["ETag"] != there.headers["ETag"]
    assert (
        client.get(
            "/search.atom?q=leadership", headers={"Host": "elsewhere.example", "If-None-Match": here.headers["ETag"]}
        ).status_code
        == 200
    )


def test_a_forwarded_host_trusted_behind_a_proxy_gets_another_etag(index_dir, open_app):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "PROXIES": 1})
    try:
        client = app.test_client()
        plain = client.get("/search.atom?q=leadership")
        forwarded = client.get("/search.atom?q=leadership", headers={"X-Forwarded-Host": "search.example.gov.uk"})
        assert plain.headers["ETag"] != forwarded.headers["ETag"]
    finally:
        app.extensions["lgsearch.search_service"].close()


def test_a_path_prefix_gets_another_etag(app, client):
    prefixed = Client(DispatcherMiddleware(lambda environ, start: [], {"/finder": app.wsgi_app}))
    at_root = client.get("/search?q=leadership")
    under = prefixed.get("/finder/search?q=leadership")
    assert under.status_code == 200 and b'href="/finder/search' in under.data
    assert under.headers["ETag"] != at_root.headers["ETag"]


@pytest.mark.parametrize("rebuild", [False, True])
def test_the_etag_changes_when_the_index_does(tmp_path, open_app, rebuild):
    posts = tmp_path / "posts"
    write_post(posts, "a.md", "Peer challenge", "Peer challenge in the region.", date="2020-01-02")
    reindex([posts], tmp_path / "index")
    client = open_app(tmp_path / "index").test_client()
    before = client.get("/search?q=peer")
    write_post(posts, "b.md", "More peers", "Peer review again.", date="2021-01-02")
    reindex([posts], tmp_path / "index", rebuild=rebuild)
    after = client.get("/search?q=peer", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b'href="/doc/b?q=peer"' in after.data


def test_an_answer_cut_short_by_the_time_limit_is_not_to_be_stored(index_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "SEARCH_TIME_LIMIT": 1e-9})
    try:
        response = app.test_client().get("/api/search?q=leadership")
        assert response.status_code == 200 and "ETag" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
    finally:
        app.extensions["lgsearch.search_service"].close()


def test_errors_and_the_health_check_carry_no_validators(client):
    for url in ["/search?page=nothing", "/doc/no-such-post", "/healthz"]:
        assert "ETag" not in client.get(url).headers
