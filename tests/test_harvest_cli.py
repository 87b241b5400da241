"""`lgsearch harvest` as cron runs it: quiet on success, a summary with -v, --json as the contract,
exit codes as `index` has them, no run without a contact, and a killed run that loses nothing."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import threading

import pytest
from werkzeug import Response

from harvest_server import REPO_ROOT_FOR_SUBPROCESS, post_page, rss, serve_sites
from indexer.harvest.run import LOCK_FILE
from indexer.harvest.state import STATE_FILE
from lgsearch.cli import cli

TEXT = "Sector-led improvement between councils, with the Local Government Association. " * 4


@pytest.fixture
def site():
    server, served = serve_sites()
    served.robots()
    yield served
    server.clear()
    server.stop()


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("LGSEARCH_CONTACT", "ops@example.test")
    monkeypatch.setenv("LGSEARCH_HARVEST_DELAY", "0")
    monkeypatch.setenv("LGSEARCH_HARVEST_DIR", str(tmp_path / "harvested"))
    monkeypatch.delenv("LGSEARCH_SITES", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def feed_with(site, *paths: str) -> None:
    site.page(
        "/feed",
        rss("Blog", [{"title": p, "link": site.url(p), "summary": "Teaser..."} for p in paths]),
        content_type="application/rss+xml",
    )
    for p in paths:
        site.routes.setdefault(p, lambda request, p=p: Response(post_page(p, TEXT), content_type="text/html"))


def test_a_run_that_went_well_prints_nothing_and_exits_0(site, env, runner):
    feed_with(site, "/a")
    (env / "sites.txt").write_text(site.url("/feed") + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["harvest"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert len(list((env / "harvested").rglob("*.html"))) == 1


def test_verbose_prints_a_summary(site, env, runner):
    feed_with(site, "/a", "/b")
    (env / "sites.txt").write_text(site.url("/feed") + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["harvest", "-v"])
    assert result.exit_code == 0
    assert "Harvested 1 sites with 4 requests: 2 new, 0 updated, 0 removed, 0 unchanged, 0 failed" in result.stdout


def test_failures_are_listed_on_stderr_and_in_the_json_with_exit_3(site, env, runner):
    feed_with(site, "/a", "/broken")
    site.status("/broken", 403)
    site.status("/gone-feed", 410)
    (env / "sites.txt").write_text(f"{site.url('/feed')}\n{site.url('/gone-feed')}\n", encoding="utf-8")
    result = runner.invoke(cli, ["harvest"])
    assert result.exit_code == 3 and result.stdout == ""
    assert f"Failed: {site.url('/broken')}: It answered 403." in result.stderr
    assert f"Failed: {site.url('/gone-feed')}: It answered 410" in result.stderr

    result = runner.invoke(cli, ["harvest", "--json"])
    summary = json.loads(result.stdout)
    assert result.exit_code == 3
    assert {failure["address"] for failure in summary["failed"]} == {site.url("/broken"), site.url("/gone-feed")}
    assert (summary["sites"], summary["new"], summary["unchanged"]) == (2, 0, 1)
    assert isinstance(summary["seconds"], float) and summary["fetched"] == 4


def test_without_a_contact_harvest_refuses_to_run(site, env, runner, monkeypatch):
    monkeypatch.delenv("LGSEARCH_CONTACT")
    (env / "sites.txt").write_text(site.url("/feed") + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["harvest"])
    assert result.exit_code == 2 and "LGSEARCH_CONTACT" in result.stderr
    assert site.seen == []


@pytest.mark.parametrize(
    "contents, message",
    [
        (None, "There is no sites file"),
        ("# only a comment\n", "lists no addresses"),
        ("feeds.example.org/rss\n", "Line 1 of"),
    ],
)
def test_a_missing_or_bad_sites_file_is_a_usage_error(env, runner, contents, message):
    if contents is not None:
        (env / "sites.txt").write_text(contents, encoding="utf-8")
    result = runner.invoke(cli, ["harvest"])
    assert result.exit_code == 2 and message in result.stderr


def test_a_bad_delay_is_a_usage_error(env, runner, monkeypatch):
    monkeypatch.setenv("LGSEARCH_HARVEST_DELAY", "soon")
    (env / "sites.txt").write_text("https://example.org/feed\n", encoding="utf-8")
    result = runner.invoke(cli, ["harvest"])
    assert result.exit_code == 2 and "LGSEARCH_HARVEST_DELAY" in result.stderr


def test_a_second_harvest_into_the_same_folder_exits_1(site, env, runner):
    (env / "sites.txt").write_text(site.url("/feed") + "\n", encoding="utf-8")
    folder = env / "harvested"
    folder.mkdir()
    with open(folder / LOCK_FILE, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242")
        held.flush()
        result = runner.invoke(cli, ["harvest"])
    assert result.exit_code == 1 and "Another harvest" in result.stderr and "4242" in result.stderr
    assert site.seen == []


def test_a_killed_run_loses_nothing_and_the_next_run_carries_on(site, env, runner):
    feed_with(site, "/one", "/two", "/three")
    reached, release = threading.Event(), threading.Event()

    def stuck(request):
        reached.set()
        release.wait(30)
        return Response(post_page("Two", TEXT), content_type="text/html")

    site.routes["/two"] = stuck
    (env / "sites.txt").write_text(site.url("/feed") + "\n", encoding="utf-8")
    job = subprocess.Popen(
        [sys.executable, "-m", "lgsearch", "harvest"],
        cwd=env,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT_FOR_SUBPROCESS)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert reached.wait(60), "the harvest never asked for the second post"
        job.send_signal(signal.SIGKILL)
        job.wait(30)
    finally:
        release.set()
    folder = env / "harvested"
    assert len(list(folder.rglob("*.html"))) == 1  # /one was saved whole before the kill

    site.routes["/two"] = lambda request: Response(post_page("Two", TEXT), content_type="text/html")
    result = runner.invoke(cli, ["harvest", "--json"])
    summary = json.loads(result.stdout)
    assert (result.exit_code, summary["new"], summary["unchanged"]) == (0, 2, 1)
    assert len(site.requests_for("/one")) == 1
    assert len(list(folder.rglob("*.html"))) == 3 and len(list(folder.rglob("*.meta.json"))) == 3
    assert not [path for path in folder.rglob("*") if path.name.endswith(".tmp")]
    assert (folder / STATE_FILE).exists()
    index = runner.invoke(cli, ["--index-dir", str(env / "index"), "index", str(folder), "--json"])
    assert (index.exit_code, json.loads(index.stdout)["documents"]) == (0, 3)
