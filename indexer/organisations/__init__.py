"""Recognising the organisations a post names, and one canonical name for every body.

`recognise.py` matches the gazetteer (`indexer/data/organisations*.csv`) in one pass; `rules.py`
finds the bodies no list can hold ("X Primary School", "X NHS Foundation Trust", ...), `forms.py`
those known by their form in running text ("X Partnership", "X UK", "Kindred, a charity that ..."),
and `places.py` councils named by their place ("Bristol council", "Kingston and Sutton councils").
"""

from indexer.organisations.recognise import (
    KINDS,
    aliases,
    canonical_org,
    find_organisations,
    known_organisations,
    organisation_kind,
)

__all__ = ["KINDS", "aliases", "canonical_org", "find_organisations", "known_organisations", "organisation_kind"]
