"""The harvest job: for each listed site, what is new or changed is fetched and saved as a file.

A site or post that fails is reported (a site failing for more than a day says since when), never
silently dropped; the rest of the run carries on. Two harvests never run into one folder at once.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import json
import logging
import os
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer.harvest.addresses import clean_address, file_stem, post_key
from indexer.harvest.feeds import Entry, NotAFeed, discover_feed, kind_of, read_feed, read_sitemap
from indexer.harvest.fetch import Answer, Disallowed, FetchFailed, Fetcher, HarvestSettings
from indexer.harvest.saved import FACTS_SUFFIX, page_from_feed, remove_post, with_declared_charset, write_post
from indexer.harvest.state import PostRow, SiteRow, State

logger = logging.getLogger(__name__)

LOCK_FILE = ".harvest.lock"
_GONE = frozenset({404, 410})
_MAX_CHILD_SITEMAPS = 20
_FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
_PAGE_ACCEPT = "text/html, application/xhtml+xml, application/pdf;q=0.9, */*;q=0.5"
_EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


class _ListingGone(FetchFailed):
    """The feed or sitemap answered 404 or 410."""


class HarvestBusy(Exception):
    """Another harvest is writing into the same folder."""


@dataclass
class Failure:
    address: str
    reason: str


@dataclass
class HarvestReport:
    """What one run did; `to_json` is exactly the contract's `lgsearch harvest --json`."""

    sites: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data


def harvest(
    sites: list[str],
    into: Path,
    settings: HarvestSettings,
    *,
    fetcher: Fetcher | None = None,
    now: datetime.datetime | None = None,
) -> HarvestReport:
    """Fetch what is new or changed on `sites` and save it under `into`."""
    started = time.monotonic()
    into.mkdir(parents=True, exist_ok=True)
    report = HarvestReport(sites=len(sites))
    fetcher = fetcher or Fetcher(settings)
    with _lock(into), State(into) as state:
        job = _Job(into, settings, fetcher, state, report, now or datetime.datetime.now(datetime.timezone.utc))
        try:
            for site in sites:
                job.harvest_site(site)
        finally:
            fetcher.close()
    report.fetched = fetcher.requests
    report.seconds = time.monotonic() - started
    return report


