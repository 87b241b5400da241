"""International bodies: the European Central Bank's list of international organisations (the EU's
institutions and agencies, the development banks, the UN's agencies that hold accounts) and the OECD's
channel codes for multilateral organisations (the UN's funds, programmes and agencies, the World Bank
Group, the regional development banks, other multilaterals, the Red Cross movement), all of kind
international.

The ECB writes each body with its acronym in brackets ("European Medicines Agency [EMA]"); an acronym
becomes an alias only where it cannot be taken for something else in British public-sector writing:
three-letter ones only when they are well known abroad and unused at home (`_SHORT_ACRONYMS`), longer
ones unless they are a word or another body's (`_UNSAFE_ACRONYMS`). A one-word acronym written as a
word ("Europol", "Frontex") is known in that form too. The OECD names a body's accounts ("World Health
Organisation - core voluntary contributions account"): the account is dropped and the body kept, and
channels that are funds or programmes rather than bodies are left out (`_NOT_BODIES`). The two lists
spell some bodies differently and neither knows the everyday names of the UN's agencies (UNDP, WFP,
UN Women): those are hand-kept in `organisations_extra.csv`, which the lists' spellings join.
"""

from __future__ import annotations

import re

from indexer.data.lists.body import Body, clean, name_key, read_csv

_BRACKETED = re.compile(r"^(?P<name>.+?)\s*\[(?P<acronym>[^\]]*)\]$")
_QUALIFIER = re.compile(r"\s+-\s+(?:WB|WG) Group$|\s*\((?:in preparation|IBRD|related to [^)]*)\)$")

# Three-letter acronyms that name one international body wherever a British writer uses them; not ECB
# (the England and Wales Cricket Board), FAO ("for the attention of"), IMO ("in my opinion"), IOM (the
# Isle of Man) or ITU (an intensive therapy unit).
_SHORT_ACRONYMS = frozenset({"EIB", "IFC", "ILO", "IMF", "UPU", "WMO", "WTO"})
# Longer acronyms that are words, companies or British bodies' acronyms.
# ITSO is also the UK's smart-ticketing body, WAEC the West African Examinations Council, IBEC Ireland's
# business confederation.
_UNSAFE_ACRONYMS = frozenset(
    {"ACER", "CERT", "EUSA", "INMARSAT", "EUTELSAT", "POEU", "SATCEN", "GLOBAL FUND", "ITSO", "WAEC", "IBEC"}
)
# ECB rows that are not one body.
_ECB_NOT_BODIES = frozenset(
    {
        "United Nations, its committees, funds and programmes, other",
        "Computer Emergency Response Team",
        "Special Development Fund",
        "Joint Committee of the European Supervisory Authorities",
        "ATHENA Mechanism",
        "Fonds Belgo-Congolais D'Amortissement et de Gestion",
        "Paris Club Creditor Institutions",
    }
)
# The ECB's name -> the name the body writes itself.
_ECB_NAMES = {
    "European Union's Judicial Cooperation Unit": "Eurojust",
    "African Development Bank Group": "African Development Bank",
    "European Police Office": "Europol",
    "Committee of Regions": "European Committee of the Regions",
    "Economic and Social Committee": "European Economic and Social Committee",
    "European Agency for the Management of Operational Cooperation at the External Borders": "Frontex",
    "Food and Agricultural Organization": "Food and Agriculture Organization of the United Nations",
    "International Organisation for Migration": "International Organization for Migration",
    "North Atlantic Treaty Organisation": "NATO",
    "Organisation for Economic Co-operation and Development": "OECD",
}

