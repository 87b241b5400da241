"""The police forces of England, Wales and Northern Ireland (data.police.uk), and their commissioners.

Each force in England and Wales outside London has a police and crime commissioner named after its
area ("Police and Crime Commissioner for Kent", "Kent Police and Crime Commissioner", "Kent PCC").
Where a mayor or a police, fire and crime commissioner holds the office, organisations_extra.csv
adds that name to the same body.
"""

from __future__ import annotations

import re

from indexer.data.lists.body import Body, read_csv

# Forces with no police and crime commissioner: London's (the Mayor's office and the City's police
# authority board) and Northern Ireland's (the Policing Board).
NO_COMMISSIONER = {"metropolitan", "city-of-london", "northern-ireland"}
_FORCE_WORD = re.compile(r"\s+(?:Police Service|Police|Constabulary)$")


def area_of(force: str) -> str:
    """ "Devon & Cornwall Police" -> "Devon and Cornwall"."""
    return _FORCE_WORD.sub("", force).replace(" & ", " and ")


def police_bodies() -> list[Body]:
    bodies = []
    for row in read_csv("police_forces.tsv", delimiter="\t"):
        force = row["name"].replace(" & ", " and ")  # the forces write "and"; "&" is matched anyway
        # Writers call every force "<area> Police": "Avon and Somerset Police" is the Constabulary.
        everyday = [f"{area_of(force)} Police"] if force.endswith(" Constabulary") else []
        bodies.append(Body(force, "police or fire service", everyday))
        if row["police-force"] in NO_COMMISSIONER:
            continue
        area = area_of(force)
        bodies.append(
            Body(
                f"Police and Crime Commissioner for {area}",
                "police and crime commissioner",
                [f"{area} Police and Crime Commissioner", f"{area} PCC"],
            )
        )
    return bodies
