"""SQLite FTS5 doing a results page's work, the yardstick of issue 10.

The same posts (title, body, tags; porter stemmer) and the same page as lgsearch: the total, the
top 10 by bm25 with `snippet()`, and counts for the six facets, each counted under every filter
but its own, as lgsearch counts them. Facet values live in one table, (post, field, value), so
all counts are one GROUP BY over the matching posts.
"""

from __future__ import annotations

import sqlite3
import time
from itertools import islice
from pathlib import Path
from typing import Iterable

from bench.corpus import Post
from bench.workload import Query

SCHEMA = """
CREATE VIRTUAL TABLE posts USING fts5(title, body, tags, tokenize='porter unicode61');
CREATE TABLE facets(post INTEGER, field TEXT, value TEXT);
CREATE TABLE dates(post INTEGER PRIMARY KEY, date TEXT);
"""
INDEXES = """
CREATE INDEX facets_by_value ON facets(field, value, post);
CREATE INDEX facets_by_post ON facets(post, field, value);
CREATE INDEX dates_by_date ON dates(date);
"""


def facet_rows(number: int, post: Post, organisations: list[str]) -> list[tuple[int, str, str]]:
    """The values lgsearch counts for one post: tag, org, category, source, author, year."""
    rows = [(number, "tag", tag) for tag in post.tags]
    rows += [(number, "org", org) for org in organisations]
    rows += [
        (number, "category", post.category),
        (number, "source", post.source),
        (number, "author", post.author),
        (number, "year", str(post.date.year)),
    ]
    return rows


class Fts5Baseline:
    """An FTS5 database of the synthetic posts on disk, answering results pages."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TEMP TABLE text_hits(post INTEGER PRIMARY KEY)")

    @classmethod
    def build(cls, path: Path, posts: Iterable[tuple[Post, list[str]]]) -> tuple["Fts5Baseline", float]:
        """Write the database from (post, organisations) pairs; the seconds SQLite took."""
        rows = list(posts)
        started = time.perf_counter()
        db = sqlite3.connect(path)
        db.executescript(SCHEMA)
        with db:
            db.executemany(
                "INSERT INTO posts(rowid, title, body, tags) VALUES (?, ?, ?, ?)",
                [(n, p.title, p.body, "\n".join(p.tags)) for n, (p, _) in enumerate(rows)],
            )
            db.executemany(
                "INSERT INTO facets VALUES (?, ?, ?)",
                [row for n, (p, orgs) in enumerate(rows) for row in facet_rows(n, p, orgs)],
            )
            db.executemany(
                "INSERT INTO dates VALUES (?, ?)", [(n, p.date.isoformat()) for n, (p, _) in enumerate(rows)]
            )
        db.executescript(INDEXES)
        db.close()
        return cls(path), time.perf_counter() - started

    def close(self) -> None:
        self.db.close()

    # -- one results page -----------------------------------------------------------------
    def results_page(self, query: Query) -> dict:
        """Total, top 10 with snippets, and the six facets' counts for one query."""
        if query.words:
            self.db.execute("DELETE FROM text_hits")
            self.db.execute(
                "INSERT INTO text_hits SELECT rowid FROM posts WHERE posts MATCH ?", (match_expression(query),)
            )
        filters = list(query.filters)
        matching, params = self._matching(query, filters)
        posts = {row[0] for row in self.db.execute(matching, params)}
        return {
            "total": len(posts),
            "hits": self._top10(query, posts, matching, params),
            "facets": self._facets(query, filters),
        }

    def _matching(self, query: Query, filters: list[tuple[str, str]]) -> tuple[str, list]:
        """SQL for the posts matching the words (if any) and every filter given."""
        sql = "SELECT post FROM text_hits" if query.words else "SELECT post FROM dates"
        clauses = ["post IN (SELECT post FROM facets WHERE field = ? AND value = ?)"] * len(filters)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return sql, [item for pair in filters for item in pair]

    def _top10(self, query: Query, posts: set[int], matching: str, params: list) -> list[tuple]:
        """Ranked first, then snippets for the ten only. Under a filter the ranked matches are
        walked until ten are in `posts`: a rowid condition inside the MATCH query is slower."""
        if not query.words:
            return self.db.execute(
                "SELECT d.post, p.title, substr(p.body, 1, 200) FROM dates AS d JOIN posts AS p "
                f"ON p.rowid = d.post WHERE d.post IN ({matching}) ORDER BY d.date DESC LIMIT 10",
                params,
            ).fetchall()
        expression = match_expression(query)
        if query.filters:
            ranked = self.db.execute("SELECT rowid FROM posts WHERE posts MATCH ? ORDER BY rank", [expression])
            top = list(islice((post for (post,) in ranked if post in posts), 10))
        else:
            top = [
                post
                for (post,) in self.db.execute(
                    "SELECT rowid FROM posts WHERE posts MATCH ? ORDER BY rank LIMIT 10", [expression]
                )
            ]
        marks = ", ".join("?" * len(top))
        return self.db.execute(
            "SELECT rowid, title, snippet(posts, 1, '<mark>', '</mark>', '…', 24) FROM posts "
            f"WHERE posts MATCH ? AND rowid IN ({marks}) ORDER BY rank",
            [expression, *top],
        ).fetchall()

    def _facets(self, query: Query, filters: list[tuple[str, str]]) -> dict[str, list[tuple[str, int]]]:
        """Unfiltered fields counted over all matches in one pass; a filtered field over the
        matches of the other filters, so its other values stay listed."""
        filtered = sorted({name for name, _ in filters})
        counts: dict[str, list[tuple[str, int]]] = {}
        matching, params = self._matching(query, filters)
        placeholders = ", ".join("?" * len(filtered))
        rows = self.db.execute(
            f"SELECT field, value, count(*) FROM facets WHERE post IN ({matching}) "
            f"AND field NOT IN ({placeholders}) GROUP BY field, value",
            [*params, *filtered],
        )
        for name, value, count in rows:
            counts.setdefault(name, []).append((value, count))
        for name in filtered:
            matching, params = self._matching(query, [f for f in filters if f[0] != name])
            counts[name] = self.db.execute(
                f"SELECT value, count(*) FROM facets WHERE field = ? AND post IN ({matching}) GROUP BY value",
                [name, *params],
            ).fetchall()
        return {name: sorted(values, key=lambda item: -item[1])[:10] for name, values in counts.items()}


def match_expression(query: Query) -> str:
    """The phrase as a phrase; words OR-ed, as the relevance baseline in tests/relevance does."""
    if query.phrase:
        return '"' + " ".join(query.words) + '"'
    return " OR ".join(f'"{word}"' for word in query.words)
