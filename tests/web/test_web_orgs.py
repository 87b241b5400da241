"""Organisation pages: /org/<name>, its JSON twin, how names and aliases reach them, and /org."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

LGA = "/org/Local_Government_Association"
DEFRA = "/org/Department_for_Environment,_Food_and_Rural_Affairs"
SCHOOL = "/org/Countess_Wear_Community_School"
PROFILE_KEYS = [
    "name",
    "kind",
    "aliases",
    "url",
    "posts",
    "search_url",
    "undated",
    "years",
    "newest",
    "named_with",
    "tags",
    "authors",
]


def api(url: str) -> str:
    """The JSON twin of a /search URL, with every result on one page."""
    parts = urlsplit(url)
    assert parts.path in ("/search", "/"), url
    return f"/api/search?{parts.query}&per_page=100"


def total(get_json, search_url: str) -> int:
    return get_json(api(search_url))["total"]


def test_an_organisation_page_says_what_it_is_and_how_often_it_is_named(get_page, get_json):
    page = get_page(LGA)
    assert page.select_one("h1").get_text(strip=True) == "Local Government Association"
    assert page.select_one(".govuk-caption-l").get_text(strip=True) == "Sector body"
    assert "‘LGA’" in page.select_one(".app-org__aliases").get_text()
    posts = total(get_json, "/search?org=Local+Government+Association")
    assert posts > 1
    assert f"Named in {posts} posts." in page.get_text(" ", strip=True)
    see_all = page.find("a", string=lambda s: s and s.startswith(f"See all {posts} posts"))
    assert see_all["href"] == "/search?org=Local+Government+Association"


def test_the_json_has_the_contract_shape(get_json):
    data = get_json(f"/api{LGA}")
    assert list(data) == PROFILE_KEYS
    assert data["name"] == "Local Government Association" and data["kind"] == "sector body"
    assert data["aliases"] == ["LGA"] and data["url"] == LGA
    assert {"id", "url", "title", "date", "source", "author"} == set(data["newest"][0])
    assert {"name", "kind", "url", "posts", "search_url"} == set(data["named_with"][0])


def test_every_count_is_the_total_of_the_search_it_links_to(get_json):
    data = get_json(f"/api{LGA}")
    assert data["posts"] == total(get_json, data["search_url"])
    assert data["years"] and sum(y["count"] for y in data["years"]) + data["undated"] == data["posts"]
    for group in ("years", "tags", "authors"):
        for item in data[group]:
            assert item["count"] == total(get_json, item["search_url"]), item
    assert data["named_with"]
    for other in data["named_with"]:
        assert other["posts"] == total(get_json, other["search_url"]), other
        assert 'org:"Local Government Association" AND org:' in get_json(api(other["search_url"]))["query"]["q"]


def test_bodies_named_alongside_leave_out_the_body_itself_and_come_most_often_first(get_json):
    named = get_json(f"/api{LGA}")["named_with"]
    assert "Local Government Association" not in [other["name"] for other in named]
    counts = [other["posts"] for other in named]
    assert counts == sorted(counts, reverse=True)


def test_newest_posts_come_newest_first(get_json):
    newest = get_json("/api/org/Ofsted")["newest"]
    dates = [post["date"] for post in newest]
    assert dates == sorted(dates, reverse=True) and 1 < len(dates) <= 5


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("/org/LGA", LGA),
        ("/org/local_government_association", LGA),
        ("/org/Local%20Government%20Association", LGA),
        ("/org/OFSTED", "/org/Ofsted"),
        ("/org/Defra", DEFRA),
        ("/org/Department_for_Environment_Food_and_Rural_Affairs", DEFRA),
    ],
)
def test_other_spellings_and_aliases_redirect_to_the_canonical_page(client, written, canonical):
    response = client.get(written)
    assert response.status_code == 302 and response.headers["Location"] == canonical
    assert client.get(canonical).status_code == 200


def test_the_json_never_redirects_an_alias(get_json):
    assert get_json("/api/org/LGA") == get_json(f"/api{LGA}")


def test_an_unknown_name_answers_404_with_a_search_for_it(get_page, get_json):
    page = get_page("/org/Ministry_of_Magic", status=404)
    assert page.select_one("h1").get_text(strip=True) == "Organisation not found"
    link = page.find("a", string="Search posts for ‘Ministry of Magic’")
    assert link["href"] == "/search?q=Ministry+of+Magic"
    error = get_json("/api/org/Ministry_of_Magic", status=404)["error"]
    assert error["parameter"] is None and "Ministry of Magic" in error["message"]


def test_a_body_known_to_the_gazetteer_but_never_named_is_not_found(client):
    assert client.get("/org/Cornwall_Council").status_code == 404


def test_a_name_with_commas_keeps_them_on_its_page_and_its_search_finds_its_posts(get_page, get_json):
    data = get_json(f"/api{DEFRA}")
    assert data["name"] == "Department for Environment, Food and Rural Affairs"
    assert data["aliases"] == ["Defra", "DEFRA"] and data["posts"] == 1
    assert total(get_json, data["search_url"]) == 1
    assert get_page(DEFRA).select_one("h1").get_text(strip=True) == data["name"]


def test_a_body_found_by_the_naming_rules_has_a_page_too(get_json, get_page):
    data = get_json(f"/api{SCHOOL}")
    assert data["kind"] == "school" and data["aliases"] == [] and data["posts"] == 1
    assert get_page(SCHOOL).select_one(".govuk-caption-l").get_text(strip=True) == "School or academy trust"


def test_every_listed_organisation_has_a_page_at_its_address(get_page):
    links = get_page("/org").select(".app-org-list a")
    assert len(links) > 10
    for link in links:
        assert get_page(link["href"]).select_one("h1").get_text(strip=True) == link.get_text(strip=True)


def test_the_years_chart_links_each_year_to_its_posts(get_page, get_json):
    page = get_page("/org/Ofsted")
    data = get_json("/api/org/Ofsted")
    bars = {a.select_one("title").get_text(): a["href"] for a in page.select("#years a.app-chart__link")}
    assert bars == {
        f"{y['year']}: {y['count']} {'post' if y['count'] == 1 else 'posts'}": y["search_url"] for y in data["years"]
    }
    rows = page.select("#years table.govuk-visually-hidden tbody tr")
    first, last = data["years"][0]["year"], data["years"][-1]["year"]
    assert len(rows) == int(last) - int(first) + 1  # years without posts are shown as gaps


# -- names elsewhere link to their pages ----------------------------------------------------


def test_organisations_in_results_link_to_their_pages(client, get_page):
    links = get_page("/search?q=leadership").select(".app-result__orgs a")
    assert links
    for link in links[:8]:
        assert link["href"].startswith("/org/")
        assert client.get(link["href"]).status_code == 200


def test_the_organisation_filter_offers_each_body_s_page_beside_its_checkbox(get_page):
    facet = get_page("/search?q=leadership").select_one("#facet-org")
    items = facet.select(".govuk-checkboxes__item")
    assert items
    for item in items:
        label = item.select_one("label")
        about = item.select_one("a.app-org-link")
        assert about is not None and about.parent is item and label.find("a") is None
        assert about["href"] == "/org/" + item.select_one("input")["value"].replace(" ", "_")


def test_names_with_commas_are_shown_with_them_in_results(get_page):
    orgs = get_page("/search?q=farms").select_one(".app-result__orgs")
    assert "Department for Environment, Food and Rural Affairs" in orgs.get_text()


# -- the index of organisations ---------------------------------------------------------


def index_names(page) -> dict[str, list[str]]:
    return {
        section.select_one("h2")["id"]: [a.get_text(strip=True) for a in section.select(".app-org-list a")]
        for section in page.select(".app-org-group")
    }


def test_the_index_lists_every_organisation_with_posts_grouped_by_kind(get_page, get_json):
    page = get_page("/org")
    groups = index_names(page)
    assert "Ofsted" in groups["kind-inspectorate-or-regulator"]
    assert "Countess Wear Community School" in groups["kind-school"]
    everything = get_json("/api/search")["facets"]["org"]
    assert sum(len(names) for names in groups.values()) == len(everything)
    counts = {a.get_text(strip=True): a.find_next_sibling("span").get_text() for a in page.select(".app-org-list a")}
    assert counts["Ofsted"] == f"({total(get_json, '/search?org=Ofsted')} posts)"


def test_the_index_sorts_by_count_or_by_name(get_page):
    by_count = index_names(get_page("/org"))["kind-county-council"]
    by_name = index_names(get_page("/org?sort=name"))["kind-county-council"]
    assert sorted(by_count) == by_name and by_count != by_name
    assert by_count[0] == "Devon County Council"


def test_the_index_filters_by_part_of_a_name_or_alias_and_by_kind(get_page):
    assert index_names(get_page("/org?name=LGA")) == {"kind-sector-body": ["Local Government Association"]}
    councils = index_names(get_page("/org?name=city+council"))
    assert councils == {"kind-metropolitan-council": ["Manchester City Council", "Leeds City Council"]}
    county = index_names(get_page("/org?kind=county+council"))
    assert list(county) == ["kind-county-council"]
    page = get_page("/org?name=zebra")
    assert page.select(".app-org-group") == [] and "No organisation with posts matches" in page.get_text()


def test_the_index_form_keeps_what_was_asked(get_page):
    page = get_page("/org?name=council&kind=county+council&sort=name")
    assert page.select_one("#name")["value"] == "council"
    assert page.select_one("#kind option[selected]")["value"] == "county council"
    assert page.select_one("input[name=sort][checked]")["value"] == "name"


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/org?sort=best", "sort"),
        ("/org?kind=wizard", "kind"),
        ("/org?name=" + "x" * 201, "name"),
    ],
)
def test_bad_index_parameters_answer_400_saying_which(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert parameter in response.get_data(as_text=True).lower()


@pytest.mark.parametrize(
    "url, canonical",
    [
        ("/org?sort=count", "/org"),
        ("/org?name=&kind=", "/org"),
        ("/org?sort=name&name=lga", "/org?name=lga&sort=name"),
    ],
)
def test_the_index_redirects_to_its_canonical_address(client, url, canonical):
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"] == canonical
