"""How lgsearch's speed and memory grow with the collection, against the targets of issue 10.

Run with `.venv/bin/python -m bench.scale --sizes 1000,5000,20000 [--rounds 3]`. For each size it
builds the synthetic corpus (bench/corpus.py), times `lgsearch index --rebuild` and a reindex of
one changed file as processes, then opens the query service in-process and times the first
search, ~150 seeded queries of each kind (bench/workload.py), the same request again and the
document page, and reads the process's memory. SQLite FTS5 does the same results pages over the
same posts in the same run (bench/fts5.py), since on a shared machine only ratios within one run
count. Prints one table per size, each figure beside its target, and writes the figures as JSON
(bench/results/) and a growth plot (docs/scale.png).

Each size is measured in a fresh process, so its memory and its first search owe nothing to the
sizes before it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import ROOT, percentile, run_index
from bench.corpus import corpus_posts, write_corpus
from bench.fts5 import Fts5Baseline
from bench.scale_report import plot_growth, table
from bench.workload import KINDS, Query, workload

COLD_QUERY = Query("cold", ("peer", "challenge"))  # sector words: never in the timed workload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000,20000", help="posts in each corpus, comma-separated")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="rebuilds and one-file reindexes at each size (median taken); each round "
        "also adds a fresh set of queries of each kind",
    )
    parser.add_argument("--queries", type=int, default=150, help="queries of each kind in a round")
    parser.add_argument("--json", type=Path, help="where to write the figures (default bench/results/scale-DATE.json)")
    parser.add_argument(
        "--plot",
        type=Path,
        default=ROOT / "docs" / "scale.png",
        help="where to draw the growth plot (needs matplotlib)",
    )
    parser.add_argument("--no-plot", action="store_true", help="skip the plot")
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)  # the child process's job
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one_size:
        figures = measure_size(args.one_size, args.rounds, args.queries)
        args.out.write_text(json.dumps(figures), encoding="utf-8")
        return

    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    run = {"date": datetime.date.today().isoformat(), "machine": machine(), "sizes": []}
    for size in sizes:
        print(f"Measuring {size:,} posts...", file=sys.stderr, flush=True)
        run["sizes"].append(measure_in_child(size, args.rounds, args.queries))
        print(table(run["sizes"][-1], run["machine"]), flush=True)
    json_path = args.json or ROOT / "bench" / "results" / f"scale-{run['date']}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    print(f"Figures written to {json_path}")
    if not args.no_plot:
        plot_growth(run, args.plot)
        print(f"Growth plot drawn in {args.plot}")


def machine() -> dict:
    """What the figures were measured on; the load average says how shared the machine was."""
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def measure_in_child(size: int, rounds: int, per_kind: int) -> dict:
    """One size in a fresh process: a worker's memory and first search, not this loop's leftovers."""
    with tempfile.TemporaryDirectory(prefix="lgsearch-scale-") as tmp:
        out = Path(tmp) / "figures.json"
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.scale",
                "--one-size",
                str(size),
                "--rounds",
                str(rounds),
                "--queries",
                str(per_kind),
                "--out",
                str(out),
            ],
            env=env,
            check=True,
        )
        return json.loads(out.read_text(encoding="utf-8"))


def measure_size(posts: int, rounds: int, per_kind: int) -> dict:
    """Every figure for one collection size."""
    with tempfile.TemporaryDirectory(prefix="lgsearch-scale-") as tmp:
        corpus = write_corpus(Path(tmp) / "corpus", posts)
        index_dir = Path(tmp) / "index"
        figures = {
            "posts": posts,
            "rounds": rounds,
            "queries_per_kind": per_kind,
            "load_average": round(os.getloadavg()[0], 2),
        }
        figures["rebuild"] = measure_rebuild(corpus, index_dir, rounds)
        figures["one_changed_file"] = measure_one_change(corpus, index_dir, rounds)
        queries = workload(per_kind, rounds, posts)
        figures["lgsearch"] = measure_service(index_dir, posts, queries)
        figures["fts5"] = measure_fts5(Path(tmp) / "fts5.sqlite", posts, queries)
    return figures


# -- the reindex job, as processes ---------------------------------------------------------
def measure_rebuild(corpus: Path, index_dir: Path, rounds: int) -> dict:
    builds = [run_index(corpus, index_dir, "--rebuild") for _ in range(rounds)]
    seconds = statistics.median(build[0] for build in builds)
    return {
        "seconds": seconds,
        "posts_per_second": builds[0][2]["documents"] / seconds,
        "peak_mb": statistics.median(build[1] for build in builds),
    }


def measure_one_change(corpus: Path, index_dir: Path, rounds: int) -> dict:
    """`lgsearch index` after one post is edited: start-up, scan and one update, as cron runs it."""
    post = corpus / "post-00000.md"
    times = []
    for round_number in range(rounds):
        post.write_text(post.read_text(encoding="utf-8") + f"\nEdited {round_number}.\n", encoding="utf-8")
        seconds, _, summary = run_index(corpus, index_dir)
        if summary["updated"] != 1:
            raise SystemExit(f"Expected one updated post, the job reported {summary}")
        times.append(seconds)
    return {"seconds": statistics.median(times)}


# -- the query service, in this process ----------------------------------------------------
def measure_service(index_dir: Path, posts: int, queries: dict[str, list[list[Query]]]) -> dict:
    """Open, first search, each kind's results pages, a repeat, document pages, and memory."""
    from indexer.query import SearchService

    figures = {"rss_before_open_mb": rss_mb()}
    requests = {kind: [q.request() for round_ in rounds for q in round_] for kind, rounds in queries.items()}
    started = time.perf_counter()
    service = SearchService(index_dir)
    try:
        service.warm()  # opens and warms the live generation, as a server's worker does as it starts
        figures["open_ms"] = (time.perf_counter() - started) * 1000
        figures["rss_after_open_mb"] = rss_mb()
        figures["first_search_ms"] = timed(service.search, COLD_QUERY.request())
        figures["kinds"] = {}
        for kind in KINDS:
            times, totals = [], []
            for request in requests[kind]:
                times.append(timed(lambda r=request: totals.append(service.search(r).total)))
            figures["kinds"][kind] = summary(times) | {"median_share_matched": statistics.median(totals) / posts}
        figures["repeated"] = summary(repeated_times(service, requests))
        figures["document"] = summary(document_times(service, posts, requests["two words"]))
        figures["rss_after_searches_mb"] = rss_mb()
    finally:
        service.close()
    return figures


