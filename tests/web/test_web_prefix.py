"""Served under a path prefix, as behind a council's reverse proxy at /search/: every link the pages,
feeds, JSON and stylesheets give stays under the prefix and answers.

The real app is mounted at PREFIX with werkzeug's DispatcherMiddleware (which sets SCRIPT_NAME, as
gunicorn does from its environment); anything outside the prefix answers 404, so a link that
forgets the prefix fails here. The prefix is also a route's name, to catch links that happen to
work only at the root.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from web import web_corpus as corpus

PREFIX = "/search"
HOST = "http://localhost"
START = [
    PREFIX + "/",
    PREFIX + "/search?q=inspection&tag=SLI",
    PREFIX + "/search?q=leadership",  # more than one page of results
    PREFIX + "/search?year=2019&year=2020",  # a timeline by month
    PREFIX + "/org",
    PREFIX + "/nowhere",  # the 404 page
]
# How many pages of each kind are read for links; every link found on them is fetched.
PAGES_PER_KIND = 3
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@pytest.fixture(scope="module")
def prefixed(app):
    return Client(DispatcherMiddleware(NotFound(), {PREFIX: app}))


def local(url: str, base: str = HOST + PREFIX + "/") -> str:
    """A link as a path and query under the host, with its fragment dropped; it must be under PREFIX."""
    absolute = urljoin(base, url)
    parts = urlsplit(absolute)
    assert f"{parts.scheme}://{parts.netloc}" == HOST, url
    assert parts.path.startswith(PREFIX + "/"), f"{url!r} (on {base}) leaves the prefix"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def kind(path: str) -> str:
    """Pages are sampled by kind: `/doc/*`, `/org/*`, `/org`, `/search?` (a query string marked)."""
    segments = urlsplit(path).path.removeprefix(PREFIX).strip("/").split("/")
    return "/" + segments[0] + ("/*" if len(segments) > 1 else "") + ("?" if "?" in path else "")


def links_on(html: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    found = [a["href"] for a in page.select("a[href], link[href]")]
    found += [tag["src"] for tag in page.select("[src]")]
    found += [form["action"] for form in page.select("form[action]")]
    return [url for url in found if not url.startswith("#")]


def fetch(client, path: str):
    response = client.get(path)
    assert response.status_code in (200, 302), (path, response.status_code)
    if response.status_code == 302:
        location = local(response.headers["Location"], HOST + path)
        assert client.get(location).status_code == 200, (path, location)
    return response


def test_every_link_on_every_kind_of_page_stays_under_the_prefix_and_answers(prefixed):
    to_read = list(START)
    queued = Counter(kind(path) for path in START)
    fetched: set[str] = set()
    while to_read:
        path = to_read.pop(0)
        response = prefixed.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        for url in links_on(response.get_data(as_text=True)):
            target = local(url, HOST + path)
            if target in fetched:
                continue
            fetched.add(target)
            linked = fetch(prefixed, target)
            if linked.status_code == 200 and linked.mimetype == "text/html" and queued[kind(target)] < PAGES_PER_KIND:
                queued[kind(target)] += 1
                to_read.append(target)
    assert {"/", "/search?", "/doc/*", "/doc/*?", "/org", "/org/*", "/nowhere"} <= set(queued), queued
    assert len(fetched) > 200, len(fetched)


def test_the_pages_point_at_their_feeds_canonical_address_and_form_under_the_prefix(prefixed):
    page = BeautifulSoup(prefixed.get(PREFIX + "/search?q=inspection&tag=SLI").get_data(as_text=True), "html.parser")
    assert page.select_one("link[rel=canonical]")["href"] == HOST + PREFIX + "/search?q=inspection&tag=SLI"
    alternates = {link["type"]: link["href"] for link in page.select("link[rel=alternate]")}
    assert alternates == {
        "application/json": PREFIX + "/api/search?q=inspection&tag=SLI",
        "text/csv": PREFIX + "/search.csv?q=inspection&tag=SLI",
        "application/atom+xml": PREFIX + "/search.atom?q=inspection&tag=SLI",
    }
    assert page.select_one("form.app-finder")["action"] == PREFIX + "/search"
    assert page.select_one("link[rel=search]")["href"] == PREFIX + "/opensearch.xml"


@pytest.mark.parametrize(
    "path, location",
    [
        ("/search?sort=newest", "/"),
        ("/?q=leadership", "/search?q=leadership"),
        ("/search?org=ADCS", "/search?org=Association+of+Directors+of+Children%27s+Services"),
        ("/org/LGA", "/org/Local_Government_Association"),
        ("/org?sort=count", "/org"),
    ],
)
def test_canonical_redirects_stay_under_the_prefix(prefixed, path, location):
    response = prefixed.get(PREFIX + path)
    assert response.status_code == 302
    assert response.headers["Location"] == PREFIX + location
    assert prefixed.get(PREFIX + location).status_code == 200


def test_stylesheets_ask_for_fonts_and_images_under_the_prefix(prefixed):
    """GOV.UK Frontend's CSS asks for /assets/... as published; `make assets` makes those relative."""
    page = BeautifulSoup(prefixed.get(PREFIX + "/").get_data(as_text=True), "html.parser")
    sheets = [link["href"] for link in page.select("link[rel=stylesheet]")]
    assert len(sheets) == 2
    assets = []
    for sheet in sheets:
        css = prefixed.get(sheet).get_data(as_text=True)
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            if not url.startswith("data:"):
                assert not url.startswith("/"), f"{sheet} asks for {url} at the root: run `make assets`"
                assets.append(local(url, HOST + sheet))
    assert any(asset.endswith(".woff2") for asset in assets)
    for asset in assets:
        assert prefixed.get(asset).status_code == 200, asset


