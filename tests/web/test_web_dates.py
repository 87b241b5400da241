"""Dates in the finder's filters as people write them, and errors that keep the rest of the search."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("2019", None),
        ("March+2019", "from=2019-03"),
        ("03%2F2019", "from=2019-03"),
        ("12%2F03%2F2019", "from=2019-03-12"),
        ("2019-03-12", None),
    ],
)
def test_a_date_written_another_way_redirects_to_the_canonical_address(client, written, canonical):
    response = client.get(f"/search?q=leadership&from={written}")
    if canonical is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == f"/search?q=leadership&{canonical}"


def test_the_api_answers_a_written_date_with_the_canonical_one(get_json):
    written = get_json("/api/search?from=12/03/2019&to=March+2021")
    assert written["query"]["from"] == "2019-03-12" and written["query"]["to"] == "2021-03"
    assert written["total"] == get_json("/api/search?from=2019-03-12&to=2021-03")["total"]


def test_an_error_keeps_every_other_filter_and_the_results(get_page):
    url = "/search?q=leadership&source=Council+Voices&org=Kent+County+Council&from=Smarch+2019&sort=oldest"
    page = get_page(url, status=400)
    kept = get_page("/search?q=leadership&org=Kent+County+Council&source=Council+Voices&sort=oldest")
    summary = page.select_one(".govuk-error-summary")
    assert "Published from must be a date, like 2019, March 2019" in summary.get_text()
    assert summary.select_one("a")["href"] == "#from"
    assert page.select_one("#from")["value"] == "Smarch 2019"  # what was typed, to correct
    assert page.select_one("#from-error") is not None
    ticked = sorted(box["value"] for box in page.select("input[type=checkbox][checked]"))
    assert ticked == ["Council Voices", "Kent County Council"]
    assert page.select_one("#results-count").get_text() == kept.select_one("#results-count").get_text()
    titles = [a.get_text() for a in page.select(".app-result__title a")]
    assert titles and titles == [a.get_text() for a in kept.select(".app-result__title a")]
    assert page.select_one("title").get_text().startswith("Error: ")


def test_a_range_the_wrong_way_round_says_exactly_that(get_page, get_json):
    page = get_page("/search?q=leadership&from=2021&to=2019", status=400)
    message = page.select_one(".govuk-error-summary").get_text()
    assert "wrong way round" in message and "spelling" not in page.select_one("main").get_text()
    assert page.select_one("#to")["value"] == "2019"
    assert page.select_one("#from")["value"] == "2021"
    error = get_json("/api/search?from=2021&to=2019", status=400)["error"]
    assert error["parameter"] == "from" and "wrong way round" in error["message"]
