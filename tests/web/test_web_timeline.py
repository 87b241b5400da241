"""The timeline on the results page: per year, per month over a short span, each bar a narrower search."""

from __future__ import annotations

import re

from web.test_web_orgs import total


def bars(page) -> list[tuple[str, str]]:
    """Each linked bar's description ("2019: 4 posts") and address."""
    return [(a.select_one("title").get_text(), a["href"]) for a in page.select("#timeline a.app-chart__link")]


def table(page) -> list[tuple[str, int]]:
    rows = page.select("#timeline table tbody tr")
    return [(row.select_one("th").get_text(strip=True), int(row.select_one("td").get_text())) for row in rows]


def count_of(description: str) -> int:
    return int(re.search(r": (\d+) posts?$", description)[1])


def test_results_over_several_years_are_drawn_per_year(get_page, get_json):
    page = get_page("/search?q=leadership")
    assert page.select_one("#timeline-caption").get_text().startswith("Results per year, 2015 to 2022.")
    assert [year for year, _ in table(page)] == [str(y) for y in range(2015, 2023)]
    for description, href in bars(page):
        year = description[:4]
        assert href == f"/search?q=leadership&year={year}"
        assert count_of(description) == total(get_json, href) == dict(table(page))[year]


def test_the_data_is_also_a_visually_hidden_table(get_page):
    chart = get_page("/search?q=leadership").select_one("#timeline")
    assert "govuk-visually-hidden" in chart.select_one("table")["class"]
    assert [th.get_text() for th in chart.select("thead th")] == ["Year", "Posts"]


def test_undated_results_are_left_out_and_said_to_be(get_page, get_json):
    page = get_page("/search?q=leadership")
    everything = get_json("/api/search?q=leadership")["total"]
    assert sum(count for _, count in table(page)) == everything - 1
    assert "1 result has no date and is not shown." in page.select_one(".app-timeline").get_text(" ", strip=True)


def test_results_within_two_years_are_drawn_per_month_with_date_bounds(get_page, get_json):
    page = get_page("/search?year=2019")
    caption = page.select_one("#timeline-caption").get_text()
    assert caption.startswith("Results per month, January 2019 to ")
    months = table(page)
    assert months[0][0] == "January 2019" and sum(count for _, count in months) == total(get_json, "/search?year=2019")
    assert any(count == 0 for _, count in months)  # months without posts are gaps, not missing
    for description, href in bars(page):
        assert re.fullmatch(r"/search\?year=2019&from=2019-(\d\d)&to=2019-\1", href), href
        assert count_of(description) == total(get_json, href)


def test_a_month_bar_keeps_narrower_date_bounds(get_page, get_json):
    page = get_page("/search?from=2019-01-10&to=2019-09-25")
    hrefs = [href for _, href in bars(page)]
    assert hrefs[0] == "/search?from=2019-01-10&to=2019-01"
    assert hrefs[-1] == "/search?from=2019-09&to=2019-09-25"
    for description, href in bars(page):
        assert count_of(description) == total(get_json, href), href


def test_a_ticked_year_among_several_draws_only_the_ticked_years(get_page, get_json):
    page = get_page("/search?year=2016&year=2019")
    years = [period for period, _ in table(page)]
    assert page.select_one("#timeline-caption").get_text().startswith("Results per year, 2016 to 2019.")
    assert years == ["2016", "2017", "2018", "2019"] and dict(table(page))["2017"] == 0
    for description, href in bars(page):
        assert href == f"/search?year={description[:4]}" and count_of(description) == total(get_json, href)


def test_no_timeline_when_results_fall_in_one_month_or_there_are_none(get_page):
    assert get_page("/search?from=2019-05&to=2019-05").select_one("#timeline") is None
    assert get_page("/search?q=zebracrossingx").select_one("#timeline") is None
    assert get_page("/search?q=farms").select_one("#timeline") is None  # one post


def test_beside_an_error_the_timeline_is_the_kept_searches(get_page):
    page = get_page("/search?q=leadership&from=May", status=400)
    assert page.select_one("#timeline") is not None
    assert (
        page.select_one("#timeline figcaption").get_text()
        == get_page("/search?q=leadership").select_one("#timeline figcaption").get_text()
    )
