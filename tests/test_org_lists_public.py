"""The public bodies added in the last lists round: GOV.UK's closed bodies that no live body took over
(`lists/govuk_closed.py`) and the hand-kept devolved bodies, armed forces, service brands, former
departments and parliamentary committees. Each is found in a sentence under its canonical name and kind,
by the name a writer uses; a body renamed into one successor is that successor; a title that is an
everyday phrase is not a body."""

from __future__ import annotations

import pytest

from indexer.data.lists.body import jargon_acronyms
from indexer.data.lists.govuk_closed import NOT_BODIES, closed_govuk_bodies
from indexer.organisations import find_organisations, organisation_kind

# (sentence, canonical name, kind)
FOUND = [
    # GOV.UK's closed bodies of 2017, abolished, split or merged: bodies of their own
    ("The Housing Corporation funded 400 homes in 2005.", "Housing Corporation", "government agency"),
    ("The NHS TDA approved the plan.", "NHS Trust Development Authority", "nhs body"),
    ("The Learning and Skills Council funded colleges.", "Learning and Skills Council", "government agency"),
    ("Yorkshire Forward backed the scheme.", "Yorkshire Forward", "government agency"),
    (
        "Becta advised schools on technology.",
        "British Educational Communications and Technology Agency",
        "government agency",
    ),
    ("The Department of Trade and Industry (DTI) agreed.", "Department of Trade and Industry", "government department"),
    (
        "It was the Department of the Environment, Transport and the Regions' policy.",
        "Department of the Environment, Transport and the Regions",
        "government department",
    ),
    (
        "The Commission for Social Care Inspection rated it good.",
        "Commission for Social Care Inspection",
        "inspectorate or regulator",
    ),
    ("Oftel regulated telephones.", "Office of Telecommunications", "inspectorate or regulator"),
    # ... and bodies that only left GOV.UK for their own sites
    ("Figures from National Records of Scotland show it.", "National Records of Scotland", "government agency"),
    ("Waterways Ireland maintains the canal.", "Waterways Ireland", "government agency"),
    # a closed body renamed into one successor is that successor
    ("The Highways Agency closed the road in 2005.", "National Highways", "government agency"),
    ("Apply through the UK Passport Service.", "HM Passport Office", "government agency"),
    # Scotland
    ("Skills Development Scotland runs the scheme.", "Skills Development Scotland", "government agency"),
    ("Contact the Accountant in Bankruptcy.", "Accountant in Bankruptcy", "government agency"),
    ("Disclosure Scotland checks applicants.", "Disclosure Scotland", "government agency"),
    ("Apply to SAAS for a bursary.", "Student Awards Agency Scotland", "government agency"),
    (
        "The Police Investigations and Review Commissioner (PIRC) looked into it.",
        "Police Investigations and Review Commissioner",
        "inspectorate or regulator",
    ),
    ("Scottish Natural Heritage is now known as NatureScot.", "NatureScot", "government agency"),
    ("The Scottish Ambulance Service answered.", "Scottish Ambulance Service", "nhs body"),
    ("HMICS inspected the force.", "HM Inspectorate of Constabulary in Scotland", "inspectorate or regulator"),
    # Northern Ireland
    (
        "The Council for Catholic Maintained Schools agreed.",
        "Council for Catholic Maintained Schools",
        "government agency",
    ),
    ("Translink runs the buses.", "Translink", "government agency"),
    ("The Belfast Health and Social Care Trust said so.", "Belfast Health and Social Care Trust", "nhs body"),
    ("RQIA inspected the home.", "Regulation and Quality Improvement Authority", "inspectorate or regulator"),
    ("Invest NI gave a grant.", "Invest Northern Ireland", "government agency"),
    # Wales
    ("Social Care Wales registers the workforce.", "Social Care Wales", "inspectorate or regulator"),
    ("Betsi Cadwaladr University Health Board said so.", "Betsi Cadwaladr University Health Board", "nhs body"),
    ("Transport for Wales runs the trains.", "Transport for Wales", "government agency"),
    ("The Wales Audit Office reported.", "Audit Wales", "inspectorate or regulator"),
    # armed forces and GOV.UK's service brands
    ("A Royal Navy ship and the Royal Fleet Auxiliary sailed.", "Royal Fleet Auxiliary", "government agency"),
    ("She served in the Royal Navy.", "Royal Navy", "government agency"),
    ("Go to your local Jobcentre Plus.", "Jobcentre Plus", "government agency"),
    ("Apply to Student Finance England.", "Student Finance England", "government agency"),
    ("UK ENIC, formerly UK NARIC, compares qualifications.", "UK ENIC", "government agency"),
    # UK departments and bodies older than GOV.UK's lists
    (
        "The Department of the Environment issued the circular in 1995.",
        "Department of the Environment",
        "government department",
    ),
    ("MAFF handled the outbreak.", "Ministry of Agriculture, Fisheries and Food", "government department"),
    ("Printed by HMSO.", "His Majesty's Stationery Office", "government agency"),
    # parliamentary committees, under current and former names
    ("The Backbench Business Committee chose the debate.", "Backbench Business Committee", "parliament"),
    ("The Joint Committee on Human Rights reported.", "Joint Committee on Human Rights", "parliament"),
    (
        "The Merits of Statutory Instruments Committee drew it to the House's attention.",
        "Secondary Legislation Scrutiny Committee",
        "parliament",
    ),
    # a committee named only by a subject a council's committees share is known by its House
    ("The Education Select Committee heard evidence.", "House of Commons Education Committee", "parliament"),
    ("The Court of Session ruled on it.", "Court of Session", "court or tribunal"),
    (
        "The Public Administration Select Committee reported.",
        "Public Administration and Constitutional Affairs Committee",
        "parliament",
    ),
]


@pytest.mark.parametrize(("sentence", "name", "kind"), FOUND, ids=[name for _, name, _ in FOUND])
def test_public_body_found_under_its_name_and_kind(sentence, name, kind):
    assert name in find_organisations(sentence)
    assert organisation_kind(name) == kind


def test_closed_bodies_leave_out_reviews_and_everyday_phrases():
    names = {body.name for body in closed_govuk_bodies(jargon_acronyms())}
    assert "Housing Corporation" in names
    assert not names & NOT_BODIES
    assert not any("Review" in name and "Review Body" not in name and "Commissioners" not in name for name in names)


@pytest.mark.parametrize(
    "sentence",
    [
        "The council's planning service and its roads service answered.",
        "We will monitor the results and review the plan.",
        "Contact the Rent Service or the Forest Service.",
        "The council's Education Committee and its Transport Committee met.",
    ],
)
def test_everyday_phrases_are_not_public_bodies(sentence):
    assert find_organisations(sentence) == []
