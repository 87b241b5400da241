"""One document: its page, its JSON, and what happens when there is no such document."""
from __future__ import annotations

from urllib.parse import quote

from web import web_corpus as corpus

DOCUMENT_FIELDS = ["id", "path", "title", "date", "year", "author", "source",
                   "tags", "categories", "organisations", "body"]


def test_document_page_shows_the_whole_post_with_query_words_highlighted(get_page):
    page = get_page(f"/doc/{corpus.INSPECTION_ID}?q=inspection")
    assert page.select_one("h1").get_text(strip=True).startswith("What a good inspection taught us")
    body = page.select_one(".app-document__body")
    assert "Inspectors asked about our inspection readiness" in body.get_text(" ", strip=True)
    marks = [m.get_text().lower() for m in body.select("mark")]
    assert "inspection" in marks


def test_document_metadata_links_to_filtered_searches(get_page, get_json):
    doc = get_json(f"/api/doc/{corpus.INSPECTION_ID}")
    page = get_page(f"/doc/{corpus.INSPECTION_ID}")
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd")
            for row in page.select(".app-metadata .govuk-summary-list__row")}
    assert set(rows) == {"Published", "Author", "Source", "Tags", "Categories", "Organisations"}
    assert rows["Published"].select_one("time")["datetime"] == doc["date"]
    assert rows["Published"].select_one("a")["href"] == f"/search?year={doc['year']}"
    assert rows["Author"].select_one("a")["href"] == "/search?author=" + quote(doc["author"]).replace("%20", "+")
    tag_links = {a.get_text(strip=True): a["href"] for a in rows["Tags"].select("a")}
    assert set(tag_links) == set(doc["tags"])
    # Each organisation's name leads to its page, and a second link to the search for its posts.
    org_items = rows["Organisations"].select("li")
    assert len(org_items) == len(doc["organisations"])
    for item, name in zip(org_items, doc["organisations"]):
        page_link, search_link = item.select("a")
        assert page_link.get_text(strip=True) == name and page_link["href"] == "/org/" + name.replace(" ", "_")
        assert search_link["href"] == "/search?org=" + quote(name).replace("%20", "+")
    category = rows["Categories"].select_one("a")
    assert category["href"] == f"/search?category={doc['categories'][0]}"


def test_more_like_this_lists_five_other_posts(get_page):
    page = get_page(f"/doc/{corpus.INSPECTION_ID}")
    links = page.select(".app-related a")
    assert len(links) == 5
    assert all(a["href"].startswith("/doc/") and corpus.INSPECTION_ID not in a["href"] for a in links)


def test_back_to_results_returns_to_the_same_search(get_page):
    results = get_page("/search?q=inspection&sort=newest")
    href = results.select_one(".app-result__title a")["href"]
    page = get_page(href)
    back = page.select_one("a.govuk-back-link")
    assert back.get_text(strip=True) == "Back to results"
    assert back["href"] == "/search?q=inspection&sort=newest"


def test_no_back_link_without_a_search(get_page):
    assert get_page(f"/doc/{corpus.INSPECTION_ID}").select_one("a.govuk-back-link") is None


def test_document_page_is_canonical_without_the_search(get_page):
    page = get_page(f"/doc/{corpus.INSPECTION_ID}?q=inspection")
    assert page.select_one("link[rel=canonical]")["href"] == f"http://localhost/doc/{corpus.INSPECTION_ID}"
    assert page.select_one("link[rel=alternate]")["href"] == f"/api/doc/{corpus.INSPECTION_ID}"


def test_unknown_document_is_a_404_page(get_page):
    page = get_page("/doc/no/such/post", status=404)
    assert page.select_one("h1").get_text(strip=True) == "Page not found"
    assert "no/such/post" in page.select_one(".app-error-message").get_text()


def test_api_doc_returns_all_stored_fields(get_json):
    doc = get_json(f"/api/doc/{corpus.INSPECTION_ID}")
    assert list(doc) == DOCUMENT_FIELDS
    assert doc["id"] == corpus.INSPECTION_ID
    assert doc["path"].endswith("post-01.md")
    assert doc["year"] == doc["date"][:4]
    assert "inspection readiness" in doc["body"]


def test_api_doc_unknown_is_a_json_404(get_json):
    error = get_json("/api/doc/no/such/post", status=404)["error"]
    assert "no/such/post" in error["message"]


def test_undated_document_shows_without_a_date(get_page, get_json):
    doc = get_json(f"/api/doc/{corpus.UNDATED_ID}")
    assert doc["date"] is None and doc["year"] is None
    page = get_page(f"/doc/{corpus.UNDATED_ID}")
    labels = [dt.get_text(strip=True) for dt in page.select(".app-metadata dt")]
    assert "Published" not in labels


def test_filter_names_are_the_query_services_on_every_page_and_in_the_cli(get_page, client, index_dir,
                                                                           monkeypatch):
    from click.testing import CliRunner

    import indexer.query as query
    from lgsearch.cli import cli

    monkeypatch.setitem(query.FILTER_LABELS, "author", "Writer")
    monkeypatch.setitem(query.FILTER_LABELS, "tag", "Topic")
    monkeypatch.setitem(query.FILTER_PLURALS, "tag", "topics")
    page = get_page(f"/doc/{corpus.INSPECTION_ID}")
    rows = {dt.get_text(strip=True) for dt in page.select(".app-metadata dt")}
    assert {"Writer", "Topics"} <= rows and not {"Author", "Tags"} & rows
    legends = [legend.get_text(strip=True) for legend in get_page("/").select(".app-facet legend")]
    assert "Topic" in legends and "Writer" in legends
    assert "topic " in client.get("/search.atom?tag=SLI").get_data(as_text=True)
    printed = CliRunner().invoke(cli, ["--index-dir", str(index_dir), "search", "inspection"]).output
    assert "\nTopics: " in printed and "\nTags: " not in printed
