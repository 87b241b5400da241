"""GOV.UK's organisations: every department, agency and public body, with acronyms and former names.

`govuk_organisations_2026.csv` is every organisation GOV.UK listed as live, exempt, joining or
transitioning in February 2026, with the slugs of the bodies each one superseded;
`govuk_organisations_2017.csv` (the whole list of 2017, closed bodies too) gives those slugs their
names, so "Department of Health" and "Homes and Communities Agency" name the bodies that replaced them.
A former name claimed by two successors (a body split in two) names neither. The devolved
governments' "superseded" bodies are the ones that left GOV.UK for their own sites, not former names.
"""

from __future__ import annotations

import re

from indexer.data.lists.body import Body, clean, is_initialism, read_csv, safe_acronym

# Types whose superseded bodies moved elsewhere rather than being renamed or merged.
NOT_SUCCESSORS = {"Devolved government", "Executive office"}
# GOV.UK's type of organisation -> our kind.
FORMAT_KINDS = {
    "Ministerial department": "government department",
    "Non-ministerial department": "government department",
    "Devolved government": "government department",
    "Executive office": "government department",
    "Executive agency": "government agency",
    "Executive non-departmental public body": "government agency",
    "Advisory non-departmental public body": "government agency",
    "Ad-hoc advisory group": "government agency",
    "Public corporation": "government agency",
    "Sub organisation": "government agency",
    "Civil service": "government agency",
    "Other": "government agency",
    "Special health authority": "nhs body",
    "Independent monitoring body": "inspectorate or regulator",
    "Court": "court or tribunal",
    "Tribunal": "court or tribunal",
}


def kind_of(title: str, govuk_format: str) -> str:
    if title.startswith("NHS "):
        return "nhs body"
    if title.startswith("HM Inspectorate") or (title.startswith("Office of the") and "Regulator" in title):
        return "inspectorate or regulator"
    return FORMAT_KINDS[govuk_format]


def govuk_bodies(jargon: frozenset[str]) -> list[Body]:
    current = read_csv("govuk_organisations_2026.csv")
    named = {row["slug"]: row for row in read_csv("govuk_organisations_2017.csv")}
    live = {row["slug"] for row in current}
    bodies = []
    for row in current:
        abbreviation = row["abbreviation"]
        safe = safe_acronym(abbreviation, jargon) or is_initialism(abbreviation, clean(row["title"]))
        aliases = [abbreviation] if safe else []
        former_names = []
        for slug in row["superseded"].split("|") if row["format"] not in NOT_SUCCESSORS else ():
            named_former = named.get(slug)
            if not named_former or slug in live:
                continue  # a body GOV.UK still lists is its own body, not a former name
            former_names.append(clean(named_former["title"]))
            if safe_acronym(named_former["abbreviation"], jargon):
                former_names.append(named_former["abbreviation"])
        title = clean(row["title"])
        aliases += everyday_names(title)
        bodies.append(Body(title, kind_of(title, row["format"]), aliases, former_names))
    return bodies + parent_bodies([clean(row["title"]) for row in current], current)


_CHAMBER = re.compile(r"(?P<parent>[^()]+?) \((?P<part>[^()]+)\)")


def everyday_names(title: str) -> list[str]:
    """ "First-tier Tribunal (Special Educational Needs and Disability)" is what GOV.UK calls the
    tribunal people know as the "Special Educational Needs and Disability Tribunal"."""
    match = _CHAMBER.fullmatch(title)
    if not match or match["parent"] != "First-tier Tribunal" or match["part"].endswith("Chamber"):
        return []
    return [f"{match['part']} Tribunal"]


def parent_bodies(titles: list[str], rows: list[dict[str, str]]) -> list[Body]:
    """GOV.UK lists the Upper Tribunal and the First-tier Tribunal only by their chambers, "Upper
    Tribunal (Lands Chamber)" and so on; the tribunal itself, which writers name, is a body too."""
    parents: dict[str, list[str]] = {}
    for title, row in zip(titles, rows):
        match = _CHAMBER.fullmatch(title)
        if match and row["format"] == "Tribunal":
            parents.setdefault(match["parent"], []).append(title)
    known = set(titles)
    return [
        Body(parent, "court or tribunal")
        for parent, parts in parents.items()
        if len(parts) >= 2 and parent not in known
    ]
