"""What one request costs the server in CPU, by kind of request: `python -m bench.request_cost`.

Calls the real Flask app in this process (its WSGI callable, as gunicorn does, with the same
collector setting as `lgsearch serve`'s workers) on an index of the benchmark corpus, and times
each request in CPU seconds of this process (`time.process_time`), which other work on a shared
machine sways far less than the clock. The kinds are the load mix's: a results page, a results
page with a tag, the JSON answer, a document page and Atom, each asked once, then the same
results pages asked again (a repeat, no ETag sent) and asked again with their ETag (a 304).
The app keeps its answers in a directory shared between workers, as `lgsearch serve` sets it up
(`--no-shared-answers` for none, as before issue 28).
The kinds take turns, so a slow spell of the machine falls on all of them alike.

`--profile` also prints where each kind's time goes (cProfile, the top functions by own time),
`--json PATH` writes the figures, `--compare CHECKOUT` measures this checkout and another in turns
on one index (the figures of two runs apart are swayed by whatever else the machine does).
Nothing leaves this machine.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.__main__ import percentile, run_index
from bench.corpus import TAGS, WORDS, write_corpus

ROOT = Path(__file__).resolve().parent.parent  # this checkout (bench.__main__'s may be another's)
KINDS = ("results page", "results page, tag", "JSON", "document page", "Atom", "repeat", "304")
FIRST_TIME = KINDS[:5]
SEED = 28
# The load mix (issue 28): 40% results pages, a third of them with a tag; 25% JSON; 20% document
# pages; 15% Atom. Its mean CPU a request bounds what two cores can serve.
MIX = {"results page": 0.40 * 2 / 3, "results page, tag": 0.40 / 3, "JSON": 0.25, "document page": 0.20, "Atom": 0.15}


def urls_of_kind(rng: random.Random, kind: str, posts: int) -> str:
    """One URL of a kind, made as bench.load makes its mix (words past the commonest)."""
    q = " ".join(rng.sample(WORDS[20:400], rng.randint(1, 3)))
    if kind == "results page":
        return "/search?" + urlencode({"q": q})
    if kind == "results page, tag":
        return "/search?" + urlencode({"q": q, "tag": rng.choice(TAGS)})
    if kind == "JSON":
        return "/api/search?" + urlencode({"q": q})
    if kind == "document page":
        return f"/doc/post-{rng.randrange(posts):05d}?" + urlencode({"q": q})
    if kind == "Atom":
        return "/search.atom?" + urlencode({"q": q})
    raise ValueError(kind)


class Caller:
    """Calls the app's WSGI callable with a ready-made environ, reading the whole body."""

    def __init__(self, app):
        from werkzeug.test import EnvironBuilder

        self.app = app
        self._builder = EnvironBuilder

    def environ(self, url: str, etag: str | None = None) -> dict:
        path, _, query = url.partition("?")
        headers = {"If-None-Match": f'"{etag}"'} if etag else {}
        builder = self._builder(path=path, query_string=query, headers=headers, base_url="http://127.0.0.1:8000/")
        try:
            return builder.get_environ()
        finally:
            builder.close()

    def call(self, environ: dict) -> tuple[str, dict, bytes]:
        answered = {}

        def start_response(status, headers, exc_info=None):
            answered["status"], answered["headers"] = status, dict(headers)

        body = self.app(environ, start_response)
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        return answered["status"], answered["headers"], content


def measure(app, posts: int, per_kind: int, profile: bool) -> dict[str, dict]:
    """CPU milliseconds of each request, by kind; and the profiles when asked."""
    caller = Caller(app)
    rng = random.Random(SEED)
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    profiles = {kind: cProfile.Profile() for kind in KINDS} if profile else {}
    statuses: dict[str, set] = {kind: set() for kind in KINDS}
    sizes: dict[str, list[int]] = {kind: [] for kind in KINDS}
    asked: list[tuple[str, str | None]] = []  # results pages asked, and their ETags

    def timed(kind: str, environ: dict) -> tuple[str, dict, bytes]:
        profiler = profiles.get(kind)
        started = time.process_time()
        if profiler:
            profiler.enable()
        answer = caller.call(environ)
        if profiler:
            profiler.disable()
        times[kind].append((time.process_time() - started) * 1000)
        statuses[kind].add(answer[0].split()[0])
        sizes[kind].append(len(answer[2]))
        return answer

    for _ in range(per_kind):
        for kind in FIRST_TIME:
            url = urls_of_kind(rng, kind, posts)
            status, headers, _ = timed(kind, caller.environ(url))
            if kind.startswith("results page") and status.startswith("200"):
                asked.append((url, headers.get("ETag", "").strip('"') or None))
        url, etag = rng.choice(asked)
        timed("repeat", caller.environ(url))
        if etag:
            timed("304", caller.environ(url, etag))
    figures = {}
    for kind in KINDS:
        values = times[kind]
        if not values:
            continue
        figures[kind] = {
            "requests": len(values),
            "median_ms": statistics.median(values),
            "p95_ms": percentile(values, 0.95),
            "mean_ms": statistics.fmean(values),
            "statuses": sorted(statuses[kind]),
            "median_bytes": int(statistics.median(sizes[kind])),
        }
    if profile:
        for kind, profiler in profiles.items():
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("COST_SORT", "tottime")).print_stats(
                int(os.environ.get("COST_TOP", "25"))
            )
            figures.setdefault(kind, {})["profile"] = out.getvalue()
    return figures


