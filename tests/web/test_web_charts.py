"""Bar chart layout and the searches its bars link to, on their own."""

from __future__ import annotations

from indexer.query.request import SearchRequest
from webui import params
from webui.charts import MAX_WIDTH, PLOT_HEIGHT, ChartPoint, bar_chart


def points(*counts):
    return [
        ChartPoint(str(2015 + i), str(2015 + i), count, f"/search?year={2015 + i}") for i, count in enumerate(counts)
    ]


def test_bars_start_at_zero_and_the_tallest_fills_the_plot():
    chart = bar_chart("c", "Caption", "year", points(2, 0, 4))
    heights = [bar.height for bar in chart.bars]
    assert heights == [PLOT_HEIGHT / 2, 0, PLOT_HEIGHT]
    assert all(bar.y + bar.height == chart.baseline for bar in chart.bars)


def test_one_post_among_thousands_is_still_visible():
    chart = bar_chart("c", "Caption", "year", points(1, 5000))
    assert chart.bars[0].height >= 2


def test_bars_never_overlap_and_stay_inside_the_chart():
    chart = bar_chart("c", "Caption", "month", points(*range(1, 25)))
    assert chart.width == MAX_WIDTH
    for left, right in zip(chart.bars, chart.bars[1:]):
        assert left.x + left.width < right.x
    assert chart.bars[-1].x + chart.bars[-1].width <= chart.width


def test_a_crowded_axis_labels_every_other_bar_and_drops_counts():
    crowded = bar_chart("c", "Caption", "year", points(*[3] * 30))
    assert [bar.show_label for bar in crowded.bars[:4]] == [True, False, True, False]
    assert not any(bar.show_count for bar in crowded.bars)
    roomy = bar_chart("c", "Caption", "year", points(3, 0, 5))
    assert all(bar.show_label for bar in roomy.bars)
    assert [bar.show_count for bar in roomy.bars] == [True, False, True]


def test_a_bar_says_what_it_shows():
    chart = bar_chart("c", "Caption", "year", points(1, 2))
    assert [bar.description for bar in chart.bars] == ["2015: 1 post", "2016: 2 posts"]


def test_a_year_bar_filters_to_that_year_alone(request_context):
    search = SearchRequest(q="care", year=("2016", "2019"), page=3)
    assert params.search_url(params.period_search(search, "year", "2016")) == "/search?q=care&year=2016"


def test_a_month_bar_bounds_the_dates_to_its_month_within_any_bounds_already_set():
    search = SearchRequest(date_from="2019-03-15", date_to="2019-06-10")
    bounds = [
        (s.date_from, s.date_to)
        for s in (params.period_search(search, "month", month) for month in ("2019-03", "2019-04", "2019-06"))
    ]
    assert bounds == [("2019-03-15", "2019-03"), ("2019-04", "2019-04"), ("2019-06", "2019-06-10")]
