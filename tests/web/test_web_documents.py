"""One document: its page, its JSON, and what happens when there is no such document."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from helpers import DOCUMENT_FIELDS, write_post
from web import web_corpus as corpus


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
    rows = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd")
        for row in page.select(".app-metadata .govuk-summary-list__row")
    }
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


def test_an_unknown_document_whose_id_looks_like_a_file_is_still_a_404_page(get_page, get_json):
    """Errors take the format of the view, not of the URL's suffix: `minutes.csv` is a valid id."""
    page = get_page("/doc/minutes.csv", status=404)
    assert page.select_one("h1").get_text(strip=True) == "Page not found"
    assert "minutes.csv" in page.select_one(".app-error-message").get_text()
    error = get_json("/api/doc/x.csv", status=404)["error"]
    assert "x.csv" in error["message"] and error["parameter"] is None


@pytest.mark.parametrize(
    "method, path, mimetype",
    [
        ("get", "/nowhere.csv", "text/html"),  # no view has it: a page
        ("get", "/api/nowhere", "application/json"),  # ... except under /api/
        ("post", "/api/search", "application/json"),
        ("post", "/search.csv", "text/plain"),  # a wrong method: the format of the address's view
        ("post", "/doc/minutes.csv", "text/html"),
        ("get", "/search.atom?page=abc", "text/plain"),
        ("get", "/healthz.csv", "text/html"),
    ],
)
def test_an_error_without_a_view_takes_the_format_of_the_address_or_a_page(client, method, path, mimetype):
    response = getattr(client, method)(path)
    assert response.status_code in (400, 404, 405) and response.mimetype == mimetype


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


def test_links_to_a_document_percent_encode_an_id_in_another_script(tmp_path, open_app):
    write_post(tmp_path / "corpus", "東京.md", "Notes from Tokyo", "What Tokyo's wards taught us about inspection.")
    corpus.build_index(tmp_path / "corpus", tmp_path / "index")
    client = open_app(tmp_path / "index").test_client()
    encoded = "/doc/%E6%9D%B1%E4%BA%AC"

    [hit] = client.get("/api/search?q=tokyo").get_json()["results"]
    assert hit["id"] == "東京" and hit["url"] == encoded
    page = BeautifulSoup(client.get("/search?q=tokyo").get_data(as_text=True), "html.parser")
    assert page.select_one(".app-result__title a")["href"] == encoded + "?q=tokyo"
    [row] = csv.DictReader(io.StringIO(client.get("/search.csv?q=tokyo").get_data().decode("utf-8-sig")))
    assert row["url"] == "http://localhost" + encoded
    assert client.get(encoded).status_code == 200


def test_filter_names_are_the_query_services_on_every_page_and_in_the_cli(get_page, client, index_dir, monkeypatch):
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


def test_document_page_links_to_the_original_the_post_names(get_page, get_json):
    assert get_json(f"/api/doc/{corpus.ADCS_ALIAS_ID}")["source_url"] == corpus.ADCS_ALIAS_URL
    page = get_page(f"/doc/{corpus.ADCS_ALIAS_ID}")
    link = next(a for a in page.select("a") if a.get_text(strip=True).startswith("Read the original"))
    assert link["href"] == corpus.ADCS_ALIAS_URL
    assert link.get_text(" ", strip=True) == "Read the original on Council Voices"


def test_an_address_that_is_not_a_web_page_is_never_linked(get_page, get_json):
    """The hostile post's front matter gives `url: javascript:alert(3)`."""
    assert get_json(f"/api/doc/{corpus.HOSTILE_ID}")["source_url"] is None
    page = get_page(f"/doc/{corpus.HOSTILE_ID}")
    assert not [a for a in page.select("a") if a.get_text(strip=True).startswith("Read the original")]
    assert all(not a.get("href", "").lower().startswith("javascript") for a in page.select("a"))
