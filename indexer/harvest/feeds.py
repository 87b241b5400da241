"""What a listed address holds: a feed (RSS or Atom, read by feedparser), a sitemap, or a home page
whose feed is found from its `<link rel="alternate">`. Only bytes already fetched are read here:
feedparser is never given an address, so it never makes a request of its own."""

from __future__ import annotations

import calendar
import gzip
import hashlib
import io
import re
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser
from bs4 import BeautifulSoup
from lxml import etree

FEED_TYPES = ("application/rss+xml", "application/atom+xml")
# A summary that ends like this is the start of a post, not the post.
_TRUNCATED = re.compile(
    r"(?:\[?(?:…|\.\.\.|&hellip;)\]?|continue reading.*|read more.*|the post .+ appeared first on .+)\s*$",
    re.IGNORECASE | re.DOTALL,
)
_FULL_SUMMARY_CHARS = 1500
_TAGS = re.compile(r"<[^>]*>")
_MAX_SITEMAP_ENTRIES = 50_000


@dataclass
class Entry:
    """One post as a feed or sitemap lists it."""

    address: str
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    author: str | None = None
    content: str | None = None  # the whole post, as HTML, when the feed carries it
    fingerprint: str = ""  # changes when the listing of the post changes


class NotAFeed(Exception):
    """The bytes are no feed or sitemap lgsearch can read; `reason` says what they are."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def kind_of(body: bytes, content_type: str) -> str:
    """ "feed", "sitemap" or "page", from the first bytes (servers often send XML as text/plain)."""
    if body[:2] == b"\x1f\x8b":
        return "sitemap"  # a gzipped sitemap file (sitemap.xml.gz)
    start = body[:2048].lstrip().lower()
    if b"<urlset" in start or b"<sitemapindex" in start:
        return "sitemap"
    if b"<rss" in start or b"<feed" in start or b"<rdf:rdf" in start:
        return "feed"
    if "xml" in content_type and b"<html" not in start:
        return "feed"
    return "page"


def read_feed(body: bytes, address: str) -> tuple[str | None, list[Entry]]:
    """The feed's title and its entries, newest first as listed."""
    _refuse_entities(body)
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers={"content-location": address}, resolve_relative_uris=True, sanitize_html=True
    )
    if not parsed.entries and parsed.bozo and not parsed.feed:
        raise NotAFeed("It is not a feed lgsearch can read (not valid RSS or Atom).")
    title = _clean(parsed.feed.get("title"))
    entries = []
    for item in parsed.entries:
        link = item.get("link") or (item.get("id") if str(item.get("id", "")).startswith("http") else None)
        if not link:
            continue
        content = _full_content(item)
        entries.append(
            Entry(
                address=urljoin(address, link.strip()),
                title=_clean(item.get("title")),
                date=_date(_raw(item, "published_parsed") or _raw(item, "updated_parsed")),
                author=_clean((item.get("author_detail") or {}).get("name") or item.get("author")),
                content=content,
                fingerprint=_fingerprint(
                    link,
                    item.get("title"),
                    _raw(item, "updated") or _raw(item, "published"),
                    content or item.get("summary"),
                ),
            )
        )
    return title, entries


def read_sitemap(body: bytes, limit: int) -> tuple[list[Entry], list[str]]:
    """A sitemap's posts (with `lastmod` as what changes) and, for a sitemap index, its sitemaps."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.GzipFile(fileobj=io.BytesIO(body)).read(limit + 1)
        except (OSError, EOFError):
            raise NotAFeed("It is a gzipped sitemap that could not be unpacked.") from None
        if len(body) > limit:
            raise NotAFeed(f"It unpacks to more than {limit / 2**20:g} MB, so it was not read.")
    _refuse_entities(body)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        raise NotAFeed("It is not a sitemap lgsearch can read (not valid XML).") from None
    posts, sitemaps = [], []
    for element in root:
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        loc = _child_text(element, "loc")
        if not loc:
            continue
        if local == "url" and len(posts) < _MAX_SITEMAP_ENTRIES:
            lastmod = _child_text(element, "lastmod")
            posts.append(Entry(address=loc, date=None, fingerprint=_fingerprint(loc, lastmod)))
        elif local == "sitemap":
            sitemaps.append(loc)
    return posts, sitemaps


def discover_feed(body: bytes, address: str) -> str | None:
    """The feed a home page points to with `<link rel="alternate" type="application/rss+xml">`
    (or Atom); a comments feed only when there is no other."""
    soup = BeautifulSoup(body[: 2 * 2**20], "html.parser")
    found = []
    for link in soup.find_all("link", href=True):
        rel = [value.lower() for value in (link.get("rel") or [])]
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in rel and kind in FEED_TYPES:
            found.append(urljoin(address, link["href"].strip()))
    posts_feeds = [href for href in found if "comment" not in href.lower()]
    return (posts_feeds or found or [None])[0]


def _refuse_entities(body: bytes) -> None:
    """Feeds and sitemaps have no need to declare entities; one that does may be an entity bomb
    ("billion laughs"), which would cost seconds of the parser's time to refuse."""
    if b"<!ENTITY" in body[:65536].upper():
        raise NotAFeed("It declares XML entities, which lgsearch does not read (they can hide an entity bomb).")


def _full_content(item) -> str | None:
    """The whole post when the feed carries it: Atom `content` or RSS `content:encoded`, or a long
    description that does not end as a teaser does."""
    for content in item.get("content") or []:
        value = content.get("value") or ""
        text = _TAGS.sub("", value).strip()
        # feedparser copies the content into the summary when a feed has none.
        if text and len(text) >= len(_TAGS.sub("", item.get("summary") or "").strip()) and not _TRUNCATED.search(text):
            return value
    summary = item.get("summary") or ""
    text = _TAGS.sub("", summary).strip()
    if len(text) >= _FULL_SUMMARY_CHARS and not _TRUNCATED.search(text):
        return summary
    return None


def _raw(item, key: str):
    """A field as the feed gave it (feedparser's own `get` maps `updated` to `published` with a warning)."""
    return dict.get(item, key)


def _date(parsed: time.struct_time | None) -> str | None:
    if not parsed:
        return None
    try:
        return time.strftime("%Y-%m-%d", time.gmtime(calendar.timegm(parsed)))
    except (OverflowError, ValueError, TypeError):
        return None


def _child_text(element, name: str) -> str | None:
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return (child.text or "").strip() or None
    return None


def _clean(value) -> str | None:
    text = " ".join(str(value or "").split())
    return text or None


def _fingerprint(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(part or "") for part in parts).encode("utf-8")).hexdigest()
