"""A SearchResult made ready to draw: each facet value, tag and page link arrives with its URL.

Templates stay simple (loops and fields) because every decision about what a link means is
made here, from the canonical URL helpers in params.py.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from indexer.query import display_name
from indexer.query import SearchRequest
from indexer.query import SearchResult
from webui import params

# A facet list longer than this gets a box to search it and scrolls within a box of limited height.
FACET_VISIBLE = 10
# At most this many values of one facet are listed on the results page (ticked ones always are):
# a list of a thousand organisations took most of a page's time to draw. Every value is on the
# facet's own page (facet_values_page), reached from a link under the list.
FACET_LISTED = 100
ORGANISATIONS_PER_RESULT = 5


@dataclass
class FacetOption:
    value: str
    count: int
    selected: bool
    input_id: str


@dataclass
class FacetGroup:
    name: str
    label: str
    plural: str
    options: list[FacetOption]  # ticked values first, then the most results first
    unlisted: int = 0  # values with results that are not listed (past FACET_LISTED)

    @property
    def total(self) -> int:
        return len(self.options)

    @property
    def long(self) -> bool:
        """A list long enough to need its search box and a scrolling box."""
        return len(self.options) > FACET_VISIBLE


@dataclass
class SelectedFilter:
    label: str
    value: str
    remove_url: str


def facet_groups(result: SearchResult) -> list[FacetGroup]:
    """One group per filter, ticked values first, then the values with most results."""
    groups = []
    used_ids: set[str] = set()
    for name in params.FILTER_ORDER:
        # The service lists every ticked value (with a count of 0 if nothing has it any more),
        # so each can be unticked.
        values = result.facets.get(name, [])
        if not values:
            continue
        listed = values[:FACET_LISTED] + values.selected_from(FACET_LISTED)
        groups.append(
            FacetGroup(
                name,
                params.FILTER_LABELS[name],
                params.FILTER_PLURALS[name],
                facet_options(name, listed, used_ids),
                len(values) - len(listed),
            )
        )
    return groups


def facet_options(name: str, values, used_ids: set[str]) -> list[FacetOption]:
    """Checkboxes for a facet's values, the ticked ones first (so they are never scrolled out of sight)."""
    ordered = [v for v in values if v.selected] + [v for v in values if not v.selected]
    return [FacetOption(v.value, v.count, v.selected, _unique_id(f"{name}-{v.value}", used_ids)) for v in ordered]


def facet_values_page(result: SearchResult, name: str) -> FacetGroup:
    """Every value of one facet for a search, for the page that lists them all."""
    values = result.facets.get(name, [])
    return FacetGroup(name, params.FILTER_LABELS[name], params.FILTER_PLURALS[name], facet_options(name, values, set()))


def selected_filters(search: SearchRequest) -> list[SelectedFilter]:
    """The filters in force, each with the URL that removes just that one."""
    chosen = []
    for name in params.FILTER_ORDER:
        for value in getattr(search, name):
            chosen.append(
                SelectedFilter(params.FILTER_LABELS[name], value, params.toggle_filter_url(search, name, value))
            )
    if search.date_from:
        chosen.append(SelectedFilter("Published from", search.date_from, params.without_date_url(search, "from")))
    if search.date_to:
        chosen.append(SelectedFilter("Published to", search.date_to, params.without_date_url(search, "to")))
    return chosen


def pagination(result: SearchResult) -> dict | None:
    """Parameters for the govukPagination macro: first, last, current and its neighbours."""
    search = result.request
    pages = result.pages
    if pages <= 1 or search.page > pages:
        return None
    current = search.page
    shown = sorted({1, pages, current - 1, current, current + 1} & set(range(1, pages + 1)))
    items: list[dict] = []
    previous_number = 0
    for number in shown:
        if number - previous_number > 1:
            items.append({"ellipsis": True})
        items.append({"number": str(number), "href": params.page_url(search, number), "current": number == current})
        previous_number = number
    data: dict = {"items": items, "landmarkLabel": "Results pages"}
    if current > 1:
        data["previous"] = {"href": params.page_url(search, current - 1)}
    if current < pages:
        data["next"] = {"href": params.page_url(search, current + 1)}
    return data


def sort_options(search: SearchRequest) -> list[dict]:
    """Items for the sort select. The default order submits an empty value, so a new query
    typed into the same form gets its own default (relevance) rather than the old page's."""
    names = {"relevance": "Most relevant", "newest": "Newest", "oldest": "Oldest"}
    default = search.default_sort
    chosen = search.effective_sort
    return [
        {"value": "" if value == default else value, "text": text, "selected": value == chosen}
        for value, text in names.items()
        if value != "relevance" or search.q or chosen == "relevance"
    ]


def display_date(value) -> str:
    """GOV.UK style: 4 March 2019. A partial or odd date is shown as it is stored."""
    if not value:
        return ""
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


def site_name(address: str, source: str | None = None) -> str:
    """What "Read the original on ..." names: the post's site as the index knows it, or the
    address's host without `www.`."""
    if source:
        return source
    host = urlsplit(address).hostname or address
    return host.removeprefix("www.")


def organisations_line(organisations: list[str]) -> tuple[list[str], int]:
    """The first few organisations named, and how many more there are."""
    organisations = list(organisations or [])
    return organisations[:ORGANISATIONS_PER_RESULT], max(0, len(organisations) - ORGANISATIONS_PER_RESULT)


_ID_UNSAFE = re.compile(r"[^a-z0-9]+")


def _unique_id(text: str, used: set[str]) -> str:
    """A stable element id for a checkbox, so focus can return to it after the page reloads."""
    base = "filter-" + (_ID_UNSAFE.sub("-", text.lower()).strip("-") or "value")
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    used.add(candidate)
    return candidate


def org_name(indexed: str) -> str:
    """An organisation's name as its page shows it (the index drops commas from names)."""
    return display_name(indexed)


def count_text(result: SearchResult) -> str:
    """How many results, as the heading, the page title and the live region say it: "1,234 results"."""
    if not result.total:
        return "No results"
    return f"{result.total:,} {'result' if result.total == 1 else 'results'}"


def page_title(search: SearchRequest, result: SearchResult | None) -> str:
    """The results page's title, with the count a screen reader hears first on each new page."""
    parts = [f"{search.q}: " if search.q else ""]
    if result is not None:
        parts.append(count_text(result))
        if search.page > 1:
            parts.append(f", page {search.page}")
        parts.append(" – ")
    return "".join(parts) + "Search"


def has_alternatives(search: SearchRequest) -> bool:
    """Whether one filter has two or more values ticked, which widens the results ("any of")."""
    return any(len(getattr(search, name)) > 1 for name in params.FILTER_ORDER)
