"""The same search as JSON, CSV and Atom; the OpenSearch description; the health check."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from indexer.query import DEFAULT_FACET_SIZE, MAX_FACET_SIZE
from web import web_corpus as corpus

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def test_api_search_has_the_contract_shape(get_json):
    data = get_json("/api/search?q=inspection&org=Ofsted")
    assert list(data) == [
        "query",
        "total",
        "pages",
        "results",
        "facets",
        "suggestion",
        "corrected",
        "notice",
        "facets_more",
    ]
    assert data["query"] == {
        "q": "inspection",
        "tag": [],
        "org": ["Ofsted"],
        "category": [],
        "source": [],
        "author": [],
        "year": [],
        "from": None,
        "to": None,
        "sort": "relevance",
        "page": 1,
        "per_page": 10,
    }
    assert list(data["facets"]) == ["tag", "org", "category", "source", "author", "year"]
    result = data["results"][0]
    assert list(result) == [
        "id",
        "url",
        "title",
        "date",
        "author",
        "source",
        "tags",
        "categories",
        "organisations",
        "source_url",
        "snippet",
        "score",
    ]
    assert result["url"] == f"/doc/{result['id']}"
    assert "<mark>" in result["snippet"]


def test_api_search_suggestion_has_corrected_query_and_url(get_json):
    suggestion = get_json("/api/search?q=inspectoin&correct=no")["suggestion"]
    assert suggestion == {"q": "inspection", "url": "/search?q=inspection"}


def test_api_search_says_when_it_shows_corrected_results(get_json):
    data = get_json("/api/search?q=inspectoin")
    assert data["corrected"] == {"from": "inspectoin", "to": "inspection", "url": "/search?q=inspectoin&correct=no"}
    assert data["total"] == get_json("/api/search?q=inspection")["total"] > 0
    assert data["query"]["q"] == "inspectoin" and data["suggestion"] is None


def test_csv_has_every_match_on_every_page(client, get_json):
    response = client.get("/search.csv?per_page=5&page=2")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == get_json("/api/search")["total"] == 35
    assert list(rows[0]) == [
        "title",
        "date",
        "url",
        "id",
        "author",
        "source",
        "tags",
        "categories",
        "organisations",
        "source_url",
    ]
    first = rows[0]
    assert first["url"] == f"http://localhost/doc/{first['id']}"


def test_csv_follows_the_filters_and_sort(client, get_json):
    response = client.get("/search.csv?org=Ofsted&sort=oldest")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    expected = get_json("/api/search?org=Ofsted&sort=oldest&per_page=100")["results"]
    assert [r["id"] for r in rows] == [r["id"] for r in expected]
    assert all("Ofsted" in r["organisations"].split("; ") for r in rows)


def test_csv_written_a_few_rows_at_a_time_is_the_same_download(client, monkeypatch):
    from webui import feeds

    whole = client.get("/search.csv?q=inspection").get_data(as_text=True)
    monkeypatch.setattr(feeds, "CSV_ROWS_A_CHUNK", 3)
    assert client.get("/search.csv?q=inspection").get_data(as_text=True) == whole
    assert len(list(csv.reader(io.StringIO(whole)))) > 4


def test_addresses_worked_out_once_a_request_are_url_fors(app):
    """Document and organisation addresses, their start worked out once a request, are exactly
    what url_for gives, for odd ids and names, with and without a path prefix."""
    from flask import url_for

    from webui import params

    values = ["002_4e70802378ce0b6e", "東京", "a b", "a/b", "x?y#z", "100%", "'quote'", "a+b&c=d", "~t", "é/ü"]
    for prefix in ("", "/lgsearch"):
        with app.test_request_context("/search", base_url=f"https://example.org{prefix}"):
            for value in values:
                assert params.document_url(value, external=True) == url_for(
                    "views.document", doc_id=value, _external=True
                )
                assert params.document_url(value) == url_for("views.document", doc_id=value)
                assert params.org_url(value) == url_for("orgs.organisation", name=params.org_segment(value))


def test_csv_with_no_matches_is_just_the_header(client):
    text = client.get("/search.csv?q=zebracrossingx").get_data().decode("utf-8-sig")
    assert text.strip() == "title,date,url,id,author,source,tags,categories,organisations,source_url"


def test_csv_defuses_cells_a_spreadsheet_would_run(app):
    from webui.feeds import _csv_row

    document = {
        "id": "a",
        "title": '=HYPERLINK("http://evil")',
        "date": None,
        "author": "@me",
        "source": "Plain",
        "tags": ["-1"],
        "categories": [],
        "organisations": [],
    }
    with app.test_request_context("/search.csv"):
        row = _csv_row(document)
    assert row[0] == '\'=HYPERLINK("http://evil")'
    assert row[4] == "'@me" and row[5] == "Plain" and row[6] == "'-1"


def test_atom_feed_is_valid_and_newest_first(client):
    response = client.get("/search.atom?q=inspection&sort=relevance")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://localhost/search.atom?q=inspection"
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("http://localhost/doc/")
        assert entry.find(f"{ATOM}title").text
        assert entry.find(f"{ATOM}summary").get("type") == "html"


def test_csv_and_atom_carry_the_original_address(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/search.csv?q=ADCS").get_data(as_text=True))))
    by_id = {row["id"]: row for row in rows}
    assert by_id[corpus.ADCS_ALIAS_ID]["source_url"] == corpus.ADCS_ALIAS_URL
    assert by_id[corpus.ADCS_FULL_ID]["source_url"] == ""
    feed = ET.fromstring(client.get("/search.atom?q=ADCS").get_data())
    entries = {e.find(f"{ATOM}id").text: e for e in feed.findall(f"{ATOM}entry")}
    ours = entries[f"http://localhost/doc/{corpus.ADCS_ALIAS_ID}"]
    assert ours.find(f"{ATOM}link[@rel='alternate']").get("href") == corpus.ADCS_ALIAS_URL
    assert ours.find(f"{ATOM}link[@rel='related']").get("href") == f"http://localhost/doc/{corpus.ADCS_ALIAS_ID}"
    plain = entries[f"http://localhost/doc/{corpus.ADCS_FULL_ID}"]
    assert plain.find(f"{ATOM}link[@rel='alternate']").get("href") == f"http://localhost/doc/{corpus.ADCS_FULL_ID}"


def test_atom_feed_escapes_document_text(client):
    response = client.get("/search.atom?source=Hostile+blog")
    feed = ET.fromstring(response.get_data())
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text.startswith(corpus.HOSTILE_TEXT)
    assert b"<script>" not in response.get_data()


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert len(root.find(f"{OPENSEARCH}ShortName").text) <= 16
    html = root.find(f"{OPENSEARCH}Url[@type='text/html']")
    assert html.get("template") == "http://localhost/search?q={searchTerms}"


def test_healthz_ok(get_json):
    data = get_json("/healthz")
    assert data["status"] == "ok"
    assert data["documents"] == 35
    assert data["indexed_at"]


def test_healthz_503_without_an_index(empty_app):
    response = empty_app.test_client().get("/healthz")
    assert response.status_code == 503
    data = response.get_json()
    assert data["status"] == "unavailable" and data["reason"]


def test_every_url_says_the_index_is_not_ready_without_one(empty_app):
    client = empty_app.test_client()
    page = client.get("/search?q=leadership")
    assert page.status_code == 503
    assert "The search index is not ready" in page.get_data(as_text=True)
    assert client.get("/").status_code == 503
    assert client.get(f"/doc/{corpus.INSPECTION_ID}").status_code == 503
    api = client.get("/api/search?q=leadership")
    assert api.status_code == 503 and api.get_json()["error"]["message"].startswith("The search index is not ready")
    assert client.get("/search.csv").status_code == 503
    assert client.get("/search.atom").status_code == 503


def test_app_reads_the_index_named_by_the_environment(monkeypatch, index_dir):
    from webui import create_app

    monkeypatch.setenv("LGSEARCH_INDEX_DIR", str(index_dir))
    app = create_app({"TESTING": True})
    assert app.config["INDEX_DIR"] == str(index_dir)
    monkeypatch.delenv("LGSEARCH_INDEX_DIR")
    assert create_app().config["INDEX_DIR"] == "index_data"


def test_facet_size_gives_the_values_with_most_results_and_says_when_there_are_more(get_json):
    every = get_json(f"/api/search?facet_size={MAX_FACET_SIZE}")
    tags = every["facets"]["tag"]
    assert len(tags) > 3 and every["facets_more"]["tag"] is False
    short = get_json("/api/search?facet_size=3")
    assert short["facets"]["tag"] == tags[:3]
    assert [value["count"] for value in tags[:3]] == sorted((value["count"] for value in tags), reverse=True)[:3]
    assert short["facets_more"]["tag"] is True
    assert short["facets_more"]["year"] == (len(every["facets"]["year"]) > 3)
    default = get_json("/api/search")
    assert all(len(values) <= DEFAULT_FACET_SIZE for values in default["facets"].values())
    assert default["facets_more"] == {
        name: len(values) > DEFAULT_FACET_SIZE for name, values in every["facets"].items()
    }


def test_a_ticked_value_past_the_facet_size_is_still_listed(get_json):
    every = get_json(f"/api/search?facet_size={MAX_FACET_SIZE}")["facets"]["tag"]
    last = every[-1]["value"]
    short = get_json("/api/search?facet_size=2&tag=" + last.replace(" ", "+"))["facets"]["tag"]
    assert [value["value"] for value in short][-1] == last and short[-1]["selected"] is True
    assert len(short) == 3


@pytest.mark.parametrize("size", ["0", "abc", str(MAX_FACET_SIZE + 1), "-1", "2.5"])
def test_a_facet_size_out_of_range_answers_400_naming_it(client, size):
    response = client.get(f"/api/search?facet_size={size}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == "facet_size" and f"1 to {MAX_FACET_SIZE:,}" in error["message"]
