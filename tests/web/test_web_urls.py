"""The URL helpers on their own: one parameter changed, everything else kept, defaults dropped."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from werkzeug.datastructures import MultiDict

from indexer.query.request import SearchRequest
from webui import params

# Paths come from url_for, which needs the app's routes and a request (at the root here).
pytestmark = pytest.mark.usefixtures("request_context")


def test_canonical_url_drops_defaults_and_empty_values():
    search = params.parse_search(
        MultiDict(
            [
                ("per_page", "10"),
                ("page", "1"),
                ("sort", "relevance"),
                ("q", " leadership "),
                ("tag", ""),
                ("from", ""),
            ]
        )
    )
    assert params.search_url(search) == "/search?q=leadership"
    assert params.search_url(SearchRequest()) == "/"


def test_control_characters_are_removed_before_validation():
    search = params.parse_search(MultiDict([("q", "lead\x00er\tship"), ("page", "2\x00")]))
    assert search.q == "leader ship" and search.page == 2


def test_toggling_a_filter_adds_or_removes_one_value_and_resets_the_page():
    search = SearchRequest(q="care", tag=("SLI",), page=3)
    assert params.toggle_filter_url(search, "tag", "Housing") == "/search?q=care&tag=SLI&tag=Housing"
    assert params.toggle_filter_url(search, "tag", "SLI") == "/search?q=care"


def test_unticking_matches_values_the_way_the_service_does():
    search = SearchRequest(org=("LGA",), tag=("sli",))
    assert params.toggle_filter_url(search, "org", "Local Government Association", True) == "/search?tag=sli"
    assert params.toggle_filter_url(search, "tag", "SLI", True) == "/search?org=LGA"


def test_clearing_filters_keeps_words_sort_and_page_size():
    search = SearchRequest(q="care", tag=("SLI",), year=("2019",), date_from="2018", sort="oldest", per_page=20, page=4)
    assert params.search_url(params.without_filters(search)) == "/search?q=care&sort=oldest&per_page=20"


def test_lenient_search_keeps_everything_that_is_valid():
    search = params.lenient_search(MultiDict([("q", "care"), ("page", "abc"), ("sort", "best"), ("tag", "SLI")]))
    assert search == SearchRequest(q="care", tag=("SLI",))


def test_document_url_carries_the_search():
    search = SearchRequest(q="care", page=2)
    assert params.document_url("blogs/a b", search) == "/doc/blogs/a%20b?q=care&page=2"
    assert params.document_url("blogs/x") == "/doc/blogs/x"


@pytest.mark.parametrize(
    "name, path",
    [
        ("Local Government Association", "/org/Local_Government_Association"),
        ("Barnardo's", "/org/Barnardo's"),
        (
            "Department for Environment, Food and Rural Affairs",
            "/org/Department_for_Environment,_Food_and_Rural_Affairs",
        ),
        ("Ynys Môn County Council", "/org/Ynys_M%C3%B4n_County_Council"),
        ("Kingston upon Hull City Council", "/org/Kingston_upon_Hull_City_Council"),
    ],
)
def test_an_organisation_address_is_readable_and_reads_back_as_the_name(name, path):
    assert params.org_url(name) == path
    assert params.name_from_segment(unquote(path.removeprefix("/org/"))) == name


def test_organisation_aliases_become_canonical_names():
    search = params.with_canonical_orgs(SearchRequest(org=("LGA", "Local Government Association", "Ofsted")))
    assert search.org == ("Local Government Association", "Ofsted")


def test_the_web_layer_never_touches_whoosh():
    import ast
    from pathlib import Path

    import webui

    for module in Path(webui.__file__).parent.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [name for name in names if name.split(".")[0] == "whoosh"], module


def test_the_query_service_writes_no_web_paths():
    """Paths are the web layer's (url_for), so the app can move under a prefix; none hide in indexer.query."""
    import ast
    from pathlib import Path

    import indexer.query

    found = []
    for module in Path(indexer.query.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("/"):
                found.append(f"{module.name}:{node.lineno} {node.value!r}")
    assert not found
