"""NHS trusts in England and the 42 integrated care boards, from the NHS Organisation Data Service.

ODS writes names in capitals ("KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST"); this module writes
them as the trusts do ("King's College Hospital NHS Foundation Trust").
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


def nhs_bodies() -> list[Body]:
    trusts = [Body(ods_name(row["name"]), "nhs body") for row in read_csv("nhs_trusts.csv")]
    boards = [Body(ods_name(row["name"]), "nhs body") for row in read_csv("nhs_integrated_care_boards.csv")]
    return trusts + boards
