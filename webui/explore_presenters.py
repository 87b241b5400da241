"""The explore pages' data made ready to draw: kinds in words, and charts whose bars link to the
narrower search.
"""
from __future__ import annotations

import datetime

from indexer.org_names import OTHER_KIND
from indexer.results import Organisation, PeriodCount
from webui import params
from webui.charts import BarChart, ChartPoint, bar_chart

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
    "government department": ("Government department", "Government departments"),
    "government agency": ("Government agency", "Government agencies"),
    "inspectorate or regulator": ("Inspectorate or regulator", "Inspectorates and regulators"),
    "nhs body": ("NHS body", "NHS bodies"),
    "police or fire service": ("Police or fire service", "Police and fire services"),
    "university": ("University", "Universities"),
    "college": ("College", "Colleges"),
    "school": ("School or academy trust", "Schools and academy trusts"),
    "sector body": ("Sector body", "Sector bodies"),
    "charity": ("Charity", "Charities"),
    "think tank": ("Think tank", "Think tanks"),
    "company": ("Company", "Companies"),
    OTHER_KIND: ("Other organisation", "Other organisations"),
}


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, KIND_NAMES[OTHER_KIND])[0]


# -- charts -------------------------------------------------------------------------------

def years_chart(org: Organisation, years: list[PeriodCount]) -> BarChart | None:
    """An organisation's posts per year, gaps included; None when they all fall in one year."""
    if len(years) < 2:
        return None
    counts = {int(y.period): y.count for y in years}
    first, last = min(counts), max(counts)
    points = [_point("year", PeriodCount(str(y), counts.get(y, 0)), y - first,
                     params.search_url(org.search(year=(str(y),)))) for y in range(first, last + 1)]
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
