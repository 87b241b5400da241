"""How fast real saved pages are rebuilt: `lgsearch index --rebuild` against trafilatura + SQLite FTS5.

Run with `.venv/bin/python -m bench.realpages` (`--files 1000 --rounds 3` by default). It copies the
real-page set (tests/realpages) into a temporary folder, repeated under distinct names up to
`--files` (each copy gets a comment naming it, so no two files are the same), then in each round:

- times a full `lgsearch index --rebuild` of the folder as a process (from 500 files the job
  writes with 2 writer processes, one a core);
- times one process that reads every file, extracts it with trafilatura (`bare_extraction` with
  metadata for the title, no extensive date search), inserts title and body into an SQLite FTS5 table (porter tokenizer)
  and commits: the yardstick of issue 20.

It prints and writes (`bench/results/realpages-<date>.json`) the medians: pages a second, CPU time a
page (each process with the children it waited for), and lgsearch's time over the pipeline's
(issue 20's target: at most 0.6), with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

from bench.__main__ import ROOT, run_waited
from bench.realpage_set import load_pages

TARGET_RATIO = 0.6  # lgsearch's rebuild time over the one-process pipeline's, both cores (issue 20)
# The pipeline as one would write it for speed: metadata for the title, without trafilatura's
# extensive date search (which more than doubles its time a page).
QUICK_DATES = {"extensive_search": False, "original_date": True}


def copy_pages(folder: Path, files: int) -> int:
    """Write the real pages into `folder`, repeated to `files` files; how many were written."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = [(page.id, page.html()) for page in load_pages()]
    for number in range(files):
        page_id, data = pages[number % len(pages)]
        copy = number // len(pages)
        name = f"{page_id}.html" if copy == 0 else f"{page_id}-copy{copy}.html"
        (folder / name).write_bytes(data if copy == 0 else f"<!-- copy {copy} -->\n".encode("ascii") + data)
    return files


def time_lgsearch(corpus: Path, index_dir: Path) -> dict:
    """One `lgsearch index --rebuild` process: wall and CPU seconds, and what it indexed."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    seconds, usage, code, output, errors = run_waited(
        [sys.executable, "-m", "indexer", "--index-dir", str(index_dir), "index", str(corpus), "--json", "--rebuild"],
        env,
        cwd=ROOT,
    )
    if code not in (0, 3):  # 3: some files were rejected, the rest indexed
        raise SystemExit(f"The rebuild failed (exit {code}): {errors[-2000:]}")
    summary = json.loads(output)
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "indexed": summary["documents"],
        "rejected": len(summary.get("rejected", [])),
    }


def time_pipeline(corpus: Path, database: Path) -> dict:
    """One process of the trafilatura + FTS5 pipeline over the same files."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    seconds, usage, code, output, errors = run_waited(
        [sys.executable, "-m", "bench.realpages", "--pipeline", str(corpus), str(database)], env, cwd=ROOT
    )
    if code != 0:
        raise SystemExit(f"The pipeline failed (exit {code}): {errors[-2000:]}")
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, **json.loads(output)}


def pipeline(corpus: Path, database: Path) -> dict:
    """Extract every file with trafilatura and index title and body in FTS5; runs in its own process."""
    import trafilatura

    database.unlink(missing_ok=True)
    db = sqlite3.connect(database)
    db.execute("CREATE VIRTUAL TABLE posts USING fts5(title, body, tokenize='porter unicode61')")
    indexed = rejected = 0
    with db:
        for path in sorted(corpus.iterdir()):
            document = trafilatura.bare_extraction(
                path.read_bytes(), with_metadata=True, date_extraction_params=QUICK_DATES
            )
            if document is None or not (document.text or "").strip():
                rejected += 1
                continue
            db.execute("INSERT INTO posts(title, body) VALUES (?, ?)", (document.title or "", document.text))
            indexed += 1
    db.close()
    return {"indexed": indexed, "rejected": rejected}


def machine() -> dict:
    """What the figures were measured on; the load average says how shared the machine was."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_build": " ".join(platform.python_build()),
        "compiler": platform.python_compiler(),
        "platform": platform.platform(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def summarise(files: int, lgsearch: list[dict], fts5: list[dict]) -> dict:
    """Medians over the rounds, and lgsearch's time over the pipeline's."""
    ours = statistics.median(run["seconds"] for run in lgsearch)
    theirs = statistics.median(run["seconds"] for run in fts5)
    return {
        "files": files,
        "lgsearch_pages_per_second": files / ours,
        "pipeline_pages_per_second": files / theirs,
        "lgsearch_cpu_ms_a_page": 1000 * statistics.median(run["cpu_seconds"] for run in lgsearch) / files,
        "pipeline_cpu_ms_a_page": 1000 * statistics.median(run["cpu_seconds"] for run in fts5) / files,
        "time_ratio": ours / theirs,
        "round_ratios": [a["seconds"] / b["seconds"] for a, b in zip(lgsearch, fts5)],
        "target_ratio": TARGET_RATIO,
    }


def report(run: dict) -> str:
    figures, box = run["figures"], run["machine"]
    met = "met" if figures["time_ratio"] <= TARGET_RATIO else "not met"
    return (
        f"Real-page rebuild, {figures['files']} files, {len(run['lgsearch'])} rounds, medians "
        f"({run['date']}; {box['cpu']}, {box['cores']} cores, {box['python']} {box['python_build']}, "
        f"load average {box['load_average'][0]} at the end):\n"
        f"  lgsearch index --rebuild   {figures['lgsearch_pages_per_second']:6.1f} pages/s  "
        f"{figures['lgsearch_cpu_ms_a_page']:5.0f} ms CPU a page (job and writers)\n"
        f"  trafilatura + FTS5         {figures['pipeline_pages_per_second']:6.1f} pages/s  "
        f"{figures['pipeline_cpu_ms_a_page']:5.0f} ms CPU a page (one process)\n"
        f"  lgsearch's time / the pipeline's: {figures['time_ratio']:.2f} "
        f"(rounds: {', '.join(f'{ratio:.2f}' for ratio in figures['round_ratios'])}; "
        f"target at most {TARGET_RATIO}: {met})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="files in the folder (the real pages, repeated)")
    parser.add_argument("--rounds", type=int, default=3, help="rebuilds of each kind, taken in turns")
    parser.add_argument("--json", type=Path, help="where to write the figures (default bench/results/)")
    parser.add_argument("--pipeline", nargs=2, type=Path, metavar=("CORPUS", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pipeline:
        print(json.dumps(pipeline(*args.pipeline)))
        return
    run = {"date": datetime.date.today().isoformat(), "lgsearch": [], "pipeline": []}
    with tempfile.TemporaryDirectory(prefix="lgsearch-realpages-") as tmp:
        corpus = Path(tmp) / "pages"
        files = copy_pages(corpus, args.files)
        for round_number in range(args.rounds):
            print(f"Round {round_number + 1} of {args.rounds}...", file=sys.stderr, flush=True)
            run["lgsearch"].append(time_lgsearch(corpus, Path(tmp) / "index"))
            run["pipeline"].append(time_pipeline(corpus, Path(tmp) / "fts5.db"))
    run["machine"] = machine()
    run["figures"] = summarise(files, run["lgsearch"], run["pipeline"])
    print(report(run))
    json_path = args.json or ROOT / "bench" / "results" / f"realpages-{run['date']}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    print(f"Figures written to {json_path}")


if __name__ == "__main__":
    main()