def repeated_times(service, requests: dict[str, list]) -> list[float]:
    """The same request twice in a row, the second timed: a reload or a bookmark."""
    times = []
    for kind_requests in requests.values():
        for request in kind_requests[:25]:
            service.search(request)
            times.append(timed(service.search, request))
    return times


def document_times(service, posts: int, requests: list) -> list[float]:
    """Document pages reached from a search: the words highlighted, more like this below."""
    rng = random.Random(3)
    ids = [f"post-{number:05d}" for number in rng.sample(range(posts), min(posts, len(requests)))]
    times = []
    for doc_id, request in zip(ids, requests):
        started = time.perf_counter()
        if service.document(doc_id, q=request.q) is None:
            raise SystemExit(f"{doc_id} is not in the index")
        times.append((time.perf_counter() - started) * 1000)
    return times


# -- the FTS5 yardstick --------------------------------------------------------------------
def measure_fts5(path: Path, posts: int, queries: dict[str, list[list[Query]]]) -> dict:
    """The same posts and the same results pages in SQLite FTS5."""
    from indexer.organisations import find_organisations

    baseline, seconds = Fts5Baseline.build(path, ((p, find_organisations(p.body)) for p in corpus_posts(posts)))
    try:
        figures = {"build_seconds": seconds, "posts_per_second": posts / seconds, "kinds": {}}
        for kind in KINDS:
            times, totals = [], []
            for query in (q for round_ in queries[kind] for q in round_):
                times.append(timed(lambda q=query: totals.append(baseline.results_page(q)["total"])))
            figures["kinds"][kind] = summary(times) | {"median_share_matched": statistics.median(totals) / posts}
    finally:
        baseline.close()
    return figures


# -- small helpers -------------------------------------------------------------------------
def timed(call, *args) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    call(*args)
    return (time.perf_counter() - started) * 1000


def summary(times: list[float]) -> dict:
    return {"median_ms": statistics.median(times), "p95_ms": percentile(times, 0.95), "count": len(times)}


def rss_mb() -> float:
    """This process's resident memory now (VmRSS), in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("No VmRSS line in /proc/self/status")


if __name__ == "__main__":
    main()
