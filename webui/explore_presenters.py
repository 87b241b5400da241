"""The explore pages' data made ready to draw: kinds in words, the organisations index grouped and
filtered, and timelines as charts whose bars link to the narrower search.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from flask import url_for

from indexer.query import OTHER_KIND, aliases_of
from indexer.query import KINDS
from indexer.query import InvalidParameter, SearchRequest
from indexer.query import Organisation, PeriodCount, Timeline
from webui import params
from webui.charts import BarChart, ChartPoint, bar_chart

ALL_KINDS = (*KINDS, OTHER_KIND)
# Singular, as an organisation's page says what it is, then plural, as the index's headings.
KIND_NAMES = {
    "county council": ("County council", "County councils"),
    "district council": ("District council", "District councils"),
    "unitary council": ("Unitary council", "Unitary councils"),
    "metropolitan council": ("Metropolitan council", "Metropolitan councils"),
    "london borough": ("London borough", "London boroughs"),
    "welsh council": ("Welsh council", "Welsh councils"),
    "scottish council": ("Scottish council", "Scottish councils"),
    "northern irish council": ("Northern Irish council", "Northern Irish councils"),
    "town or parish council": ("Town or parish council", "Town and parish councils"),
    "combined authority": ("Combined authority", "Combined authorities"),
    "parliament": ("Parliament or assembly", "Parliaments and assemblies"),
    "government department": ("Government department", "Government departments"),
    "government agency": ("Government agency", "Government agencies"),
    "inspectorate or regulator": ("Inspectorate or regulator", "Inspectorates and regulators"),
    "court or tribunal": ("Court or tribunal", "Courts and tribunals"),
    "nhs body": ("NHS body", "NHS bodies"),
    "police or fire service": ("Police or fire service", "Police and fire services"),
    "police and crime commissioner": ("Police and crime commissioner", "Police and crime commissioners"),
    "university": ("University", "Universities"),
    "college": ("College", "Colleges"),
    "school": ("School or academy trust", "Schools and academy trusts"),
    "sector body": ("Sector body", "Sector bodies"),
    "charity": ("Charity", "Charities"),
    "think tank": ("Think tank", "Think tanks"),
    "company": ("Company", "Companies"),
    "international": ("International body", "International bodies"),
    OTHER_KIND: ("Other organisation", "Other organisations"),
}
INDEX_SORTS = {"count": "Most posts first", "name": "Name (A to Z)"}
MAX_NAME_FILTER = 200


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, KIND_NAMES[OTHER_KIND])[0]


# -- the organisations index -------------------------------------------------------------


@dataclass(frozen=True)
class IndexFilter:
    """What the organisations index is asked for: a part of a name, one kind, an order."""

    name: str = ""
    kind: str = ""
    sort: str = "count"

    def to_params(self) -> list[tuple[str, str]]:
        """The canonical query string: fixed order, defaults left out."""
        out = [("name", self.name)] if self.name else []
        out += [("kind", self.kind)] if self.kind else []
        out += [("sort", self.sort)] if self.sort != "count" else []
        return out


def index_filter(args) -> IndexFilter:
    """Validate the index's parameters; raise InvalidParameter naming a bad one."""
    cleaned = params.clean_params(args)
    name = " ".join((cleaned.get("name") or [""])[-1].split())
    kind = (cleaned.get("kind") or [""])[-1].strip()
    sort = (cleaned.get("sort") or [""])[-1].strip() or "count"
    if len(name) > MAX_NAME_FILTER:
        raise InvalidParameter("name", f"The name must be {MAX_NAME_FILTER} characters or fewer.")
    if kind and kind not in ALL_KINDS:
        raise InvalidParameter(
            "kind",
            "Kind must be one of the kinds listed on the page, such as "
            f"“county council” or “charity” (you entered “{kind}”).",
        )
    if sort not in INDEX_SORTS:
        raise InvalidParameter("sort", "Sort must be count or name.")
    return IndexFilter(name, kind, sort)


