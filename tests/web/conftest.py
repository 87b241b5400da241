"""Fixtures for the web tests: one real index of a known corpus, and the app reading it."""

from __future__ import annotations

from contextlib import ExitStack, contextmanager

import pytest
from bs4 import BeautifulSoup

from indexer.query import SearchService
from web.web_corpus import build_index, write_corpus
from webui import create_app


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory):
    corpus = write_corpus(tmp_path_factory.mktemp("corpus"))
    index_dir = tmp_path_factory.mktemp("index")
    build_index(corpus, index_dir)
    return index_dir


@contextmanager
def app_for(index_dir, testing: bool = True, **config):
    """The real app on an index folder (with any other settings); its search service is closed afterwards."""
    app = create_app({"TESTING": testing, "INDEX_DIR": str(index_dir), **config})
    try:
        yield app
    finally:
        service = app.extensions.get("lgsearch.search_service")
        if service is not None:
            service.close()


@pytest.fixture(scope="session")
def app(index_dir):
    with app_for(index_dir) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def open_app():
    """Opens the real app on another index folder; every one opened is closed after the test."""
    with ExitStack() as stack:
        yield lambda index_dir: stack.enter_context(app_for(index_dir))


@pytest.fixture
def request_context(app):
    """A request at the root, for calling the URL helpers (they use url_for) directly."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def empty_app(tmp_path):
    """An app whose index folder has no index in it yet."""
    with app_for(tmp_path / "no-index-here") as app:
        yield app


@pytest.fixture
def get_page(client):
    """GET a page and parse it; the status is checked so a test says what it expects."""

    def get(url: str, status: int = 200):
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:2000])
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    return get


@pytest.fixture
def get_json(client):
    def get(url: str, status: int = 200):
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:2000])
        assert response.mimetype == "application/json"
        return response.get_json()

    return get


# The query service's calls that work out an answer (rather than hand back a kept one).
ANSWERING = ("search", "document", "stored_document", "iter_matching", "month_counts", "top_facet_values")


@pytest.fixture
def searches(monkeypatch):
    """Every call to the query service that works out an answer, by name."""
    calls = []
    for name in ANSWERING:
        real = getattr(SearchService, name)
        monkeypatch.setattr(
            SearchService,
            name,
            lambda self, *args, _real=real, _name=name, **kw: calls.append(_name) or _real(self, *args, **kw),
        )
    return calls
