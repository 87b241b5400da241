"""Subscriptions in SQLite: an address, its search, and the bookkeeping that makes alerts exact.

What is kept, and nothing more: each subscription's address and search (a canonical query
string); when it was made, confirmed and last emailed; the index's version when it was confirmed;
and up to which alert run its new posts have been dealt with. Each alert run notes the ids of posts
it sees for the first time (`posts_seen`, no addresses), so "new" survives a killed run and a
reindex: a post is new to a subscription when a run after its confirmation first saw it. The
times of recent confirmation emails are kept for an hour, for the limits.

One writer at a time (WAL, `BEGIN IMMEDIATE`), so the web and a cron job can share the file.
"""

from __future__ import annotations

import datetime
import os
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 10_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,            -- random, named by the links' signed tokens
    address TEXT NOT NULL COLLATE NOCASE,
    search TEXT NOT NULL,                -- the canonical query string of the search
    created_at TEXT NOT NULL,
    confirmed_at TEXT,                   -- none until the confirmation link is followed
    index_version TEXT,                  -- the version of the index at confirmation
    alerted_run INTEGER NOT NULL DEFAULT 0,  -- posts first seen by runs up to this one are dealt with
    last_sent_at TEXT,
    UNIQUE (address, search)
);
CREATE TABLE IF NOT EXISTS runs (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    index_version TEXT
);
CREATE TABLE IF NOT EXISTS posts_seen (
    post_id TEXT PRIMARY KEY,
    run INTEGER NOT NULL                 -- the run that first saw it (0: there before alerts began)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS posts_seen_by_run ON posts_seen (run);
CREATE TABLE IF NOT EXISTS confirmation_emails (
    address TEXT NOT NULL COLLATE NOCASE,
    sent_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS confirmation_emails_by_time ON confirmation_emails (sent_at);
"""


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def stamp(moment: datetime.datetime) -> str:
    """Times are stored as UTC ISO 8601 to the second, so they sort as text."""
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")


def parse_stamp(text: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Subscription:
    id: int
    key: str
    address: str
    search: str
    created_at: str
    confirmed_at: str | None
    index_version: str | None
    alerted_run: int
    last_sent_at: str | None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


_COLUMNS = "id, key, address, search, created_at, confirmed_at, index_version, alerted_run, last_sent_at"


class AlertsDatabase:
    """The subscriptions file, opened (and made, with its tables, if new)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # Addresses are personal data: only the owner reads the file (SQLite gives its
            # journal files the same permissions).
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        if self._version() == 0:
            with self.transaction():
                if self._version() == 0:  # not made by another process meanwhile
                    for statement in filter(str.strip, _SCHEMA.split(";")):
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        elif (version := self._version()) != SCHEMA_VERSION:
            self._db.close()
            raise sqlite3.DatabaseError(
                f"it was made by another version of lgsearch (version {version}, this one reads {SCHEMA_VERSION})"
            )

    def _version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "AlertsDatabase":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing, and one writer at a time (others wait up to BUSY_TIMEOUT_MS)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- subscriptions -----------------------------------------------------------------
    def _one(self, where: str, *args) -> Subscription | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM subscriptions WHERE {where}", args).fetchone()
        return Subscription(**dict(row)) if row else None

    def by_key(self, key: str) -> Subscription | None:
        return self._one("key = ?", key)

    def find(self, address: str, search: str) -> Subscription | None:
        return self._one("address = ? AND search = ?", address, search)

    def count_for(self, address: str) -> int:
        return self._db.execute("SELECT count(*) FROM subscriptions WHERE address = ?", (address,)).fetchone()[0]

    def all(self, confirmed_only: bool = False) -> list[Subscription]:
        where = "WHERE confirmed_at IS NOT NULL" if confirmed_only else ""
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM subscriptions {where} ORDER BY address, id").fetchall()
        return [Subscription(**dict(row)) for row in rows]

    def for_address(self, address: str) -> list[Subscription]:
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE address = ? ORDER BY id", (address,)
        ).fetchall()
        return [Subscription(**dict(row)) for row in rows]

    def add(self, address: str, search: str, now: datetime.datetime) -> Subscription:
        """A new subscription, not yet confirmed (call inside a transaction)."""
        self._db.execute(
            "INSERT INTO subscriptions (key, address, search, created_at) VALUES (?, ?, ?, ?)",
            (secrets.token_urlsafe(18), address, search, stamp(now)),
        )
        found = self.find(address, search)
        assert found is not None
        return found

    def confirm(self, key: str, now: datetime.datetime, index_version: str | None) -> Subscription | None:
        """Confirm a subscription: its alerts start with the posts first seen by the next run.
        Confirming again changes nothing."""
        with self.transaction() as db:
            found = self.by_key(key)
            if found is None or found.confirmed:
                return found
            latest = db.execute("SELECT coalesce(max(number), 0) FROM runs").fetchone()[0]
            db.execute(
                "UPDATE subscriptions SET confirmed_at = ?, index_version = ?, alerted_run = ? WHERE key = ?",
                (stamp(now), index_version, latest, key),
            )
        return self.by_key(key)

    def remove(self, key: str) -> bool:
        with self.transaction() as db:
            return db.execute("DELETE FROM subscriptions WHERE key = ?", (key,)).rowcount > 0

    def remove_address(self, address: str) -> int:
        """Everything about an address: its subscriptions and its recent confirmation emails."""
        with self.transaction() as db:
            removed = db.execute("DELETE FROM subscriptions WHERE address = ?", (address,)).rowcount
            db.execute("DELETE FROM confirmation_emails WHERE address = ?", (address,))
        return removed

    # -- limits ------------------------------------------------------------------------
    def note_confirmation_email(self, address: str, now: datetime.datetime) -> None:
        self._db.execute("INSERT INTO confirmation_emails (address, sent_at) VALUES (?, ?)", (address, stamp(now)))

    def confirmation_emails_since(self, since: datetime.datetime, address: str | None = None) -> int:
        if address is None:
            query, args = "SELECT count(*) FROM confirmation_emails WHERE sent_at > ?", (stamp(since),)
        else:
            query = "SELECT count(*) FROM confirmation_emails WHERE sent_at > ? AND address = ?"
            args = (stamp(since), address)
        return self._db.execute(query, args).fetchone()[0]

    def forget_old(self, confirmations_before: datetime.datetime, unconfirmed_before: datetime.datetime) -> int:
        """Drop what is no longer needed: confirmation-email times past the limits' hour, and
        subscriptions never confirmed whose link has expired. Returns how many subscriptions went."""
        with self.transaction() as db:
            db.execute("DELETE FROM confirmation_emails WHERE sent_at <= ?", (stamp(confirmations_before),))
            return db.execute(
                "DELETE FROM subscriptions WHERE confirmed_at IS NULL AND created_at <= ?", (stamp(unconfirmed_before),)
            ).rowcount

    # -- alert runs --------------------------------------------------------------------
    def has_runs(self) -> bool:
        return self._db.execute("SELECT EXISTS (SELECT 1 FROM runs)").fetchone()[0] == 1

    def start_run(self, post_ids: Iterable[str], index_version: str | None, now: datetime.datetime) -> int:
        """Number a new run and note the posts it sees for the first time. The first run of all
        notes every post as already there: alerts are about what is indexed after they begin."""
        with self.transaction() as db:
            first_ever = db.execute("SELECT NOT EXISTS (SELECT 1 FROM runs)").fetchone()[0]
            number = db.execute(
                "INSERT INTO runs (started_at, index_version) VALUES (?, ?)", (stamp(now), index_version)
            ).lastrowid
            db.executemany(
                "INSERT OR IGNORE INTO posts_seen (post_id, run) VALUES (?, ?)",
                ((post_id, 0 if first_ever else number) for post_id in post_ids),
            )
        return number

    def new_posts(self, subscription: Subscription, up_to_run: int) -> set[str]:
        """Posts first seen after the subscription's last dealt-with run, up to `up_to_run`,
        leaving out those seen by a run while the index was the version it was at confirmation
        (they were there before it)."""
        rows = self._db.execute(
            "SELECT p.post_id FROM posts_seen p JOIN runs r ON r.number = p.run "
            "WHERE p.run > ? AND p.run <= ? AND r.index_version IS NOT ?",
            (subscription.alerted_run, up_to_run, subscription.index_version),
        )
        return {row[0] for row in rows}

    def dealt_with(self, subscription_id: int, run: int, sent_at: datetime.datetime | None) -> None:
        """The subscription's posts up to `run` are emailed (sent_at) or there were none to send."""
        with self.transaction() as db:
            if sent_at is None:
                db.execute(
                    "UPDATE subscriptions SET alerted_run = max(alerted_run, ?) WHERE id = ?", (run, subscription_id)
                )
            else:
                db.execute(
                    "UPDATE subscriptions SET alerted_run = max(alerted_run, ?), last_sent_at = ? WHERE id = ?",
                    (run, stamp(sent_at), subscription_id),
                )
