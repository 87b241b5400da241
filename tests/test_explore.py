"""The explore service on a real index: timelines per year and per month, following reindexes."""

from __future__ import annotations

from helpers import write_post
from indexer.reindex import reindex
from indexer.query.explore import Explorer
from indexer.query.request import SearchRequest
from indexer.query.service import SearchService


def test_a_timeline_over_several_years_has_a_bar_for_every_year_and_counts_undated_posts(built_index):
    with SearchService(built_index) as service:
        timeline = Explorer(service).timeline(service.search(SearchRequest()))
    assert timeline.unit == "year"
    assert [(bar.period, bar.count) for bar in timeline.bars] == [("2018", 1), ("2019", 1), ("2020", 1), ("2021", 1)]
    assert timeline.undated == 1


def test_results_within_two_years_are_counted_per_month_including_empty_months(built_index):
    with SearchService(built_index) as service:
        timeline = Explorer(service).timeline(service.search(SearchRequest(date_from="2020", date_to="2021")))
    assert timeline.unit == "month"
    assert timeline.bars[0].period == "2020-06" and timeline.bars[-1].period == "2021-01"
    assert [bar.count for bar in timeline.bars] == [1, 0, 0, 0, 0, 0, 0, 1]


def test_no_timeline_for_results_in_one_month(built_index):
    with SearchService(built_index) as service:
        assert Explorer(service).timeline(service.search(SearchRequest(q='"peer challenge"'))) is None


def test_month_counts_follow_a_reindex_without_a_restart(corpus_dir, built_index):
    with SearchService(built_index) as service:
        request = SearchRequest(date_from="2020", date_to="2020")
        assert service.month_counts(request) == {"2020-06": 1}
        write_post(corpus_dir, "new.md", "A new post", "Words about councils.", date="2020-09-02")
        reindex([corpus_dir], built_index)
        assert service.month_counts(request) == {"2020-06": 1, "2020-09": 1}