@dataclass
class KindGroup:
    kind: str
    heading: str
    organisations: list[Organisation]

    @property
    def id(self) -> str:
        return "kind-" + self.kind.replace(" ", "-")


def group_by_kind(organisations: list[Organisation], wanted: IndexFilter) -> list[KindGroup]:
    """The organisations that match, under their kinds in a fixed order."""
    needle = wanted.name.casefold()
    groups: dict[str, list[Organisation]] = {}
    for org in organisations:
        if wanted.kind and org.kind != wanted.kind:
            continue
        if needle and not any(needle in name.casefold() for name in (org.name, *aliases_of(org.name))):
            continue
        groups.setdefault(org.kind if org.kind in KIND_NAMES else OTHER_KIND, []).append(org)
    if wanted.sort == "name":
        order = lambda org: (org.name.casefold(), org.name)  # noqa: E731
    else:
        order = lambda org: (-org.count, org.name.casefold())  # noqa: E731
    return [
        KindGroup(kind, KIND_NAMES[kind][1], sorted(groups[kind], key=order)) for kind in ALL_KINDS if kind in groups
    ]


def kind_options(organisations: list[Organisation], chosen: str) -> list[dict]:
    """Items for the kind select: every kind that has posts, with how many bodies."""
    counts: dict[str, int] = {}
    for org in organisations:
        counts[org.kind] = counts.get(org.kind, 0) + 1
    items = [{"value": "", "text": "All kinds", "selected": not chosen}]
    items += [
        {"value": kind, "text": f"{KIND_NAMES[kind][1]} ({counts.get(kind, 0)})", "selected": kind == chosen}
        for kind in ALL_KINDS
        if counts.get(kind) or kind == chosen
    ]
    return items


def index_url(wanted: IndexFilter) -> str:
    return params.with_query(url_for("orgs.organisations"), wanted.to_params())


# -- charts -------------------------------------------------------------------------------


def timeline_chart(timeline: Timeline, search: SearchRequest) -> BarChart:
    """The results page's timeline: each bar links to the same search within its period."""
    bars = timeline.bars
    if timeline.unit == "year":
        caption = f"Results per year, {bars[0].period} to {bars[-1].period}. Select a year to see its results."
    else:
        caption = (
            f"Results per month, {_month_name(bars[0].period)} to {_month_name(bars[-1].period)}. "
            "Select a month to see its results."
        )
    points = [
        _point(timeline.unit, bar, i, params.search_url(params.period_search(search, timeline.unit, bar.period)))
        for i, bar in enumerate(bars)
    ]
    return bar_chart("timeline", caption, timeline.unit, points, timeline.undated)


def years_chart(org: Organisation, years: list[PeriodCount]) -> BarChart | None:
    """An organisation's posts per year, gaps included; None when they all fall in one year."""
    if len(years) < 2:
        return None
    counts = {int(y.period): y.count for y in years}
    first, last = min(counts), max(counts)
    points = [
        _point("year", PeriodCount(str(y), counts.get(y, 0)), y - first, params.search_url(org.search(year=(str(y),))))
        for y in range(first, last + 1)
    ]
    caption = f"Posts naming {org.name} per year, {first} to {last}. Select a year to see its posts."
    return bar_chart("years", caption, "year", points)


def _point(unit: str, bar: PeriodCount, index: int, url: str) -> ChartPoint:
    if unit == "year":
        return ChartPoint(bar.period, bar.period, bar.count, url)
    month = _month(bar.period)
    sublabel = str(month.year) if index == 0 or month.month == 1 else ""
    return ChartPoint(f"{month:%b}", _month_name(bar.period), bar.count, url, sublabel)


def _month(period: str) -> datetime.date:
    return datetime.date(int(period[:4]), int(period[5:7]), 1)


def _month_name(period: str) -> str:
    return f"{_month(period):%B %Y}"
