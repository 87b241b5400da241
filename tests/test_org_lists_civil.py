"""Bodies outside UK government in the gazetteer: international organisations from the ECB's and the
OECD's lists, and the hand-kept companies, charities, think tanks, sector bodies and housing associations.
Each is found in a sentence under its canonical name and kind, by its everyday name or acronym; names
that are everyday words are found only in their longer form."""

from __future__ import annotations

import pytest

from indexer.data.lists.housing import housing_bodies, registered_provider_name
from indexer.data.lists.international import crs_bodies, ecb_bodies, international_bodies
from indexer.organisations import find_organisations, organisation_kind

# (sentence, canonical name, kind)
FOUND = [
    # international: the ECB's list, the OECD's list, and the UN's everyday names kept by hand
    ("The European Medicines Agency approved the vaccine.", "European Medicines Agency", "international"),
    ("Officers worked with Europol on the case.", "Europol", "international"),
    ("A loan from the EIB paid for the bridge.", "European Investment Bank", "international"),
    ("The CJEU ruled on the directive.", "Court of Justice of the European Union", "international"),
    (
        "The European Court of Justice ruled on the directive.",
        "Court of Justice of the European Union",
        "international",
    ),
    ("The Council of the EU agreed the text.", "Council of the European Union", "international"),
    ("UNDP runs the programme in Yemen.", "United Nations Development Programme", "international"),
    (
        "Funding for UNRWA was restored.",
        "United Nations Relief and Works Agency for Palestine Refugees in the Near East",
        "international",
    ),
    ("The World Food Programme delivered aid.", "World Food Programme", "international"),
    ("UN Women published the report.", "UN Women", "international"),
    ("OCHA coordinates the response.", "Office for the Coordination of Humanitarian Affairs", "international"),
    ("The UN Security Council met on Tuesday.", "United Nations Security Council", "international"),
    ("The ICRC visited the detainees.", "International Committee of the Red Cross", "international"),
    (
        "The IFRC launched an appeal.",
        "International Federation of Red Cross and Red Crescent Societies",
        "international",
    ),
    ("The World Trade Organisation ruled against the tariff.", "World Trade Organization", "international"),
    ("The OSCE observed the election.", "Organization for Security and Co-operation in Europe", "international"),
    ("The Commonwealth Secretariat hosted the meeting.", "Commonwealth Secretariat", "international"),
    # the World Health Organisation on the OECD's list joins the hand-kept World Health Organization
    ("The World Health Organisation declared a pandemic.", "World Health Organization", "international"),
    # companies: the FTSE 100 and suppliers of public services
    ("Thales will build the sonar.", "Thales", "company"),
    ("BT Group will replace the copper lines.", "BT Group", "company"),
    ("Arup designed the bridge.", "Arup", "company"),
    ("BAM Nuttall and Balfour Beatty were shortlisted.", "BAM Nuttall", "company"),
    ("Kier will resurface the roads.", "Kier Group plc", "company"),
    ("Civica supplies the council's revenues system.", "Civica", "company"),
    ("Northumbrian Water fixed the main.", "Northumbrian Water", "company"),
    ("The Hyde Group and Sanctuary Housing built the homes.", "Hyde Housing", "charity"),
    ("Lloyds Banking Group cut its branches.", "Lloyds Banking Group", "company"),
    ("Trains run by LNER were cancelled.", "London North Eastern Railway", "company"),
    # charities, think tanks, sector bodies, housing associations
    ("Turn2us runs a benefits calculator.", "Turn2us", "charity"),
    ("The RSPB manages the reserve.", "Royal Society for the Protection of Birds", "charity"),
    ("English Heritage looks after the castle.", "English Heritage", "charity"),
    ("Macmillan Cancer Support funds the nurses.", "Macmillan Cancer Support", "charity"),
    ("A study by the Bingham Centre found gaps.", "Bingham Centre for the Rule of Law", "think tank"),
    ("Libraries Connected welcomed the funding.", "Libraries Connected", "sector body"),
    ("The TUC called for a rise.", "Trades Union Congress", "sector body"),
    ("Homes were built by L&Q and Places for People.", "L&Q", "charity"),
    ("Great Places will manage the homes.", "Great Places Housing Group", "charity"),
    # the Regulator of Social Housing's list: registered names, joined to the everyday names kept by hand
    ("Stonewater and Incommunities signed the charter.", "Stonewater", "charity"),
    ("Saxon Weald manages the estate.", "Saxon Weald", "charity"),
    ("London & Quadrant Housing Trust Limited owns the block.", "L&Q", "charity"),
    ("The Riverside Group Limited reported a surplus.", "The Riverside Group", "charity"),
]


@pytest.mark.parametrize(("sentence", "canonical", "kind"), FOUND, ids=[c for _, c, _ in FOUND])
def test_a_body_outside_government_is_found_under_its_everyday_name(sentence, canonical, kind):
    assert canonical in find_organisations(sentence)
    assert organisation_kind(canonical) == kind


# Everyday words, places and surnames that are also these bodies' names are not bodies on their own.
NOT_FOUND = [
    "Families in crisis need shelter and a sense of scope for change.",
    "Sanctuary was offered to the refugees by the riverside.",
    "Onward travel is by stagecoach across the tarmac.",
    "The anchor held; the persimmon tree grew by the platform.",
    "Nationwide, councils face a sovereign debt squeeze.",
    "Hyde Park was busy. We met Mr Jacobs at the Chatham House rule meeting.",
    "Your Housing options are set out below; the Foundation year starts in May.",
]


@pytest.mark.parametrize("sentence", NOT_FOUND)
def test_an_everyday_word_is_not_taken_for_a_body(sentence):
    assert find_organisations(sentence) == []


def test_the_lists_name_each_international_body_once_and_drop_unsafe_acronyms():
    bodies = international_bodies()
    names = [body.name for body in bodies]
    assert len(names) == len(set(names))
    assert len(ecb_bodies()) > 150 and len(crs_bodies()) > 150
    aliases = {alias for body in bodies for alias in body.aliases}
    # EMA (Education Maintenance Allowance), ESA, EEA, BIS, EDF, ECB (cricket), IOM (the Isle of Man),
    # ITU (intensive therapy) and ITSO (smart ticketing) mean other things in British writing
    assert not {"EMA", "ESA", "EEA", "BIS", "EDF", "ISO", "ICO", "CERT", "ECB", "FAO", "IOM", "ITU", "ITSO"} & aliases
    # a fund or an account on the OECD's list is not a body
    assert not any(
        "Trust Fund" in name or "contributions" in name
        for name in names
        if name != "EU-Africa Infrastructure Trust Fund"
    )


def test_the_housing_list_names_providers_as_they_write_themselves_and_leaves_out_councils_and_words():
    assert registered_provider_name("The Riverside Group Limited") == "Riverside Group"
    assert registered_provider_name("Stonewater (2) Limited") == "Stonewater"
    assert registered_provider_name("Housing 21") == "Housing 21"
    names = {body.name for body in housing_bodies()}
    assert len(names) > 1000
    assert "Peabody Trust" in names
    assert not {"Foundation", "Refuge", "Turning Point", "Your Housing"} & names
    assert not any(name.endswith(" Council") for name in names)