def warmed_app(index_dir: Path, shared_answers: Path | None):
    from lgsearch.serve import COLLECT_EVERY
    from webui import create_app
    from webui.service import search_service

    app = create_app({"INDEX_DIR": str(index_dir), "SHARED_ANSWERS_DIR": shared_answers})
    with app.app_context():
        search_service().warm()  # as a worker does before its first request (no follow thread)
    gc.set_threshold(*COLLECT_EVERY)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=150, help="requests of each kind")
    parser.add_argument(
        "--index-dir",
        type=Path,
        help="use this index, already built from bench/corpus.py with --posts posts, instead of building one",
    )
    parser.add_argument("--warmup", type=int, default=20, help="requests of each kind first, not counted")
    parser.add_argument("--profile", action="store_true", help="print where each kind's CPU goes (cProfile)")
    parser.add_argument(
        "--no-shared-answers", action="store_true", help="no directory of answers shared between workers"
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="CHECKOUT",
        help="measure this checkout and another (a clone or `git worktree` of another commit) in turns, "
        "on one index, and print each kind's median side by side",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each checkout with --compare")
    args = parser.parse_args(argv)

    about = _machine()
    with tempfile.TemporaryDirectory(prefix="lgsearch-cost-") as tmp:
        index_dir = args.index_dir
        # Not bench.__main__.built_index: --compare runs this file with an older checkout's bench
        # package first on the path, which may not have it.
        if index_dir is None:
            corpus = write_corpus(Path(tmp) / "corpus", args.posts)
            index_dir = Path(tmp) / "index"
            run_index(corpus, index_dir, "--rebuild")
        if args.compare:
            compare(args, index_dir, Path(tmp), about)
            return
        shared = None
        if not args.no_shared_answers:  # as lgsearch serve gives its workers
            shared = Path(tmp) / "answers"
            shared.mkdir()
        app = warmed_app(index_dir, shared)
        measure(app, args.posts, args.warmup, profile=False)  # each kind's code and words read once
        figures = measure(app, args.posts, args.requests, args.profile)

    print(f"lgsearch CPU a request, in process: {args.posts} posts, {args.requests} requests of each kind")
    print(f"machine: {about}")
    print(f"{'kind':<20} {'reqs':>5} {'median ms':>10} {'p95 ms':>8} {'mean ms':>8} {'bytes':>8}  status")
    for kind, figure in figures.items():
        print(
            f"{kind:<20} {figure['requests']:>5} {figure['median_ms']:>10.2f} {figure['p95_ms']:>8.2f} "
            f"{figure['mean_ms']:>8.2f} {figure['median_bytes']:>8}  {','.join(figure['statuses'])}"
        )
    mix = sum(share * figures[kind]["mean_ms"] for kind, share in MIX.items() if kind in figures)
    print(
        f"the load mix, first asked: {mix:.2f} ms of CPU a request (mean), at most "
        f"{1000 * (os.cpu_count() or 1) / mix:.0f} requests/s on {os.cpu_count()} cores for the app alone"
    )
    if args.profile:
        for kind, figure in figures.items():
            print(f"\n== {kind} ==\n{figure['profile']}")
    if args.json:
        kept = {kind: {k: v for k, v in figure.items() if k != "profile"} for kind, figure in figures.items()}
        args.json.write_text(
            json.dumps({"posts": args.posts, "machine": about, "mix_mean_ms": mix, "kinds": kept}, indent=2)
        )


def _machine() -> str:
    try:
        from bench import machine
    except ImportError:  # --compare runs this file with an older checkout's bench package
        return "(not described: the checkout measured has no bench/machine.py)"
    return machine.describe()


def compare(args, index_dir: Path, tmp: Path, about: str) -> None:
    """This checkout and another, in turns (which goes first alternates), each in a process of
    its own running this file with the other checkout's code first on its path."""
    checkouts = {"this": ROOT, "other": args.compare.resolve()}
    runs: dict[str, list[dict]] = {label: [] for label in checkouts}
    for round_ in range(args.rounds):
        order = list(checkouts) if round_ % 2 == 0 else list(reversed(checkouts))
        for label in order:
            out = tmp / f"{label}-{round_}.json"
            argv = [sys.executable, str(Path(__file__).resolve()), "--posts", str(args.posts), "--index-dir"]
            argv += [str(index_dir), "--requests", str(args.requests), "--warmup", str(args.warmup), "--json", str(out)]
            argv += ["--no-shared-answers"] if args.no_shared_answers else []
            env = dict(os.environ, PYTHONPATH=str(checkouts[label]))
            subprocess.run(argv, env=env, cwd=checkouts[label], check=True, stdout=subprocess.DEVNULL)
            runs[label].append(json.loads(out.read_text()))
    print(f"lgsearch CPU a request, in process: {args.posts} posts, {args.requests} requests of each kind, ")
    print(f"{args.rounds} rounds of each checkout in turns; this: {ROOT}; other: {checkouts['other']}")
    print(f"machine: {about}")
    print(f"{'kind (median ms)':<20} {'this':>8} {'other':>8} {'this/other':>11}   rounds (this | other)")
    for kind in KINDS:
        mine = [run["kinds"][kind]["median_ms"] for run in runs["this"] if kind in run["kinds"]]
        theirs = [run["kinds"][kind]["median_ms"] for run in runs["other"] if kind in run["kinds"]]
        if mine and theirs:
            print(
                f"{kind:<20} {statistics.median(mine):>8.2f} {statistics.median(theirs):>8.2f} "
                f"{statistics.median(mine) / statistics.median(theirs):>11.2f}   "
                f"{' '.join(f'{v:.2f}' for v in mine)} | {' '.join(f'{v:.2f}' for v in theirs)}"
            )
    mine = statistics.median(run["mix_mean_ms"] for run in runs["this"])
    theirs = statistics.median(run["mix_mean_ms"] for run in runs["other"])
    print(f"{'the load mix (mean)':<20} {mine:>8.2f} {theirs:>8.2f} {mine / theirs:>11.2f}")


if __name__ == "__main__":
    main()
