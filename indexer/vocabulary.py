"""The sector's vocabulary: acronyms and their long forms, and British and American spellings.

Both lists are CSV files in `indexer/data/` that anyone can review and extend without reading
code. Organisation acronyms (LGA, ADCS, CQC, ...) are listed too, so their long forms are searched
as words; the organisation filter also finds them through the gazetteer.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# -ize, -ization, -izing, ... are written -ise, -isation, -ising in British English; these words
# keep their z on both sides of the Atlantic.
_IZE = re.compile(r"^(\w{2,}?)iz(e|es|ed|ing|ation|ations|ational|er|ers)$")
_KEEP_Z = ("size", "seiz", "priz", "maiz", "baiz", "capsiz", "assiz", "citiz", "deniz", "wiz", "whiz")
_YZE = re.compile(r"^(\w+)yz(e|es|ed|ing|er|ers)$")
ACRONYM_SHAPE = re.compile(r"^(?=.*[A-Z].*[A-Z])[A-Za-z]{1,8}\d{0,4}$")


@dataclass(frozen=True)
class Acronym:
    """One acronym: how it is written, its long forms, and whether it is also an ordinary word."""

    written: str
    long_forms: tuple[str, ...]
    also_a_word: bool

    @property
    def key(self) -> str:
        return self.written.lower()


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("indexer.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def british_spellings() -> dict[str, str]:
    """American spelling -> British, for the words no rule covers."""
    return {row["american"].strip().lower(): row["british"].strip().lower() for row in _data_rows("spellings.csv")}


def british(word: str) -> str:
    """One lower-case word in its British spelling, so organization and organisation meet."""
    mapped = british_spellings().get(word)
    if mapped:
        return mapped
    if "iz" in word:
        match = _IZE.match(word)
        if match and not word.startswith(_KEEP_Z) and "size" not in word:
            return f"{match.group(1)}is{match.group(2)}"
    if "yz" in word:
        match = _YZE.match(word)
        if match:
            return f"{match.group(1)}ys{match.group(2)}"
    return word


@lru_cache(maxsize=1)
def acronyms() -> dict[str, Acronym]:
    """Every acronym of the sector's list by its lower-case key."""
    found: dict[str, Acronym] = {}
    for row in _data_rows("acronyms.csv"):
        written = row["acronym"].strip()
        forms = tuple(form.strip() for form in row["long_forms"].split("|") if form.strip())
        found[written.lower()] = Acronym(written, forms, row["also_a_word"].strip().lower() == "yes")
    return found


def acronym_written(word: str) -> Acronym | None:
    """The acronym a word of a text is, when written as acronyms are: `SEND`, `DfE`, `EHCPs`."""
    if not word[:1].isupper() or not ACRONYM_SHAPE.match(word):
        return None
    known = acronyms()
    for candidate in (word, word[:-1] if word.endswith("s") else None):
        if not candidate:
            continue
        acronym = known.get(candidate.lower())
        if acronym and (candidate == acronym.written or candidate.isupper()):
            return acronym
    return None


def acronym_typed(word: str) -> Acronym | None:
    """The acronym a query word may mean: `SEND`, `ehcp`, and `send` too (which the query
    service also searches as the plain word, since only capitals say which is meant)."""
    return acronym_written(word) or acronyms().get(word.lower())
