"""Behind a reverse proxy: full addresses use the host and scheme people use, only when told to trust it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from webui import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "search.example.gov.uk"}


def feed_id(index_dir, headers, **config) -> str:
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config})
    response = app.test_client().get("/search.atom?q=leadership", headers=headers)
    assert response.status_code == 200
    return ET.fromstring(response.data).find(f"{ATOM}id").text


def test_addresses_follow_the_forwarded_host_and_scheme_when_proxies_are_trusted(index_dir):
    assert feed_id(index_dir, FORWARDED, PROXIES=1).startswith("https://search.example.gov.uk/search?")


@pytest.mark.parametrize("config", [{}, {"PROXIES": 0}])
def test_forwarded_headers_are_ignored_unless_proxies_are_trusted(index_dir, config):
    assert feed_id(index_dir, FORWARDED, **config).startswith("http://localhost/search?")


def test_the_setting_comes_from_the_environment(index_dir, monkeypatch):
    monkeypatch.setenv("LGSEARCH_PROXIES", "1")
    assert feed_id(index_dir, FORWARDED).startswith("https://search.example.gov.uk/")
