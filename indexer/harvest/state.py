"""What earlier harvests saw, in a small SQLite file beside the posts (`<into>/.harvest.sqlite3`).

Each post is committed on its own, after its files are in place: a run killed at any moment
leaves at worst one post to be fetched again, never a record of a file that is not there.
"""

from __future__ import annotations

import datetime
import sqlite3
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = ".harvest.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sites (
    address TEXT PRIMARY KEY,   -- as the sites file lists it
    source TEXT,                -- where its feed or sitemap is fetched from (found, or moved to)
    etag TEXT,
    last_modified TEXT,
    failing_since TEXT,         -- when it first failed, for as long as it keeps failing
    last_ok TEXT
);
CREATE TABLE IF NOT EXISTS posts (
    key TEXT PRIMARY KEY,       -- one key for every address of one post (addresses.post_key)
    site TEXT NOT NULL,
    address TEXT NOT NULL,
    file TEXT,                  -- the saved file, relative to the folder; NULL once it has gone (404, 410)
    fingerprint TEXT,           -- how the feed or sitemap listed it last
    content_hash TEXT,
    etag TEXT,
    last_modified TEXT,
    checked TEXT NOT NULL       -- when it was last asked for
);
"""


@dataclass
class SiteRow:
    address: str
    source: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    failing_since: str | None = None
    last_ok: str | None = None


@dataclass
class PostRow:
    key: str
    site: str
    address: str
    file: str | None
    fingerprint: str | None
    content_hash: str | None
    etag: str | None
    last_modified: str | None
    checked: str


class State:
    """The harvest's memory. A context manager: the connection is closed on the way out."""

    def __init__(self, folder: Path):
        self._db = sqlite3.connect(folder / STATE_FILE, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def __enter__(self) -> "State":
        return self

    def __exit__(self, *exc) -> None:
        self._db.close()

    def site(self, address: str) -> SiteRow:
        row = self._db.execute(
            "SELECT address, source, etag, last_modified, failing_since, last_ok FROM sites WHERE address = ?",
            (address,),
        ).fetchone()
        return SiteRow(*row) if row else SiteRow(address)

    def save_site(self, site: SiteRow) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO sites (address, source, etag, last_modified, failing_since, last_ok) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (site.address, site.source, site.etag, site.last_modified, site.failing_since, site.last_ok),
            )

    def post(self, key: str) -> PostRow | None:
        row = self._db.execute(
            "SELECT key, site, address, file, fingerprint, content_hash, etag, last_modified, "
            "checked FROM posts WHERE key = ?",
            (key,),
        ).fetchone()
        return PostRow(*row) if row else None

    def save_post(self, post: PostRow) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO posts (key, site, address, file, fingerprint, content_hash, etag, "
                "last_modified, checked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    post.key,
                    post.site,
                    post.address,
                    post.file,
                    post.fingerprint,
                    post.content_hash,
                    post.etag,
                    post.last_modified,
                    post.checked,
                ),
            )

    def posts_checked_before(self, site: str, when: datetime.datetime) -> list[PostRow]:
        """The saved posts of a site last asked for before `when`, oldest first."""
        rows = self._db.execute(
            "SELECT key, site, address, file, fingerprint, content_hash, etag, last_modified, "
            "checked FROM posts WHERE site = ? AND file IS NOT NULL AND checked < ? "
            "ORDER BY checked",
            (site, when.isoformat()),
        ).fetchall()
        return [PostRow(*row) for row in rows]

    def _transaction(self):
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self):
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *exc) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
