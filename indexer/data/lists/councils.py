"""Every principal council of the UK, current and abolished, under its official and everyday names.

From mySociety's UK local authority names and codes (CC BY 4.0): "Rotherham Metropolitan Borough
Council" is also "Rotherham Council". A bare place ("Rotherham", "Kingston upon Thames") is never an
alias: it names the place far more often than the council. The councils abolished in April 2009
(Bedfordshire, Cheshire, Cornwall, Durham, Northumberland, Shropshire, Wiltshire), which that list
starts too late to hold, come from `councils_abolished_2009.csv` under their official names only; one
whose place a current council also serves ("Durham City Council") is left out, so that "Durham
council" still names today's council.
"""

from __future__ import annotations

import re

from indexer.data.lists.body import Body, clean, read_csv

# mySociety's type of authority -> our kind.
TYPE_KINDS = {
    "CTY": "county council",
    "NMD": "district council",
    "MD": "metropolitan council",
    "UA": "unitary council",
    "LBO": "london borough",
    "CC": "london borough",
    "WPA": "welsh council",
    "SCO": "scottish council",
    "NID": "northern irish council",
    "COMB": "combined authority",
    "SRA": "combined authority",
}
FORMER_SINCE = "2019-04-01"
COUNCIL_TYPES = {"CTY", "NMD", "MD", "UA", "LBO", "WPA", "SCO", "NID"}


def council_body(row: dict[str, str]) -> Body:
    kind_code = row["local-authority-type"]
    name = clean(row["official-name"])
    place = clean(row["nice-name"]).replace("St. ", "St ")
    aliases = []
    if kind_code in COUNCIL_TYPES and place and not place.endswith(" Council"):
        aliases.append(f"{place} Council")
        if place.startswith("City of "):
            aliases.append(f"{place.removeprefix('City of ')} Council")  # "Bristol Council"
    if kind_code == "COMB":
        if not name.endswith("Authority"):
            name = f"{name} Combined Authority"  # "Liverpool City Region" is the area; the body is its authority
        if " Mayoral " in name:
            aliases.append(name.replace(" Mayoral ", " "))
    return Body(name, TYPE_KINDS[kind_code], aliases)


def council_bodies() -> list[Body]:
    """Current councils, those abolished in the reorganisations since 2019 that recent posts name, and
    those abolished in 2009."""
    rows = read_csv("uk_local_authorities.csv")
    bodies = [
        council_body(row) for row in rows if row["current-authority"] == "True" or row["end-date"] >= FORMER_SINCE
    ]
    return bodies + abolished_2009(bodies)


_PLACE = re.compile(r"^(?:City of )?(?P<place>.+?) (?:City|County|Borough|District) Council$")


def abolished_2009(current: list[Body]) -> list[Body]:
    """The councils the 2009 reorganisation abolished, each under its official name."""
    taken = {_place(alias) for body in current for alias in (body.name, *body.aliases)}
    bodies = []
    for row in read_csv("councils_abolished_2009.csv"):
        name = clean(row["official-name"])
        if _place(name) not in taken:
            bodies.append(Body(name, TYPE_KINDS[row["local-authority-type"]]))
    return bodies


def _place(name: str) -> str:
    match = _PLACE.match(name)
    return (match["place"] if match else name.removesuffix(" Council")).casefold()
