"""NHS trusts in England and the 42 integrated care boards, from the NHS Organisation Data Service.

ODS writes names in capitals ("KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST"); this module writes
them as the trusts do ("King's College Hospital NHS Foundation Trust"), with the everyday name of a
trust whose name says what it runs ("London Ambulance Service").
"""

from __future__ import annotations

import re

from indexer.data.lists.body import Body, read_csv

MINOR_WORDS = {"and", "of", "the", "for", "on", "upon", "in"}
UPPER_WORDS = {"NHS"}


def _word(word: str, first: bool) -> str:
    if word in UPPER_WORDS:
        return word
    lower = word.lower()
    if lower in MINOR_WORDS and not first:
        return lower
    return "-".join(
        part.capitalize() if i == 0 or part.lower() not in MINOR_WORDS else part.lower()
        for i, part in enumerate(lower.split("-"))
    )


def ods_name(name: str) -> str:
    """ "THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST" -> "The Newcastle upon Tyne ..." """
    name = re.sub(r"\bNATIONAL HEALTH SERVICE\b", "NHS", name.strip())
    return " ".join(_word(word, i == 0) for i, word in enumerate(name.split()))


# What a trust is called day to day, when its name says what it runs: "London Ambulance Service",
# "Oxford University Hospitals", "Leeds Community Healthcare". A place alone ("Bradford District
# Care") is left to the full name.
_EVERYDAY = re.compile(
    r"^(?P<name>.+ (?:Ambulance Service|Hospitals|Healthcare))(?: University)? NHS (?:Foundation )?Trust$"
)


def everyday_names(name: str) -> list[str]:
    """A trust's everyday name, where it has a safe one."""
    match = _EVERYDAY.match(name)
    return [match["name"]] if match and len(match["name"].split()) >= 2 else []


def nhs_bodies() -> list[Body]:
    trusts = [
        Body(ods_name(row["name"]), "nhs body", everyday_names(ods_name(row["name"])))
        for row in read_csv("nhs_trusts.csv")
    ]
    boards = [Body(ods_name(row["name"]), "nhs body") for row in read_csv("nhs_integrated_care_boards.csv")]
    return trusts + boards
