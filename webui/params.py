"""URL parameters in, canonical URLs out: every link on every page is built here.

All page state lives in the query string, so a link is always a `SearchRequest` with one thing
changed, written out by `SearchRequest.to_params()` (fixed order, defaults dropped). That keeps
bookmarks stable: the same search always has the same URL. Paths come from Flask's `url_for`,
so the app works under a path prefix (SCRIPT_NAME) and the query service knows no web paths.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import current_app, g, url_for

from indexer.query import display_name
from indexer.query import (
    FILTER_FIELDS,
    MAX_QUERY_LENGTH,
    InvalidParameter,
    SearchRequest,
    canonical_value,
    filter_key,
    request_from_params,
)

# The filters' names are the query service's, for every page and the command line alike.
from indexer.query import FILTER_LABELS, FILTER_PLURALS  # noqa: F401
from indexer.query import CONTROL_CHARS


# The order the filters appear down the side of the page.
FILTER_ORDER = ("org", "tag", "category", "source", "author", "year")
SEARCH_PARAMETERS = ("q", *FILTER_FIELDS, "from", "to", "sort", "page", "per_page", "correct")
# The form's search box takes no more than a search may be (a longer one gets a 400 saying so).
QUERY_MAXLENGTH = MAX_QUERY_LENGTH

# Control characters never mean anything in a search; a null byte in particular must not reach
# the index, so they are removed before validation (and the canonical URL drops them). Tabs and
# line breaks become spaces.
_WHITESPACE_CONTROLS = re.compile(r"[\t\r\n]")


def clean_params(args) -> dict[str, list[str]]:
    """The request's parameters with control characters removed, as request.py reads them."""
    return {name: [_clean(value) for value in args.getlist(name)] for name in args.keys()}


def _clean(value: str) -> str:
    return CONTROL_CHARS.sub("", _WHITESPACE_CONTROLS.sub(" ", value))


def parse_search(args) -> SearchRequest:
    """The validated search a URL asks for; raises InvalidParameter naming the bad parameter."""
    return request_from_params(clean_params(args))


def lenient_search(args) -> SearchRequest:
    """The search with every invalid parameter left out: used to refill the form beside an error."""
    params = clean_params(args)
    for _ in SEARCH_PARAMETERS:
        try:
            return request_from_params(params)
        except InvalidParameter as error:
            params = {name: values for name, values in params.items() if name != error.name}
    return SearchRequest()


def is_canonical(args, search: SearchRequest) -> bool:
    """True when the query string is already exactly the canonical one (so no redirect is needed)."""
    return list(args.items(multi=True)) == search.to_params()


