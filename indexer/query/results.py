"""What the query service answers: plain data that the CLI and every web format render."""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.query.org_names import org_path
from indexer.query.request import FILTER_FIELDS, SearchRequest
from indexer.store import IndexUnavailable  # noqa: F401  (the web and CLI catch it from here)


@dataclass(frozen=True)
class FacetValue:
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

    def to_json(self) -> dict:
        doc = self.document
        return {
            "id": doc["id"],
            "url": f"/doc/{doc['id']}",
            "title": doc["title"],
            "date": doc["date"],
            "author": doc["author"],
            "source": doc["source"],
            "tags": doc["tags"],
            "categories": doc["categories"],
            "organisations": doc["organisations"],
            "snippet": self.snippet,
            "score": None if self.score is None else round(self.score, 4),
        }


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

    def to_json(self) -> dict:
        """Exactly what /api/search and `lgsearch search --json` print."""
        suggestion = corrected = None
        if self.suggestion is not None:
            suggestion = {"q": self.suggestion, "url": self.suggestion_request.url("/search")}
        if self.corrected is not None:
            corrected = {"from": self.corrected.typed, "to": self.corrected.to,
                         "url": self.as_typed_request.url("/search")}
        return {
            "query": self.request.to_json(),
            "total": self.total,
            "pages": self.pages,
            "results": [hit.to_json() for hit in self.hits],
            "facets": {name: [v.to_json() for v in self.facets.get(name, [])] for name in FILTER_FIELDS},
            "suggestion": suggestion,
            "corrected": corrected,
            "notice": self.notice,
        }


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

    @property
    def path(self) -> str:
        return org_path(self.name)

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
    """Everything an organisation's page shows, and its JSON."""

    organisation: Organisation
    aliases: list[str]
    years: list[PeriodCount]
    undated: int
    newest: list[dict]
    named_with: list[Organisation]  # each count is of posts naming both
    tags: list[FacetValue]
    authors: list[FacetValue]

    def to_json(self) -> dict:
        """Exactly what /api/org/<name> answers."""
        org = self.organisation
        return {
            "name": org.name,
            "kind": org.kind,
            "aliases": self.aliases,
            "url": org.path,
            "posts": org.count,
            "search_url": org.search().url(),
            "undated": self.undated,
            "years": [{"year": y.period, "count": y.count, "search_url": org.search(year=(y.period,)).url()}
                      for y in self.years],
            "newest": [{"id": doc["id"], "url": f"/doc/{doc['id']}", "title": doc["title"], "date": doc["date"],
                        "source": doc["source"], "author": doc["author"]} for doc in self.newest],
            "named_with": [{"name": other.name, "kind": other.kind, "url": other.path, "posts": other.count,
                            "search_url": org.search_with(other).url()} for other in self.named_with],
            "tags": [{"value": t.value, "count": t.count, "search_url": org.search(tag=(t.value,)).url()}
                     for t in self.tags],
            "authors": [{"value": a.value, "count": a.count, "search_url": org.search(author=(a.value,)).url()}
                        for a in self.authors],
        }
