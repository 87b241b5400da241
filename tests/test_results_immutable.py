"""A search's answer is assembled once and never changed: the answer cache hands the same objects
to every request that repeats a search, so one request changing them would change another's page."""

from __future__ import annotations

import dataclasses

import pytest

from indexer.query import SearchRequest, SearchService


def test_a_repeated_search_gets_the_cached_answer_which_cannot_be_changed(built_index):
    with SearchService(built_index) as service:
        first = service.search(SearchRequest(q="ofsted"))
        assert first.hits, "the corpus has posts about Ofsted"
        assert service.search(SearchRequest(q="ofsted")) is first
        with pytest.raises(dataclasses.FrozenInstanceError):
            first.total = 0
        with pytest.raises(dataclasses.FrozenInstanceError):
            first.hits[0].snippet = "changed"
        page = service.document(first.hits[0].id)
        with pytest.raises(dataclasses.FrozenInstanceError):
            page.more_like_this_skipped = True


def test_a_search_out_of_time_says_so_without_changing_what_it_matched(built_index):
    """The deadline notes running out; the matches are assembled once, after matching stops."""
    with SearchService(built_index, time_limit=1e-9) as cut_short:
        result = cut_short.search(SearchRequest(q="ofsted inspection"))
        assert result.notice and "incomplete" in result.notice.lower()
    with SearchService(built_index) as in_time:
        result = in_time.search(SearchRequest(q="ofsted inspection"))
        assert not result.notice or "incomplete" not in result.notice.lower()


def test_a_corrected_search_shows_the_correction_and_its_posts(built_index):
    with SearchService(built_index) as service:
        typed = service.search(SearchRequest(q="ofstead"))
        assert typed.corrected is not None and typed.corrected.to == "ofsted"
        assert typed.total == service.search(SearchRequest(q="ofsted")).total
