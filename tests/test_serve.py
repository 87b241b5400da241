"""`lgsearch serve` runs gunicorn for real, and picks up a reindex without a restart."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from helpers import CORPUS, REPO_ROOT, write_post
from indexer.reindex import reindex


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), dict(error.headers)


def test_serve_answers_with_gunicorn_and_follows_reindexes(built_index, corpus_dir, tmp_path):
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), HOME=str(home))
    env.pop("XDG_RUNTIME_DIR", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "indexer",
            "--index-dir",
            str(built_index),
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO_ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body, _ = get(f"{base}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.2)
        assert status == 200 and json.loads(body)["documents"] == len(CORPUS)

        status, page, headers = get(f"{base}/search?q=ofsted")
        assert status == 200 and "text/html" in headers["Content-Type"]

        # A very long search gets the service's own error page, not gunicorn's bare 414.
        status, page, headers = get(f"{base}/search?q={'a' * 5000}")
        assert status == 400 and "text/html" in headers["Content-Type"]
        assert "There is a problem with your search" in page and "1000 characters or fewer" in page
        # No control socket shared with every other gunicorn of this user.
        assert not (home / ".gunicorn").exists()

        write_post(corpus_dir, "housing.md", "Housing", "Housing pressures on district councils.")
        reindex([corpus_dir], built_index, rebuild=True)
        # Both workers open the rebuilt index in the background within a second or so, then
        # every answer has it: ask until six in a row (enough to reach each worker) do.
        deadline = time.monotonic() + 20
        in_a_row = 0
        while in_a_row < 6 and time.monotonic() < deadline:
            total = json.loads(get(f"{base}/api/search?q=housing")[1])["total"]
            in_a_row = in_a_row + 1 if total == 1 else 0
            time.sleep(0.05)
        assert in_a_row == 6
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert "gunicorn" in output.lower() or "Booting worker" in output
    assert "Warning" not in output  # on loopback it is not exposed: nothing to warn about


def test_a_workers_collector_runs_less_often_once_its_app_is_warmed(built_index):
    """Each worker's app, loaded as gunicorn loads it, collects young containers every 50,000
    rather than every 700 (a search makes hundreds of thousands that reference counting frees)."""
    import gc

    from indexer.query import SearchRequest
    from lgsearch.serve import COLLECT_EVERY, _Server
    from webui.service import search_service

    before = gc.get_threshold()
    try:
        app = _Server(built_index, {"workers": 1}).load()
        assert gc.get_threshold() == COLLECT_EVERY != before
        with app.app_context():
            assert search_service().search(SearchRequest(q="ofsted")).total > 0
            search_service().close()
    finally:
        gc.set_threshold(*before)


@pytest.mark.parametrize(
    "host, proxies, warned",
    [
        ("127.0.0.1", 0, False),
        ("localhost", 0, False),
        ("::1", 0, False),
        ("0.0.0.0", 0, True),
        ("::", 0, True),
        ("192.0.2.1", 0, True),
        ("0.0.0.0", 1, False),
        ("192.0.2.1", 2, False),
    ],
)
def test_serve_warns_when_reachable_from_other_machines_without_a_proxy(host, proxies, warned, monkeypatch):
    """On its own, serve cannot cope with slow or idle clients (bench.load's slow-client mix), so
    it says so on stderr when other machines can reach it and no proxy is named. Nothing is bound
    here: the server's run is replaced."""
    from click.testing import CliRunner

    from lgsearch import serve
    from lgsearch.cli import cli

    started = []
    monkeypatch.setattr(serve._Server, "run", lambda self: started.append(self.cfg.bind))
    result = CliRunner().invoke(cli, ["serve", "--host", host, "--proxies", str(proxies)])
    assert result.exit_code == 0 and started, result.output
    assert ("reverse proxy" in result.stderr) is warned
    assert "Warning" not in result.stdout
    if warned:
        assert f"listening on {host}" in result.stderr and "--proxies 1" in result.stderr
