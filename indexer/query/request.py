"""A search as plain data: what was asked, validated, and its parameters for a URL's query string."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable, Mapping

from indexer.organisations import canonical_org
from indexer.schema import value_key

FILTER_FIELDS = ("tag", "org", "category", "source", "author", "year")
# What each filter is called, one value and several: the web's facets and the command line's.
FILTER_LABELS = {
    "org": "Organisation",
    "tag": "Tag",
    "category": "Category",
    "source": "Source",
    "author": "Author",
    "year": "Year",
}
FILTER_PLURALS = {
    "org": "organisations",
    "tag": "tags",
    "category": "categories",
    "source": "sources",
    "author": "authors",
    "year": "years",
}
SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
# Values of each facet in a JSON answer, the most results first: a search of a common word at
# 100,000 posts has ~17,000 organisations, 1.2 MB of JSON that no client reads whole; as
# Datasette's _facet_size, a client asks for more (up to the maximum) when it wants them.
DEFAULT_FACET_SIZE = 30
MAX_FACET_SIZE = 1_000
DEFAULT_PER_PAGE = 10
MAX_QUERY_LENGTH = 1000
MAX_PAGE = 999_999_999
# Values of one filter a search may tick: 500 organisations in one address made a 7.8 MB page
# and 20 s of work. Nobody ticks this many boxes; a longer list is refused with a 400.
MAX_FILTER_VALUES = 50

_YEAR = re.compile(r"^\d{4}$")
# The ways people write a date in a filter, each giving (year, month, day) with the parts not
# written left out: 2019, 2019-03, 2019-03-12 (ISO), 03/2019, 12/03/2019 (UK order, day first),
# March 2019, 12 March 2019.
_ISO_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$")
_UK_DATE = re.compile(r"^(?:(?P<day>\d{1,2})[/.-])?(?P<month>\d{1,2})[/.-](?P<year>\d{4})$")
_WORDS_DATE = re.compile(r"^(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})$")
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        1,
    )
}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9
DATE_EXAMPLES = "2019, March 2019, 03/2019, 12/03/2019 or 2019-03-12"
_BOUND_NAMES = {"from": "Published from", "to": "Published to"}


@lru_cache(maxsize=4096)
def canonical_value(name: str, value: str) -> str:
    """A filter value as the index holds it: an organisation under its canonical name.
    Remembered: a page compares each ticked value with every listed one."""
    return (canonical_org(value) or value) if name == "org" else value


def filter_key(name: str, value: str) -> str:
    """What two filter values share when they mean the same: case, spacing and org aliases aside."""
    return value_key(canonical_value(name, value))


class InvalidParameter(ValueError):
    """A parameter with a value it cannot take; the message says what it accepts."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class SearchRequest:
    """Everything that defines one search; every field round-trips through the URL."""

    q: str = ""
    tag: tuple[str, ...] = ()
    org: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    sort: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    correct: bool = True  # show a misspelt query's corrected results when only they find posts

    @property
    def effective_sort(self) -> str:
        """The order asked for, or the default one."""
        return self.sort or self.default_sort

    @property
    def default_sort(self) -> str:
        """Relevance when there is a query to rank by, newest first otherwise."""
        return "relevance" if self.q.strip() else "newest"

    def filters(self) -> dict[str, tuple[str, ...]]:
        return {name: getattr(self, name) for name in FILTER_FIELDS}

    def with_changes(self, **changes) -> "SearchRequest":
        return replace(self, **changes)

    def to_params(self) -> list[tuple[str, str]]:
        """The canonical parameter list: fixed order, defaults and empty values dropped."""
        params: list[tuple[str, str]] = []
        if self.q.strip():
            params.append(("q", self.q.strip()))
        for name in FILTER_FIELDS:
            params.extend((name, value) for value in getattr(self, name))
        if self.date_from:
            params.append(("from", self.date_from))
        if self.date_to:
            params.append(("to", self.date_to))
        if self.sort and self.sort != self.default_sort:
            params.append(("sort", self.sort))
        if self.page != 1:
            params.append(("page", str(self.page)))
        if self.per_page != DEFAULT_PER_PAGE:
            params.append(("per_page", str(self.per_page)))
        if not self.correct:
            params.append(("correct", "no"))
        return params

    def to_json(self) -> dict:
        """The `query` object of the JSON answer."""
        data: dict = {"q": self.q}
        for name in FILTER_FIELDS:
            data[name] = list(getattr(self, name))
        data.update(
            {
                "from": self.date_from,
                "to": self.date_to,
                "sort": self.effective_sort,
                "page": self.page,
                "per_page": self.per_page,
            }
        )
        return data


