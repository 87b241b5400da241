"""The pages that explain the machine formats to people, every filter value's page, and a post's
clean address to share."""

from __future__ import annotations

from web import web_corpus as corpus


def test_follow_this_search_explains_feeds_and_gives_the_address_to_copy(get_page, client):
    page = get_page("/follow?q=leadership&source=Council+Voices")
    assert page.select_one("h1").get_text(strip=True) == "Follow this search"
    assert "feed reader" in page.select_one("main").get_text()
    address = page.select_one("input#feed-address")
    assert address["value"] == "http://localhost/search.atom?q=leadership&source=Council+Voices"
    assert address.has_attr("readonly") and page.find("label", attrs={"for": "feed-address"})
    # The raw feed stays at its own address for feed readers.
    assert client.get("/search.atom?q=leadership&source=Council+Voices").mimetype == "application/atom+xml"
    assert page.select_one(".govuk-back-link")["href"] == "/search?q=leadership&source=Council+Voices"


def test_follow_this_search_with_a_bad_parameter_says_which(get_page):
    page = get_page("/follow?from=Smarch", status=400)
    assert "Published from must be a date" in page.get_text()


def test_the_status_page_says_in_words_what_healthz_says_in_json(get_page, get_json):
    health = get_json("/healthz")
    page = get_page("/status")
    assert page.select_one(".app-status").get_text(strip=True) == "Search is working."
    values = [dd.get_text(strip=True) for dd in page.select(".govuk-summary-list__value")]
    assert values[0] == f"{health['documents']:,}"
    assert values[1].endswith("(UTC)") and " on " in values[1]
    assert page.select_one("main a[href='/healthz']")


def test_the_status_page_says_when_search_is_not_working(empty_app):
    response = empty_app.test_client().get("/status")
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "Search is not working at the moment." in response.get_data(as_text=True)


def test_the_footer_links_to_pages_for_people(get_page):
    footer = {a.get_text(strip=True): a["href"] for a in get_page("/").select(".govuk-footer a")}
    assert footer["Service status"] == "/status"
    assert footer["Search from your browser’s address bar"] == "/browser-search"
    page = get_page("/browser-search")
    assert page.select_one("main a[href='/opensearch.xml']")
    assert "address bar" in page.select_one("h1").get_text()


def test_every_value_of_a_filter_is_on_its_own_page_keeping_the_search(get_page, get_json):
    page = get_page("/filters/org?q=leadership&source=Council+Voices&sort=oldest")
    form = page.select_one("form.app-facet-values")
    assert form["action"] == "/search" and form["method"] == "get"
    hidden = [(i["name"], i["value"]) for i in form.select("input[type=hidden]")]
    assert hidden == [("q", "leadership"), ("source", "Council Voices"), ("sort", "oldest")]
    facet = get_json("/api/search?q=leadership&source=Council+Voices")["facets"]["org"]
    boxes = form.select("input[type=checkbox][name=org]")
    assert sorted(b["value"] for b in boxes) == sorted(v["value"] for v in facet)
    assert page.select_one("h1").get_text(strip=True) == f"All {len(facet)} organisations"


def test_a_ticked_value_is_ticked_on_the_filter_page_and_kept_out_of_the_hidden_fields(get_page):
    page = get_page("/filters/source?source=Council+Voices")
    assert [b["value"] for b in page.select("input[name=source][checked]")] == ["Council Voices"]
    assert not page.select("input[type=hidden][name=source]")


def test_an_unknown_filter_page_is_not_found(get_page):
    get_page("/filters/colour", status=404)


def test_a_results_page_title_gives_the_count(get_page):
    title = get_page("/search?q=inspection").select_one("title").get_text(strip=True)
    count = get_page("/search?q=inspection").select_one("#results-count").get_text(strip=True)
    assert title.startswith(f"inspection: {count} – Search – ")
    assert get_page("/search?q=zebracrossingx").select_one("title").get_text().startswith("zebracrossingx: No results")
    assert get_page("/search?q=leadership&page=2").select_one("title").get_text().startswith("leadership: ")
    assert ", page 2 – " in get_page("/search?q=leadership&page=2").select_one("title").get_text()


def test_a_post_has_a_clean_address_to_share_apart_from_the_way_back(get_page):
    page = get_page(f"/doc/{corpus.INSPECTION_ID}?q=inspection&source=Council+Voices&page=2")
    assert page.select_one("link[rel=canonical]")["href"] == f"http://localhost/doc/{corpus.INSPECTION_ID}"
    share = page.select_one(".app-share a")
    assert share["href"] == f"/doc/{corpus.INSPECTION_ID}"
    assert share.get_text(strip=True) == f"http://localhost/doc/{corpus.INSPECTION_ID}"
    assert "without your search" in page.select_one(".app-share").get_text()
    # The way back keeps the search, as before.
    assert page.select_one(".govuk-back-link")["href"] == "/search?q=inspection&source=Council+Voices&page=2"
    plain = get_page(f"/doc/{corpus.INSPECTION_ID}")
    assert plain.select_one(".govuk-back-link") is None and not plain.select("mark")


def test_no_link_on_a_results_page_adds_a_fragment_but_those_within_the_page(get_page):
    page = get_page("/search?q=leadership&source=Council+Voices")
    for link in page.select("a[href]"):
        href = link["href"]
        assert "#" not in href or href.startswith("#"), href
    form = page.select_one("form.app-finder")
    assert "#" not in form["action"]
