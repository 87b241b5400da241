"""Foreign governments and their embassies, from the Foreign, Commonwealth and Development Office's
country register (every country the UK recognises, with its name, official name and what its citizens
are called).

Each country gives two bodies, of kind international: "Government of Jamaica" (also "the Jamaican
Government", and "Government of the Netherlands" for a name that takes "the") and "Embassy of Italy"
(also "the Italian Embassy"). A citizen name is an adjective only where it reads as one ("Italian",
"French" from "French citizen"); a noun ("Dane", "Pole", "Swede") gives no alias. The United Kingdom
is left out: its government is HM Government, hand-kept in `organisations_extra.csv`.
"""

from __future__ import annotations

import re

from indexer.data.lists.body import Body, read_csv

# Names that read with "the" before them: "the Netherlands", "the United States".
_TAKES_THE = re.compile(
    r"^(?:Netherlands|Philippines|Bahamas|Gambia|Maldives|Seychelles|Comoros|Congo)$|Islands$|Republic|^United"
)
_ADJECTIVE = re.compile(r"[A-Z][a-z]+(?:an|ese|i|ic|ish|ch|ss|ak|ek|en|ot|ine)")
_PERSON = re.compile(r".*(?:man|woman)")


def _adjectives(citizen_names: str) -> list[str]:
    out = []
    for name in citizen_names.split(";"):
        name = name.removesuffix(" citizen").strip()
        if name.startswith("Citizen of") or " " in name and not name.startswith("United States"):
            continue
        if name.startswith("United States") or (_ADJECTIVE.fullmatch(name) and not _PERSON.fullmatch(name)):
            out.append(name)
    return out


def _short_name(name: str) -> str:
    """ "Bahamas,The" and "The Gambia" are the Bahamas and the Gambia; "Congo (Democratic Republic)"
    is the Democratic Republic of the Congo."""
    name = re.sub(r",\s*The$", "", name).removeprefix("The ")
    if name == "Congo (Democratic Republic)":
        return "Democratic Republic of the Congo"
    return name


def country_bodies() -> list[Body]:
    countries: dict[str, tuple[set[str], list[str]]] = {}
    for row in read_csv("countries.tsv", delimiter="\t"):
        if row["country"] == "GB":
            continue
        names, adjectives = countries.setdefault(row["country"], (set(), []))
        names.add(_short_name(row["name"]))
        adjectives += [a for a in _adjectives(row["citizen-names"]) if a not in adjectives]
    bodies = []
    for _, (names, adjectives) in sorted(countries.items()):
        written = sorted((f"the {n}" if _TAKES_THE.search(n) else n for n in names), key=lambda n: (len(n), n))
        bare = [n.removeprefix("the ") for n in written if n.startswith("the ")]
        for kind, adjective_form in (("Government of", "{} Government"), ("Embassy of", "{} Embassy")):
            first, *others = [f"{kind} {n}" for n in written]
            aliases = others + [f"{kind} {n}" for n in bare] + [adjective_form.format(a) for a in adjectives]
            bodies.append(Body(first, "international", aliases))
    return bodies
