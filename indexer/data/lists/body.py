"""One body from a list, and the checks every list's names pass before they become aliases."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent
SOURCES = DATA / "sources"
EXCLUSIONS = DATA / "list_exclusions.csv"

# An acronym as a writer uses one: 3 to 8 letters or digits, at least two capitals, no spaces.
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&]{2,7}")


@dataclass
class Body:
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    # Names of bodies this one replaced: aliases too, but never how the body is joined to a known one.
    former: list[str] = field(default_factory=list)


def clean(name: str) -> str:
    """A list's name as the gazetteer writes it: straight apostrophes, single spaces."""
    return re.sub(r"\s+", " ", name.replace("’", "'").replace("‘", "'")).strip()


def name_key(name: str) -> str:
    """How two lists' spellings of one name compare: case, "&", apostrophes, hyphens, "The" aside."""
    key = name.casefold().replace("&", " and ").replace("'", "").replace("’", "").replace("-", " ")
    key = re.sub(r"[^\w ]+", " ", key)
    key = re.sub(r"\s+", " ", key).strip()
    return key.removeprefix("the ")


def spelling_key(name: str) -> str:
    """The spellings the recogniser reads as one ("&" or "and", with or without apostrophes and
    hyphens, any case); unlike `name_key` it keeps a leading "The", which the recogniser does not drop."""
    key = name.casefold().replace(" & ", " and ").replace("'", "").replace("’", "").replace("-", " ")
    return re.sub(r"\s+", " ", key).strip()


def load_exclusions(path: Path = EXCLUSIONS) -> frozenset[str]:
    """Names and acronyms no list may add: everyday words, jargon and things that are not bodies."""
    with path.open(newline="", encoding="utf-8") as handle:
        return frozenset(name_key(row["name"]) for row in csv.DictReader(handle) if row["name"].strip())


def jargon_acronyms(path: Path = DATA / "acronyms.csv") -> frozenset[str]:
    """The sector's jargon acronyms (SEND, EHCP, ...): never a body's acronym from a list."""
    with path.open(newline="", encoding="utf-8") as handle:
        return frozenset(row["acronym"].strip() for row in csv.DictReader(handle))


def safe_acronym(alias: str, jargon: frozenset[str]) -> bool:
    """Whether a list's abbreviation can name its body in running text, matched as written."""
    return bool(_ACRONYM.fullmatch(alias)) and sum(c.isupper() for c in alias) >= 2 and alias not in jargon


_TITLE_WORD = re.compile(r"[A-Za-z][\w'-]*")
_MINOR = frozenset({"of", "and", "for", "the", "on", "in"})


def is_initialism(alias: str, title: str) -> bool:
    """Whether a one-capital abbreviation is its title's initials written as a word: "Acas" for the
    Advisory, Conciliation and Arbitration Service, "Dstl", "Cefas"; not "Tate" or "Monitor", which
    are words. Such an abbreviation is matched capitalised, as writers use it."""
    initials = "".join(w[0] for w in _TITLE_WORD.findall(title) if w.casefold() not in _MINOR)
    return (
        bool(re.fullmatch(r"[A-Z][a-z]{2,7}", alias))
        and alias.casefold() != title.casefold()
        and initials.casefold().startswith(alias.casefold())
    )


def read_csv(name: str, delimiter: str = ",") -> list[dict[str, str]]:
    with (SOURCES / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))
