"""Bylines: the short lines that say when a post was published and who wrote it.

A line counts only when all of it is byline ("Posted on 3 March 2019 by Jane Smith",
"12/03/2019 · Jane Smith"); dates inside sentences, "updated" dates and times are not
publication dates.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from indexer.reading.dates import is_time_only, parse_date, split_time

_MAX_LINE = 150
_BYLINE_HINT = re.compile(r"\d|\bby\b|posted|published|written|author|updated|modified|edited|date", re.I)
_SEGMENT_SEPARATORS = re.compile(r"\s+[|·•–—-]\s+|\s*[|·•]\s*")
_POSTED_ON = re.compile(
    r"(?:posted|published|first published|written|date(?: published)?)(?:\s+on)?\s*:?\s*"
    r"(?P<date>.+?)(?:,?\s+by\s+(?P<author>.+))?",
    re.IGNORECASE,
)
_POSTED_BY = re.compile(
    r"(?:(?:posted|published|written)\s+by|by|author)\s*:?\s+(?P<author>.+?)"
    r"(?:,?\s+(?:on\s+)?(?P<date>\d.+|(?:mon|tue|wed|thu|fri|sat|sun)\w*,?\s+\d.+))?",
    re.IGNORECASE,
)
_UPDATED = re.compile(r"(?:last\s+)?(?:updated|modified|edited)(?:\s+on)?\s*:?\s*(?P<date>.+)", re.IGNORECASE)
_IGNORABLE = re.compile(
    r"(?:no|one|\d+)\s+comments?|leave a (?:comment|reply)|\d+\s+min(?:ute)?s?\s+read|"
    r"reading time:?\s*\d+\s*min(?:ute)?s?",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"(?:[A-Z][\w'’.-]*|[A-Z]\.|de|van|von|der|den|da|la|le|du|of|and|&)")


@dataclass
class Byline:
    """What a byline line says; `updated` marks a line that only gives a revision date."""

    date: datetime.date | None = None
    author: str | None = None
    updated: bool = False


def looks_like_name(text: str) -> bool:
    """True for "Jane Smith" or "Cllr J. O'Neill": capitalised words, no digits, not a sentence."""
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 60 or any(ch.isdigit() for ch in text):
        return False
    if text.endswith(("!", "?", ":", ";", ",")) or text.endswith(".") and not re.fullmatch(r"[A-Z]\.", words[-1]):
        return False
    return bool(words[0][:1].isupper()) and all(_NAME_WORD.fullmatch(word) for word in words)


def parse_byline(line: str, *, bare_date_ok: bool = False) -> Byline | None:
    """The date and author a whole line gives, or None when the line is not a byline.

    `bare_date_ok` lets a line that is only a date count (a date line above or below the
    title); such a line with a time of day is an event listing, not a publication date.
    """
    line = line.strip()
    if not line or len(line) > _MAX_LINE or not _BYLINE_HINT.search(line):
        return None
    whole = _parse_segment(line)
    segments = [whole] if whole else [_parse_segment(part) for part in _SEGMENT_SEPARATORS.split(line)]
    if any(segment is None for segment in segments):
        return None
    result = Byline()
    keyword = any(kind in ("keyword", "updated") for kind, _, _, _ in segments)
    named = [text for kind, _, _, text in segments if kind == "name"]
    dated = [(date, timed) for kind, date, timed, _ in segments if kind in ("keyword", "date") and date]
    for kind, date, timed, author in segments:
        if kind == "keyword":
            result.date = result.date or date
            result.author = result.author or author
        elif kind == "updated":
            result.updated = True
    if not keyword:
        if named and dated:
            result.date, result.author = dated[0][0], named[0]
        elif dated and not named and len(segments) == 1 and bare_date_ok and not dated[0][1]:
            result.date = dated[0][0]
        else:
            return None
    elif named and not result.author:
        result.author = named[0]
    if result.date is None and result.author is None and not result.updated:
        return None
    return result


def _parse_segment(text: str):
    """(kind, date, has_time, author) for one part of a byline, or None if it is something else."""
    text = text.strip().rstrip(",")
    if not text or _IGNORABLE.fullmatch(text):
        return ("ignorable", None, False, None) if text else None
    match = _UPDATED.fullmatch(text)
    if match and parse_date(match["date"]):
        return ("updated", None, False, None)
    match = _POSTED_BY.fullmatch(text)
    if match and looks_like_name(match["author"]):
        date = parse_date(match["date"]) if match["date"] else None
        if match["date"] and date is None:
            return None
        return ("keyword", date, False, match["author"].strip())
    match = _POSTED_ON.fullmatch(text)
    if match:
        date = parse_date(match["date"])
        author = match["author"]
        if date and (author is None or looks_like_name(author)):
            return ("keyword", date, False, author.strip() if author else None)
        return None
    date = parse_date(text)
    if date:
        return ("date", date, split_time(text)[1], None)
    if is_time_only(text):
        return ("ignorable", None, False, None)
    if looks_like_name(text):
        return ("name", None, False, text)
    return None
