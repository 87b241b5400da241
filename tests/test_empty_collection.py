"""An index of an empty folder is a normal state: every command and page says there are no
posts yet, never that the index could not be opened (Whoosh's reader of an index without
segments has no columns, which each search read)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import CORPUS
from indexer.reindex import reindex
from lgsearch.cli import cli
from webui import create_app, warm
from webui.service import search_service

NO_POSTS = "There are no posts yet."
BROKEN = ("could not be opened", "damaged", "lgsearch index --rebuild")


@pytest.fixture
def empty_index(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    report = reindex([folder], tmp_path / "index")
    assert report.documents == 0 and report.rejected == []
    return tmp_path / "index"


@pytest.fixture
def client(empty_index):
    app = create_app({"TESTING": True, "INDEX_DIR": str(empty_index)})
    with app.test_client() as client:
        yield client
    with app.app_context():
        search_service().close()


def said(text: str) -> str:
    assert not any(words in text for words in BROKEN), text
    return text


@pytest.mark.parametrize("args", [["search", "ofsted"], ["search"], ["stats"], ["export"]])
def test_each_command_says_there_are_no_posts_yet(empty_index, runner, args):
    result = runner.invoke(cli, ["--index-dir", str(empty_index), *args])
    assert result.exit_code == 0, result.output
    assert NO_POSTS in said(result.output)


def test_the_machine_readable_commands_say_none_in_their_own_format(empty_index, runner):
    searched = runner.invoke(cli, ["--index-dir", str(empty_index), "search", "--json", "ofsted"])
    answer = json.loads(searched.stdout)
    assert answer["total"] == 0 and answer["results"] == [] and answer["notice"] == NO_POSTS
    stats = json.loads(runner.invoke(cli, ["--index-dir", str(empty_index), "stats", "--json"]).stdout)
    assert stats["documents"] == 0 and all(values == [] for values in stats["facets"].values())
    exported = runner.invoke(cli, ["--index-dir", str(empty_index), "export"])
    assert exported.stdout == "" and NO_POSTS in exported.stderr  # JSON Lines on stdout: none


@pytest.mark.parametrize("url", ["/", "/search?q=ofsted", "/search?q=ofsted&org=Ofsted&year=2020", "/org"])
def test_each_page_says_there_are_no_posts_yet(client, url):
    page = client.get(url)
    assert page.status_code == 200
    assert NO_POSTS in said(page.get_data(as_text=True))


def test_the_json_csv_and_atom_answers_are_empty_and_say_so(client):
    api = client.get("/api/search?q=ofsted")
    assert api.status_code == 200 and api.json["total"] == 0 and api.json["notice"] == NO_POSTS
    csv = client.get("/search.csv?q=ofsted")
    assert csv.status_code == 200 and said(csv.get_data().decode("utf-8-sig")).splitlines() == [
        "title,date,url,id,author,source,tags,categories,organisations,source_url"
    ]
    atom = client.get("/search.atom?q=ofsted")
    assert atom.status_code == 200 and "<entry>" not in atom.get_data(as_text=True)
    assert f"<subtitle>{NO_POSTS}</subtitle>" in said(atom.get_data(as_text=True))


def test_the_health_check_is_ok_with_no_documents(client):
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["status"] == "ok" and health.json["documents"] == 0


def test_a_server_on_an_empty_index_serves_the_first_posts_indexed(empty_index, corpus_dir, tmp_path):
    """An incremental run into the empty index is followed as any other (the reader of no
    segments knew no commit to compare, so it could never refresh)."""
    app = create_app({"TESTING": True, "INDEX_DIR": str(empty_index)})
    with app.test_client() as client:
        assert client.get("/api/search?q=ofsted").json["total"] == 0
        posts = tmp_path / "posts"
        for path in corpus_dir.rglob("*.md"):
            target = posts / path.relative_to(corpus_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
        assert reindex([posts], empty_index).documents == len(CORPUS)
        answer = client.get("/api/search?q=ofsted").json
        assert answer["total"] == 2 and answer["notice"] is None
        assert client.get("/healthz").json["documents"] == len(CORPUS)
    with app.app_context():
        search_service().close()


def test_a_warmed_server_on_an_empty_index_starts(empty_index):
    app = create_app({"TESTING": True, "INDEX_DIR": str(empty_index)})
    warm(app)  # as each worker of serve does before its first request
    try:
        with app.test_client() as client:
            assert client.get("/healthz").status_code == 200
    finally:
        with app.app_context():
            search_service().close()
