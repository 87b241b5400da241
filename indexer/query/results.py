"""What the query service answers: plain data that the CLI and every web format render.

No web paths here: the web layer (webui/answers.py) shapes the JSON answers and their links.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from indexer.query.request import SearchRequest
from indexer.store import IndexUnavailable  # noqa: F401  (the web and CLI catch it from here)


class FacetValue(NamedTuple):
    """One value of a facet with its count (a named tuple: quick to make, and a search can list
    a thousand or more)."""

    value: str
    count: int
    selected: bool

    def to_json(self) -> dict:
        return {"value": self.value, "count": self.count, "selected": self.selected}


class FacetValues(Sequence):
    """A facet's values in listing order, each made a FacetValue only when read: a search at
    20,000 posts lists some 1,300 values, a results page shows a hundred of each facet, and
    making them all was a tenth of a page's time. Read like a list."""

    __slots__ = ("_labels", "_order", "_counts", "_ticked")
    _shared = ("_labels",)  # the generation's, not counted in an answer's size (cache.py)

    def __init__(self, labels: list[str], order: list[int], counts: list[int], ticked: frozenset[int] = frozenset()):
        self._labels = labels  # by value number; shared by every search of the generation
        self._order = order  # value numbers, in listing order
        self._counts = counts  # each listed value's count, in the same order
        self._ticked = ticked  # value numbers the request ticked

    @classmethod
    def of(cls, values: list[FacetValue]) -> "FacetValues":
        return cls(
            [v.value for v in values],
            list(range(len(values))),
            [v.count for v in values],
            frozenset(at for at, v in enumerate(values) if v.selected),
        )

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, at):
        if isinstance(at, slice):
            return [self._value(place) for place in range(*at.indices(len(self._order)))]
        if at < 0:
            at += len(self._order)
        if not 0 <= at < len(self._order):
            raise IndexError(at)
        return self._value(at)

    def __iter__(self):
        return map(self._value, range(len(self._order)))

    def _value(self, place: int) -> FacetValue:
        number = self._order[place]
        return FacetValue(self._labels[number], self._counts[place], number in self._ticked)

    def to_json(self, size: int | None = None) -> list[dict]:
        """The first `size` values (all when None) as the contract's JSON, and every ticked value
        wherever it is listed, made straight from the counts: a FacetValue each first took half
        the time of a JSON answer from the cache."""
        labels, ticked = self._labels, self._ticked
        listed = len(self._order)
        places = (
            range(listed)
            if size is None or size >= listed
            else [*range(size), *(place for place in range(size, listed) if ticked and self._order[place] in ticked)]
        )
        return [
            {
                "value": labels[self._order[place]],
                "count": self._counts[place],
                "selected": self._order[place] in ticked,
            }
            for place in places
        ]

    def selected_from(self, start: int) -> list[FacetValue]:
        """The ticked values listed at `start` or later."""
        if not self._ticked:
            return []
        return [self._value(place) for place in range(start, len(self._order)) if self._order[place] in self._ticked]

    def __eq__(self, other) -> bool:
        if isinstance(other, (list, tuple, FacetValues)):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FacetValues({list(self)!r})"


@dataclass(frozen=True)
class Correction:
    """A misspelt query whose corrected form is shown instead, because only that finds posts."""

    typed: str
    to: str


@dataclass(frozen=True)
class Hit:
    """One matching document: its stored fields (no body), a snippet and a score."""

    document: dict
    snippet: str
    score: float | None
    title_html: str | None = None  # the title, escaped, with the matched words in <mark>

    @property
    def id(self) -> str:
        return self.document["id"]


@dataclass(frozen=True)
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, FacetValues]
    suggestion: str | None = None
    notice: str | None = None
    corrected: Correction | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page)) if self.total else 0

    @property
    def suggestion_request(self) -> SearchRequest | None:
        if self.suggestion is None:
            return None
        return self.request.with_changes(q=self.suggestion, page=1, correct=True)

    @property
    def as_typed_request(self) -> SearchRequest | None:
        """The same search without correcting its spelling: "Search instead for ..."."""
        if self.corrected is None:
            return None
        return self.request.with_changes(page=1, correct=False)


@dataclass(frozen=True)
class DocumentPage:
    """One document in full, its body split into paragraphs with the query's words in <mark>."""

    document: dict
    paragraphs: list[str]
    more_like_this: list[dict] = field(default_factory=list)
    more_like_this_skipped: bool = False  # not found within the time limit


@dataclass
class IndexStatus:
    documents: int
    indexed_at: str | None
    size_bytes: int = 0
    # Saved pages by how their text was found ("article", "recall", "visible text").
    extraction: dict[str, int] = field(default_factory=dict)


# -- Explore: organisation pages and timelines -------------------------------------------


@dataclass(frozen=True)
class PeriodCount:
    """Posts published in one year (`2019`) or one month (`2019-03`)."""

    period: str
    count: int


@dataclass
class Timeline:
    """How a search's results spread over time: one bar per year, or per month over a short span."""

    unit: str  # "year" or "month"
    bars: list[PeriodCount]
    undated: int = 0

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)


@dataclass(frozen=True)
class Organisation:
    """One body with posts: its name as shown, as the index holds it (for searches), kind and count."""

    name: str
    indexed: str
    kind: str
    count: int

    def search(self, **changes) -> SearchRequest:
        """The posts naming this body, narrowed by `changes` (a year, a tag, ...)."""
        return SearchRequest(org=(self.indexed,), **changes)

    @property
    def term(self) -> str:
        """This body as a query term: `org:"Local Government Association"`."""
        return 'org:"{}"'.format(self.indexed.replace('"', " "))

    def search_with(self, other: "Organisation") -> SearchRequest:
        """The posts naming both bodies: one filter parameter widens (OR), so this is a query."""
        return SearchRequest(q=f"{self.term} AND {other.term}")


@dataclass
class OrganisationProfile:
    """Everything an organisation's page and its JSON show."""

    organisation: Organisation
    aliases: list[str]
    years: list[PeriodCount]
    undated: int
    newest: list[dict]
    named_with: list[Organisation]  # each count is of posts naming both
    tags: list[FacetValue]
    authors: list[FacetValue]
