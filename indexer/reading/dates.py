"""Publication dates as people write them on UK blogs: day first, month names, two-digit years.

Only whole strings are parsed, so a date is never picked out of the middle of a sentence.
A two-digit year, and the latest year a post may have, depend on today's date: the reindex job
fixes that date once (`dates_as_of`), so every file of one run, and an unchanged file in the next,
is read the same way.
"""

from __future__ import annotations

import datetime
import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_YEAR = r"(?P<year>\d{4}|\d{2})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"

_WEEKDAY = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,?\s+",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(?:[\s,]+(?:at\s+|@\s*|[-–]\s*)?|^)"
    r"(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm)?|\d{1,2}(?:\.\d{2})?\s*(?:am|pm))"
    r"(?:\s*(?:GMT|BST|UTC))?$",
    re.IGNORECASE,
)
_FORMATS = [
    re.compile(rf"{_DAY}(?:\s+of)?[\s-]+{_MONTH},?[\s-]+{_YEAR}", re.IGNORECASE),
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(r"(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"),
    re.compile(r"(?P<year>\d{4})(?P<sep>[/-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"),
]
_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ]|$)")
_TODAY: ContextVar[datetime.date | None] = ContextVar("lgsearch_today", default=None)


@contextmanager
def dates_as_of(today: datetime.date) -> Iterator[None]:
    """Read dates as on `today` rather than by the clock, which can turn over in the middle of a run."""
    token = _TODAY.set(today)
    try:
        yield
    finally:
        _TODAY.reset(token)


def _today() -> datetime.date:
    return _TODAY.get() or datetime.date.today()


def split_time(text: str) -> tuple[str, bool]:
    """The text without a trailing time of day, and whether there was one."""
    stripped = _TIME.sub("", text.strip())
    return stripped.strip(" ,"), stripped != text.strip()


def is_time_only(text: str) -> bool:
    """True for "10:00" or "3pm": a time of day is never a date."""
    rest, had_time = split_time(text)
    return had_time and not rest


def parse_date(text: str) -> datetime.date | None:
    """The date a whole string names ("Tue, 3rd March 2019 10:00", "12/03/19"), or None."""
    text = _WEEKDAY.sub("", text.strip())
    text, _ = split_time(text)
    text = text.strip().rstrip(".")
    for pattern in _FORMATS:
        match = pattern.fullmatch(text)
        if match:
            return _make_date(match["year"], match["month"], match["day"])
    return None


def parse_iso_date(value: str) -> datetime.date | None:
    """The date of a machine-written timestamp ("2019-03-12T09:00:00+00:00"), as written."""
    match = _ISO_PREFIX.match(value)
    if match:
        return _make_date(*match.groups())
    return parse_date(value)


def _make_date(year: str, month: str, day: str) -> datetime.date | None:
    month_number = int(month) if month.isdigit() else MONTHS.get(month.lower())
    if month_number is None:
        return None
    year_number = int(year)
    this_year = _today().year
    if len(year) == 2:
        year_number += 2000 if 2000 + year_number <= this_year + 1 else 1900
    if not 1970 <= year_number <= this_year + 1:
        return None
    try:
        return datetime.date(year_number, month_number, int(day))
    except ValueError:
        return None
