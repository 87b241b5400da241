"""Explore: a page for every organisation, and the index of them.

Built only from the query service's public answers (searches and their facet counts), so the
numbers on these pages are always the totals of the searches they link to.
"""
from __future__ import annotations

import logging

from indexer.org_names import aliases_of, display_name, kind_of, name_key
from indexer.orgs import canonical_org
from indexer.request import SearchRequest
from indexer.results import Organisation, OrganisationProfile, PeriodCount
from indexer.search import SearchService

logger = logging.getLogger(__name__)

NEWEST = 5  # posts listed on an organisation's page
TOP = 10  # bodies, tags and authors listed on an organisation's page


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
        years = sorted((PeriodCount(v.value, v.count) for v in naming.facets.get("year", []) if v.count),
                       key=lambda y: y.period)
        named_with = [_organisation(v.value, v.count) for v in together.facets.get("org", [])
                      if v.count and name_key(v.value) != name_key(org.name)]
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


def _organisation(indexed: str, count: int) -> Organisation:
    return Organisation(display_name(indexed), indexed, kind_of(indexed), count)