class ParamSource:
    """Read access to multi-valued parameters: Werkzeug's MultiDict, or a plain dict of lists."""

    def __init__(self, params):
        self._params = params

    def getlist(self, name: str) -> list[str]:
        if hasattr(self._params, "getlist"):
            return list(self._params.getlist(name))
        value = self._params.get(name, [])
        if isinstance(value, str):
            return [value]
        return list(value)

    def get(self, name: str) -> str | None:
        values = self.getlist(name)
        return values[-1] if values else None


def request_from_params(params: Mapping | object) -> SearchRequest:
    """Validate URL (or CLI) parameters into a SearchRequest; raise InvalidParameter if one is wrong."""
    source = ParamSource(params)
    q = (source.get("q") or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidParameter("q", f"The search must be {MAX_QUERY_LENGTH} characters or fewer.")
    values = {name: _clean_values(source.getlist(name)) for name in FILTER_FIELDS}
    for name, chosen in values.items():
        if len(chosen) > MAX_FILTER_VALUES:
            raise InvalidParameter(
                name, f"Choose {MAX_FILTER_VALUES} {FILTER_PLURALS[name]} or fewer (you chose {len(chosen)})."
            )
    for year in values["year"]:
        if not _YEAR.match(year):
            raise InvalidParameter("year", f"Year must be 4 digits, like 2019 (you entered “{year}”).")
    date_from = _partial_date(source.get("from"), "from")
    date_to = _partial_date(source.get("to"), "to")
    _check_range(date_from, date_to)
    sort = (source.get("sort") or "").strip() or None
    if sort is not None and sort not in SORTS:
        raise InvalidParameter("sort", "Sort must be one of: relevance, newest, oldest.")
    page = _whole_number(
        source.get("page"), "page", f"Page must be a whole number from 1 to {MAX_PAGE:,}.", 1, MAX_PAGE, 1
    )
    per_page = _whole_number(
        source.get("per_page"),
        "per_page",
        f"Results per page (per_page) must be a whole number from 1 to {MAX_PER_PAGE}.",
        1,
        MAX_PER_PAGE,
        DEFAULT_PER_PAGE,
    )
    correct = (source.get("correct") or "yes").strip().lower()
    if correct not in ("yes", "no"):
        raise InvalidParameter("correct", "Correct must be yes or no (no keeps the spelling you typed).")
    return SearchRequest(
        q=q,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=page,
        per_page=per_page,
        correct=correct == "yes",
        **{name: tuple(vals) for name, vals in values.items()},
    )


def _clean_values(values: Iterable[str]) -> list[str]:
    """The values stripped, each once, in the order given."""
    return list(dict.fromkeys(value for value in (value.strip() for value in values) if value))


def _partial_date(value: str | None, name: str) -> str | None:
    """A date bound as people write it, in the canonical form the URL keeps: YYYY, YYYY-MM or YYYY-MM-DD."""
    if value is None or not value.strip():
        return None
    value = " ".join(value.split())
    label = _BOUND_NAMES[name]
    parts = read_date(value)
    if parts is None:
        raise InvalidParameter(name, f"{label} must be a date, like {DATE_EXAMPLES} (you entered “{value}”).")
    year, month, day = parts
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        raise InvalidParameter(
            name, f"{label} must be a real date, like {DATE_EXAMPLES} (you entered “{value}”)."
        ) from None
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")


def read_date(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) from a date written in one of the accepted forms, the parts not written
    as None; None when the text is not a date in any of them. Month and day are not checked here."""
    text = text.strip().lower()
    for pattern in (_ISO_DATE, _UK_DATE, _WORDS_DATE):
        match = pattern.match(text)
        if match is None:
            continue
        parts = match.groupdict()
        month = parts.get("month")
        if month is not None and not month.isdigit():
            month = _MONTHS.get(month)
            if month is None:
                return None
        day = parts.get("day")
        return int(parts["year"]), int(month) if month else None, int(day) if day else None
    return None


def _check_range(date_from: str | None, date_to: str | None) -> None:
    """A from date after the to date finds nothing, which is never what was meant: say so."""
    if date_from and date_to and date_from > date_to + "~":  # "~" sorts after every digit and "-"
        raise InvalidParameter(
            "from",
            f"Published from ({date_from}) is after published to ({date_to}): the dates are the "
            "wrong way round. The from date must be the same as or before the to date.",
        )


def facet_size_from(value) -> int:
    """How many values of each facet a JSON answer lists, from the `facet_size` parameter."""
    return _whole_number(
        value,
        "facet_size",
        f"Facet values (facet_size) must be a whole number from 1 to {MAX_FACET_SIZE:,}.",
        1,
        MAX_FACET_SIZE,
        DEFAULT_FACET_SIZE,
    )


def _whole_number(value, name, message, minimum, maximum, default) -> int:
    if value is None or not str(value).strip():
        return default
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:  # "¹".isdigit() is True
        raise InvalidParameter(name, message)
    number = int(text)
    if number < minimum or (maximum is not None and number > maximum):
        raise InvalidParameter(name, message)
    return number
