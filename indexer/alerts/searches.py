"""A subscription's search as it is stored: the canonical query string of the search, without
what only changes how results are shown (page, page size, order). Alerts always list newest first."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from indexer.query import FILTER_FIELDS, FILTER_LABELS, SearchRequest, canonical_value, request_from_params

# The order filters are described in, as down the side of the results page.
_DESCRIBED = ("org", "tag", "category", "source", "author", "year")


def alert_search(search: SearchRequest) -> SearchRequest:
    """The search an alert follows: the same words and filters, first page, default size and order."""
    shown = SearchRequest()  # how results are shown by default
    orgs = tuple(dict.fromkeys(canonical_value("org", value) for value in search.org))
    return search.with_changes(org=orgs, page=shown.page, per_page=shown.per_page, sort=shown.sort)


def stored_search(search: SearchRequest) -> str:
    """What the database keeps: the alert's search as a canonical query string ("" for every post)."""
    return urlencode(alert_search(search).to_params())


def search_from_stored(query_string: str) -> SearchRequest:
    """The stored search read back (raises InvalidParameter if it was written by hand and is wrong)."""
    return request_from_params(parse_qs(query_string, keep_blank_values=True))


def newest_first(search: SearchRequest) -> SearchRequest:
    """The search as its emails link to it: newest posts first."""
    return search.with_changes(sort="newest")


def describe(search: SearchRequest) -> str:
    """The search in a line, for emails, pages and the operator's list: “ofsted”, Organisation: Ofsted."""
    parts = [f"“{search.q}”"] if search.q else []
    for name in _DESCRIBED:
        values = getattr(search, name)
        if values:
            parts.append(f"{FILTER_LABELS[name]}: {' or '.join(values)}")
    if search.date_from and search.date_to:
        parts.append(f"published {search.date_from} to {search.date_to}")
    elif search.date_from:
        parts.append(f"published from {search.date_from}")
    elif search.date_to:
        parts.append(f"published up to {search.date_to}")
    return ", ".join(parts) if parts else "all posts"


assert set(_DESCRIBED) == set(FILTER_FIELDS)
