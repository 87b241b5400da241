"""How fast a full rebuild is: `lgsearch index --rebuild` as a process, against issue 10's target.

Run with `.venv/bin/python -m bench.build --sizes 5000,20000 --rounds 3`. For each size it writes
the synthetic corpus (bench/corpus.py) once, then rebuilds it `--rounds` times and prints the
median of each figure: posts a second (wall clock), the CPU time a post took in the job and its
writer processes, and the peak memory of any one of them.

On a shared machine the wall clock depends on what else runs; the CPU time a post takes much
less so. `--compare PATH` rebuilds with another checkout of lgsearch (say the main branch) in
turns with this one, so both meet the same neighbours.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.__main__ import ROOT, run_waited
from bench.corpus import write_corpus

TARGET_POSTS_PER_SECOND = 430  # at 20,000 posts on 2 cores (issue 10)


@dataclass
class Rebuild:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    posts: int

    @property
    def rate(self) -> float:
        return self.posts / self.seconds

    @property
    def cpu_ms_a_post(self) -> float:
        return self.cpu_seconds / self.posts * 1000


def rebuild(checkout: Path, corpus: Path, index_dir: Path) -> Rebuild:
    """One `index --rebuild` with the given checkout's code. wait4 gives the job's CPU time with
    that of the writer processes it waited for, and the largest peak memory among them."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    seconds, usage, code, output, errors = run_waited(
        [sys.executable, "-m", "indexer", "--index-dir", str(index_dir), "index", str(corpus), "--json", "--rebuild"],
        env,
        cwd=checkout,
    )
    if code != 0:
        raise SystemExit(f"The rebuild failed: {errors[-2000:]}")
    return Rebuild(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, json.loads(output)["documents"])


def summary(name: str, builds: list[Rebuild]) -> str:
    rate = statistics.median(build.rate for build in builds)
    cpu = statistics.median(build.cpu_ms_a_post for build in builds)
    peak = statistics.median(build.peak_mb for build in builds)
    return (
        f"{name:<12} {rate:>6.0f} posts/s  {cpu:>6.2f} ms CPU a post  {peak:>5.0f} MB peak  "
        f"({len(builds)} rounds: {', '.join(f'{build.rate:.0f}' for build in builds)} posts/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5000,20000", help="posts in each corpus, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="rebuilds at each size (medians taken)")
    parser.add_argument("--compare", type=Path, help="another checkout of lgsearch to rebuild in turns")
    parser.add_argument(
        "--corpora", type=Path, help="where to keep the corpora between runs (default: a temporary folder)"
    )
    args = parser.parse_args()

    checkouts = {"this": ROOT}
    if args.compare:
        checkouts["compared"] = args.compare.resolve()
    with tempfile.TemporaryDirectory() as scratch:
        corpora = args.corpora or Path(scratch)
        for size in (int(size.replace("_", "")) for size in args.sizes.split(",")):
            corpus = corpora / f"posts-{size}"
            if not corpus.exists():
                write_corpus(corpus, size)
            builds: dict[str, list[Rebuild]] = {name: [] for name in checkouts}
            for round_number in range(args.rounds):
                for name, checkout in checkouts.items():
                    builds[name].append(rebuild(checkout, corpus, Path(scratch) / f"index-{name}"))
            print(
                f"{size:,} posts, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
                f"target {TARGET_POSTS_PER_SECOND} posts/s at 20,000"
            )
            for name in checkouts:
                print("  " + summary(name, builds[name]), flush=True)


if __name__ == "__main__":
    main()
