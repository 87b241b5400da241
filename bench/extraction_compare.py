"""lgsearch's reader beside trafilatura and readability-lxml on the real pages, in one run.

`compare` runs each extractor on every page of the real-page set and scores its body against the
marked text with the suites' 4-word shingle measure; `table` writes the extraction table of docs/extraction.md.
`tests/realpages/test_real_pages.py` asserts on it; for the table alone:

    .venv/bin/python -m bench.extraction_compare
"""

from __future__ import annotations

import argparse
import datetime
import platform
import re
import statistics
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterable

from bench.contenders import (
    Extraction,
    run_lgsearch,
    run_readability,
    run_trafilatura,
    run_trafilatura_without_comments,
)
from bench.realpage_set import METADATA_FIELDS, RealPage, load_pages
from bench.shingles import PageScore, SuiteScore, score_page, score_suite

Runner = Callable[[Path], Extraction]


def _trafilatura(path: Path) -> Extraction:
    return run_trafilatura(path.read_bytes())


def _trafilatura_without_comments(path: Path) -> Extraction:
    return run_trafilatura_without_comments(path.read_bytes())


def _readability(path: Path) -> Extraction:
    return run_readability(path.read_bytes())


# Each runs on a saved page (module functions, so worker processes can take them).
RUNNERS: dict[str, Runner] = {
    "lgsearch": run_lgsearch,
    "trafilatura": _trafilatura,
    "trafilatura, no comments": _trafilatura_without_comments,
    "readability-lxml": _readability,
}
# Metadata is compared for these (readability-lxml gives none; the no-comments run would repeat trafilatura's).
WITH_METADATA = ("lgsearch", "trafilatura")


@dataclass
class Results:
    """One extractor's run over the pages."""

    name: str
    scores: dict[str, PageScore] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)  # page id -> reason
    seconds: list[float] = field(default_factory=list)
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METADATA_FIELDS, 0))
    agreed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METADATA_FIELDS, 0))
    marked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METADATA_FIELDS, 0))
    metadata_checked: bool = True

    def add(self, page: RealPage, gold: str, extraction: Extraction) -> None:
        """Score one page's extraction and count its metadata."""
        self.scores[page.id] = score_page(gold, extraction.body)
        self.seconds.append(extraction.seconds)
        if extraction.body is None:
            self.rejected[page.id] = extraction.reason or "rejected"
        for key in METADATA_FIELDS:
            value = extraction.metadata.get(key)
            self.found[key] += bool(value)
            if page.metadata.get(key):
                self.marked[key] += 1
                self.agreed[key] += metadata_agrees(key, page.metadata[key], value)

    @property
    def suite(self) -> SuiteScore:
        return score_suite(self.scores.values())

    def low_pages(self, below: float = 0.5) -> list[tuple[str, float]]:
        """Pages scoring under `below`, worst first."""
        return sorted(
            ((page, score.f1) for page, score in self.scores.items() if score.f1 < below), key=lambda item: item[1]
        )


def compare(
    pages: Iterable[RealPage], folder: Path, runners: dict[str, Runner] = RUNNERS, processes: int = 1
) -> dict[str, Results]:
    """Save each page into `folder` and run every extractor on it; the scores by extractor.

    With `processes` above 1 the pages are shared out among that many worker processes (each
    page's extractors still run one after another in one process, so each is timed alone)."""
    pages = list(pages)
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(page, folder, runners) for page in pages]
    if processes > 1:
        with ProcessPoolExecutor(processes) as pool:
            extracted = list(pool.map(_extract_page, jobs, chunksize=4))
    else:
        extracted = [_extract_page(job) for job in jobs]
    results = {name: Results(name, metadata_checked=name in WITH_METADATA) for name in runners}
    for page, extractions in zip(pages, extracted):
        gold = page.gold()
        for name, extraction in extractions.items():
            results[name].add(page, gold, extraction)
    return results


def _extract_page(job: tuple[RealPage, Path, dict[str, Runner]]) -> dict[str, Extraction]:
    """Every extractor's output on one page, saved into the folder first."""
    page, folder, runners = job
    path = folder / page.file_name
    path.write_bytes(page.html())
    return {name: run(path) for name, run in runners.items()}


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def metadata_agrees(key: str, marked: str, found: str | None) -> bool:
    """Whether a found value says what the suite marked: the same words (title, site name), the
    marked name's words among the found ones (author: bylines list several), the same day (date)."""
    if not found:
        return False
    if key == "date":
        return str(found)[:10] == str(marked)[:10]
    if key == "author":
        return set(_words(marked)) <= set(_words(found))
    return _words(marked) == _words(found)


def table(results: dict[str, Results], pages: int, when: datetime.date | None = None) -> str:
    """The extraction table of docs/extraction.md (Markdown), with the date and versions."""
    names = list(results)
    head = "| | " + " | ".join(names) + " |\n| --- |" + " --- |" * len(names) + "\n"
    rows = [
        ("body F1, mean of pages", lambda r: f"{r.suite.mean_f1:.3f}"),
        (
            "body F1, the suites' way (mean precision / mean recall)",
            lambda r: f"{r.suite.suite_f1:.3f} ({r.suite.precision:.3f} / {r.suite.recall:.3f})",
        ),
        ("pages with body F1 under 0.5", lambda r: str(r.suite.under_half)),
        ("pages rejected (nothing kept)", lambda r: str(len(r.rejected))),
        (
            "title / author / site name / date found",
            lambda r: " / ".join(str(r.found[key]) for key in METADATA_FIELDS) if r.metadata_checked else "—",
        ),
        ("median time a page, one process", lambda r: f"{1000 * statistics.median(r.seconds):.0f} ms"),
    ]
    marked = next(iter(results.values())).marked
    if any(marked.values()):
        rows.insert(
            5,
            (
                f"... agreeing with the marked ones (of {' / '.join(str(marked[k]) for k in METADATA_FIELDS)})",
                lambda r: " / ".join(str(r.agreed[key]) for key in METADATA_FIELDS) if r.metadata_checked else "—",
            ),
        )
    body = "".join(f"| {label} | " + " | ".join(cell(results[name]) for name in names) + " |\n" for label, cell in rows)
    when = when or datetime.date.today()
    note = (
        f"\n{pages} pages, {when.isoformat()}; trafilatura {version('trafilatura')}, "
        f"readability-lxml {version('readability-lxml')}, Python {platform.python_version()}.\n"
    )
    return head + body + note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=10, help="list this many of lgsearch's worst pages")
    parser.add_argument("--processes", type=int, default=2, help="worker processes sharing the pages")
    args = parser.parse_args()
    pages = load_pages()
    with tempfile.TemporaryDirectory() as folder:
        results = compare(pages, Path(folder), processes=args.processes)
    print(table(results, len(pages)))
    for name, result in results.items():
        if result.rejected:
            print(f"{name} rejected: " + ", ".join(f"{page} ({reason})" for page, reason in result.rejected.items()))
    worst = results["lgsearch"].low_pages()[: args.worst]
    if worst:
        print("lgsearch's worst pages: " + ", ".join(f"{page} {f1:.2f}" for page, f1 in worst))


if __name__ == "__main__":
    main()
