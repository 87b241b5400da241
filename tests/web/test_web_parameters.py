"""The contract's parameter rules, in every format: what is accepted, what is refused and how."""

from __future__ import annotations

import pytest

from web import web_corpus as corpus

INVALID = [
    ("page=abc", "page"),
    ("page=0", "page"),
    ("page=1000000000000", "page"),
    ("per_page=0", "per_page"),
    ("per_page=101", "per_page"),
    ("year=20x4", "year"),
    ("from=May", "from"),
    ("to=2019-13", "to"),
    ("sort=best", "sort"),
]


@pytest.mark.parametrize("query, name", INVALID)
def test_invalid_parameter_is_a_400_json_error_naming_it(get_json, query, name):
    error = get_json(f"/api/search?{query}", status=400)["error"]
    assert error["parameter"] == name
    assert error["message"]


@pytest.mark.parametrize("query, name", INVALID)
def test_invalid_parameter_is_an_html_error_summary_on_the_search_page(get_page, query, name):
    page = get_page(f"/search?q=leadership&{query}", status=400)
    assert page.title.get_text().startswith("Error: ")
    summary = page.select_one(".govuk-error-summary")
    assert (
        summary.select_one(".govuk-error-summary__title").get_text(strip=True) == "There is a problem with your search"
    )
    message = summary.select_one(".govuk-error-summary__list li").get_text(strip=True)
    assert message
    # The form is still there, refilled with what could be kept.
    assert page.select_one("#q")["value"] == "leadership"


@pytest.mark.parametrize("path", ["/search.csv", "/search.atom"])
@pytest.mark.parametrize("query, name", INVALID[:3])
def test_invalid_parameter_is_plain_text_for_csv_and_atom(client, path, query, name):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert f"“{name}”" in response.get_data(as_text=True)


def test_messages_say_what_a_parameter_accepts(get_json):
    assert "1 to 100" in get_json("/api/search?per_page=0", status=400)["error"]["message"]
    assert "relevance, newest, oldest" in get_json("/api/search?sort=best", status=400)["error"]["message"]
    assert "March 2019, 03/2019, 12/03/2019" in get_json("/api/search?from=May", status=400)["error"]["message"]
    assert "4 digits" in get_json("/api/search?year=20x4", status=400)["error"]["message"]


def test_date_error_keeps_what_was_typed_beside_the_field(get_page):
    page = get_page("/search?from=May", status=400)
    field = page.select_one("input#from")
    assert field["value"] == "May"
    assert "govuk-input--error" in field["class"]
    assert page.select_one(".govuk-error-summary a")["href"] == "#from"


def test_non_canonical_urls_redirect_to_the_canonical_one(client):
    cases = {
        "/search?q=leadership&sort=relevance&page=1&per_page=10&from=&to=": "/search?q=leadership",
        "/search?sort=newest": "/",
        "/search": "/",
        "/?q=leadership": "/search?q=leadership",
        "/search?page=2&q=leadership": "/search?q=leadership&page=2",
        "/search?q=+leadership+&tag=Leadership&tag=Leadership": "/search?q=leadership&tag=Leadership",
        "/search?org=ADCS": "/search?org=Association+of+Directors+of+Children%27s+Services",
        "/search?q=leadership&utm_source=newsletter": "/search?q=leadership",
    }
    for url, canonical in cases.items():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == canonical, url
    assert client.get("/search?q=leadership&sort=oldest&per_page=20").status_code == 200


def test_ticking_a_filter_goes_back_to_page_one(get_page):
    page = get_page("/search?page=2")
    box = page.select_one("#facet-source input[name=source]")
    # The form has no page field, so submitting it starts again at page 1 ...
    assert not page.select("form.app-finder input[name=page]")
    # ... and every link that changes a filter does too.
    for tag in get_page("/search?tag=Leadership&page=2").select("a.app-filter-tag"):
        assert "page=" not in tag["href"]
    assert box is not None


def test_values_of_one_filter_widen_with_or(get_json):
    ofsted = get_json("/api/search?org=Ofsted&per_page=100")
    cqc = get_json("/api/search?org=Care+Quality+Commission&per_page=100")
    both = get_json("/api/search?org=Ofsted&org=Care+Quality+Commission&per_page=100")
    ids = lambda data: {r["id"] for r in data["results"]}  # noqa: E731
    assert ids(both) == ids(ofsted) | ids(cqc)
    assert both["total"] > max(ofsted["total"], cqc["total"])


def test_different_filters_narrow_with_and(get_json):
    ofsted = get_json("/api/search?org=Ofsted&per_page=100")
    source = get_json("/api/search?source=Council+Voices&per_page=100")
    both = get_json("/api/search?org=Ofsted&source=Council+Voices&per_page=100")
    ids = lambda data: {r["id"] for r in data["results"]}  # noqa: E731
    assert ids(both) == ids(ofsted) & ids(source)
    assert all("Ofsted" in r["organisations"] and r["source"] == "Council Voices" for r in both["results"])


