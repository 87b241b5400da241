"""Nothing a visitor sends reaches a 500, nothing a document says runs as code, nothing is stored."""

from __future__ import annotations

import base64
import hashlib
import re

from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from web import web_corpus as corpus

CSP = (
    "default-src 'self'; script-src 'self' {script_hash}; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

HOSTILE_VALUES = [
    '"unbalanced',
    "'single",
    "title:",
    "tag:",
    "org:",
    ":",
    "AND OR NOT",
    "NOT",
    "OR",
    "*",
    "?",
    "lead*",
    "*ship",
    "(((",
    ")",
    "[2019 TO",
    "{x",
    "~",
    "^2",
    "-",
    "--",
    "+",
    "\\",
    "a" * 1000,
    "word " * 200,
    "é café naïve",
    "日本語の検索",
    "🙂🙃",
    "\u202eevil",
    "null\x00byte",
    "\x00",
    "%00",
    "<script>alert(1)</script>",
    'title:"',
    'org:"Local',
    "date:[2019",
    "year:20x4",
    "inspection~2",
    '""',
    "AND",
    'tag:SLI AND tag:"South East"',
    "x" * 5000,
]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
@pytest.mark.parametrize("path", ["/search", "/api/search", "/search.csv", "/search.atom"])
def test_hostile_queries_never_give_500(client, path, value):
    response = client.get(path, query_string={"q": value})
    assert response.status_code in (200, 302, 400), (value, response.status_code)
    if response.status_code == 302:
        assert client.get(response.headers["Location"]).status_code in (200, 400)


def test_bytes_that_are_not_utf8_never_give_500(client):
    for url in ("/search?q=%ff%fe", "/api/search?tag=%c3%28", "/search?q=%ed%a0%80"):
        assert client.get(url, follow_redirects=True).status_code in (200, 400), url


@pytest.mark.parametrize(
    "name", ["tag", "org", "category", "source", "author", "year", "from", "to", "sort", "page", "per_page"]
)
@pytest.mark.parametrize(
    "value",
    [
        "\x00",
        "'",
        '"',
        "*",
        "title:",
        "9" * 40,
        "-1",
        "1e3",
        "日本",
        "a" * 3000,
        "31/02/2019",
        "99/99/9999",
        "March 99999",
        "0/2019",
        "1/1/0000",
    ],
)
def test_hostile_parameter_values_never_give_500(client, name, value):
    for path in ("/search", "/api/search", "/follow", "/filters/org"):
        response = client.get(path, query_string={name: value}, follow_redirects=True)
        assert response.status_code in (200, 400), (path, name, value, response.status_code)


def test_hostile_paths_never_give_500(client):
    for path in [
        "/doc/",
        "/doc/%00",
        "/doc/../../etc/passwd",
        "/doc/" + "a/" * 300,
        "/api/doc/%00",
        "/doc/<script>",
        "/api/doc/" + quote("日本"),
        "/assets/../webui/__init__.py",
        "/static/../__init__.py",
    ]:
        assert client.get(path).status_code in (404, 200, 308), path


def test_unknown_urls_and_methods_are_4xx(client):
    assert client.get("/nowhere").status_code == 404
    assert client.get("/api/nowhere").get_json()["error"]["message"]
    assert client.post("/search").status_code == 405


def test_document_text_is_escaped_on_every_page(client):
    for url in (f"/doc/{corpus.HOSTILE_ID}", "/search?q=pasted", "/search?source=Hostile+blog"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert all(is_our_script(s) for s in page.find_all("script")), url
        assert not page.find("img", attrs={"onerror": True}), url
        assert corpus.HOSTILE_TEXT in page.get_text(), url


def test_snippets_carry_no_markup_but_mark(get_json):
    results = get_json("/api/search?q=pasted")["results"]
    assert results
    for result in results:
        snippet = BeautifulSoup(result["snippet"], "html.parser")
        assert {tag.name for tag in snippet.find_all(True)} <= {"mark"}


def test_the_query_itself_is_escaped(get_page):
    page = get_page("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert all(is_our_script(s) for s in page.find_all("script"))
    assert page.select_one("#q")["value"] == "<script>alert(1)</script>"


def is_our_script(script) -> bool:
    """A script of ours: a file under /static/, or GOV.UK's one js-enabled line."""
    if script.get("src"):
        return script["src"].startswith("/static/") and not script.string
    return (script.string or "").startswith("document.body.className += ' js-enabled'")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search?q=leadership",
        f"/doc/{corpus.INSPECTION_ID}",
        "/api/search",
        "/search.csv",
        "/search.atom",
        "/opensearch.xml",
        "/healthz",
        "/nowhere",
        "/search?page=abc",
        "/static/css/app.css",
        "/follow?q=leadership",
        "/status",
        "/browser-search",
        "/filters/org",
    ],
)
def test_security_headers_on_every_response(client, url):
    with client.get(url) as response:
        response.get_data()
    policy = response.headers["Content-Security-Policy"]
    script_hash = re.search(r"'sha256-[A-Za-z0-9+/=]+'", policy).group()
    assert policy == CSP.format(script_hash=script_hash)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Set-Cookie" not in response.headers


def test_pages_have_no_inline_script_but_govuks_own_which_the_policy_allows_by_its_hash(client):
    for url in ("/", "/search?q=inspectoin", f"/doc/{corpus.INSPECTION_ID}?q=inspection", "/nowhere"):
        response = client.get(url)
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        inline = [s.string for s in page.find_all("script") if not s.get("src")]
        assert len(inline) == 1 and "js-enabled" in inline[0]
        digest = base64.b64encode(hashlib.sha256(inline[0].encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]
        for script in page.find_all("script", src=True):
            assert script["src"].startswith("/static/") and not (script.string or "").strip()
        assert not page.find_all("style")
        assert not page.select("[style]")
        assert not [tag for tag in page.find_all(True) if any(a.startswith("on") for a in tag.attrs)]


def test_the_static_files_are_served(client):
    for url, media_type in [
        ("/static/govuk/govuk-frontend.min.css", "text/css"),
        ("/static/govuk/govuk-frontend.min.js", "text/javascript"),
        ("/static/js/app.mjs", "text/javascript"),
        ("/static/govuk/assets/fonts/bold-b542beb274-v2.woff2", "font/woff2"),
        ("/static/images/favicon.svg", "image/svg+xml"),
    ]:
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.mimetype == media_type, url


def test_a_fault_of_ours_is_a_plain_500_page_without_a_traceback(index_dir, caplog):
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})

    def broken():
        raise RuntimeError("secret internals")

    app.add_url_rule("/broken", view_func=broken)
    app.add_url_rule("/api/broken", endpoint="api_broken", view_func=broken)
    client = app.test_client()
    page = client.get("/broken")
    assert page.status_code == 500
    text = BeautifulSoup(page.get_data(as_text=True), "html.parser").get_text()
    assert "Sorry, there is a problem with the service" in text
    assert "secret internals" not in text and "Traceback" not in text
    api = client.get("/api/broken")
    assert api.status_code == 500 and "secret" not in api.get_data(as_text=True)
    assert "secret internals" in caplog.text  # ... but the log has it