def test_the_script_imports_gov_uk_frontend_under_the_prefix(prefixed):
    page = BeautifulSoup(prefixed.get(PREFIX + "/").get_data(as_text=True), "html.parser")
    script = page.select_one("script[type=module]")["src"]
    imports = re.findall(r"^import .* from '([^']+)'", prefixed.get(script).get_data(as_text=True), re.MULTILINE)
    assert imports
    for url in imports:
        response = prefixed.get(local(url, HOST + script))
        assert response.status_code == 200 and response.mimetype == "text/javascript", url


def test_feeds_csv_and_opensearch_give_full_addresses_under_the_prefix(prefixed):
    feed = ET.fromstring(prefixed.get(PREFIX + "/search.atom?q=inspection").data)
    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    links += [feed.find(f"{ATOM}id").text] + [entry.find(f"{ATOM}id").text for entry in feed.iter(f"{ATOM}entry")]
    assert len(links) > 4
    for url in links:
        assert url.startswith(HOST + PREFIX + "/"), url
        fetch(prefixed, local(url))

    rows = list(
        csv.DictReader(io.StringIO(prefixed.get(PREFIX + "/search.csv?q=inspection").get_data().decode("utf-8-sig")))
    )
    assert rows and all(row["url"].startswith(HOST + PREFIX + "/doc/") for row in rows)
    fetch(prefixed, local(rows[0]["url"]))

    description = ET.fromstring(prefixed.get(PREFIX + "/opensearch.xml").data)
    templates = [url.get("template") for url in description.iter(f"{OPENSEARCH}Url")]
    assert len(templates) == 3
    for template in templates:
        assert template.startswith(HOST + PREFIX + "/"), template
        fetch(prefixed, local(template.replace("{searchTerms}", "ofsted")))


def test_json_answers_link_under_the_prefix(prefixed):
    data = prefixed.get(PREFIX + "/api/search?q=inspectoin&correct=no").get_json()
    urls = [hit["url"] for hit in data["results"]] + [data["suggestion"]["url"]]
    corrected = prefixed.get(PREFIX + "/api/search?q=inspectoin").get_json()["corrected"]
    urls.append(corrected["url"])
    org = prefixed.get(PREFIX + "/api/org/Ofsted").get_json()
    urls += [org["url"], org["search_url"]]
    urls += [item["url"] for item in org["newest"] + org["named_with"]]
    urls += [item["search_url"] for item in org["years"] + org["named_with"] + org["tags"] + org["authors"]]
    assert len(urls) > 10
    for url in urls:
        assert url.startswith(PREFIX + "/"), url
        fetch(prefixed, url)


@pytest.mark.parametrize("path", ["/api/search?page=abc", "/doc/no/such/post", f"/doc/{corpus.INSPECTION_ID}"])
def test_pages_and_errors_answer_under_the_prefix(prefixed, path):
    response = prefixed.get(PREFIX + path)
    assert response.status_code in (200, 400, 404)
    if response.mimetype == "text/html":
        for url in links_on(response.get_data(as_text=True)):
            local(url, HOST + PREFIX + path)
