"""What the query service answers: plain data that the CLI and every web format render.

No web paths here: the web layer (webui/json.py) shapes the JSON answers and their links.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from indexer.query.request import SearchRequest
from indexer.store import IndexUnavailable  # noqa: F401  (the web and CLI catch it from here)


class FacetValue(NamedTuple):
    """One value of a facet with its count. A named tuple: a search makes a thousand or more
    (every value with results goes to the JSON answer), four times as fast as a dataclass."""

    value: str
    count: int
    selected: bool

    def to_json(self) -> dict:
        return {"value": self.value, "count": self.count, "selected": self.selected}


@dataclass(frozen=True)
class Correction:
    """A misspelt query whose corrected form is shown instead, because only that finds posts."""

    typed: str
    to: str


@dataclass
class Hit:
    """One matching document: its stored fields (no body), a snippet and a score."""

    document: dict
    snippet: str
    score: float | None
    title_html: str | None = None  # the title, escaped, with the matched words in <mark>

    @property
    def id(self) -> str:
        return self.document["id"]


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
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


@dataclass
class DocumentPage:
    """One document in full, its body split into paragraphs with the query's words in <mark>."""

    document: dict
    paragraphs: list[str]
    more_like_this: list[dict] = field(default_factory=list)


@dataclass
class IndexStatus:
    documents: int
    indexed_at: str | None
    size_bytes: int = 0


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