# OECD channel codes: groups of channels (not bodies) and channels that are funds, accounts or
# programmes rather than bodies.
_GROUPS = frozenset(
    {"40000", "41000", "41100", "41200", "41300", "41400", "41500", "41600", "41700", "42000", "46000", "47000"}
)
_NOT_BODIES = frozenset(
    {
        "41133",  # United Nations Special Initiative on Africa
        "41136",  # voluntary funds
        "41137",
        "41138",
        "41141",  # United Nations Peacebuilding Fund
        "41142",  # United Nations Democracy Fund
        "41147",  # Central Emergency Response Fund
        "41148",  # a trust fund
        "41310",  # peacekeeping operations
        "41318",  # Global Mechanism
        "41320",
        "41321",
        "41401",
        "41402",
        "41403",
        "41501",
        "41503",
        "42003",  # European Development Fund (the ECB's EDF, a fund of the Commission)
        "42005",
        "43001",
        "43002",
        "43003",
        "43004",
        "43005",
        "43006",
        "43007",
        "44003",
        "44006",
        "44007",
        "44008",
        "45003",
        "46013",
        "46016",
        "46017",
        "46018",
        "46019",
        "47015",
        "47078",
        "47080",
        "47095",
        "47109",
        "47111",  # Adaptation Fund
        "47112",
        "47116",
        "47129",
        "47130",
        "47134",
        "47135",
        "47143",
        "47145",
        "47400",
        "47502",
        "47503",
        "47504",
    }
)
_ACCOUNT = re.compile(r"\s+-\s+.*$|\s*\((?!IMF|WB|WTO)[^)]*\)$")
_TRAILING_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acronym>IMF|WB|WTO)\)$")
_CRS_NAMES = {
    "United Nations Office of the United Nations High Commissioner for Refugees": "UNHCR",
    "United Nations Children's Fund": "UNICEF",
    "United Nations Educational, Scientific and Cultural Organisation": "UNESCO",
    "Food and Agricultural Organisation": "Food and Agriculture Organization of the United Nations",
    "International Organisation for Migration": "International Organization for Migration",
    "Council of Europe": "Council of Europe",
    "World Bank Group": "World Bank",
    "United Nations Relief and Works Agency for Palestine Refugees in the Near East": (
        "United Nations Relief and Works Agency for Palestine Refugees in the Near East"
    ),
    "Association of South East Asian Nations: Economic Co-operation": "Association of Southeast Asian Nations",
    "Global Environment Facility Trust Fund": "Global Environment Facility",
    "Inter-American Development Bank, Inter-American Investment Corporation and Multilateral Investment Fund": (
        "Inter-American Development Bank"
    ),
    "World Customs Organization Customs Co-operation Fund": "World Customs Organization",
}


def _word_form(acronym: str) -> str | None:
    """ "EUROPOL" -> "Europol": a long acronym written as a word, where it can be said as one."""
    if len(acronym) >= 6 and acronym.isalpha() and acronym.isupper() and not re.search(r"[^AEIOU]{4}", acronym):
        return acronym.capitalize()
    return None


def _acronym_aliases(acronym: str) -> list[str]:
    acronym = acronym.strip()
    if acronym in _UNSAFE_ACRONYMS or not re.fullmatch(r"[A-Za-z0-9-]{3,12}", acronym):
        return []
    if sum(c.isupper() for c in acronym) < 2:
        return []
    if len(acronym) == 3 and acronym not in _SHORT_ACRONYMS:
        return []
    word = _word_form(acronym)
    return [acronym, word] if word else [acronym]


def ecb_bodies() -> list[Body]:
    bodies = []
    for row in read_csv("ecb_international_organisations.csv"):
        match = _BRACKETED.match(clean(row["organisation"]))
        name, acronym = (match["name"], match["acronym"]) if match else (clean(row["organisation"]), "")
        name = _QUALIFIER.sub("", name).strip().removeprefix("The ")
        if name in _ECB_NOT_BODIES:
            continue
        aliases = _acronym_aliases(acronym)
        if name in _ECB_NAMES:
            aliases.append(name)
            name = _ECB_NAMES[name]
        aliases = [a for a in aliases if a != name]
        bodies.append(Body(name, "international", aliases))
    return bodies


def crs_bodies() -> list[Body]:
    bodies = []
    seen = set()
    for row in read_csv("oecd_crs_channel_codes.csv"):
        code = row["code"]
        if row["status"] != "active" or code in _GROUPS or code in _NOT_BODIES:
            continue
        name = clean(row["name"])
        aliases = []
        trailing = _TRAILING_ACRONYM.match(name)
        if trailing:
            name = trailing["name"]
        name = _ACCOUNT.sub("", name).strip()
        if name in _CRS_NAMES:
            aliases.append(name)
            name = _CRS_NAMES[name]
        if name in seen:
            continue
        seen.add(name)
        bodies.append(Body(name, "international", [a for a in aliases if a != name]))
    return bodies


def _spelling(name: str) -> str:
    """How the two lists' spellings of one body compare: "Organisation" or "Organization", "-" or " "."""
    key = name_key(name).replace("organisation", "organization").replace("telecommunications", "telecommunication")
    return key.replace(" for climate change", " on climate change").replace(" refugees in the near east", "")


def international_bodies() -> list[Body]:
    """Each body once: a body on both lists under the ECB's name, with the OECD's spelling as an alias."""
    bodies: dict[str, Body] = {}
    for body in ecb_bodies() + crs_bodies():
        key = _spelling(body.name)
        if key not in bodies:
            bodies[key] = body
            continue
        kept = bodies[key]
        for alias in [body.name, *body.aliases]:
            if alias != kept.name and alias not in kept.aliases:
                kept.aliases.append(alias)
    return list(bodies.values())
