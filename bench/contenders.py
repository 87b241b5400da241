"""The three extractors compared on the real pages: lgsearch's reader, trafilatura and readability-lxml.

Each takes a saved page and gives the article body it would keep (None when it rejects the page),
with the metadata it found. lgsearch is measured through its whole reading path (`read_document`
on the saved file, the body as stored); trafilatura with `extract`'s defaults, and again set to
leave comments out; readability-lxml by its `summary()`, text taken from that HTML.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import trafilatura
from readability import Document as ReadabilityDocument

from indexer.reading.readers import UnreadableFile, read_document

# Block elements whose end starts a new line when readability's summary is turned into text, so
# the last word of one paragraph and the first of the next are not joined into one word.
_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr td th dd dt dl "
    "section article header footer figure figcaption".split()
)


@dataclass
class Extraction:
    """What one extractor kept from one page."""

    body: str | None  # None: the page was rejected (nothing kept)
    seconds: float
    metadata: dict = field(default_factory=dict)  # title, author, sitename, date (ISO) when found
    reason: str | None = None  # why it was rejected


def run_lgsearch(path: Path, today: datetime.date | None = None) -> Extraction:
    """lgsearch's reading path on a saved page, as a reindex reads it."""
    started = time.perf_counter()
    try:
        document = read_document(path, path.name, today=today)
    except UnreadableFile as rejected:
        return Extraction(None, time.perf_counter() - started, reason=rejected.reason)
    seconds = time.perf_counter() - started
    metadata = {
        "title": document.title,
        "author": document.author,
        "sitename": document.source,
        "date": document.date.isoformat() if document.date else None,
    }
    return Extraction(document.body, seconds, {key: value for key, value in metadata.items() if value})


def run_trafilatura(data: bytes) -> Extraction:
    """trafilatura with its defaults: the text `extract` returns, with the metadata it found.

    One `bare_extraction(with_metadata=True)` call gives the article, the comments and the
    metadata; `extract` with its defaults returns that article then the comments (the same words
    in the same order: tests/realpages checks it), and finding metadata does not change the text.
    """
    started = time.perf_counter()
    document = trafilatura.bare_extraction(data, with_metadata=True)
    seconds = time.perf_counter() - started
    if document is None:
        return Extraction(None, seconds, reason="no text extracted")
    article = document.text or ""
    whole = f"{article}\n{document.comments}" if document.comments else article
    metadata = {
        "title": document.title,
        "author": document.author,
        "sitename": document.sitename,
        "date": document.date,
    }
    return _kept(whole, seconds, {key: value for key, value in metadata.items() if value})


def run_trafilatura_without_comments(data: bytes) -> Extraction:
    """trafilatura set for the article alone (`include_comments=False`): its default keeps the
    comments, which the suites' marked texts leave out."""
    started = time.perf_counter()
    body = trafilatura.extract(data, include_comments=False) or ""
    return _kept(body, time.perf_counter() - started, {})


def _kept(body: str, seconds: float, metadata: dict) -> Extraction:
    return Extraction(body if body.strip() else None, seconds, metadata, None if body.strip() else "no text extracted")


def run_readability(data: bytes) -> Extraction:
    """readability-lxml's summary, with the text taken from the HTML it returns."""
    started = time.perf_counter()
    summary = ReadabilityDocument(data).summary()
    body = summary_text(summary)
    seconds = time.perf_counter() - started
    return _kept(body, seconds, {})


def summary_text(html: str) -> str:
    """The text of an HTML fragment, a line break after each block element."""
    if not html.strip():
        return ""
    tree = lxml.html.fromstring(html)
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return tree.text_content()
