"""Judge lgsearch as its users would: queries typed as staff type them, graded by reading the posts,
scored side by side with a plain SQLite FTS5 baseline over the same extracted text.

Run it on its own for the full table: `.venv/bin/python tests/relevance/relevance_eval.py`.
"""

from __future__ import annotations

import math
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
QUERIES = HERE / "queries.yaml"
CUTOFF = 10


@dataclass
class Judged:
    query: str
    kind: str
    grades: dict[str, int]


@dataclass
class Scores:
    ndcg: dict[str, float]  # query -> nDCG@10
    empty: list[str]  # queries that returned nothing

    def mean(self, queries=None) -> float:
        values = [self.ndcg[q] for q in (queries or self.ndcg)]
        return sum(values) / len(values) if values else 0.0


def load_queries() -> list[Judged]:
    raw = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    return [Judged(str(item["query"]), item["kind"], dict(item["judgements"])) for item in raw]


def ndcg(ranked: list[str], grades: dict[str, int], cutoff: int = CUTOFF) -> float:
    def dcg(gains):
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:cutoff]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(doc_id, 0) for doc_id in ranked]) / ideal if ideal else 0.0


def score(run, judged: list[Judged]) -> Scores:
    """`run(query)` returns ranked ids; each query scored against its judgements."""
    ndcgs, empty = {}, []
    for item in judged:
        ranked = run(item.query)
        if not ranked:
            empty.append(item.query)
        ndcgs[item.query] = ndcg(ranked, item.grades)
    return Scores(ndcgs, empty)


def extracted_documents(corpus: Path = CORPUS) -> list:
    """Every corpus post as the reindex job extracts it."""
    from indexer.reindex import collect_files
    from indexer.reading.readers import read_document

    return [read_document(f.path, f.relative_path) for f in collect_files([corpus])]


class Fts5Baseline:
    """The 20-line baseline: SQLite FTS5, porter stemmer, bm25, the query's words OR-ed, over the
    same title, body, tags and categories that lgsearch searches."""

    def __init__(self, documents):
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE posts USING fts5(id UNINDEXED, title, body, labels, tokenize='porter unicode61')"
        )
        self.db.executemany(
            "INSERT INTO posts VALUES (?, ?, ?, ?)",
            [(d.id, d.title, d.body, "\n".join(d.tags + d.categories)) for d in documents],
        )

    def __call__(self, query: str) -> list[str]:
        words = re.findall(r"\w+", query)
        if not words:
            return []
        match = " OR ".join(f'"{word}"' for word in words)
        rows = self.db.execute("SELECT id FROM posts WHERE posts MATCH ? ORDER BY rank LIMIT ?", (match, CUTOFF))
        return [row[0] for row in rows]


class LgsearchRun:
    """lgsearch's query service over a real index built by the reindex job."""

    def __init__(self, index_dir: Path, corpus: Path = CORPUS, time_limit: float | None = None):
        from indexer.reindex import reindex
        from indexer.query.service import SearchService

        reindex([corpus], index_dir)
        self.service = SearchService(index_dir, time_limit)

    def __call__(self, query: str) -> list[str]:
        from indexer.query.request import SearchRequest

        return [hit.id for hit in self.service.search(SearchRequest(q=query, per_page=CUTOFF)).hits]

    def close(self) -> None:
        self.service.close()


def compare(index_dir: Path) -> tuple[list[Judged], Scores, Scores]:
    judged = load_queries()
    baseline = score(Fts5Baseline(extracted_documents()), judged)
    run = LgsearchRun(index_dir)
    try:
        ours = score(run, judged)
    finally:
        run.close()
    return judged, ours, baseline


def report(judged: list[Judged], ours: Scores, baseline: Scores) -> str:
    by_kind: dict[str, list[str]] = defaultdict(list)
    for item in judged:
        by_kind[item.kind].append(item.query)
    lines = [f"{'kind':<10} {'queries':>7} {'lgsearch':>9} {'FTS5':>7}"]
    for kind, queries in sorted(by_kind.items()):
        lines.append(f"{kind:<10} {len(queries):>7} {ours.mean(queries):>9.3f} {baseline.mean(queries):>7.3f}")
    lines.append(f"{'all':<10} {len(judged):>7} {ours.mean():>9.3f} {baseline.mean():>7.3f}")
    lines.append(f"no results: lgsearch {len(ours.empty)}, FTS5 {len(baseline.empty)}")
    worse = [q for q in ours.ndcg if ours.ndcg[q] < baseline.ndcg[q] - 0.1]
    lines.append(f"queries where lgsearch is clearly worse ({len(worse)}):")
    lines.extend(f"  {q!r}: {ours.ndcg[q]:.2f} vs {baseline.ndcg[q]:.2f}" for q in worse)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    with tempfile.TemporaryDirectory() as folder:
        print(report(*compare(Path(folder) / "index")))
