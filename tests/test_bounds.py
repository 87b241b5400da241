"""Every query is bounded: no leading wildcards, capped expansions, and a time limit that
answers with what it has and says so. The limits are settings; their cost is measured in bench/."""

from __future__ import annotations

import pytest

from helpers import write_post
from indexer.query import bounds
from indexer.reindex import reindex
from indexer.query.request import SearchRequest
from indexer.query.service import SearchService

WORDS = [f"l{letter}{other}ing" for letter in "aeiou" for other in "bcdfghklmnprstvw"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    posts = tmp_path_factory.mktemp("posts")
    for number in range(12):
        write_post(posts, f"post-{number}.md", f"Post {number}", " ".join(WORDS[number::3]) + " leadership matters.")
    index_dir = tmp_path_factory.mktemp("index") / "index"
    reindex([posts], index_dir)
    return index_dir


@pytest.fixture
def service(index_dir):
    with SearchService(index_dir) as svc:
        yield svc


def test_a_leading_wildcard_is_dropped_and_said(service):
    result = service.search(SearchRequest(q="?eadership*"))
    assert "cannot start with * or ?" in result.notice
    assert result.total == service.search(SearchRequest(q="eadership*")).total


def test_a_wildcard_alone_finds_every_post(service):
    assert service.search(SearchRequest(q="*")).total == service.search(SearchRequest()).total == 12


def test_each_wildcard_searches_at_most_its_most_common_words(service, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_EXPANSION", 12)
    result = service.search(SearchRequest(q="l* matters"))
    # `l*` is searched in title, body and labels: the 12 words are shared among the three.
    assert "“l” matches too many words, so only the 4 most common were searched." in result.notice
    assert result.total > 0


def test_an_open_range_over_words_is_capped_too(service, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_EXPANSION", 5)
    result = service.search(SearchRequest(q="{a TO z}"))
    assert "matches too many words" in result.notice


def test_date_ranges_are_never_capped(service, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_EXPANSION", 1)
    result = service.search(SearchRequest(date_from="2001", date_to="2030"))
    assert result.notice is None


def test_a_search_past_its_time_limit_answers_with_what_it_has_and_says_so(index_dir, monkeypatch):
    monkeypatch.setattr(bounds, "CHECK_EVERY", 1)
    with SearchService(index_dir, time_limit=0.0) as slow:
        result = slow.search(SearchRequest(q="leadership"))
        assert result.notice and bounds.TIME_LIMIT_NOTICE in result.notice
        assert list(slow.iter_matching(SearchRequest(q="leadership"))) == []
    with SearchService(index_dir, time_limit=60) as fast:
        assert fast.search(SearchRequest(q="leadership")).notice is None


def test_a_very_long_word_is_searched_without_a_correction(service):
    result = service.search(SearchRequest(q="a" * 1000))
    assert result.total == 0 and result.corrected is None and result.suggestion is None


def test_the_time_limit_is_a_setting(monkeypatch):
    monkeypatch.setenv("LGSEARCH_TIME_LIMIT", "0.5")
    assert bounds.time_limit_setting() == 0.5
    monkeypatch.setenv("LGSEARCH_TIME_LIMIT", "soon")
    assert bounds.time_limit_setting() == bounds.DEFAULT_TIME_LIMIT


def test_a_very_long_query_uses_its_first_words_and_says_so(service):
    result = service.search(SearchRequest(q=" ".join(["leadership"] + [f"word{n}" for n in range(40)])))
    assert "Only the first 32 words of your search were used." in result.notice
    assert result.total == 12
