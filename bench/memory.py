"""What `lgsearch serve` workers hold in memory, with and without the shared files: `python -m bench.memory`.

Run with `.venv/bin/python -m bench.memory --posts 20000 --workers 1,2,4`. Builds the synthetic
corpus (bench/corpus.py) and indexes it with `lgsearch index` (which writes the files server
workers share, indexer/query/shared.py), or serves `--index-dir`. For each number of workers it
starts the real server on a free port of 127.0.0.1, sends a fixed mix of requests (bench/load.py's,
8 clients), and reads each process's resident set (RSS) and proportional set (PSS, from
/proc/PID/smaps_rollup: a page shared by n processes counts 1/n in each, so the PSS of all
processes adds up to what they really take). Then the same with LGSEARCH_SHARED_FILES=off, as
an index built before them is served: each worker derives its own copy. Also the workers' CPU
time for the mix (user + system, from /proc/PID/stat) a request, which is steadier than the
clock on a shared machine. Linux only.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
from pathlib import Path

from bench.__main__ import built_index
from bench.load import mixed_urls, run, start_server
from indexer.query.shared import SWITCH_VARIABLE

CLIENTS = 8
START_TIMEOUT = 300.0  # seconds for every worker to open and warm its searcher


def machine() -> str:
    model = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?"
    )
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()} ({platform.python_implementation()}), "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def memory_kb(pid: int) -> dict[str, int]:
    """The process's Rss and Pss, in kB."""
    found = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                found[name] = int(rest.split()[0])
    return found


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as listed:
        return [int(child) for child in listed.read().split()]


def shared_folders(index_dir: Path) -> list[Path]:
    return [path for gen in index_dir.glob("gen-*") for path in gen.glob("shared-*")]


def measure(index_dir: Path, posts: int, workers: int, requests: int) -> dict:
    """Serve the index with `workers` workers, send the mix, and read each process's memory."""
    server, base, _ = start_server(index_dir, workers, START_TIMEOUT)
    try:
        # Each worker opens and warms its searcher before it takes a request; /healthz answers once
        # one has. Then every worker is sent requests until each has answered.
        while len(children(server.pid)) < workers:
            time.sleep(0.2)
        rng = random.Random(11)
        run(base, mixed_urls(rng, 40, posts, 0.0), CLIENTS, watch_health=False)
        pids = children(server.pid)
        before = sum(cpu_seconds(pid) for pid in pids)
        outcome = run(base, mixed_urls(rng, requests, posts, 0.0), CLIENTS, watch_health=False)
        cpu = sum(cpu_seconds(pid) for pid in pids) - before
        time.sleep(1.0)
        each = [memory_kb(pid) for pid in pids]
        master = memory_kb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return {
        "workers": workers,
        "rss_mb": [item["Rss"] / 1024 for item in each],
        "pss_mb": [item["Pss"] / 1024 for item in each],
        "total_pss_mb": (sum(item["Pss"] for item in each) + master["Pss"]) / 1024,
        "cpu_ms_a_request": cpu * 1000 / max(1, outcome["requests"]),
        "errors": outcome["errors"],
        "requests_a_second": outcome["requests"] / outcome["seconds"],
    }


def describe(label: str, figures: dict) -> str:
    rss = ", ".join(f"{value:.0f}" for value in figures["rss_mb"])
    pss = ", ".join(f"{value:.0f}" for value in figures["pss_mb"])
    return (
        f"{label:<8} {figures['workers']} workers  RSS each {rss} MB  PSS each {pss} MB  "
        f"total PSS {figures['total_pss_mb']:.0f} MB  CPU {figures['cpu_ms_a_request']:.1f} ms a request  "
        f"errors {figures['errors']}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--workers", default="1,2,4", help="numbers of workers, comma-separated")
    parser.add_argument("--requests", type=int, default=300, help="requests in the mix each server is sent")
    parser.add_argument(
        "--index-dir",
        type=Path,
        help="serve this index, built from bench/corpus.py with --posts posts by `lgsearch index --rebuild`, "
        "instead of building one",
    )
    args = parser.parse_args(argv)
    counts = [int(count) for count in args.workers.split(",")]
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="lgsearch-memory-") as tmp:
        index_dir = built_index(args.index_dir, args.posts, Path(tmp))
        folders = shared_folders(index_dir)
        if not folders:
            raise SystemExit(f"{index_dir} has no shared files: build it with this lgsearch's `lgsearch index`.")
        for workers in counts:
            print(describe("shared", measure(index_dir, args.posts, workers, args.requests)), flush=True)
        os.environ[SWITCH_VARIABLE] = "off"
        for workers in counts:
            print(describe("own copy", measure(index_dir, args.posts, workers, args.requests)), flush=True)


if __name__ == "__main__":
    main()
