"""A bounded load test of `lgsearch serve` on loopback: `python -m bench.load`.

Builds a synthetic corpus, indexes it, starts the real server (gunicorn, 2 workers) on a free
port of 127.0.0.1, and runs a fixed number of requests from several clients: searches, filters,
document pages, CSV and Atom. Then the same again with hostile queries in the mix (leading
wildcards, open ranges, runs of prefixes, a 1,000-letter word), while one more client asks
`/healthz` every 0.2 s. Then a conditional mix: clients that ask again for answers they
already have, sending back each one's ETag (If-None-Match), as browsers reloading, feed readers
polling and proxies do; the server answers 304 without searching. Reports requests a second,
p50/p95/p99 and errors for each run (and how many were answered 304). Last, the slow-client
mix: searches one at a time while clients trickle requests in a byte a second and idle sockets
sit open, against the server with no proxy in front (docs/operations.md, "Serving").
Every loop is bounded by a request count and a wall-clock cap; nothing leaves this machine.

`--client wrk` drives the server with wrk instead (bench/wrk_client.py; Debian's `wrk`, installed
with apt-get if missing), a client written outside the project that leaves the two cores to the
server: issue 28's mix (40% results pages, a third of them with a tag; 25% JSON; 20% document
pages; 15% Atom) for `--seconds` a round, then repeats of answers of that mix asked before, without
and with If-None-Match. `--rounds N` runs the mix N times, each with addresses not asked before, and
reports each round, the median and the spread. Every report starts with the machine: CPU model,
cores, Python build and the load average as each round began.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from bench import machine
from bench.__main__ import ROOT, built_index, percentile
from bench.corpus import TAGS, WORDS
from bench.wrk_client import ensure_wrk, run_wrk

HOSTILE = [
    "?a*",
    "{a TO z}",
    "l* m* n* r* s* t* v*",
    "a" * 1000,
    "*a*e*",
    "[a TO zzzz] OR {b TO y}",
    "c* d* f* g* h* k* p* b* w*",
]
WALL_CLOCK_CAP = 300.0  # seconds for one run, whatever happens
SLOW_MIX_SECONDS = 60.0  # the slow-client mix sends searches for at most this long
SLOW_MIX_TIMEOUT = 10.0  # seconds one search of the slow-client mix may take before it counts as failed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


START_TIMEOUT = 20.0  # seconds for the server to answer /healthz (a worker has opened the index)


def start_server(index_dir: Path, workers: int, timeout: float) -> tuple[subprocess.Popen, str, int]:
    """`lgsearch serve` on a free loopback port, once /healthz answers: the process, its base
    address and its port. Stopped again, and the bench ended, if it does not start in `timeout`."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "indexer",
            "--index-dir",
            str(index_dir),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while fetch(base, "/healthz")[1] != 200:
        if time.monotonic() > deadline or server.poll() is not None:
            server.terminate()
            server.wait(timeout=30)
            raise SystemExit("The server did not start.")
        time.sleep(0.2)
    return server, base, port


def mixed_urls(rng: random.Random, count: int, posts: int, hostile_share: float) -> list[str]:
    urls = []
    for _ in range(count):
        roll = rng.random()
        q = " ".join(rng.sample(WORDS[20:400], rng.randint(1, 3)))
        if rng.random() < hostile_share:
            urls.append("/search?" + urlencode({"q": rng.choice(HOSTILE)}))
        elif roll < 0.45:
            urls.append("/search?" + urlencode({"q": q}))
        elif roll < 0.65:
            urls.append("/search?" + urlencode({"q": q, "tag": rng.choice(TAGS)}))
        elif roll < 0.75:
            urls.append("/api/search?" + urlencode({"q": q}))
        elif roll < 0.88:
            urls.append(f"/doc/post-{rng.randrange(posts):05d}?" + urlencode({"q": q}))
        elif roll < 0.94:
            urls.append("/search.atom?" + urlencode({"q": q}))
        else:
            urls.append("/search.csv?" + urlencode({"q": q, "tag": rng.choice(TAGS)}))
    return urls


# Issue 28's mix: 40% results pages, a third of them with a tag; 25% JSON; 20% document pages; 15% Atom.
ISSUE_MIX = (
    ("results page", 0.40 * 2 / 3),
    ("results page, tag", 0.40 / 3),
    ("JSON", 0.25),
    ("document page", 0.20),
    ("Atom", 0.15),
)
WRK_DISTINCT = 30_000  # addresses in a wrk round's list: more than a round sends, so none is sent twice


