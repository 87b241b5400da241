"""The JSON answers of /api/search and /api/org/<name>, shaped from the query service's results.

They carry links, so they are built here with url_for rather than by the query service, which
knows no web paths. `lgsearch search --json` prints `search_result(...)` too, so the two agree.
"""

from __future__ import annotations

from indexer.query import DEFAULT_FACET_SIZE, FILTER_FIELDS, Hit, OrganisationProfile, SearchResult
from webui import params


def search_result(result: SearchResult, facet_size: int = DEFAULT_FACET_SIZE) -> dict:
    """Exactly what /api/search and `lgsearch search --json` print (see the contract): each
    facet's first `facet_size` values, and in `facets_more` whether it has more."""
    suggestion = corrected = None
    if result.suggestion is not None:
        suggestion = {"q": result.suggestion, "url": params.search_url(result.suggestion_request)}
    if result.corrected is not None:
        corrected = {
            "from": result.corrected.typed,
            "to": result.corrected.to,
            "url": params.search_url(result.as_typed_request),
        }
    return {
        "query": result.request.to_json(),
        "total": result.total,
        "pages": result.pages,
        "results": [hit_json(hit) for hit in result.hits],
        "facets": {
            name: result.facets[name].to_json(facet_size) if name in result.facets else [] for name in FILTER_FIELDS
        },
        "suggestion": suggestion,
        "corrected": corrected,
        "notice": result.notice,
        "facets_more": {
            name: len(result.facets[name]) > facet_size if name in result.facets else False for name in FILTER_FIELDS
        },
    }


def hit_json(hit: Hit) -> dict:
    doc = hit.document
    return {
        "id": doc["id"],
        "url": params.document_url(doc["id"]),
        "title": doc["title"],
        "date": doc["date"],
        "author": doc["author"],
        "source": doc["source"],
        "tags": doc["tags"],
        "categories": doc["categories"],
        "organisations": doc["organisations"],
        "source_url": doc["source_url"],
        "snippet": hit.snippet,
        "score": None if hit.score is None else round(hit.score, 4),
    }


def organisation_profile(profile: OrganisationProfile) -> dict:
    """Exactly what /api/org/<name> answers."""
    org = profile.organisation

    def search_url(**changes) -> str:
        return params.search_url(org.search(**changes))

    return {
        "name": org.name,
        "kind": org.kind,
        "aliases": profile.aliases,
        "url": params.org_url(org.name),
        "posts": org.count,
        "search_url": search_url(),
        "undated": profile.undated,
        "years": [
            {"year": y.period, "count": y.count, "search_url": search_url(year=(y.period,))} for y in profile.years
        ],
        "newest": [
            {
                "id": doc["id"],
                "url": params.document_url(doc["id"]),
                "title": doc["title"],
                "date": doc["date"],
                "source": doc["source"],
                "author": doc["author"],
            }
            for doc in profile.newest
        ],
        "named_with": [
            {
                "name": other.name,
                "kind": other.kind,
                "url": params.org_url(other.name),
                "posts": other.count,
                "search_url": params.search_url(org.search_with(other)),
            }
            for other in profile.named_with
        ],
        "tags": [{"value": t.value, "count": t.count, "search_url": search_url(tag=(t.value,))} for t in profile.tags],
        "authors": [
            {"value": a.value, "count": a.count, "search_url": search_url(author=(a.value,))} for a in profile.authors
        ],
    }
