"""The scale benchmark's figures beside issue 10's targets, as a table and as a growth plot.

The targets are the issue's, at 20,000 posts unless it says otherwise; they are shown at every
size, so a small run shows early whether a change is heading the right way. The results-page
ceiling is 100 ms up to 20,000 posts and 300 ms above.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.workload import KINDS

REBUILD_POSTS_PER_SECOND = 430
ONE_CHANGE_SECONDS = 1.0
FIRST_SEARCH_MS = 200
REPEATED_P95_MS = 5
DOCUMENT_P95_MS = 60
PHRASE_TO_ONE_WORD = 2.0
WORKER_MB = 1024


@dataclass
class Row:
    what: str
    lgsearch: str
    fts5: str = ""
    target: str = ""
    met: bool | None = None  # None: a figure with no target

    @property
    def verdict(self) -> str:
        return "" if self.met is None else ("met" if self.met else "not met")


def results_page_ceiling(posts: int) -> int:
    return 100 if posts <= 20_000 else 300


def rows(figures: dict) -> list[Row]:
    """One row per figure, in the order a reader follows a post: indexed, opened, searched, read."""
    posts, ours, fts5 = figures["posts"], figures["lgsearch"], figures["fts5"]
    rebuild = figures["rebuild"]
    table = [
        Row(
            "Full rebuild (lgsearch index --rebuild)",
            f"{rebuild['seconds']:.1f} s, {rebuild['posts_per_second']:,.0f} posts/s, peak {rebuild['peak_mb']:.0f} MB",
            f"{fts5['build_seconds']:.1f} s, {fts5['posts_per_second']:,.0f} posts/s",
            f">= {REBUILD_POSTS_PER_SECOND} posts/s",
            rebuild["posts_per_second"] >= REBUILD_POSTS_PER_SECOND,
        ),
        Row(
            "One changed file (lgsearch index, a process)",
            seconds(figures["one_changed_file"]["seconds"]),
            "",
            f"< {ONE_CHANGE_SECONDS:.0f} s",
            figures["one_changed_file"]["seconds"] < ONE_CHANGE_SECONDS,
        ),
        Row("Opening and warming the index", milliseconds(ours["open_ms"])),
        Row(
            "First search after opening",
            milliseconds(ours["first_search_ms"]),
            "",
            f"< {FIRST_SEARCH_MS} ms",
            ours["first_search_ms"] < FIRST_SEARCH_MS,
        ),
    ]
    ceiling = results_page_ceiling(posts)
    for kind in KINDS:
        mine, theirs = ours["kinds"][kind], fts5["kinds"][kind]
        table.append(
            Row(
                f"Results page: {kind}",
                spread(mine),
                spread(theirs),
                f"p95 <= FTS5's and < {ceiling} ms",
                mine["p95_ms"] <= theirs["p95_ms"] and mine["p95_ms"] < ceiling,
            )
        )
    ratio = ours["kinds"]["phrase"]["p95_ms"] / ours["kinds"]["one word"]["p95_ms"]
    table += [
        Row(
            "Phrase p95 against one word's",
            f"{ratio:.1f} times",
            "",
            f"<= {PHRASE_TO_ONE_WORD:.0f} times",
            ratio <= PHRASE_TO_ONE_WORD,
        ),
        Row(
            "The same request again",
            spread(ours["repeated"]),
            "",
            f"p95 < {REPEATED_P95_MS} ms",
            ours["repeated"]["p95_ms"] < REPEATED_P95_MS,
        ),
        Row(
            "Document page (highlight, more like this)",
            spread(ours["document"]),
            "",
            f"p95 < {DOCUMENT_P95_MS} ms",
            ours["document"]["p95_ms"] < DOCUMENT_P95_MS,
        ),
        Row(
            "Memory after opening (RSS)",
            f"{ours['rss_after_open_mb']:.0f} MB ({ours['rss_before_open_mb']:.0f} MB before)",
            "",
            "< 1 GB",
            ours["rss_after_open_mb"] < WORKER_MB,
        ),
        Row(
            "Memory after the searches (RSS)",
            f"{ours['rss_after_searches_mb']:.0f} MB",
            "",
            "< 1 GB",
            ours["rss_after_searches_mb"] < WORKER_MB,
        ),
    ]
    return table


def table(figures: dict, machine: dict) -> str:
    """The rows as plain text, one line each, with a heading saying what was measured where."""
    heading = (
        f"\n{figures['posts']:,} posts: {figures['rounds']} round(s), {figures['queries_per_kind']} queries "
        f"of each kind a round; times are median / p95. {machine['cores']} cores, "
        f"Python {machine['python']}, load average "
        f"{figures.get('load_average', machine['load_average'][0])} as it began."
    )
    lines = [Row("what", "lgsearch", "SQLite FTS5", "target", None)] + rows(figures)
    widths = [max(len(getattr(row, name)) for row in lines) for name in ("what", "lgsearch", "fts5", "target")]
    text = [heading]
    for number, row in enumerate(lines):
        cells = (row.what, row.lgsearch, row.fts5, row.target)
        verdict = "" if number == 0 else row.verdict
        text.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)) + "  " + verdict)
    return "\n".join(line.rstrip() for line in text)


def spread(figure: dict) -> str:
    return f"{milliseconds(figure['median_ms'])} / {milliseconds(figure['p95_ms'])}"


def milliseconds(value: float) -> str:
    return f"{value:.1f} ms" if value < 10 else f"{value:,.0f} ms"


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def plot_growth(run: dict, path: Path) -> None:
    """Build time, results-page p95 and memory against posts, log axes. matplotlib is imported
    here only, so the rest of bench/ runs without it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = run["sizes"]
    posts = [figures["posts"] for figures in sizes]
    figure, (build, latency, memory) = plt.subplots(1, 3, figsize=(15, 6))
    build.plot(posts, [f["rebuild"]["seconds"] for f in sizes], "o-", label="lgsearch --rebuild")
    build.plot(posts, [f["fts5"]["build_seconds"] for f in sizes], "s--", label="SQLite FTS5")
    build.set(title="Full build", ylabel="seconds", yscale="log")
    for kind in KINDS:
        latency.plot(posts, [f["lgsearch"]["kinds"][kind]["p95_ms"] for f in sizes], "o-", label=f"lgsearch: {kind}")
    latency.plot(
        posts, [max(f["fts5"]["kinds"][k]["p95_ms"] for k in KINDS) for f in sizes], "k--", label="FTS5: slowest kind"
    )
    latency.plot(posts, [f["lgsearch"]["document"]["p95_ms"] for f in sizes], "x:", label="lgsearch: document page")
    latency.axhline(100, color="grey", linewidth=0.8)
    latency.set(title="Results page, p95 (grey: 100 ms)", ylabel="milliseconds", yscale="log")
    memory.plot(posts, [f["lgsearch"]["rss_after_open_mb"] for f in sizes], "o-", label="query service, opened")
    memory.plot(posts, [f["lgsearch"]["rss_after_searches_mb"] for f in sizes], "o-", label="after the searches")
    memory.plot(posts, [f["rebuild"]["peak_mb"] for f in sizes], "s--", label="rebuild, peak")
    memory.set(title="Memory", ylabel="MB")
    for axes in (build, latency, memory):
        axes.set(xscale="log", xlabel="posts")
        axes.set_xticks(posts, [f"{count:,}" for count in posts])
        axes.minorticks_off()
        axes.grid(True, which="major", alpha=0.3)
        axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    machine = run["machine"]
    figure.suptitle(f"lgsearch at scale, {run['date']}: {machine['cores']} cores, Python {machine['python']}")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