def issue_mix_urls(rng: random.Random, count: int, posts: int) -> list[str]:
    """`count` addresses of issue 28's mix, words drawn as mixed_urls draws them."""
    urls = []
    for _ in range(count):
        roll = rng.random()
        q = " ".join(rng.sample(WORDS[20:400], rng.randint(1, 3)))
        for kind, share in ISSUE_MIX:
            roll -= share
            if roll < 0:
                break
        if kind == "results page":
            urls.append("/search?" + urlencode({"q": q}))
        elif kind == "results page, tag":
            urls.append("/search?" + urlencode({"q": q, "tag": rng.choice(TAGS)}))
        elif kind == "JSON":
            urls.append("/api/search?" + urlencode({"q": q}))
        elif kind == "document page":
            urls.append(f"/doc/post-{rng.randrange(posts):05d}?" + urlencode({"q": q}))
        else:
            urls.append("/search.atom?" + urlencode({"q": q}))
    return urls


def fetch(base: str, path: str, etag: str | None = None, timeout: float = 60) -> tuple[float, int]:
    """Milliseconds and the status; with `etag`, sent as If-None-Match."""
    return fetch_with_etag(base, path, etag, timeout)[:2]


def fetch_with_etag(
    base: str, path: str, etag: str | None = None, timeout: float = 60
) -> tuple[float, int, str | None]:
    started = time.perf_counter()
    headers = {"If-None-Match": etag} if etag else {}
    answered = None
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=timeout) as response:
            response.read()
            status, answered = response.status, response.headers.get("ETag")
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return (time.perf_counter() - started) * 1000, status, answered


