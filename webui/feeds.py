"""The search in formats other programs read: CSV (every match), Atom (a search to follow), OpenSearch.

XML is built with ElementTree so that every piece of document text is escaped by construction.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
from itertools import chain
import xml.etree.ElementTree as ET

from flask import Blueprint, Response, current_app, request, stream_with_context, url_for

from indexer.query import CONTROL_CHARS
from webui import params
from webui.service import search_service

logger = logging.getLogger(__name__)

bp = Blueprint("feeds", __name__)

CSV_ROWS_A_CHUNK = 200  # rows written at a time to a download
# What a person reads first (title, date, address), then the rest of the contract's columns.
CSV_COLUMNS = ("title", "date", "url", "id", "author", "source", "tags", "categories", "organisations", "source_url")
# Excel reads a CSV without a byte-order mark in the computer's own code page, so "Everyone’s"
# would open as "Everyoneâ€™s"; with it, as UTF-8.
BYTE_ORDER_MARK = "\ufeff"
FILE_NAME_WORDS = 60  # characters of the search kept in a download's file name
LIST_SEPARATOR = "; "
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
# Characters XML 1.0 cannot carry at all, even escaped (and DEL, which means nothing either);
# stray ones turn up in scraped posts.
_XML_ILLEGAL = re.compile(rf"{CONTROL_CHARS.pattern}|[\ufffe\uffff]")


def _service_name() -> str:
    return current_app.config["SERVICE_NAME"]


@bp.get("/search.csv")
def search_csv():
    """Every matching document across all pages, one row each."""
    search_request = params.parse_search(request.args)
    matches = iter(search_service().iter_matching(search_request))
    # Take the first match now, so a missing index is a 503 rather than a broken download.
    first = next(matches, None)

    def rows():
        buffer = io.StringIO()
        buffer.write(BYTE_ORDER_MARK)
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        if first is not None:
            for count, document in enumerate(chain([first], matches), 1):
                writer.writerow(_csv_row(document))
                if count % CSV_ROWS_A_CHUNK == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(rows()), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{csv_file_name(search_request)}"'
    return response


_FILE_NAME_UNSAFE = re.compile(r"[^a-z0-9]+")


def csv_file_name(search_request, today: datetime.date | None = None) -> str:
    """A download's name from its search and the day: lgsearch-leadership-council-voices-2026-12-07.csv.
    Letters and digits only (every browser and file system keeps them), the search cut short."""
    words = [search_request.q, *(value for name in params.FILTER_ORDER for value in getattr(search_request, name))]
    words += [
        f"from {search_request.date_from}" if search_request.date_from else "",
        f"to {search_request.date_to}" if search_request.date_to else "",
    ]
    slug = _FILE_NAME_UNSAFE.sub("-", " ".join(words).lower()).strip("-")
    slug = slug[:FILE_NAME_WORDS].rstrip("-") or "all-posts"
    day = today or datetime.date.today()
    return f"lgsearch-{slug}-{day.isoformat()}.csv"


def _csv_row(document: dict) -> list[str]:
    row = []
    for column in CSV_COLUMNS:
        value = params.document_url(document["id"], external=True) if column == "url" else document.get(column)
        if isinstance(value, (list, tuple)):
            value = LIST_SEPARATOR.join(value)
        text = "" if value is None else str(value)
        row.append("'" + text if text.startswith(FORMULA_STARTS) else text)
    return row


@bp.get("/search.atom")
def search_atom():
    """The newest documents matching the search: a saved search a feed reader can follow."""
    search_request = params.parse_search(request.args)
    feed_request = search_request.with_changes(sort="newest", page=1)
    service = search_service()
    result = service.search(feed_request)
    updated = _timestamp(service.status().indexed_at)

    feed = ET.Element("feed", {"xmlns": ATOM})
    _text(feed, "title", f"{_service_name()}: {_describe(search_request)}")
    page_url = params.search_url(search_request, external=True)
    _text(feed, "id", page_url)
    _text(feed, "updated", updated)
    _link(feed, page_url, "alternate", "text/html")
    _link(feed, params.format_url(search_request, "feeds.search_atom", external=True), "self", "application/atom+xml")
    if result.notice:  # "There are no posts yet.", or why part of the search was set aside
        _text(feed, "subtitle", result.notice)
    author = ET.SubElement(feed, "author")
    _text(author, "name", _service_name())
    for hit in result.hits:
        doc = hit.document
        entry = ET.SubElement(feed, "entry")
        url = params.document_url(doc["id"], external=True)
        _text(entry, "title", doc.get("title") or doc["id"])
        _text(entry, "id", url)
        if doc.get("source_url"):
            # The original is what a feed reader opens; lgsearch's own copy stays one click away.
            _link(entry, doc["source_url"], "alternate", "text/html")
            _link(entry, url, "related", "text/html")
        else:
            _link(entry, url, "alternate", "text/html")
        _text(entry, "updated", f"{doc['date']}T00:00:00Z" if doc.get("date") else updated)
        if doc.get("date"):
            _text(entry, "published", f"{doc['date']}T00:00:00Z")
        if doc.get("author"):
            _text(ET.SubElement(entry, "author"), "name", doc["author"])
        for tag in doc.get("tags") or []:
            ET.SubElement(entry, "category", {"term": _XML_ILLEGAL.sub("", tag)})
        summary = _text(entry, "summary", hit.snippet)
        summary.set("type", "html")
    body = ET.tostring(feed, encoding="unicode")
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body, mimetype="application/atom+xml")


def _describe(search_request) -> str:
    parts = [f"“{search_request.q}”"] if search_request.q else []
    for name in params.FILTER_ORDER:
        for value in getattr(search_request, name):
            parts.append(f"{params.FILTER_LABELS[name].lower()} {value}")
    return ", ".join(parts) if parts else "newest posts"


def _timestamp(value: str | None) -> str:
    """An RFC 3339 time for Atom; the index's own time, or now if it does not know."""
    moment = None
    if value:
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            logger.warning("Index time %r is not ISO 8601", value)
    if moment is None:
        moment = datetime.datetime.now(datetime.timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent, tag: str, text: str):
    element = ET.SubElement(parent, tag)
    element.text = _XML_ILLEGAL.sub("", text)
    return element


def _link(parent, href: str, rel: str, media_type: str) -> None:
    ET.SubElement(parent, "link", {"href": href, "rel": rel, "type": media_type})


@bp.get("/opensearch.xml")
def opensearch():
    """Lets a browser add lgsearch as a search engine."""
    root = ET.Element("OpenSearchDescription", {"xmlns": OPENSEARCH})
    _text(root, "ShortName", "lgsearch")
    _text(root, "Description", f"Search {_service_name().lower()}")
    _text(root, "InputEncoding", "UTF-8")
    for media_type, endpoint, query, rel in (
        ("text/html", "views.search", "?q={searchTerms}", "results"),
        ("application/atom+xml", "feeds.search_atom", "?q={searchTerms}", "results"),
        ("application/opensearchdescription+xml", "feeds.opensearch", "", "self"),
    ):
        template = url_for(endpoint, _external=True) + query
        ET.SubElement(root, "Url", {"type": media_type, "method": "get", "rel": rel, "template": template})
    body = ET.tostring(root, encoding="unicode")
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body, mimetype="application/opensearchdescription+xml")