def test_facet_counts_leave_out_their_own_filter(get_json, get_page):
    unfiltered = get_json("/api/search")
    filtered = get_json("/api/search?org=Ofsted")
    counts = lambda data, name: {v["value"]: v["count"] for v in data["facets"][name]}  # noqa: E731
    # Ticking one organisation keeps the others listed with their own counts...
    assert counts(filtered, "org") == counts(unfiltered, "org")
    ofsted = next(v for v in filtered["facets"]["org"] if v["value"] == "Ofsted")
    assert ofsted["selected"] is True
    # ... while other fields are counted within the filtered results.
    assert sum(counts(filtered, "source").values()) == filtered["total"]
    # The page shows the same numbers.
    page = get_page("/search?org=Ofsted")
    cqc = page.select_one("#facet-org input[value='Care Quality Commission']")
    label = page.find("label", attrs={"for": cqc["id"]}).get_text(" ", strip=True)
    assert f"({counts(unfiltered, 'org')['Care Quality Commission']}" in label


def test_organisation_alias_filters_the_same_as_its_canonical_name(get_json):
    alias = get_json("/api/search?org=ADCS&per_page=100")
    canonical = get_json("/api/search?org=Association+of+Directors+of+Children%27s+Services&per_page=100")
    ids = lambda data: {r["id"] for r in data["results"]}  # noqa: E731
    assert ids(alias) == ids(canonical) == {corpus.ADCS_ALIAS_ID, corpus.ADCS_FULL_ID}


def test_year_and_date_bounds_filter_by_publication_date(get_json):
    in_2019 = get_json("/api/search?year=2019&per_page=100")["results"]
    assert in_2019 and all(r["date"].startswith("2019") for r in in_2019)
    bounded = get_json("/api/search?from=2018-06&to=2019&per_page=100")["results"]
    assert bounded and all("2018-06-01" <= r["date"] <= "2019-12-31" for r in bounded)


def test_sort_orders_by_date(get_json):
    newest = [r["date"] for r in get_json("/api/search?per_page=100")["results"] if r["date"]]
    oldest = [r["date"] for r in get_json("/api/search?sort=oldest&per_page=100")["results"] if r["date"]]
    assert newest == sorted(newest, reverse=True)
    assert oldest == sorted(oldest)


def test_per_page_and_page_slice_the_results(get_json):
    first = get_json("/api/search?per_page=5")
    second = get_json("/api/search?per_page=5&page=2")
    assert first["pages"] == 7 and len(first["results"]) == 5
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    past = get_json("/api/search?page=99")
    assert past["results"] == [] and past["total"] == 35


def test_an_error_page_offers_the_search_without_the_mistake(get_page):
    page = get_page("/search?q=leadership&tag=SLI&page=abc", status=400)
    link = page.find("a", string="Search without ‘page’")
    assert link["href"] == "/search?q=leadership&tag=SLI"


def test_an_acronym_in_the_query_finds_posts_that_only_write_the_full_name(get_json):
    ids = lambda data: {r["id"] for r in data["results"]}  # noqa: E731
    by_acronym = get_json("/api/search?q=ADCS&per_page=100")
    assert corpus.ADCS_FULL_ID in ids(by_acronym)  # its text never says "ADCS"
    by_field = get_json("/api/search?q=org:ADCS&per_page=100")
    by_name = get_json("/api/search?q=org:%22Association+of+Directors+of+Children%27s+Services%22&per_page=100")
    assert ids(by_field) == ids(by_name) == {corpus.ADCS_ALIAS_ID, corpus.ADCS_FULL_ID}


@pytest.mark.parametrize(
    "value", ["1000000000000", "0", "abc", "-1", "%C2%B9", "%D9%A3"]
)  # ¹ and Arabic 3 are digits to str.isdigit
def test_a_page_number_out_of_range_says_what_page_accepts(get_json, value):
    error = get_json(f"/api/search?page={value}", status=400)["error"]
    assert error == {"parameter": "page", "message": "Page must be a whole number from 1 to 999,999,999."}


def test_the_search_box_takes_no_more_than_a_search_may_be(get_page):
    from indexer.query.request import MAX_QUERY_LENGTH

    box = get_page("/").select_one("#q")
    assert box["maxlength"] == str(MAX_QUERY_LENGTH)


def test_an_over_long_search_is_a_400_saying_how_long_a_search_may_be(get_page, get_json):
    error = get_json(f"/api/search?q={'a' * 5000}", status=400)["error"]
    assert error["parameter"] == "q" and "characters or fewer" in error["message"]
    page = get_page(f"/search?q={'a' * 5000}", status=400)
    assert "characters or fewer" in page.select_one(".govuk-error-summary").get_text()
