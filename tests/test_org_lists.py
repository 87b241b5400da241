"""The published lists in the gazetteer: each list's bodies are found in a sentence under their canonical
name and kind (official name, everyday name, former name, acronym), everyday words and bare places are
not, and organisations.csv is what the build script makes from the committed sources."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from indexer.organisations import KINDS, find_organisations, organisation_kind

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "indexer" / "data"
SOURCES = DATA / "sources"


def make_gazetteer():
    spec = importlib.util.spec_from_file_location("make_gazetteer", DATA / "make_gazetteer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# (sentence, canonical name, kind): one or more from each list, in each form a writer uses.
FOUND = [
    # GOV.UK's organisations: official name, acronym, former names (renamed, merged)
    ("Homes England will fund the scheme.", "Homes England", "government agency"),
    # GOV.UK lists tribunals by chamber; the tribunal and a chamber's everyday name are bodies too
    ("Appeal to the Upper Tribunal (Administrative Appeals) Chamber.", "Upper Tribunal", "court or tribunal"),
    ("The First-tier Tribunal heard it.", "First-tier Tribunal", "court or tribunal"),
    (
        "Appeal to the Special Educational Needs and Disability Tribunal.",
        "First-tier Tribunal (Special Educational Needs and Disability)",
        "court or tribunal",
    ),
    ("The Mental Health Tribunal met.", "First-tier Tribunal (Mental Health)", "court or tribunal"),
    # written in sentence case, as GOV.UK writes headings and table cells
    ("Exam malpractice | Standards and testing agency", "Standards and Testing Agency", "government agency"),
    ("The Gambling Commission published new guidance.", "Gambling Commission", "government agency"),
    ("Border Force staff met council officers.", "Border Force", "government agency"),
    ("The UK Statistics Authority reviewed the figures.", "UK Statistics Authority", "government department"),
    ("The Employment Tribunal heard the case.", "Employment Tribunal", "court or tribunal"),
    ("Officers from the DVSA joined us.", "Driver and Vehicle Standards Agency", "government agency"),
    ("Data from UKHSA shows a rise.", "UK Health Security Agency", "government agency"),
    ("In 2014 the Homes and Communities Agency agreed the deal.", "Homes England", "government agency"),
    ("Highways England closed the road in 2019.", "National Highways", "government agency"),
    ("A report by Passenger Focus found delays.", "Transport Focus", "government agency"),
    (
        "The Department of Health issued guidance in 2012.",
        "Department of Health and Social Care",
        "government department",
    ),
    (
        "DCLG wrote to every council.",
        "Ministry of Housing, Communities and Local Government",
        "government department",
    ),
    ("The Treasury Solicitor's Department advised.", "Government Legal Department", "government department"),
    # Every UK council: official and everyday names, new councils and authorities
    ("Rotherham Metropolitan Borough Council agreed the plan.", "Rotherham Council", "metropolitan council"),
    ("Bristol council will consult residents.", "Bristol City Council", "unitary council"),
    ("Kingston upon Thames Council runs the service.", "Royal Borough of Kingston upon Thames", "london borough"),
    ("Sutton Council joined the partnership.", "London Borough of Sutton", "london borough"),
    ("St. Helens Council has a new leader.", "St Helens Borough Council", "metropolitan council"),
    (
        "Greater Lincolnshire Combined County Authority met for the first time.",
        "Greater Lincolnshire Combined County Authority",
        "combined authority",
    ),
    (
        "York and North Yorkshire Mayoral Combined Authority set its budget.",
        "York and North Yorkshire Combined Authority",
        "combined authority",
    ),
    # NHS trusts and integrated care boards (ODS names written as the bodies write them)
    (
        "King's College Hospital NHS Foundation Trust said so.",
        "King's College Hospital NHS Foundation Trust",
        "nhs body",
    ),
    ("Rotherham NHS Foundation Trust agreed.", "The Rotherham NHS Foundation Trust", "nhs body"),
    (
        "The Newcastle upon Tyne Hospitals NHS Foundation Trust led it.",
        "The Newcastle upon Tyne Hospitals NHS Foundation Trust",
        "nhs body",
    ),
    (
        "NHS Greater Manchester Integrated Care Board funds it.",
        "NHS Greater Manchester Integrated Care Board",
        "nhs body",
    ),
    # Police forces and their commissioners
    ("Kent Police attended.", "Kent Police", "police or fire service"),
    ("Devon & Cornwall Police and the council agreed.", "Devon and Cornwall Police", "police or fire service"),
    ("The Kent PCC funds the project.", "Police and Crime Commissioner for Kent", "police and crime commissioner"),
    (
        "The Police and Crime Commissioner for Avon and Somerset spoke.",
        "Police and Crime Commissioner for Avon and Somerset",
        "police and crime commissioner",
    ),
    (
        "The Essex Police, Fire and Crime Commissioner agreed.",
        "Police and Crime Commissioner for Essex",
        "police and crime commissioner",
    ),
    ("MOPAC commissioned the review.", "Mayor's Office for Policing and Crime", "police and crime commissioner"),
    # Universities: whole names, unique synonyms, acronyms
    ("Researchers at Sheffield Hallam University found gaps.", "Sheffield Hallam University", "university"),
    ("The Manchester Metropolitan University led it.", "Manchester Metropolitan University", "university"),
    ("Edinburgh Napier University took part.", "Edinburgh Napier University", "university"),
    ("A study by LSHTM followed.", "London School of Hygiene and Tropical Medicine", "university"),
    ("Gower College Swansea runs the course.", "Gower College Swansea", "college"),
    # Kept by hand: parliament, international bodies, charities and companies no list holds
    ("The House of Commons debated the bill.", "House of Commons", "parliament"),
    ("The UK Parliament passed the act.", "UK Parliament", "parliament"),
    ("The Welsh Parliament voted.", "Senedd", "parliament"),
    ("Funding from the European Union ended.", "European Union", "international"),
    ("NATO allies met in London.", "NATO", "international"),
    ("Diabetes UK ran the campaign.", "Diabetes UK", "charity"),
    ("BAE Systems is a big employer.", "BAE Systems", "company"),
    ("Gleeson Homes built the estate.", "Gleeson Homes", "company"),
    ("We met LocalGov Digital members.", "LocalGovDigital", "sector body"),
]


@pytest.mark.parametrize(("sentence", "name", "kind"), FOUND, ids=[f[1] + ":" + f[0][:30] for f in FOUND])
def test_a_listed_body_is_found_under_its_canonical_name_and_kind(sentence, name, kind):
    assert name in find_organisations(sentence)
    assert organisation_kind(name) == kind


# Sentences that name no body, though a list holds a word of them: places, everyday words, jargon.
NOT_FOUND = [
    "We drove from Kingston to Sutton and on to Rotherham.",
    "Sheffield Hallam is a constituency.",
    "The Liverpool City Region has grown.",
    "She joined the Civil Service in 2001.",
    "Statistics show a rise in demand.",
    "Catherine Tate opened the library.",
    "Social workers apply the MCA every day.",
    "Children with ACE scores above four.",
    "Duties under the HRA apply.",
    "An NGO ran the food bank.",
    "Delegates at COP met in Glasgow.",
    "The TAC met on Tuesday.",
    "We bought more RAM for the servers.",
    "Home office policies apply to remote workers.",
    "Ask for an employment tribunal hearing.",
]


@pytest.mark.parametrize("sentence", NOT_FOUND)
def test_a_place_everyday_word_or_jargon_is_not_a_body(sentence):
    assert find_organisations(sentence) == []


def test_sheffield_hallam_university_is_not_cut_short():
    assert find_organisations("Sheffield Hallam University and the council") == ["Sheffield Hallam University"]


def test_a_former_name_claimed_by_two_successors_names_neither():
    # GOV.UK lists the Department of the Environment, Transport and the Regions as superseded by both
    # Defra and the Department for Transport: the old name cannot say which, so it is a body of its own.
    assert find_organisations("The Department of the Environment, Transport and the Regions said so.") == [
        "Department of the Environment, Transport and the Regions"
    ]


def test_a_live_body_is_not_filed_under_a_body_it_replaced():
    # GOV.UK lists the Teaching Regulation Agency (live) as superseding the National College for
    # Teaching and Leadership, which the hand-kept list holds; the agency stays its own body.
    assert find_organisations("Contact the Teaching Regulation Agency.") == ["Teaching Regulation Agency"]
    assert find_organisations("The National College for Teaching and Leadership said so.") == [
        "National College for Teaching and Leadership"
    ]


# --- the build ----------------------------------------------------------------------------------


def test_organisations_csv_is_what_the_build_makes_from_the_sources(tmp_path):
    pytest.importorskip("qlacref_authorities")
    builder = make_gazetteer()
    fresh = tmp_path / "organisations.csv"
    builder.write(builder.build(), fresh)
    assert fresh.read_text("utf-8") == (DATA / "organisations.csv").read_text("utf-8"), (
        "organisations.csv is stale: run .venv/bin/python indexer/data/make_gazetteer.py"
    )


def test_the_build_reads_every_source_and_each_adds_bodies():
    pytest.importorskip("qlacref_authorities")
    builder = make_gazetteer()
    bodies = builder.list_bodies()
    assert len(bodies) == len(builder.list_bodies()) and bodies == builder.list_bodies()  # same order each run
    kinds = {body.kind for body in bodies}
    assert {"government department", "court or tribunal", "police and crime commissioner", "university"} <= kinds
    assert kinds <= set(KINDS)
    described = (SOURCES / "README.md").read_text("utf-8")
    for source in SOURCES.iterdir():
        if source.name != "README.md":
            assert f"`{source.name}`" in described, f"{source.name} is not described in sources/README.md"


def test_the_gazetteer_holds_each_list_whole():
    with (DATA / "organisations.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_kind: dict[str, int] = {}
    for row in rows:
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + 1
    with (SOURCES / "police_forces.tsv").open(encoding="utf-8", newline="") as handle:
        forces = [row["name"].replace(" & ", " and ") for row in csv.DictReader(handle, delimiter="\t")]
    # every force's area but London's two and Northern Ireland's, and London's mayoral office
    assert by_kind["police and crime commissioner"] == len(forces) - 3 + 1
    with (SOURCES / "govuk_organisations_2026.csv").open(encoding="utf-8", newline="") as handle:
        govuk = list(csv.DictReader(handle))
    names = {row["canonical"] for row in rows}
    assert len(forces) == 44 and set(forces) <= names
    excluded = make_gazetteer().load_exclusions()
    kept = [row["title"].replace("’", "'") for row in govuk]
    kept = [title for title in kept if make_gazetteer().name_key(title) not in excluded]
    assert len(govuk) - 30 < len(kept) < len(govuk)  # a few left out on purpose, no more
    assert [title for title in kept if not find_organisations(title)] == []


def test_an_excluded_name_is_in_no_body():
    with (DATA / "list_exclusions.csv").open(encoding="utf-8", newline="") as handle:
        excluded = {row["name"] for row in csv.DictReader(handle)}
    with (DATA / "organisations.csv").open(encoding="utf-8", newline="") as handle:
        spellings = {a for row in csv.DictReader(handle) for a in [row["canonical"], *row["aliases"].split("|")]}
    assert not excluded & spellings