@contextmanager
def _lock(into: Path):
    with open(into / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise HarvestBusy(f"Another harvest into {into} is running (pid {holder}).") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield


@dataclass
class _Job:
    into: Path
    settings: HarvestSettings
    fetcher: Fetcher
    state: State
    report: HarvestReport
    now: datetime.datetime
    seen: set[str] = field(default_factory=set)

    def harvest_site(self, address: str) -> None:
        site = self.state.site(address)
        try:
            title, entries = self._listing(site)
        except FetchFailed as failure:
            if isinstance(failure, _ListingGone) and site.source:
                # A feed found from the home page (or moved to) has gone: look again next time.
                site.source = site.etag = site.last_modified = None
            self._site_failed(site, failure.reason)
            return
        site.failing_since, site.last_ok = None, self.now.isoformat()
        self.state.save_site(site)
        budget = [self.settings.max_posts_per_site]
        for entry in entries:
            self._post(site, title, entry, budget)
        self._recheck_old_posts(site, budget)

    # The site's listing: its feed or sitemap, found from its home page if need be

    def _listing(self, site: SiteRow) -> tuple[str | None, list[Entry]]:
        source = site.source or site.address
        answer = self._get_listing(site, source, conditional=site.source is not None)
        if answer is None:
            return None, []
        kind = kind_of(answer.body, answer.content_type)
        if kind == "page":
            feed = discover_feed(answer.body, answer.address)
            if feed is None:
                raise FetchFailed("It is a web page with no feed: list its feed or sitemap address instead.")
            logger.info("%s: found its feed at %s", site.address, feed)
            site.source, site.etag, site.last_modified = feed, None, None
            answer = self._get_listing(site, feed, conditional=False)
            if answer is None:
                return None, []
            kind = kind_of(answer.body, answer.content_type)
            if kind == "page":
                raise FetchFailed(f"The feed its page points to ({feed}) is a web page, not a feed.")
        elif site.source is None:
            site.source = answer.moved_to or source
        site.etag = answer.headers.get("etag")
        site.last_modified = answer.headers.get("last-modified")
        try:
            if kind == "feed":
                return read_feed(answer.body, answer.address)
            return None, self._sitemap_posts(answer)
        except NotAFeed as problem:
            raise FetchFailed(problem.reason) from None

    def _get_listing(self, site: SiteRow, address: str, conditional: bool) -> Answer | None:
        """The feed or sitemap's answer, or None when it has not changed since the last run (304)."""
        answer = self.fetcher.get(
            address,
            limit=self.settings.max_feed_bytes,
            accept=_FEED_ACCEPT,
            etag=site.etag if conditional else None,
            last_modified=site.last_modified if conditional else None,
        )
        if answer.moved_to:
            logger.info("%s has moved to %s for good; lgsearch will ask there from now on", address, answer.moved_to)
            site.source = answer.moved_to
        if answer.status == 304 and conditional:
            return None
        if answer.status in _GONE:
            raise _ListingGone(
                f"It answered {answer.status}: the address has gone. Check it, and correct or "
                "remove it in the sites file."
            )
        if answer.status != 200:
            raise FetchFailed(f"It answered {answer.status}.")
        return answer

    def _sitemap_posts(self, answer: Answer) -> list[Entry]:
        posts, children = read_sitemap(answer.body, self.settings.max_feed_bytes)
        for child in children[:_MAX_CHILD_SITEMAPS]:
            try:
                child_answer = self.fetcher.get(child, limit=self.settings.max_feed_bytes, accept=_FEED_ACCEPT)
                if child_answer.status != 200:
                    raise FetchFailed(f"It answered {child_answer.status}.")
                posts.extend(read_sitemap(child_answer.body, self.settings.max_feed_bytes)[0])
            except (FetchFailed, NotAFeed) as failure:
                self.report.failed.append(Failure(child, failure.reason))
        return posts

    def _site_failed(self, site: SiteRow, reason: str) -> None:
        since = site.failing_since or self.now.isoformat()
        site.failing_since = since
        self.state.save_site(site)
        days = (self.now - datetime.datetime.fromisoformat(since)).days
        if days >= 1:
            reason = f"{reason.rstrip('.')}. It has failed on every run since {since[:10]} ({days} days)."
        logger.info("%s failed: %s", site.address, reason)
        self.report.failed.append(Failure(site.address, reason))

    # Posts

    def _post(self, site: SiteRow, feed_title: str | None, entry: Entry, budget: list[int]) -> None:
        key = post_key(entry.address)
        if key in self.seen:
            return  # listed twice (in two feeds, or with and without tracking parameters)
        self.seen.add(key)
        known = self.state.post(key)
        if known and known.fingerprint == entry.fingerprint and not self._due(known):
            if known.file:
                self.report.unchanged += 1
            return
        if budget[0] <= 0:
            logger.info("%s: left for the next run (%d posts a run)", entry.address, self.settings.max_posts_per_site)
            return
        budget[0] -= 1
        facts = {
            "address": clean_address(entry.address),
            "feed": site.source,
            "feed_title": feed_title,
            "title": entry.title,
            "date": entry.date,
            "author": entry.author,
        }
        if entry.content:
            body = page_from_feed(entry.title, entry.content, facts["address"])
            self._keep(site, key, known, entry, facts, body, ".html", Answer(facts["address"], 200, {}))
        else:
            self._fetch_post(site, key, known, entry, facts)

    def _fetch_post(self, site: SiteRow, key: str, known: PostRow | None, entry: Entry, facts: dict) -> None:
        saved = known is not None and known.file is not None
        try:
            answer = self.fetcher.get(
                facts["address"],
                limit=self.settings.max_page_bytes,
                accept=_PAGE_ACCEPT,
                etag=known.etag if saved else None,
                last_modified=known.last_modified if saved else None,
            )
        except Disallowed as refusal:
            logger.info("%s: not fetched: %s", facts["address"], refusal.reason)
            return
        except FetchFailed as failure:
            self.report.failed.append(Failure(facts["address"], failure.reason))
            return
        if answer.status == 304 and saved:
            self.report.unchanged += 1
            self._remember(known, entry.fingerprint)
            return
        if answer.status in _GONE:
            if saved:
                remove_post(self.into, known.file)
                self.report.removed += 1
                logger.info("%s answered %d: removed %s", facts["address"], answer.status, known.file)
            self.state.save_post(
                PostRow(
                    key, site.address, facts["address"], None, entry.fingerprint, None, None, None, self.now.isoformat()
                )
            )
            return
        if answer.status != 200:
            self.report.failed.append(Failure(facts["address"], f"It answered {answer.status}."))
            return
        extension = _EXTENSIONS.get(answer.content_type)
        if extension is None:
            self.report.failed.append(
                Failure(
                    facts["address"],
                    f"It is a {answer.content_type or 'file of no stated type'}, "
                    "not a page or document lgsearch reads.",
                )
            )
            return
        facts["address"] = clean_address(answer.address)
        body = (
            with_declared_charset(answer.body, answer.headers.get("content-type", ""))
            if extension == ".html"
            else answer.body
        )
        self._keep(site, key, known, entry, facts, body, extension, answer)

    def _keep(
        self,
        site: SiteRow,
        key: str,
        known: PostRow | None,
        entry: Entry,
        facts: dict,
        body: bytes,
        extension: str,
        answer: Answer,
    ) -> None:
        """Save the post unless it is exactly as saved, then record it."""
        content_hash = hashlib.sha256(body + repr(sorted(facts.items())).encode("utf-8")).hexdigest()
        row = PostRow(
            key,
            site.address,
            facts["address"],
            known.file if known else None,
            entry.fingerprint,
            content_hash,
            answer.headers.get("etag"),
            answer.headers.get("last-modified"),
            self.now.isoformat(),
        )
        if known and known.file and known.content_hash == content_hash:
            self.report.unchanged += 1
        else:
            facts["fetched"] = self.now.isoformat(timespec="seconds")
            relative = write_post(self.into, file_stem(key), extension, body, facts)
            if known and known.file and known.file != relative:
                remove_post(self.into, known.file, keep_facts=True)  # a page that is now a PDF, say
            if known and known.file:
                self.report.updated += 1
            else:
                self.report.new += 1
            row.file = relative
        self.state.save_post(row)

    def _remember(self, known: PostRow, fingerprint: str) -> None:
        known.fingerprint, known.checked = fingerprint, self.now.isoformat()
        self.state.save_post(known)

    def _due(self, known: PostRow) -> bool:
        return known.file is not None and datetime.datetime.fromisoformat(known.checked) <= self._recheck_before()

    def _recheck_before(self) -> datetime.datetime:
        return self.now - datetime.timedelta(days=self.settings.recheck_days)

    def _recheck_old_posts(self, site: SiteRow, budget: list[int]) -> None:
        """Saved posts no longer listed, not asked for since `recheck_days`: still there, changed, gone?"""
        for known in self.state.posts_checked_before(site.address, self._recheck_before()):
            if known.key in self.seen or budget[0] <= 0:
                continue
            self.seen.add(known.key)
            budget[0] -= 1
            entry = Entry(address=known.address, fingerprint=known.fingerprint or "")
            facts = _saved_facts(self.into, known) or {"address": known.address, "feed": site.source}
            facts["address"] = known.address
            self._fetch_post(site, known.key, known, entry, facts)


def _saved_facts(into: Path, known: PostRow) -> dict | None:
    page = into / known.file
    try:
        facts = json.loads((page.parent / f"{page.stem}{FACTS_SUFFIX}").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    facts.pop("fetched", None)
    return facts if isinstance(facts, dict) else None
