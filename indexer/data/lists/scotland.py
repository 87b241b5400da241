"""Scotland's major public bodies: the bodies listed in the Schedule to the Climate Change (Duties of
Public Bodies: Reporting Requirements) (Scotland) Order 2015, which names each by its legal name.

A name is written as the body writes itself: the legal "The" is dropped ("The Scottish Qualifications
Authority" is the Scottish Qualifications Authority), a board of trustees is its institution ("National
Galleries of Scotland"), and a body the Order names with its everyday name in brackets is known by both
("Care Inspectorate"). Office holders (the Scottish Ministers, the Keeper of the Records, the Registrar
General) and the Chief Constable, whose body is Police Scotland, are left out: they are people, not
bodies.
"""

from __future__ import annotations

import re

from indexer.data.lists.body import Body, clean, read_csv

# The Order's division -> our kind.
TYPE_KINDS = {
    "6110": "government department",
    "6111": "government agency",
    "6113": "nhs body",
    "6115": "government agency",
}
_OFFICE_HOLDERS = re.compile(r"^(?:The )?(?:Scottish Ministers|Keeper of|Registrar General|Chief Constable)")
_TRUSTEES = re.compile(r"^The Board of Trustees (?:for|of) the ")
_BRACKETED = re.compile(r"^(?P<name>.+?) \((?P<everyday>[^()]+)\)$")


def scottish_bodies() -> list[Body]:
    bodies = []
    for row in read_csv("scottish_listed_bodies.csv"):
        name = clean(row["body"])
        if _OFFICE_HOLDERS.match(name):
            continue
        name = _TRUSTEES.sub("", name).removeprefix("The ")
        name = name.replace(" & ", " and ") if name.startswith("NHS ") else name
        aliases = []
        bracketed = _BRACKETED.match(name)
        if bracketed:
            name, aliases = bracketed["everyday"], [bracketed["name"]]
        bodies.append(Body(name, TYPE_KINDS.get(row["body_type_id"], "government agency"), aliases))
    return bodies
