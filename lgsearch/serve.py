"""Runs the web app under gunicorn, so `lgsearch serve` is fit for production use."""

from __future__ import annotations

import gc
import ipaddress
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, index_dir: Path, options: dict, proxies: int = 0, shared_answers: Path | None = None):
        self.index_dir = index_dir
        self.options = options
        self.proxies = proxies
        self.shared_answers = shared_answers
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker builds its own app, and so its own searcher, opened and warmed before the
        # worker takes its first request, so no visitor pays for it.
        from webui import create_app, warm

        app = create_app(
            {"INDEX_DIR": str(self.index_dir), "PROXIES": self.proxies, "SHARED_ANSWERS_DIR": self.shared_answers}
        )
        warm(app)
        gc.set_threshold(*COLLECT_EVERY)
        return app


# Gunicorn's most (its default is 4,094): a search of 5,000 plain characters, or of 1,000 in most
# scripts percent-encoded, reaches the app, which answers one over 1,000 with its own error page.
REQUEST_LINE_LIMIT = 8190
THREADS = 4
# A search makes hundreds of thousands of short-lived containers (Whoosh's unpickled postings)
# that reference counting frees. With Python's default (a young collection every 700 new
# containers), collections were ~6% of a worker's time at 100,000 posts; every 50,000 gave
# ~4% more requests a second under load (bench.load, in turns). Cycles are still collected.
COLLECT_EVERY = (50_000, 20, 100)


def exposure_warning(host: str, proxies: int) -> str | None:
    """What to tell the operator when `serve` is reachable from other machines with no reverse
    proxy in front: on its own it cannot cope with slow or idle clients (docs/operations.md, "Serving")."""
    if proxies > 0 or _loopback_only(host):
        return None
    return (
        f"Warning: lgsearch serve is listening on {host or 'every address'}, which other machines can reach, "
        "with no reverse proxy in front (--proxies 0). On its own it cannot cope with slow or idle "
        "connections: a few clients that send requests slowly, or open connections and send nothing, "
        "hold all its threads, and searches wait or fail. Put it behind a reverse proxy such as nginx "
        'and give --proxies 1 (see "Serving" in docs/operations.md), or listen on 127.0.0.1 only.'
    )


def _loopback_only(host: str) -> bool:
    """Whether every address `host` names is this machine's own loopback (127.0.0.0/8, ::1)."""
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)} if host else set()
    except (OSError, UnicodeError):
        return False  # gunicorn will say it cannot listen there
    try:
        return bool(found) and all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in found)
    except ValueError:
        return False


def serve(index_dir: Path, host: str, port: int, workers: int, proxies: int = 0) -> None:
    warning = exposure_warning(host, proxies)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    print(f"Serving lgsearch on http://{host}:{port} (index: {index_dir})", flush=True)
    # Answers every worker can serve again (webui/shared_answers.py): a directory only this user
    # can read, made for this server and removed when it stops. A worker leaves through here
    # too (gunicorn's workers exit by SystemExit from a fork of this call): only the server's
    # own process removes it.
    shared_answers = Path(tempfile.mkdtemp(prefix="lgsearch-answers-"))
    server_process = os.getpid()
    try:
        _run(index_dir, host, port, workers, proxies, shared_answers)
    finally:
        if os.getpid() == server_process:
            shutil.rmtree(shared_answers, ignore_errors=True)


def _run(index_dir: Path, host: str, port: int, workers: int, proxies: int, shared_answers: Path) -> None:
    _Server(
        Path(index_dir).resolve(),
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            # Threads let a worker answer /healthz and static files while another thread searches
            # (searches in one worker still take turns: they share its searcher).
            "worker_class": "gthread",
            "threads": THREADS,
            "accesslog": "-",
            "timeout": 60,
            "limit_request_line": REQUEST_LINE_LIMIT,
            # Gunicorn's control socket is one path per user ($XDG_RUNTIME_DIR or ~/.gunicorn), shared by
            # every instance, so stopping one removed another's. lgsearch serve does not use it.
            "control_socket_disable": True,
        },
        proxies,
        shared_answers,
    ).run()