def with_query(path: str, query: list[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def search_endpoint(search: SearchRequest) -> str:
    """The page a search belongs on: the front page for the empty search, /search otherwise."""
    return "views.search" if search.to_params() else "views.home"


def search_url(search: SearchRequest, external: bool = False) -> str:
    """The canonical URL of a search (a full address when `external`, as feeds need)."""
    return with_query(url_for(search_endpoint(search), _external=external), search.to_params())


def format_url(search: SearchRequest, endpoint: str, external: bool = False) -> str:
    """The same search in another format: `api.api_search`, `feeds.search_csv` or `feeds.search_atom`."""
    return with_query(url_for(endpoint, _external=external), search.to_params())


def same_value(name: str, first: str, second: str) -> bool:
    """Whether two filter values mean the same, as the service compares them (case, org aliases)."""
    return filter_key(name, first) == filter_key(name, second)


def with_filter_toggled(search: SearchRequest, name: str, value: str, selected: bool | None = None) -> SearchRequest:
    """Tick or untick one filter value; the page goes back to 1 because the results change."""
    values = getattr(search, name)
    if selected is None:
        selected = any(same_value(name, value, v) for v in values)
    if selected:
        changed = tuple(v for v in values if not same_value(name, value, v))
    else:
        changed = (*values, value)
    return search.with_changes(page=1, **{name: changed})


def toggle_filter_url(search: SearchRequest, name: str, value: str, selected: bool | None = None) -> str:
    return search_url(with_filter_toggled(search, name, value, selected))


def with_canonical_orgs(search: SearchRequest) -> SearchRequest:
    """Organisations by their canonical names (`org=LGA` becomes the Local Government Association)."""
    names: list[str] = []
    for value in search.org:
        name = canonical_value("org", value)
        if name not in names:
            names.append(name)
    return search.with_changes(org=tuple(names))


def without_date_url(search: SearchRequest, bound: str) -> str:
    attribute = "date_from" if bound == "from" else "date_to"
    return search_url(search.with_changes(page=1, **{attribute: None}))


def without_filters(search: SearchRequest) -> SearchRequest:
    """The same words, sort and page size with every filter taken off."""
    cleared = {name: () for name in FILTER_FIELDS}
    return search.with_changes(page=1, date_from=None, date_to=None, **cleared)


def path_url(endpoint: str, name: str, value: str, external: bool = False) -> str:
    """url_for(endpoint, name=value) for a route ending in `<path:name>`: the address up to the
    value is worked out once a request and the value encoded by the route's own converter, as
    url_for encodes it. A results page links to a hundred or more organisations and a download to
    every document; url_for each was a seventh of drawing a page and half of writing the rows."""
    urls = g.get("path_urls")
    if urls is None:
        urls = g.path_urls = _PathUrls(current_app.url_map.converters["path"](current_app.url_map).to_url)
    prefix = urls.prefixes.get((endpoint, external))
    if prefix is None:
        placeholder = "x"
        prefix = urls.prefixes[(endpoint, external)] = url_for(endpoint, **{name: placeholder}, _external=external)[
            : -len(placeholder)
        ]
    encoded = urls.encoded.get(value)
    if encoded is None:
        encoded = urls.encoded[value] = urls.encode(value)
    return prefix + encoded


class _PathUrls:
    """A request's address prefixes and encoded values for path_url, kept in one place of `g`
    (each read of `g` goes through a context lookup)."""

    def __init__(self, encode):
        self.encode = encode
        self.prefixes: dict[tuple[str, bool], str] = {}
        self.encoded: dict[str, str] = {}


def page_url(search: SearchRequest, page: int) -> str:
    return search_url(search.with_changes(page=page))


def filter_only_url(name: str, value: str) -> str:
    """A fresh search for one metadata value, as linked from a document's details."""
    return search_url(SearchRequest(**{name: (value,)}))


def document_url(doc_id: str, search: SearchRequest | None = None, external: bool = False) -> str:
    """A document's page; the search it was found by rides along for highlighting and the way back.
    url_for percent-encodes the id (`東京` as `%E6%9D%B1%E4%BA%AC`)."""
    path = path_url("views.document", "doc_id", doc_id, external)
    return with_query(path, search.to_params() if search is not None else [])


def api_document_url(doc_id: str) -> str:
    return url_for("api.api_document", doc_id=doc_id)


# -- Explore: organisation pages and timeline bars -----------------------------------------
#
# An organisation's address is its shown name with spaces written as underscores
# (/org/Local_Government_Association), percent-encoded by url_for where a URL needs it: readable,
# stable, and read back by turning underscores into spaces. No canonical name has an underscore.


def org_segment(name: str) -> str:
    """The address segment of the body a name (as indexed or as shown) means, before encoding."""
    return display_name(name).replace(" ", "_")


def name_from_segment(segment: str) -> str:
    """The name an address asks for (already percent-decoded): the inverse of org_segment."""
    return " ".join(segment.replace("_", " ").split())


def org_url(name: str) -> str:
    """The page of the body a name (as indexed or as shown) means."""
    return path_url("orgs.organisation", "name", org_segment(name))


def period_search(search: SearchRequest, unit: str, period: str) -> SearchRequest:
    """The same search narrowed to one timeline bar: a year filter, or a month's date bounds
    (kept within any bounds already set, so the bar's count is the new search's total)."""
    if unit == "year":
        return search.with_changes(year=(period,), page=1)
    date_from = max(period, search.date_from or period)
    date_to = min(period, search.date_to or period, key=lambda bound: bound + "~")
    return search.with_changes(date_from=date_from, date_to=date_to, page=1)


def api_org_url(name: str) -> str:
    return url_for("api.api_organisation", name=org_segment(name))


def facet_values_url(search: SearchRequest, name: str) -> str:
    """The page listing every value of one filter for this search (the results page lists the top ones)."""
    return with_query(url_for("views.facet_values", name=name), search.with_changes(page=1).to_params())
