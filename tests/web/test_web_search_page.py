"""The finder page: what a person sees on / and /search, read with BeautifulSoup."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from web import web_corpus as corpus


def query_of(href: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(href).query, keep_blank_values=True)


def result_items(page):
    return page.select("ul.app-results > li.app-result")


def test_front_page_lists_every_document_newest_first(get_page):
    page = get_page("/")
    assert page.select_one("#results-count").get_text(strip=True) == "35 results"
    dates = [t["datetime"] for t in page.select(".app-result__meta time")]
    assert len(result_items(page)) == 10
    assert dates == sorted(dates, reverse=True)
    assert page.select_one("#q")["value"] == ""


def test_header_names_the_service_without_gov_uk_branding(get_page):
    page = get_page("/")
    header = page.select_one("header")
    assert (
        header.select_one(".govuk-service-navigation__service-name").get_text(strip=True)
        == "Local government leadership writing"
    )
    assert not page.select(".govuk-header, .govuk-logo, .govuk-footer__crown, svg.govuk-logo")
    assert "crown" not in str(page).lower().replace("lgsearch is not a gov.uk service", "")
    icons = [link["href"] for link in page.select("link[rel~=icon]")]
    assert icons == ["/static/images/favicon.svg"]


def test_the_service_name_is_one_setting_for_pages_and_feeds(app, client, get_page, monkeypatch):
    monkeypatch.setitem(app.config, "SERVICE_NAME", "Norfolk leadership notes")
    page = get_page("/search?q=inspection")
    assert page.select_one(".govuk-service-navigation__service-name").get_text(strip=True) == "Norfolk leadership notes"
    assert page.select_one("title").get_text(strip=True).endswith("– Norfolk leadership notes")
    assert page.select_one("link[rel=search]")["title"] == "Norfolk leadership notes"
    assert "<title>Norfolk leadership notes: " in client.get("/search.atom?q=inspection").get_data(as_text=True)
    assert "Search norfolk leadership notes" in client.get("/opensearch.xml").get_data(as_text=True)


def test_search_box_keeps_the_query_and_counts_results(get_page):
    page = get_page("/search?q=inspection")
    assert page.select_one("#q")["value"] == "inspection"
    count = page.select_one("#results-count").get_text(strip=True)
    assert count.endswith("results") and int(count.split()[0]) >= 5


def test_each_result_shows_title_link_date_source_orgs_and_snippet(get_page):
    page = get_page("/search?q=inspection")
    first = result_items(page)[0]
    link = first.select_one(".app-result__title a")
    assert urlsplit(link["href"]).path.startswith("/doc/blogs/")
    assert ("q", "inspection") in query_of(link["href"])
    assert first.select_one("time")["datetime"][:4].isdigit()
    assert first.select_one(".app-result__source").get_text(strip=True) in corpus.SOURCES
    assert "Organisations:" in first.select_one(".app-result__orgs").get_text()
    marks = first.select(".app-result__snippet mark")
    assert marks and all(m.get_text().lower().startswith("inspect") for m in marks)


def test_a_result_names_at_most_five_organisations_and_counts_the_rest(get_page, get_json):
    page = get_page("/search?per_page=100")
    shown_more = False
    for item in result_items(page):
        orgs = item.select_one(".app-result__orgs")
        if orgs:
            links = orgs.select("a.app-result__org")
            assert len(links) <= 5
            more = orgs.select_one("a.app-result__more-orgs")
            if more is not None:
                shown_more = True
                title_link = item.select_one("h3 a")
                doc_id = title_link["href"].split("?")[0].removeprefix("/doc/")
                named = len(get_json(f"/api/doc/{doc_id}")["organisations"])
                # "and 3 more" links to the post, where every organisation is listed.
                assert len(links) == 5 and more["href"] == title_link["href"]
                assert more.get_text(" ", strip=True) == f"{named - 5} more named in {title_link.get_text(strip=True)}"
    assert shown_more


def test_filters_are_checkbox_groups_with_counts(get_page):
    page = get_page("/")
    legends = [legend.get_text(strip=True) for legend in page.select(".app-facet legend")]
    assert legends == ["Organisation", "Tag", "Category", "Source", "Author", "Year"]
    source_boxes = page.select("#facet-source input[type=checkbox][name=source]")
    assert {box["value"] for box in source_boxes} >= set(corpus.SOURCES)
    label = page.find("label", attrs={"for": source_boxes[0]["id"]}).get_text(" ", strip=True)
    assert label.split("(")[1].split()[0].isdigit()


def test_a_long_filter_list_scrolls_in_a_box_with_a_search_box_above(get_page):
    page = get_page("/")
    tags = page.select_one("#facet-tag")
    box = tags.select_one(".app-facet__options")
    assert "app-facet__options--long" in box["class"]
    assert len(box.select("input[name=tag]")) > 10
    # The search box is for JavaScript (hidden without it), has no name so it is never submitted,
    # and says how many values match in the status it is described by.
    search = tags.select_one("input[data-facet-search]")
    assert search.find_parent(class_="app-js-only") and not search.has_attr("name")
    assert search["aria-controls"] == box["id"]
    assert tags.select_one(f"#{search['aria-describedby']}")["role"] == "status"
    assert tags.find("label", attrs={"for": search["id"]}).get_text(strip=True) == "Search tags"
    # No JavaScript needed: the boxes are in the same form.
    assert box.find_parent("form") is page.select_one("form.app-finder")
    # A short list has neither.
    sources = page.select_one("#facet-source")
    assert "app-facet__options--long" not in sources.select_one(".app-facet__options")["class"]
    assert sources.select_one("input[data-facet-search]") is None


def test_each_filter_says_its_values_mean_any_of(get_page):
    page = get_page("/search?q=leadership&source=Council+Voices")
    for fieldset in page.select(".app-facet fieldset"):
        hint = page.select_one(f"#{fieldset['aria-describedby']}").get_text(strip=True)
        assert hint.startswith("Posts with any of the ")
    assert page.select_one(".app-any-of") is None
    two = get_page("/search?q=leadership&source=Council+Voices&source=Leading+Places+blog")
    assert "any of the values ticked in one filter" in two.select_one(".app-any-of").get_text()


def test_a_ticked_value_beyond_the_top_ten_stays_visible(get_page):
    page = get_page("/search?tag=Security")
    tags = page.select_one("#facet-tag")
    visible = tags.select(":scope > fieldset > .govuk-checkboxes input")
    assert "Security" in [box["value"] for box in visible]
    assert tags.select_one("input[value=Security]").has_attr("checked")


def test_the_form_is_a_plain_get_form_that_works_without_javascript(get_page):
    page = get_page("/search?q=leadership")
    form = page.select_one("form.app-finder")
    assert form["method"] == "get" and form["action"] == "/search"
    buttons = [b.get_text(strip=True) for b in form.select("button")]
    assert "Search" in buttons and "Apply filters" in buttons
    assert form.select_one("input#from[name=from]") and form.select_one("input#to[name=to]")
    assert form.select_one("select#sort[name=sort]")


def test_selected_filters_are_removable_tags_with_clear_all(get_page):
    page = get_page("/search?q=leadership&tag=Leadership&org=Ofsted&from=2016")
    tags = page.select(".app-filter-tags a.app-filter-tag")
    labels = [t.get_text(" ", strip=True) for t in tags]
    assert any("Organisation: Ofsted" in label for label in labels)
    assert any("Tag: Leadership" in label for label in labels)
    assert any("Published from: 2016" in label for label in labels)
    ofsted = next(t for t in tags if "Ofsted" in t.get_text())
    assert query_of(ofsted["href"]) == [("q", "leadership"), ("tag", "Leadership"), ("from", "2016")]
    clear = page.find("a", string="Clear all filters")
    assert clear["href"] == "/search?q=leadership"


def test_sort_select_shows_the_effective_sort(get_page):
    def options(url):
        return [
            (o.get_text(strip=True), o["value"], o.has_attr("selected")) for o in get_page(url).select("#sort option")
        ]

    # The default order submits no value, so a new query typed in gets its own default.
    assert options("/search?q=leadership") == [
        ("Most relevant", "", True),
        ("Newest", "newest", False),
        ("Oldest", "oldest", False),
    ]
    assert options("/search?q=leadership&sort=newest")[1] == ("Newest", "newest", True)
    assert options("/") == [("Newest", "", True), ("Oldest", "oldest", False)]
    assert options("/search?sort=oldest")[1] == ("Oldest", "oldest", True)


def test_pagination_links_are_canonical(get_page):
    page = get_page("/search?page=2")
    nav = page.select_one("nav.govuk-pagination")
    current = nav.select_one("[aria-current=page]")
    assert current.get_text(strip=True) == "2"
    assert nav.select_one("a[rel=prev]")["href"] == "/"
    assert nav.select_one("a[rel=next]")["href"] == "/search?page=3"
    assert "/search?page=4" in [a["href"] for a in nav.select("a")]
    items = result_items(page)
    assert len(items) == 10


def test_page_past_the_end_links_back_to_page_one(get_page):
    page = get_page("/search?q=leadership&page=50")
    assert not result_items(page)
    link = page.find("a", string="Go to page 1 of the results")
    assert link["href"] == "/search?q=leadership"


def test_empty_state_names_the_query_and_offers_filters_to_remove(get_page):
    page = get_page("/search?q=zebracrossingx&org=Ofsted")
    assert page.select_one("#results-count").get_text(strip=True) == "No results for ‘zebracrossingx’"
    advice = page.select_one(".govuk-list--bullet").get_text(" ", strip=True)
    assert "checking your spelling" in advice and "removing filters" in advice
    remove = page.select_one(".app-removable-filters a")
    assert remove.get_text(strip=True) == "Remove organisation: Ofsted"
    assert remove["href"] == "/search?q=zebracrossingx"


def test_did_you_mean_links_to_the_corrected_search(get_page):
    page = get_page("/search?q=inspectoin&correct=no")
    suggestion = page.select_one(".app-suggestion a")
    assert suggestion.get_text(strip=True) == "inspection"
    assert suggestion["href"] == "/search?q=inspection"


def test_corrected_results_say_so_and_link_to_the_search_as_typed(get_page):
    page = get_page("/search?q=inspectoin")
    assert "Showing results for inspection." in page.select_one(".app-corrected").get_text()
    as_typed = page.select(".app-corrected a")[-1]
    assert as_typed.get_text(strip=True) == "inspectoin"
    assert as_typed["href"] == "/search?q=inspectoin&correct=no"


def test_notice_says_when_part_of_the_query_was_ignored(get_page, get_json):
    notice = get_json("/api/search?q=%22unbalanced+leadership")["notice"]
    assert notice
    page = get_page("/search?q=%22unbalanced+leadership")
    assert page.select_one(".app-notice").get_text(strip=True) == notice
    assert get_page("/search?q=leadership").select_one(".app-notice") is None


def test_page_links_to_its_json_csv_and_atom_twins(get_page):
    page = get_page("/search?q=leadership&tag=Leadership")
    alternates = {link["type"]: link["href"] for link in page.select("link[rel=alternate]")}
    assert alternates == {
        "application/json": "/api/search?q=leadership&tag=Leadership",
        "text/csv": "/search.csv?q=leadership&tag=Leadership",
        "application/atom+xml": "/search.atom?q=leadership&tag=Leadership",
    }
    visible = {a["href"] for a in page.select(".app-other-formats a")}
    # The feed is followed through a page that explains it (the feed's own address is on it).
    assert visible == set(alternates.values()) - {alternates["application/atom+xml"]} | {
        "/follow?q=leadership&tag=Leadership"
    }


def test_page_has_a_canonical_link_and_opensearch_link(get_page):
    page = get_page("/search?q=leadership&page=2")
    assert page.select_one("link[rel=canonical]")["href"] == "http://localhost/search?q=leadership&page=2"
    assert get_page("/").select_one("link[rel=canonical]")["href"] == "http://localhost/"
    assert page.select_one("link[rel=search]")["href"] == "/opensearch.xml"


def test_a_very_long_filter_list_lists_the_values_with_most_results_and_says_how_many_are_not(get_page, monkeypatch):
    from webui import presenters

    monkeypatch.setattr(presenters, "FACET_LISTED", 12)
    everything = get_page("/")
    all_tags = everything.select("#facet-tag input[name=tag]")
    assert len(all_tags) == 12
    note = everything.select_one("#facet-tag .app-facet__unlisted")
    text = note.get_text(" ", strip=True)
    assert text.startswith("The 12 tags with most results are listed; ")
    unlisted = int(text.split("; ")[1].split()[0])
    assert unlisted > 0
    # Every value is one link away, on the filter's own page.
    assert note.select_one("a")["href"] == "/filters/tag"
    assert note.select_one("a").get_text(strip=True) == f"See all {12 + unlisted} tags"
    assert len(get_page("/filters/tag").select("input[name=tag]")) == 12 + unlisted
    # A ticked value past the cut is still listed, ticked, so it can be unticked.
    monkeypatch.setattr(presenters, "FACET_LISTED", 10_000)
    every_tag = [box["value"] for box in get_page("/").select("#facet-tag input[name=tag]")]
    assert len(every_tag) == 12 + unlisted
    monkeypatch.setattr(presenters, "FACET_LISTED", 12)
    last = every_tag[-1]
    page = get_page("/search?" + __import__("urllib.parse").parse.urlencode({"tag": last}))
    ticked = page.select("#facet-tag input[name=tag][checked]")
    assert [box["value"] for box in ticked] == [last]
