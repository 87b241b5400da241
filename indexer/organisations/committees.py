"""Parliament's committees, named as MPs and peers name them in a debate.

The gazetteer holds a committee whose bare name is also a council's ("Education Committee",
"Justice Committee") under its House's name ("House of Commons Education Committee"), so that a
council's own committee is not read as Parliament's. In a debate or report of Westminster (it names
the House of Commons or Lords, an hon. Member or a noble Lord, Westminster Hall or a select committee), "the Education
Committee" is the Commons committee. Each post is read once, in one pass of one pattern.
"""

from __future__ import annotations

import functools
import re

_HOUSE = "House of Commons "  # a Lords committee's bare name is the Commons' too often to be read as it
# Bare names MPs use for committees listed under a longer name.
_SPOKEN = {
    "Health Committee": "Health and Social Care Committee",
    "Merits Committee": "Secondary Legislation Scrutiny Committee",
}
_WESTMINSTER = re.compile(
    r"House of (?:Commons|Lords)|\bhon\. (?:Member|Friend|Gentleman|Lady)|\bnoble (?:Lord|Baroness|Lady|Earl)|"
    r"Westminster Hall|\bHansard\b|Select Committees?\b|\bMPs\b|[Oo]ral evidence"
)


def bare_committees(names: list[str]) -> dict[str, str]:
    """Each Commons committee listed under its House's name, by its bare name: "Education Committee" ->
    "House of Commons Education Committee"; and the bare names MPs use for others."""
    bare = {name.removeprefix(_HOUSE): name for name in names if name.startswith(_HOUSE) and name.endswith("Committee")}
    return bare | {spoken: name for spoken, name in _SPOKEN.items() if name in names}


def committee_spans(text: str, spans: list[tuple[int, int, str]], bare: dict[str, str]) -> list[tuple[int, int, str]]:
    """The committees a Westminster text names by their bare names, where no other name stands."""
    if not bare or "Committee" not in text or not _WESTMINSTER.search(text):
        return []
    taken = bytearray(len(text))
    for start, end, _ in spans:
        taken[start:end] = b"\x01" * (end - start)
    return [
        (match.start(), match.end(), bare[match.group()])
        for match in _pattern(tuple(sorted(bare))).finditer(text)
        if taken.find(1, match.start(), match.end()) == -1
    ]


@functools.cache
def _pattern(names: tuple[str, ...]) -> re.Pattern:
    return re.compile(
        r"(?<=\bthe )(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![\w-])"
    )
