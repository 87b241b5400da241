"""Explore: a page for every organisation, the index of them, and a search's timeline.

Built only from the query service's public answers (searches and their facet counts), so the
numbers on these pages are always the totals of the searches they link to.
"""

from __future__ import annotations

import logging

from indexer.query.org_names import aliases_of, display_name, kind_of, name_key
from indexer.organisations import canonical_org
from indexer.query.request import SearchRequest
from indexer.query.results import Organisation, OrganisationProfile, PeriodCount, SearchResult, Timeline
from indexer.query.service import SearchService

logger = logging.getLogger(__name__)

NEWEST = 5  # posts listed on an organisation's page
TOP = 10  # bodies, tags and authors listed on an organisation's page
MONTHS_WITHIN_YEARS = 2  # results within this many calendar years are drawn month by month


class Explorer:
    """Answers the explore pages from a SearchService."""

    def __init__(self, service: SearchService):
        self.service = service

    def organisations(self) -> list[Organisation]:
        """Every body named in at least one post, most often named first."""
        everything = self.service.search(SearchRequest(per_page=1))
        return [_organisation(value.value, value.count) for value in everything.facets.get("org", []) if value.count]

    def find(self, name: str) -> Organisation | None:
        """The body a name means: its own name, another case or spacing, or an alias (LGA)."""
        known = self.organisations()
        for org in known:
            if org.name == name:
                return org
        by_key = {name_key(org.name): org for org in known}
        found = by_key.get(name_key(name))
        if found is None:
            typed = canonical_org(name)
            found = by_key.get(name_key(typed)) if typed else None
        return found

    def profile(self, org: Organisation) -> OrganisationProfile:
        """What its page shows: counts by year, newest posts, and what else those posts name."""
        naming = self.service.search(org.search(sort="newest", per_page=NEWEST))
        # One filter parameter widens with OR, so the org facet under an org filter counts every
        # post; the bodies named alongside come from the same posts found by the query instead.
        together = self.service.search(SearchRequest(q=org.term, per_page=1))
        if together.total != naming.total:
            logger.warning("%s: %d posts by filter but %d by query", org.name, naming.total, together.total)
        years = sorted(
            (PeriodCount(v.value, v.count) for v in naming.facets.get("year", []) if v.count), key=lambda y: y.period
        )
        named_with = [
            _organisation(v.value, v.count)
            for v in together.facets.get("org", [])
            if v.count and name_key(v.value) != name_key(org.name)
        ]
        return OrganisationProfile(
            organisation=Organisation(org.name, org.indexed, org.kind, naming.total),
            aliases=aliases_of(org.name),
            years=years,
            undated=naming.total - sum(y.count for y in years),
            newest=[hit.document for hit in naming.hits],
            named_with=named_with[:TOP],
            tags=[v for v in naming.facets.get("tag", []) if v.count][:TOP],
            authors=[v for v in naming.facets.get("author", []) if v.count][:TOP],
        )

    def timeline(self, result: SearchResult) -> Timeline | None:
        """Results per year, or per month when they fall within two calendar years; None when
        they all fall in one period, where a chart would say nothing the count does not."""
        ticked = bool(result.request.year)
        # The year facet is counted without the year filter, so only ticked years are results.
        years = {int(v.value): v.count for v in result.facets.get("year", []) if v.count and (v.selected or not ticked)}
        if not years:
            return None
        undated = result.total - sum(years.values())
        first, last = min(years), max(years)
        if last - first + 1 > MONTHS_WITHIN_YEARS:
            return Timeline("year", [PeriodCount(str(y), years.get(y, 0)) for y in range(first, last + 1)], undated)
        months = self.service.month_counts(result.request)
        if len(months) < 2:
            return None
        return Timeline(
            "month", [PeriodCount(m, months.get(m, 0)) for m in _month_range(min(months), max(months))], undated
        )


def _organisation(indexed: str, count: int) -> Organisation:
    return Organisation(display_name(indexed), indexed, kind_of(indexed), count)


def _month_range(first: str, last: str) -> list[str]:
    """Every `YYYY-MM` from first to last, so months without posts show as gaps."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
