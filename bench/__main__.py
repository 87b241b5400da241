"""The benchmark: build, reindex, query and organisation-extraction speed, and build memory.

Run with `make bench` (or `.venv/bin/python -m bench --posts 2000` for a quicker look). Machines are shared and
noisy, so it reports medians and p95 over repeated rounds, never a single time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.corpus import TAGS, WORDS, synthetic_posts, write_corpus
from bench.orgs import time_extraction

ROOT = Path(__file__).resolve().parent.parent


def run_process(argv: list[str], env: dict | None = None) -> tuple[float, float, int, str, str]:
    """Wall seconds, peak memory (MB), exit code, stdout and stderr of one process."""
    seconds, usage, code, output, errors = run_waited(argv, env)
    return seconds, usage.ru_maxrss / 1024, code, output, errors


def run_waited(argv: list[str], env: dict | None = None, cwd: Path | None = None):
    """Wall seconds, resource usage, exit code, stdout and stderr of one process.

    The pipes are read in threads while wait4 waits: a child that fills a pipe (64 KB) before
    exiting would otherwise block for ever. wait4 gives this child's own usage (ru_maxrss and
    CPU times cover the child and the descendants it waited for), which Popen.wait cannot."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with ThreadPoolExecutor(max_workers=2) as readers:
        stdout = readers.submit(process.stdout.read)
        stderr = readers.submit(process.stderr.read)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output, errors = stdout.result(), stderr.result()
    process.stdout.close()
    process.stderr.close()
    return seconds, usage, process.returncode, output, errors


def run_index(corpus: Path, index_dir: Path, *extra: str) -> tuple[float, float, dict]:
    """Wall seconds, peak memory (MB) and the JSON summary of one `lgsearch index` process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    seconds, peak_mb, code, output, errors = run_process(
        [sys.executable, "-m", "indexer", "--index-dir", str(index_dir), "index", str(corpus), "--json", *extra],
        env,
    )
    if code != 0:
        raise SystemExit(f"The index job failed (exit {code}): {errors}")
    return seconds, peak_mb, json.loads(output)


def built_index(given: Path | None, posts: int, tmp: Path) -> Path:
    """The index a bench serves: `given` (`--index-dir`, built from bench/corpus.py with as many
    posts), or one of `posts` synthetic posts built now in `tmp`."""
    if given is not None:
        return given
    index_dir = tmp / "index"
    run_index(write_corpus(tmp / "corpus", posts), index_dir, "--rebuild")
    return index_dir


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def time_calls(calls, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for call in calls:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=10_000, help="synthetic posts in the corpus")
    parser.add_argument("--rounds", type=int, default=3, help="repeats of each measurement")
    parser.add_argument("--queries", type=int, default=60, help="distinct queries per round")
    args = parser.parse_args()

    from indexer.organisations import find_organisations
    from indexer.query.request import SearchRequest
    from indexer.query.service import SearchService

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="lgsearch-bench-") as tmp:
        corpus = write_corpus(Path(tmp) / "corpus", args.posts)
        index_dir = Path(tmp) / "index"

        builds = [run_index(corpus, index_dir, "--rebuild") for _ in range(args.rounds)]
        build_seconds = statistics.median(b[0] for b in builds)
        rows.append(
            (
                "Full build (--rebuild)",
                f"{build_seconds:.1f} s median, "
                f"{args.posts / build_seconds:.0f} posts/s, peak memory "
                f"{statistics.median(b[1] for b in builds):.0f} MB",
            )
        )

        unchanged = [run_index(corpus, index_dir)[0] for _ in range(args.rounds)]
        rows.append(("Incremental run, nothing changed", f"{statistics.median(unchanged):.2f} s median"))

        one_post = corpus / "post-00000.md"
        changed = []
        for round_number in range(args.rounds):
            one_post.write_text(one_post.read_text(encoding="utf-8") + f"\nEdited {round_number}.\n", encoding="utf-8")
            seconds, _, summary = run_index(corpus, index_dir)
            assert summary["updated"] == 1, summary
            changed.append(seconds)
        rows.append(("Incremental run, one post changed", f"{statistics.median(changed):.2f} s median"))

        rng = random.Random(7)
        requests = []
        for number in range(args.queries):
            q = " ".join(rng.sample(WORDS[20:400], rng.randint(1, 3)))
            tag = (rng.choice(TAGS),) if number % 3 == 0 else ()
            requests.append(SearchRequest(q=q, tag=tag))
        service = SearchService(index_dir)
        try:
            service.search(SearchRequest())  # open the searcher and fill the facet cache once
            search_times = time_calls([lambda r=r: service.search(r) for r in requests], args.rounds)
            rows.append(
                (
                    "Search: top 10, snippets, six facets, suggestion",
                    f"{statistics.median(search_times):.0f} ms median, p95 {percentile(search_times, 0.95):.0f} ms",
                )
            )
            browse = time_calls([lambda: service.search(SearchRequest(tag=("SLI",)))], args.rounds * 10)
            rows.append(
                (
                    "Browse (no query, one filter, newest first)",
                    f"{statistics.median(browse):.0f} ms median, p95 {percentile(browse, 0.95):.0f} ms",
                )
            )
            doc_ids = [f"post-{n:05d}" for n in rng.sample(range(args.posts), 20)]
            doc_times = time_calls([lambda d=d: service.document(d, q="inspection") for d in doc_ids], args.rounds)
            rows.append(
                (
                    "Document page with more-like-this",
                    f"{statistics.median(doc_times):.0f} ms median, p95 {percentile(doc_times, 0.95):.0f} ms",
                )
            )
        finally:
            service.close()

    texts = synthetic_posts(args.posts)
    find_organisations(texts[0])  # build the automaton outside the timing
    org_seconds = statistics.median(time_extraction(texts) for _ in range(args.rounds))
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    rows.append(
        (
            "Organisations, all posts",
            f"{org_seconds:.2f} s median ({megabytes / org_seconds:.0f} MB/s), "
            f"{org_seconds / build_seconds:.1%} of the full build's time",
        )
    )

    print(
        f"lgsearch benchmark: {args.posts} synthetic posts of ~600 words, {args.rounds} rounds, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
