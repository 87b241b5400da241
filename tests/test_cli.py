"""The `lgsearch` command beyond `index`: search, export, stats, and `python -m indexer`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import CORPUS, DOCUMENT_FIELDS, REPO_ROOT
from indexer.query import SearchRequest, SearchService
from lgsearch.cli import cli
from webui import create_app


def invoke(runner, index_dir, *args):
    return runner.invoke(cli, ["--index-dir", str(index_dir), *args])


def test_search_prints_results_snippets_and_facets(runner, built_index):
    result = invoke(runner, built_index, "search", '"peer challenge"')
    assert result.exit_code == 0, result.output
    assert '1 result for “"peer challenge"”' in result.output
    assert "Peer challenge in the South East" in result.output
    assert "/doc/peer-challenge" in result.output
    assert "Tags: SLI (1), South East (1)" in result.output


def test_search_json_is_what_the_api_returns(runner, built_index):
    result = invoke(runner, built_index, "search", "inspection", "--tag", "SLI", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    app = create_app({"TESTING": True, "INDEX_DIR": str(built_index)})
    try:
        expected = app.test_client().get("/api/search?q=inspection&tag=SLI").get_json()
    finally:
        app.extensions["lgsearch.search_service"].close()
    assert data == expected and data["results"][0]["url"] == "/doc/ofsted-inspection"
    assert data["query"]["tag"] == ["SLI"] and data["query"]["sort"] == "relevance"
    assert set(data) == {
        "query",
        "total",
        "pages",
        "results",
        "facets",
        "suggestion",
        "corrected",
        "notice",
        "facets_more",
    }


def test_search_rejects_bad_options_with_exit_2(runner, built_index):
    for args in (
        ["--per-page", "0"],
        ["--page", "abc"],
        ["--year", "20x4"],
        ["--from", "May"],
        ["--facet-size", "0"],
        ["--json", "--facet-size", "1001"],
    ):
        result = invoke(runner, built_index, "search", "ofsted", *args)
        assert result.exit_code == 2, (args, result.output)


def test_search_json_takes_a_facet_size_as_the_api_does(runner, built_index):
    one = json.loads(invoke(runner, built_index, "search", "--json", "--facet-size", "1").output)
    every = json.loads(invoke(runner, built_index, "search", "--json", "--facet-size", "1000").output)
    assert all(len(values) <= 1 for values in one["facets"].values())
    assert one["facets"]["org"] == every["facets"]["org"][:1]
    assert one["facets_more"]["org"] is (len(every["facets"]["org"]) > 1) is True


def test_search_alias_from_the_cli(runner, built_index):
    data = json.loads(invoke(runner, built_index, "search", "LGA", "--json").output)
    assert [r["id"] for r in data["results"]] == ["ofsted-inspection"]


def test_export_writes_every_document_as_json_lines(runner, built_index):
    result = invoke(runner, built_index, "export")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == len(CORPUS)
    assert all(list(line) == DOCUMENT_FIELDS for line in lines)
    academies = next(line for line in lines if line["id"] == "academies")
    assert academies["date"] == "2018-11-20" and academies["year"] == "2018"


def test_stats_reports_count_time_size_and_top_values(runner, built_index):
    result = invoke(runner, built_index, "stats", "--json")
    data = json.loads(result.output)
    assert data["documents"] == len(CORPUS) and data["size_bytes"] > 0 and data["indexed_at"]
    assert data["facets"]["tag"][:2] == [
        {"value": "Inspection", "count": 2, "selected": False},
        {"value": "SLI", "count": 2, "selected": False},
    ]
    plain = invoke(runner, built_index, "stats")
    assert f"Documents: {len(CORPUS)}" in plain.output


def test_commands_without_an_index_explain_what_to_do(runner, tmp_path):
    result = invoke(runner, tmp_path / "none", "search", "ofsted")
    assert result.exit_code == 1 and "Run `lgsearch index`" in result.output


def test_python_dash_m_indexer_is_the_same_program(built_index):
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), LGSEARCH_INDEX_DIR=str(built_index))
    done = subprocess.run(
        [sys.executable, "-m", "indexer", "stats", "--json"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["documents"] == len(CORPUS)


def test_verbose_works_before_and_after_the_index_command(runner, corpus_dir, index_dir):
    before = invoke(runner, index_dir, "-v", "index", str(corpus_dir))
    after = invoke(runner, index_dir, "index", "-v", str(corpus_dir), "--rebuild")
    quiet = invoke(runner, index_dir, "index", str(corpus_dir))
    assert before.exit_code == after.exit_code == quiet.exit_code == 0, after.output
    assert f"Indexed {len(CORPUS)} documents" in before.stdout
    assert f"Indexed {len(CORPUS)} documents" in after.stdout
    assert quiet.stdout == ""


def test_rejected_files_are_listed_once_on_stderr(corpus_dir, index_dir):
    (corpus_dir / "empty.txt").write_text("", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    for verbose in ([], ["-v"]):
        done = subprocess.run(
            [sys.executable, "-m", "indexer", "--index-dir", str(index_dir), "index", *verbose, str(corpus_dir)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 3
        assert done.stderr.count("empty.txt") == 1, done.stderr


def test_every_filter_of_the_query_service_is_an_option_of_search(runner, built_index):
    from indexer.query import FILTER_FIELDS

    values = {
        "tag": "Schools",
        "org": "Ofsted",
        "category": "Education",
        "source": "Carl's Notepad",
        "author": "Carl Haggerty",
        "year": "2018",
    }
    assert set(values) == set(FILTER_FIELDS)
    for name, value in values.items():
        data = json.loads(invoke(runner, built_index, "search", f"--{name}", value, "--json").output)
        assert data["query"][name] == [value] and data["total"] >= 1, name
        with SearchService(built_index) as service:
            assert data["total"] == service.search(SearchRequest(**{name: (value,)})).total


def test_version_is_the_installed_distributions(runner):
    from importlib.metadata import version

    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output == f"lgsearch, version {version('lgsearch')}\n"


def test_index_gives_back_the_sigterm_handler_it_found(runner, corpus_dir, index_dir):
    import signal

    def callers_own(signum, frame):
        pass

    previous = signal.signal(signal.SIGTERM, callers_own)
    try:
        for args in ([str(corpus_dir)], [str(corpus_dir / "missing")]):  # done, and a usage error
            invoke(runner, index_dir, "index", *args)
            assert signal.getsignal(signal.SIGTERM) is callers_own, args
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_failed_command_says_error_on_stderr_and_exits_1(runner, corpus_dir, index_dir, monkeypatch):
    import indexer.reindex as build

    def failing(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build.ReindexJob, "_write", failing)
    result = invoke(runner, index_dir, "index", str(corpus_dir))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: The reindex failed ([Errno 28] No space left on device). The live index is unchanged."
    )


def test_search_says_when_it_shows_corrected_results_and_links_as_the_web_does(runner, built_index):
    result = invoke(runner, built_index, "search", "inspectoin")
    assert result.exit_code == 0, result.output
    assert "Showing results for “inspection” (you typed “inspectoin”)." in result.output
    assert "/doc/ofsted-inspection" in result.output


def test_search_reads_dates_as_people_write_them(runner, built_index):
    def query(*args):
        result = invoke(runner, built_index, "search", *args, "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        return data["query"]["from"], data["query"]["to"], data["total"]

    assert query("--from", "12/03/2019", "--to", "March 2020") == query("--from", "2019-03-12", "--to", "2020-03")
    assert query("--from", "12/03/2019")[0] == "2019-03-12"
    assert query("--from", "03/2019")[0] == "2019-03"
    assert query("--to", "March 2020")[1] == "2020-03"


def test_search_says_a_date_range_is_the_wrong_way_round(runner, built_index):
    result = invoke(runner, built_index, "search", "--from", "2021", "--to", "2019")
    assert result.exit_code == 2
    assert "wrong way round" in result.output
