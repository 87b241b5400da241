"""A real HTTP server on 127.0.0.1 for the harvest tests (pytest-httpserver, threaded), serving
sites the tests write route by route, and recording every request it saw."""

from __future__ import annotations

import datetime
import gzip
import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ROBOTS_ALLOW_ALL = "User-agent: *\nAllow: /\n"
REPO_ROOT_FOR_SUBPROCESS = Path(__file__).resolve().parent.parent


@dataclass
class Seen:
    path: str
    query: str
    headers: dict[str, str]


@dataclass
class Site:
    """Routes by path; each answers a werkzeug Response. `seen` lists every request in order."""

    server: HTTPServer
    routes: dict[str, Callable[[Request], Response]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    busy: int = 0
    most_at_once: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def handle(self, request: Request) -> Response:
        with self._lock:
            self.seen.append(Seen(request.path, request.query_string.decode(), dict(request.headers)))
            self.busy += 1
            self.most_at_once = max(self.most_at_once, self.busy)
        try:
            route = self.routes.get(request.path)
            return route(request) if route else Response("Not found", status=404)
        finally:
            with self._lock:
                self.busy -= 1

    def requests_for(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]

    # Routes

    def page(
        self,
        path: str,
        body: str | bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        etag: str | None = None,
        last_modified: datetime.datetime | None = None,
        status: int = 200,
        gzipped: bool = False,
    ) -> None:
        """`path` answers `body`; with an ETag or Last-Modified, a matching conditional request gets 304."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        stamp = format_datetime(last_modified, usegmt=True) if last_modified else None

        def answer(request: Request) -> Response:
            if (
                etag
                and request.headers.get("If-None-Match") == etag
                or stamp
                and request.headers.get("If-Modified-Since") == stamp
            ):
                return Response(status=304, headers={"ETag": etag} if etag else {})
            headers = {}
            if etag:
                headers["ETag"] = etag
            if stamp:
                headers["Last-Modified"] = stamp
            payload = data
            if gzipped:
                payload = gzip.compress(data)
                headers["Content-Encoding"] = "gzip"
            return Response(payload, status=status, content_type=content_type, headers=headers)

        self.routes[path] = answer

    def status(self, path: str, code: int) -> None:
        self.routes[path] = lambda request: Response(f"Status {code}", status=code)

    def redirect(self, path: str, to: str, code: int = 301) -> None:
        self.routes[path] = lambda request: Response(status=code, headers={"Location": to})

    def slow(self, path: str, seconds: float, body: str = "late") -> None:
        def answer(request: Request) -> Response:
            time.sleep(seconds)
            return Response(body, content_type="text/html")

        self.routes[path] = answer

    def robots(self, text: str = ROBOTS_ALLOW_ALL) -> None:
        self.page("/robots.txt", text, content_type="text/plain")


def post_page(title: str, text: str, *, author: str | None = None, date: str | None = None) -> str:
    """A blog post page as a CMS serves it: menus around an article."""
    meta = ""
    if author:
        meta += f'<meta name="author" content="{escape(author)}">'
    if date:
        meta += f'<meta property="article:published_time" content="{date}">'
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>{meta}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/about'>About</a></nav>"
        f"<article><h1>{escape(title)}</h1><p>{escape(text)}</p></article>"
        f"<footer>Copyright the council</footer></body></html>"
    )


def rss(title: str, items: list[dict]) -> str:
    """RSS 2.0; each item: link, title, and `summary` (description) and/or `content` (content:encoded),
    with `date` (RFC 822) and `author` if given."""
    parts = []
    for item in items:
        fields = [f"<title>{escape(item['title'])}</title>", f"<link>{escape(item['link'])}</link>"]
        if "summary" in item:
            fields.append(f"<description>{escape(item['summary'])}</description>")
        if "content" in item:
            fields.append(f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>")
        if "date" in item:
            fields.append(f"<pubDate>{item['date']}</pubDate>")
        if "author" in item:
            fields.append(f"<dc:creator>{escape(item['author'])}</dc:creator>")
        parts.append("<item>" + "".join(fields) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{escape(title)}</title><link>http://127.0.0.1/</link>" + "".join(parts) + "</channel></rss>"
    )


def atom(title: str, entries: list[dict]) -> str:
    """Atom 1.0; each entry: link, title, updated (ISO), `summary` and/or `content` (HTML), author."""
    parts = []
    for entry in entries:
        fields = [
            f"<title>{escape(entry['title'])}</title>",
            f'<link rel="alternate" href="{escape(entry["link"])}"/>',
            f"<id>{escape(entry['link'])}</id>",
            f"<updated>{entry.get('updated', '2024-01-01T00:00:00Z')}</updated>",
        ]
        if "summary" in entry:
            fields.append(f"<summary>{escape(entry['summary'])}</summary>")
        if "content" in entry:
            fields.append(f'<content type="html">{escape(entry["content"])}</content>')
        if "author" in entry:
            fields.append(f"<author><name>{escape(entry['author'])}</name></author>")
        parts.append("<entry>" + "".join(fields) + "</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test</id><updated>2024-01-01T00:00:00Z</updated>"
        + "".join(parts)
        + "</feed>"
    )


def sitemap(addresses: list[tuple[str, str | None]]) -> str:
    urls = "".join(
        f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>"
        for loc, lastmod in addresses
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )


def serve_sites():
    """A started threaded server on 127.0.0.1 and its `Site`, for a fixture to yield."""
    import re

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    site = Site(server)
    server.expect_request(re.compile(".*")).respond_with_handler(site.handle)
    return server, site
