"""The new kinds of body on the organisation pages: /org groups and filters by them in plain English,
and /org/<name> and /api/org/<name> say what each body is."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from helpers import write_post
from indexer.organisations import KINDS
from webui import create_app
from webui.explore_presenters import KIND_NAMES

POSTS = [
    ("nato.md", "Working with NATO", "NATO and the European Union met the House of Commons committee."),
    ("pcc.md", "Our commissioner", "The Kent PCC and Kent Police fund the scheme with Gleeson Homes."),
    ("tribunal.md", "At the tribunal", "The Employment Tribunal heard the case. Homes England watched."),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from indexer.reindex import reindex

    corpus = tmp_path_factory.mktemp("corpus")
    for name, title, body in POSTS:
        write_post(corpus, name, title, body, date="2025-05-01", author="A Writer")
    index_dir = tmp_path_factory.mktemp("index")
    report = reindex([corpus], index_dir, rebuild=True)
    assert not report.rejected, report.rejected
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    try:
        yield app.test_client()
    finally:
        service = app.extensions.get("lgsearch.search_service")
        if service is not None:
            service.close()


def page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_every_kind_has_a_plain_english_name():
    assert set(KINDS) <= set(KIND_NAMES)
    for kind in ("parliament", "international", "court or tribunal", "police and crime commissioner"):
        singular, plural = KIND_NAMES[kind]
        assert singular[0].isupper() and plural[0].isupper() and singular != plural


def test_the_index_groups_the_new_kinds_under_their_headings(client):
    text = page(client, "/org").get_text(" ", strip=True)
    for heading in (
        "Parliaments and assemblies",
        "International bodies",
        "Courts and tribunals",
        "Police and crime commissioners",
        "Companies",
    ):
        assert heading in text


@pytest.mark.parametrize(
    ("kind", "wanted", "unwanted"),
    [
        ("international", {"NATO", "European Union"}, "House of Commons"),
        ("parliament", {"House of Commons"}, "NATO"),
        ("police and crime commissioner", {"Police and Crime Commissioner for Kent"}, "Kent Police"),
        ("court or tribunal", {"Employment Tribunal"}, "Homes England"),
    ],
)
def test_the_kind_filter_keeps_only_that_kind(client, kind, wanted, unwanted):
    listing = page(client, f"/org?kind={kind}")
    names = {link.get_text(strip=True) for link in listing.select("main a[href^='/org/']")}
    assert wanted <= names
    assert unwanted not in names
    chosen = listing.select_one("select#kind option[selected]")
    assert chosen["value"] == kind


@pytest.mark.parametrize(
    ("address", "kind", "caption"),
    [
        ("/org/NATO", "international", "International body"),
        ("/org/House_of_Commons", "parliament", "Parliament or assembly"),
        (
            "/org/Police_and_Crime_Commissioner_for_Kent",
            "police and crime commissioner",
            "Police and crime commissioner",
        ),
        ("/org/Employment_Tribunal", "court or tribunal", "Court or tribunal"),
        ("/org/Gleeson_Homes", "company", "Company"),
    ],
)
def test_an_organisation_page_and_its_json_give_the_kind(client, address, kind, caption):
    assert client.get(f"/api{address}").get_json()["kind"] == kind
    assert page(client, address).select_one(".govuk-caption-l").get_text(strip=True) == caption


def test_an_alias_from_a_list_reaches_its_body(client):
    response = client.get("/org/Kent_PCC")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/org/Police_and_Crime_Commissioner_for_Kent")


def test_an_unknown_kind_is_still_a_clear_400(client):
    response = client.get("/org?kind=parliaments")
    assert response.status_code == 400
    assert "Kind must be one of" in response.get_data(as_text=True)