def conditional_urls(base: str, rng: random.Random, count: int, posts: int, mix=None) -> list[tuple[str, str | None]]:
    """`count` requests for answers a client already has: a quarter as many distinct URLs of the
    mix (`mix(rng, count, posts)`, the ordinary one unless given), each fetched once first for its
    ETag, then asked again in random order."""
    mix = mix or (lambda rng, count, posts: mixed_urls(rng, count, posts, 0.0))
    known = []
    for url in mix(rng, max(1, count // 4), posts):
        known.append((url, fetch_with_etag(base, url)[2]))
    return [rng.choice(known) for _ in range(count)]


def run(base: str, urls: list, clients: int, watch_health: bool) -> dict:
    """Each of `urls` (a path, or a path and the ETag to send back) fetched once."""
    health: list[float] = []
    stop = threading.Event()

    def poll_health():
        while not stop.is_set():
            health.append(fetch(base, "/healthz")[0])
            stop.wait(0.2)

    watcher = threading.Thread(target=poll_health, daemon=True) if watch_health else None
    if watcher:
        watcher.start()
    started = time.perf_counter()
    deadline = started + WALL_CLOCK_CAP
    with ThreadPoolExecutor(max_workers=clients) as pool:
        outcomes = list(
            pool.map(lambda url: _fetch_one(base, url) if time.perf_counter() < deadline else (0.0, -1), urls)
        )
    seconds = time.perf_counter() - started
    stop.set()
    if watcher:
        watcher.join(timeout=5)
    times = [ms for ms, status in outcomes if status > 0]
    errors = sum(1 for _, status in outcomes if status >= 500 or status == 0)
    return {
        "requests": len(times),
        "seconds": seconds,
        "errors": errors,
        "times": times,
        "health": health,
        "skipped": sum(1 for _, status in outcomes if status == -1),
        "not_modified": sum(1 for _, status in outcomes if status == 304),
    }


def _fetch_one(base: str, url) -> tuple[float, int]:
    return fetch(base, url) if isinstance(url, str) else fetch(base, *url)


def trickle(port: int, stop: threading.Event) -> None:
    """A slow client: a search sent one byte a second, as a slowloris attack or a bad line sends it."""
    request = f"GET /search?q=council HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: slow\r\n\r\n".encode()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            for byte in request:
                if stop.wait(1.0):
                    return
                sock.send(bytes([byte]))
            stop.wait(SLOW_MIX_SECONDS)
    except OSError:
        return


def slow_client_mix(port: int, slow: int, idle: int, searches: int) -> dict:
    """Ordinary searches, one at a time, while `slow` clients trickle their requests in and
    `idle` sockets are open and silent. Each search waits at most SLOW_MIX_TIMEOUT seconds."""
    stop = threading.Event()
    idle_sockets = []
    trickling = [threading.Thread(target=trickle, args=(port, stop), daemon=True) for _ in range(slow)]
    try:
        for _ in range(idle):
            idle_sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        for thread in trickling:
            thread.start()
        time.sleep(1.0)  # every slow and idle client connected and sending
        base = f"http://127.0.0.1:{port}"
        times, failed = [], 0
        started = time.perf_counter()
        for n in range(searches):
            if time.perf_counter() - started > SLOW_MIX_SECONDS:
                break
            ms, status = fetch(base, "/search?" + urlencode({"q": WORDS[20 + n % 300]}), timeout=SLOW_MIX_TIMEOUT)
            if status == 200:
                times.append(ms)
            else:
                failed += 1
        return {"slow": slow, "idle": idle, "answered": len(times), "failed": failed, "times": times}
    finally:
        stop.set()
        for sock in idle_sockets:
            sock.close()
        for thread in trickling:
            thread.join(timeout=5)


def describe_slow_mix(outcome: dict) -> str:
    times = outcome["times"]
    label = f"{outcome['slow']} slow + {outcome['idle']} idle clients"
    if not times:
        return f"{label:<28} none of {outcome['failed']} searches answered within {SLOW_MIX_TIMEOUT:.0f} s"
    return (
        f"{label:<28} {outcome['answered']:>3} of {outcome['answered'] + outcome['failed']} searches answered "
        f"within {SLOW_MIX_TIMEOUT:.0f} s; p50 {statistics.median(times):.0f} ms, "
        f"p95 {percentile(times, 0.95):.0f} ms, max {max(times):.0f} ms"
    )


def describe(label: str, outcome: dict) -> str:
    times = outcome["times"]
    line = (
        f"{label:<28} {outcome['requests']:>6} {outcome['requests'] / outcome['seconds']:>8.1f} "
        f"{statistics.median(times):>7.0f} {percentile(times, 0.95):>7.0f} {percentile(times, 0.99):>7.0f} "
        f"{outcome['errors']:>6}"
    )
    if outcome["health"]:
        health = outcome["health"]
        line += f"   /healthz p50 {statistics.median(health):.0f} ms, max {max(health):.0f} ms"
    if outcome["not_modified"]:
        line += f"   ({outcome['not_modified']} answered 304)"
    if outcome["skipped"]:
        line += f"   ({outcome['skipped']} not sent: wall-clock cap)"
    return line


def describe_wrk(label: str, outcome: dict) -> str:
    rate = outcome["requests"] / outcome["seconds"]
    return (
        f"{label:<28} {outcome['requests']:>6} {rate:>8.1f} {outcome['p50']:>7.0f} {outcome['p95']:>7.0f} "
        f"{outcome['p99']:>7.0f} {outcome['errors']:>6}"
    )


def rate_and_times(outcome: dict) -> tuple[float, float, float]:
    """Requests a second, p50 and p99 of a run of either client."""
    rate = outcome["requests"] / outcome["seconds"]
    if "p99" in outcome:
        return rate, outcome["p50"], outcome["p99"]
    return rate, statistics.median(outcome["times"]), percentile(outcome["times"], 0.99)


def describe_rounds(outcomes: list[dict]) -> str:
    """The median of the rounds and their spread (lowest to highest)."""
    rates, p50s, p99s = zip(*(rate_and_times(outcome) for outcome in outcomes))
    errors = sum(outcome["errors"] for outcome in outcomes)
    return (
        f"{'median of ' + str(len(outcomes)) + ' rounds':<28} {'':>6} {statistics.median(rates):>8.1f} "
        f"{statistics.median(p50s):>7.0f} {'':>7} {statistics.median(p99s):>7.0f} {errors:>6}"
        f"   spread: {min(rates):.1f}–{max(rates):.1f} requests/s, p99 {min(p99s):.0f}–{max(p99s):.0f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=3_000)
    parser.add_argument("--requests", type=int, default=600, help="requests in each run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--hostile-share", type=float, default=0.2)
    parser.add_argument(
        "--slow-clients", type=int, default=8, help="clients sending a request a byte a second in the slow-client mix"
    )
    parser.add_argument("--idle-sockets", type=int, default=64, help="silent open sockets in the slow-client mix")
    parser.add_argument("--slow-searches", type=int, default=40, help="searches sent in the slow-client mix")
    parser.add_argument("--only-slow-clients", action="store_true", help="run the slow-client mix alone")
    parser.add_argument(
        "--client",
        choices=("python", "wrk"),
        default="python",
        help="the load client: this file's threads (default), or wrk with issue 28's mix",
    )
    parser.add_argument("--rounds", type=int, default=1, help="runs of the mix, each with new addresses")
    parser.add_argument(
        "--close",
        action="store_true",
        help="wrk asks for a new connection every request (Connection: close), as a proxy in front may, "
        "instead of keeping its connections open",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each wrk run lasts")
    parser.add_argument(
        "--mix",
        choices=("bench", "issue"),
        default="bench",
        help="the python client's mix: bench.load's own (with CSV), or issue 28's (as wrk sends)",
    )
    parser.add_argument(
        "--index-dir",
        type=Path,
        help="serve this index, already built from bench/corpus.py with --posts posts, instead of building one",
    )
    args = parser.parse_args(argv)
    if args.client == "wrk":
        ensure_wrk()
    about = machine.describe()

    with tempfile.TemporaryDirectory(prefix="lgsearch-load-") as tmp:
        index_dir = built_index(args.index_dir, args.posts, Path(tmp))
        server, base, port = start_server(index_dir, args.workers, START_TIMEOUT)
        try:
            rng = random.Random(11)
            for url in mixed_urls(rng, 40, args.posts, 0.0):  # open each worker's searcher first
                fetch(base, url)
            plain = hostile = again = conditional = slow = None
            rounds: list[tuple[float, dict]] = []  # the load average as each began, and its outcome
            if args.client == "wrk":
                for round_ in range(args.rounds):
                    urls = issue_mix_urls(random.Random(1000 + round_), WRK_DISTINCT, args.posts)
                    load = machine.load_average()
                    outcome = run_wrk(base, urls, args.clients, args.seconds, Path(tmp), keep_alive=not args.close)
                    rounds.append((load, outcome))
                # Repeats of issue 28's mix, whose answers are all kept. A CSV download is not (it is
                # streamed, `no-store`, up to 2,000 rows), so the ordinary mix's repeats include
                # seconds-long downloads at 100,000 posts.
                repeated = conditional_urls(base, rng, 600, args.posts, issue_mix_urls)
                again = run_wrk(base, [url for url, _ in repeated], args.clients, args.seconds / 2, Path(tmp))
                conditional = run_wrk(base, repeated, args.clients, args.seconds / 2, Path(tmp))
            elif not args.only_slow_clients:
                for round_ in range(args.rounds):
                    round_rng = random.Random(1000 + round_) if args.rounds > 1 else rng
                    urls = (
                        issue_mix_urls(round_rng, args.requests, args.posts)
                        if args.mix == "issue"
                        else mixed_urls(round_rng, args.requests, args.posts, 0.0)
                    )
                    rounds.append((machine.load_average(), run(base, urls, args.clients, watch_health=False)))
                plain = rounds[-1][1]
                hostile = run(
                    base,
                    mixed_urls(rng, args.requests, args.posts, args.hostile_share),
                    args.clients,
                    watch_health=True,
                )
                repeated = conditional_urls(base, rng, args.requests, args.posts)
                again = run(base, [url for url, _ in repeated], args.clients, watch_health=False)
                conditional = run(base, repeated, args.clients, watch_health=False)
            if args.client == "python":
                slow = slow_client_mix(port, args.slow_clients, args.idle_sockets, args.slow_searches)
        finally:
            server.terminate()
            server.wait(timeout=30)

    client = (
        f"wrk, {args.clients} connections, {args.seconds:.0f} s a round"
        if args.client == "wrk"
        else (f"python client, {args.clients} threads")
    )
    print(f"lgsearch load test: {args.posts} posts, {client}, {args.workers} workers, loopback only")
    print(f"machine: {about}")
    print(f"{'mix':<28} {'reqs':>6} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}")
    mix_name = "issue 28's mix" if args.client == "wrk" or args.mix == "issue" else "searches, pages, CSV, Atom"
    for number, (load, outcome) in enumerate(rounds, 1):
        label = f"{mix_name}" + (f", round {number}" if len(rounds) > 1 else "")
        line = describe_wrk(label, outcome) if args.client == "wrk" else describe(label, outcome)
        print(f"{line}   (load average {load:.2f} as it began)")
    if len(rounds) > 1:
        print(describe_rounds([outcome for _, outcome in rounds]))
    if args.client == "wrk":
        print(describe_wrk("repeats, no ETag sent", again) + f"   ({again['distinct']} addresses asked before)")
        print(describe_wrk("repeats, If-None-Match", conditional))
        return
    if plain is not None:
        print(describe(f"with {args.hostile_share:.0%} hostile queries", hostile))
        print(describe("repeats, no ETag sent", again))
        print(describe("repeats, If-None-Match", conditional))
    print(describe_slow_mix(slow) + " (served directly, no proxy)")


if __name__ == "__main__":
    main()
