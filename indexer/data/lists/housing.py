"""England's social housing providers: every private registered provider on the Regulator of Social
Housing's list (housing associations, almshouse charities, co-operatives and for-profit providers), under
its registered name without "Limited" and a leading "The" ("London & Quadrant Housing Trust", "Riverside
Group"). A for-profit provider is a company; the others, nearly all charities or registered societies
run for their tenants, are of kind charity. Councils on the list are left out (they are known as
councils), and so are names that say nothing of which body they are ("Foundation", "Almshouse Charity")
or are everyday words ("Refuge", "Turning Point", "Your Housing"). The everyday names the largest go by
(L&Q, Clarion, Great Places) are hand-kept in `organisations_extra.csv`, which the list's names join.
"""

from __future__ import annotations

import re

from indexer.data.lists.body import Body, clean, read_csv

_ENDING = re.compile(r"\s+(?:Limited|Ltd\.?|LLP|Community Interest Company|CIC|plc)$", re.IGNORECASE)
# Names that do not say which body they are, or are words or places.
_NOT_NAMES = frozenset(
    {
        "Almshouse Charity",
        "Care Housing Association",
        "Chisel",
        "Community Housing Group",
        "Co-operative Development Society",
        "Foundation",
        "Halesworth",
        "Refuge",
        "Turning Point",
        "Your Housing",
        "Housing Solutions",
        "Homes Plus",
        "Local Space",
        "Safer Places",
        "Brighter Places",
        "First Affordable",
        "Haven First",
        "Creative Support",
        "Municipal Charities",
        "Great Hospital",
        "Blue House",
        "Two Saints",
        "Winner Trading",
        "Beyond Housing",
        "Target Housing",
        "One Manchester",
    }
)
_NUMBERED = re.compile(r"\s*\(\d+\)$")


def registered_provider_name(legal_name: str) -> str:
    """ "The Riverside Group Limited" -> "Riverside Group"; a subsidiary numbered in brackets
    ("Stonewater (2) Limited") is known by its group's name."""
    name = _ENDING.sub("", clean(legal_name)).removeprefix("The ")
    return _NUMBERED.sub("", name).strip()


def housing_bodies() -> list[Body]:
    bodies = []
    seen = set()
    for row in read_csv("rsh_registered_providers.csv"):
        if row["designation"] == "Local authority":
            continue
        name = registered_provider_name(row["name"])
        if name in _NOT_NAMES or name in seen or not name:
            continue
        seen.add(name)
        bodies.append(Body(name, "company" if row["designation"] == "Profit" else "charity"))
    return bodies
