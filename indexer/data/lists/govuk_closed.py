"""The bodies GOV.UK listed as closed in 2017 that no live body took over: each is a body of its own.

`govuk_organisations_2017.csv` holds 466 closed organisations. Those a live body superseded are
already that body's former names (`govuk.py`); the rest were abolished, split between several bodies,
or merged into a new one (the Housing Corporation, the regional development agencies, the Learning
and Skills Council, the Department of Trade and Industry), and older writing names them as bodies.
Some "closed" rows are devolved bodies that only left GOV.UK for their own sites (National Records of
Scotland, Waterways Ireland); they are bodies too. A body renamed into one successor that GOV.UK did
not record ("Highways Agency") is a former name of that successor instead (`RENAMED`).

Left out: reviews and investigations (reports, not bodies), rows that name a kind of body rather than
one ("Trust ports"), and titles that are everyday phrases ("Planning Service", "Monitor"): see
`NOT_BODIES`. A title's bracketed short name is an alias ("Commission for Architecture and the Built
Environment (CABE)"); an abbreviation is one where it is safe and not in `AMBIGUOUS_ACRONYMS`.
"""

from __future__ import annotations

import re

from indexer.data.lists.body import Body, clean, is_initialism, name_key, read_csv, safe_acronym
from indexer.data.lists.govuk import FORMAT_KINDS, NOT_SUCCESSORS

# Closed titles that are not one body, or that read as everyday phrases.
NOT_BODIES = frozenset(
    {
        "Agricultural Dwelling House Advisory Committees (x16)",
        "Broadmoor Hospital investigation",
        "Business Development Service",
        "Buying Solutions",
        "Community Fund",
        "Examination team on child care procedures and practice in North Wales",
        "Forest Service",
        "Kerr / Haslam Inquiry",
        "Monitor",
        "Phoenix Sports",
        "Planning Service",
        "Rent Service",
        "Roads Service",
        "Royal Mail",
        "Trust ports",
    }
)
_REVIEW = re.compile(r"\bReview\b(?! Body| Commissioners)")
# Abbreviations that pass the shape test but name something else as often: words, jargon, other bodies.
AMBIGUOUS_ACRONYMS = frozenset(
    {"ACP", "ADHAC", "AWC", "BIT", "CDE", "E2025", "ERG", "FCC", "GPS", "IUK", "NFA", "NMO", "ODA", "RHC", "SFA"}
    | {"SFT", "TDA", "TMC", "VAP", "VRC"}
)
# Closed title -> the live body it was renamed as (the gazetteer's name for it).
RENAMED = {
    "Government Procurement Service": "Crown Commercial Service",
    "OGCbuyingsolutions": "Crown Commercial Service",
    "Highways Agency": "National Highways",
    "Legal Services Commission": "Legal Aid Agency",
    "Office of the Data Protection Registrar": "Information Commissioner's Office",
    "UK Passport Service": "HM Passport Office",
    "Health and Social Care Information Centre": "NHS Digital",
    "Labour Relations Agency": "Labour Relations Agency (Northern Ireland)",
    "Sports Council for Northern Ireland": "Sport Northern Ireland (Sports Council for Northern Ireland)",
}
# A closed title that is another closed row's short name.
SAME_BODY = {"Oftel": "Office of Telecommunications"}
_REGULATORS = re.compile(
    r"Inspectorate|Inspection|^(?:Healthcare Commission|Commission for Health Improvement|National Care Standards "
    r"Commission|Mental Health Act Commission|Office of Telecommunications|Postal Services Commission|Tenant "
    r"Services Authority|Office for Tenants and Social Landlords|Standards Board for England|Office of Fair "
    r"Trading|Competition Commission|Gaming Board for Great Britain|Football Licensing Authority)$"
)
_DEPARTMENT = re.compile(
    r"^(?:Department (?:of|for)\b|Ministry of\b(?!.* Agency$)|(?:Welsh|Scottish) Office$|Lord Chancellor's Department$)"
)
_NHS = re.compile(r"^NHS |Health and Social Services Board$")
_BRACKETED = re.compile(r"^(?P<name>.+?) \((?P<short>[^()]+)\)$")
# An abbreviation written as a short name: "NHS TDA", "ISD Scotland".
_SHORT_NAME = re.compile(r"(?:NHS [A-Z]{3,}|[A-Z]{3,} Scotland)")
_KEEP_BRACKETS = re.compile(r"\((?:Northern Ireland|Scotland)\)$")


def kind_of(title: str, govuk_format: str) -> str:
    if _DEPARTMENT.search(title) or govuk_format in ("Ministerial department", "Non-ministerial department"):
        return "government department"
    if _NHS.search(title):
        return "nhs body"
    if _REGULATORS.search(title):
        return "inspectorate or regulator"
    if govuk_format.startswith("Tribunal") or "Appeals Panel" in title:
        return "court or tribunal"
    return FORMAT_KINDS.get(govuk_format, "government agency")


def _known_titles(current: list[dict[str, str]], closed_named: dict[str, dict[str, str]]) -> set[str]:
    """Name keys of every live body and every former name a live body already carries: one that two
    live bodies claim (a body split in two) is the name of neither, so it stays a body of its own."""
    claims: dict[str, int] = {}
    for row in current:
        for slug in row["superseded"].split("|") if row["format"] not in NOT_SUCCESSORS else ():
            if slug in closed_named:
                key = name_key(clean(closed_named[slug]["title"]))
                claims[key] = claims.get(key, 0) + 1
    return {name_key(clean(row["title"])) for row in current} | {key for key, n in claims.items() if n == 1}


def closed_govuk_bodies(jargon: frozenset[str]) -> list[Body]:
    current = read_csv("govuk_organisations_2026.csv")
    rows = read_csv("govuk_organisations_2017.csv")
    closed = {row["slug"]: row for row in rows if row["govuk_status"] == "closed"}
    known = _known_titles(current, closed)
    short_names: dict[str, list[str]] = {}
    for alias, name in SAME_BODY.items():
        short_names.setdefault(name, []).append(alias)
    bodies = []
    for row in closed.values():
        title = clean(row["title"]).replace("H.M. ", "HM ")
        if title in NOT_BODIES or title in SAME_BODY or _REVIEW.search(title) or name_key(title) in known:
            continue
        if title in RENAMED:
            bodies.append(Body(RENAMED[title], "government agency", former=[title]))
            continue
        aliases = list(short_names.get(title, []))
        bracketed = _BRACKETED.match(title)
        if bracketed and not _KEEP_BRACKETS.search(title):
            title = bracketed["name"]
            short = bracketed["short"]
            if safe_acronym(short, jargon) or (short[:1].isupper() and " " not in short):
                aliases.append(short)
        abbreviation = row["abbreviation"].strip()
        usable = (
            safe_acronym(abbreviation, jargon)
            or is_initialism(abbreviation, title)
            or _SHORT_NAME.fullmatch(abbreviation)
        )
        if usable and abbreviation not in AMBIGUOUS_ACRONYMS and abbreviation not in aliases:
            aliases.append(abbreviation)
        if title.endswith(" Ltd"):
            aliases.append(title.removesuffix(" Ltd"))
        if title.startswith("The "):
            title = title.removeprefix("The ")
        bodies.append(Body(title, kind_of(title, row["format"]), aliases))
    return bodies
