"""`lgsearch alerts send`: email each confirmed subscription the posts new since its last email.

Nothing lost, nothing sent twice: each run first notes the posts it sees for the first time
(database.py), then deals with one subscription at a time. A subscription's email is recorded
as sent, with the run it covers, in the same moment the SMTP server accepts it; a run killed
between two emails has recorded every email before and none after, so the next run sends the
rest. An email the server refuses is not recorded, so the next run tries again (with any newer
posts too). New posts are looked up by searching the index as it is now, so a post a reindex
removed is never alerted. One run at a time: a lock beside the database, released by the kernel
if the run dies.
"""

from __future__ import annotations

import datetime
import fcntl
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from indexer.query import InvalidParameter, SearchService
from indexer.alerts.database import AlertsDatabase, Subscription, parse_stamp, utc_now
from indexer.alerts.mailer import Mailer, MailError, ServerUnavailable
from indexer.alerts.messages import Links, alert_email
from indexer.alerts.searches import describe, search_from_stored
from indexer.alerts.tokens import CONFIRM_DAYS, Tokens

logger = logging.getLogger(__name__)

# At most one email a day: the next no sooner than this after the last, so a daily cron job
# whose runs start a few minutes apart never skips a day.
ALERT_INTERVAL = datetime.timedelta(hours=23, minutes=45)


class AlertRunBusy(Exception):
    def __init__(self, pid: int | None):
        super().__init__(f"Another alert run is running (pid {pid})." if pid else "Another alert run is running.")


@dataclass(frozen=True)
class Failure:
    address: str
    search: str  # described, as a person reads it
    reason: str

    def to_json(self) -> dict:
        return {"address": self.address, "search": self.search, "reason": self.reason}


@dataclass
class SendReport:
    subscriptions: int = 0  # confirmed subscriptions looked at
    sent: int = 0  # emails sent
    posts: int = 0  # posts listed in them, in all
    waiting: int = 0  # subscriptions with new posts, emailed less than a day ago
    failed: list[Failure] = field(default_factory=list)
    unavailable: str | None = None  # why the SMTP server could not be used at all
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {
            "subscriptions": self.subscriptions,
            "sent": self.sent,
            "posts": self.posts,
            "waiting": self.waiting,
            "failed": [f.to_json() for f in self.failed],
            "seconds": round(self.seconds, 3),
        }


class RunLock:
    """flock on `<database>.lock`, naming its holder; the kernel releases it if the run dies."""

    def __init__(self, database_path: Path):
        self.path = Path(str(database_path) + ".lock")
        self._file = None

    def __enter__(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        file = open(self.path, "a+", encoding="ascii")
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            text = file.read().strip()
            file.close()
            raise AlertRunBusy(int(text) if text.isdigit() else None) from None
        file.seek(0)
        file.truncate()
        file.write(str(os.getpid()))
        file.flush()
        self._file = file
        return self

    def __exit__(self, *exc) -> None:
        if self._file is not None:
            self._file.close()  # closing releases the lock
            self._file = None


def send_alerts(
    database: AlertsDatabase,
    service: SearchService,
    mailer: Mailer,
    tokens: Tokens,
    links: Links,
    clock: Callable[[], datetime.datetime] = utc_now,
) -> SendReport:
    """One alert run (hold RunLock around it). Raises IndexUnavailable when there is no index."""
    return AlertRun(database, service, mailer, tokens, links, clock).run()


class AlertRun:
    """One run: note the posts seen for the first time, then deal with each subscription in turn."""

    def __init__(
        self,
        database: AlertsDatabase,
        service: SearchService,
        mailer: Mailer,
        tokens: Tokens,
        links: Links,
        clock: Callable[[], datetime.datetime],
    ):
        self.database, self.service, self.mailer = database, service, mailer
        self.tokens, self.links, self.clock = tokens, links, clock
        self.report = SendReport()

    def run(self) -> SendReport:
        started = time.monotonic()
        now = self.clock()
        self.database.forget_old(
            confirmations_before=now - datetime.timedelta(hours=1),
            unconfirmed_before=now - datetime.timedelta(days=CONFIRM_DAYS),
        )
        post_ids, index_version = self.service.document_ids()
        number = self.database.start_run(post_ids, index_version, now)
        for subscription in self.database.all(confirmed_only=True):
            self.report.subscriptions += 1
            self._deal_with(subscription, number)
        self.report.seconds = time.monotonic() - started
        return self.report

    def _fail(self, subscription: Subscription, described: str, reason: str) -> None:
        self.report.failed.append(Failure(subscription.address, described, reason))

    def _deal_with(self, subscription: Subscription, run: int) -> None:
        database, report = self.database, self.report
        new = database.new_posts(subscription, run)
        if not new:
            database.dealt_with(subscription.id, run, None)
            return
        try:
            search = search_from_stored(subscription.search)
        except InvalidParameter as error:
            self._fail(subscription, subscription.search, f"its search cannot be read ({error.message})")
            return
        described = describe(search)
        last_sent = parse_stamp(subscription.last_sent_at)
        now = self.clock()
        if last_sent is not None and now - last_sent < ALERT_INTERVAL:
            report.waiting += 1  # its new posts wait for tomorrow's email
            return
        posts, complete = self.service.newest_among(search, new)
        if not complete:
            self._fail(subscription, described, "its search did not finish in time")
            return
        if not posts:  # new posts, but none matches this search
            database.dealt_with(subscription.id, run, None)
            return
        if report.unavailable is not None:
            self._fail(subscription, described, report.unavailable)
            return
        if database.by_key(subscription.key) is None:
            return  # unsubscribed while this run was going
        unsubscribe_url = self.links.unsubscribe(self.tokens.make("unsubscribe", subscription.key))
        message = alert_email(
            self.mailer.settings.mail_from, subscription.address, search, posts, unsubscribe_url, self.links, now
        )
        try:
            self.mailer.send(message)
        except ServerUnavailable as error:
            report.unavailable = str(error)
            self._fail(subscription, described, str(error))
            return
        except MailError as error:
            self._fail(subscription, described, str(error))
            return
        database.dealt_with(subscription.id, run, now)
        report.sent += 1
        report.posts += len(posts)
        logger.info("Sent %d new posts to subscription %d", len(posts), subscription.id)
