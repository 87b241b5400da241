"""The organisation facet: every body a post names is found, and every spelling lands on one name."""

from __future__ import annotations

import csv
import sys
import importlib.util
from pathlib import Path

import pytest
import yaml

from indexer.organisations import KINDS, aliases, canonical_org, find_organisations, organisation_kind
from indexer.query.request import SearchRequest
from indexer.query.service import SearchService
from indexer.reindex import reindex

ROOT = Path(__file__).resolve().parent.parent
PASSAGES = yaml.safe_load((Path(__file__).parent / "fixtures" / "org_passages.yaml").read_text("utf-8"))
GAZETTEER = ROOT / "indexer" / "data" / "organisations.csv"


def seed_text(prefix: str) -> str:
    """A seed's text, less the "Related Blog Articles" chrome that extraction removes."""
    (path,) = (ROOT / "seeds").glob(f"{prefix}_*.txt")
    return path.read_text("utf-8").split("Related Blog Articles")[0]


# --- the corpus -------------------------------------------------------------------------------


def passage_params() -> list:
    """Each passage; one marked `fails` (a body the lists do not hold yet, or a form no rule reads)
    is expected to fail, strictly, so the mark goes when it starts to pass."""
    return [
        pytest.param(passage, marks=pytest.mark.xfail(strict=True, reason=passage["fails"]))
        if passage.get("fails")
        else passage
        for passage in PASSAGES
    ]


@pytest.mark.parametrize("passage", passage_params(), ids=[passage["id"] for passage in PASSAGES])
def test_passage_names_what_a_careful_reader_lists(passage):
    assert find_organisations(passage["text"]) == sorted(passage["orgs"], key=lambda n: (n.casefold(), n))


def test_corpus_precision_is_at_least_0_97_and_recall_at_least_0_95():
    true_pos = false_pos = false_neg = 0
    for passage in PASSAGES:
        found, wanted = set(find_organisations(passage["text"])), set(passage["orgs"])
        true_pos += len(found & wanted)
        false_pos += len(found - wanted)
        false_neg += len(wanted - found)
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    print(
        f"\norganisations over {len(PASSAGES)} passages: precision {precision:.3f}, "
        f"recall {recall:.3f} ({true_pos} right, {false_pos} wrong, {false_neg} missed)"
    )
    assert len(PASSAGES) >= 150
    assert precision >= 0.97
    assert recall >= 0.95


def test_passage_ids_are_unique():
    assert len({passage["id"] for passage in PASSAGES}) == len(PASSAGES)


def test_corpus_lists_bodies_by_their_canonical_names():
    """A name only a clause defines ("Kindred, a charity that ..."), or one no list holds yet (a
    passage marked `fails`), is not a name on its own."""
    for passage in PASSAGES:
        for name in passage["orgs"]:
            wanted = (name, None) if name in passage.get("defined", []) or passage.get("fails") else (name,)
            assert canonical_org(name) in wanted, (passage["id"], name)


# --- the seeds --------------------------------------------------------------------------------

SEED_ORGANISATIONS = {
    "000": ["Ofsted", "Staffordshire University"],
    "001": ["Ofsted"],
    "002": ["Cambridgeshire County Council", "Ofsted"],
    "003": [
        "Bristol City Council",
        "Buckinghamshire County Council",
        "Cornwall Council",
        "Countess Wear Community School",
        "Exeter Consortium",
        "Exeter Teaching Schools Alliance",
        "Local Government Association",
        "LocalGovDigital",
        "NHS",
        "Nottinghamshire County Council",
        "Ofsted",
        "Public Service Transformation Academy",
        "RedQuadrant",
        "Suffolk County Council",
        "West Berkshire Council",
        "Whitehall and Industry Group",
    ],
    "004": ["Association of Directors of Children's Services"],
}


@pytest.mark.parametrize("prefix", sorted(SEED_ORGANISATIONS))
def test_seed_organisations_are_what_a_careful_reader_lists(prefix):
    assert find_organisations(seed_text(prefix)) == SEED_ORGANISATIONS[prefix]


# --- find_organisations -----------------------------------------------------------------------


def test_names_come_back_unique_and_sorted_ignoring_case():
    text = "The LGA, the Local Government Association and LocalGovDigital met Ofsted and the ADCS."
    assert find_organisations(text) == [
        "Association of Directors of Children's Services",
        "Local Government Association",
        "LocalGovDigital",
        "Ofsted",
    ]


def test_curly_apostrophes_and_possessives_are_the_same_body():
    assert find_organisations("Barnardo’s report and Ofsted’s reply") == ["Barnardo's", "Ofsted"]


def test_acronyms_match_only_as_whole_words_in_their_own_case():
    assert find_organisations("Lga, lga, Algarve, LGAs and ADCSs") == []
    assert find_organisations("(LGA)") == ["Local Government Association"]


def test_longest_name_wins():
    assert find_organisations("Care Inspectorate Wales visited.") == ["Care Inspectorate Wales"]
    assert find_organisations("NHS England wrote to us.") == ["NHS England"]


def test_empty_text_names_nothing():
    assert find_organisations("") == []


# --- canonical_org and aliases ----------------------------------------------------------------


def test_renamed_department_is_one_body_under_its_current_name():
    assert (
        canonical_org("DCLG")
        == canonical_org("DLUHC")
        == canonical_org("MHCLG")
        == "Ministry of Housing, Communities and Local Government"
    )


@pytest.mark.parametrize(
    "typed, canonical",
    [
        ("Staffs Uni", "Staffordshire University"),
        ("Ofsted's", "Ofsted"),
        ("OFSTED", "Ofsted"),
        ("ofsted", "Ofsted"),
        ("adcs", "Association of Directors of Children's Services"),
        ("Lga", "Local Government Association"),
        ("  Local  Government   Association ", "Local Government Association"),
        ("Camden Council", "London Borough of Camden"),
        ("Cambridgeshire Council", "Cambridgeshire County Council"),
        ("North Yorkshire County Council", "North Yorkshire Council"),
        ("Telford & Wrekin Council", "Telford and Wrekin Council"),
        ("Stoke on Trent City Council", "Stoke-on-Trent City Council"),
        ("Countess Wear Community School", "Countess Wear Community School"),
        ("Devon ICB", "NHS Devon Integrated Care Board"),
    ],
)
def test_canonical_org_maps_every_spelling_to_one_name(typed, canonical):
    assert canonical_org(typed) == canonical


@pytest.mark.parametrize(
    "not_a_body",
    [
        "Devon",
        "West Berkshire",
        "the County Council",
        "County Council",
        "the government",
        "children's services",
        "directors of children's services",
        "DCS",
        "LocalGovCamp",
        "send",
        "",
    ],
)
def test_canonical_org_knows_places_generics_roles_and_events_are_not_bodies(not_a_body):
    assert canonical_org(not_a_body) is None


def test_aliases_list_the_canonical_name_first_then_every_other_spelling():
    names = aliases("Ofsted")
    assert names[0] == "Ofsted"
    assert "Office for Standards in Education, Children's Services and Skills" in names
    assert {"MHCLG", "DLUHC", "DCLG"} <= set(aliases("MHCLG"))
    assert aliases("Devon") == []


def test_every_alias_leads_back_to_its_body():
    with GAZETTEER.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for alias in aliases(row["canonical"]):
                assert canonical_org(alias) == row["canonical"], alias


def test_organisation_kind():
    assert organisation_kind("Cambridgeshire County Council") == "county council"
    assert organisation_kind("ADCS") == "sector body"
    assert organisation_kind("Countess Wear Community School") == "school"
    assert organisation_kind("Sheffield Teaching Hospitals NHS Foundation Trust") == "nhs body"
    assert organisation_kind("Devon") is None


# --- the gazetteer ----------------------------------------------------------------------------


def gazetteer_rows() -> list[dict]:
    with GAZETTEER.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_gazetteer_holds_every_principal_council_of_each_nation():
    rows = gazetteer_rows()
    by_kind = {kind: sum(row["kind"] == kind for row in rows) for kind in KINDS}
    assert by_kind["scottish council"] == 32
    assert by_kind["northern irish council"] == 11
    assert by_kind["welsh council"] == 22
    assert by_kind["london borough"] == 33  # 32 boroughs and the City of London Corporation
    assert {row["kind"] for row in rows} <= set(KINDS)
    names = {row["canonical"] for row in rows}
    assert {
        "Cumberland Council",
        "Westmorland and Furness Council",
        "North Yorkshire Council",
        "Somerset Council",
        "Cornwall Council",
        "Bristol City Council",
        "London Borough of Camden",
        "West Berkshire Council",
    } <= names


def test_gazetteer_is_what_make_gazetteer_writes(tmp_path):
    pytest.importorskip("qlacref_authorities")
    spec = importlib.util.spec_from_file_location("make_gazetteer", ROOT / "indexer" / "data" / "make_gazetteer.py")
    make_gazetteer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_gazetteer)
    fresh = tmp_path / "organisations.csv"
    make_gazetteer.write(make_gazetteer.build(), fresh)
    assert fresh.read_text("utf-8") == GAZETTEER.read_text("utf-8"), (
        "organisations.csv is stale: run .venv/bin/python indexer/data/make_gazetteer.py"
    )


# --- work grows with the post, not with its square ----------------------------------------------


def count_steps(text: str) -> int:
    """Lines of the recogniser run for `text`: a measure of work that a busy machine cannot skew."""
    steps = 0
    package = str(ROOT / "indexer")

    def trace(frame, event, arg):
        if not frame.f_code.co_filename.startswith(package):
            return None

        def count_line(frame, event, arg):
            nonlocal steps
            steps += event == "line"
            return count_line

        return count_line

    sys.settrace(trace)
    try:
        find_organisations(text)
    finally:
        sys.settrace(None)
    return steps


def long_post(megabytes: float, line: str | None = None) -> str:
    line = line or (
        "Ofsted came back. Ofsted met the LGA and Countess Wear Community School and "
        "Norfolk County Council (NCC) and Ofsted and NCC. Diabetes UK, the Food for Life Partnership "
        "and Kindred, a charity that helps, met the Hospital Food Standards Panel (HFSP) at The Bemrose "
        "School. Kingston and Sutton councils and four councils, Kent, Medway, Surrey and Sutton, asked "
        "the Institute for Fiscal Studies and the charity Contact. Contact details: Bristol council. "
    )
    return line * int(megabytes * 2**20 // len(line))


def assert_read_in_linear_time(line: str) -> None:
    """Posts of 0.25 and 0.5 MB made of the line: the second takes twice the steps of the first."""
    find_organisations(line)  # load the gazetteer and the police areas before counting
    one, two = count_steps(long_post(0.25, line)), count_steps(long_post(0.5, line))
    assert 1.9 <= two / one <= 2.1, (one, two)


@pytest.mark.slow  # recognises posts of 1 and 2 MB
def test_recognising_organisations_is_linear_in_the_length_of_a_post():
    one, two = count_steps(long_post(1)), count_steps(long_post(2))
    assert 1.9 <= two / one <= 2.1, (one, two)


# Lines that posts of 0.25 and 0.5 MB are made of, each read in linear time (every rule looks a
# bounded way back and forward).
LINEAR_LINES = {
    # capitalised words and heads, no full stop
    "heads without a break": "Food for Life Partnership Trust Panel UK Ltd Kingston and Sutton Councils, Kent and Medway, ",
    "places acting as bodies and the tuned forms": (
        "Councils act. Swindon uses AI and Hertfordshire has developed a robot. Maidstone and Kent's "
        "platform and Northumberland's Flood AI provides, with Leeds children's services. Parliament "
        "heard the former chief constable of Hampshire, the Infected Blood Inquiry, the Standards and "
        "testing agency and each local NHS Trust under the NHS Act 2006. "
    ),
    # issue 27's recall rules: lists, governments, missions, nations, acronyms inside names
    "the recall forms": (
        "The Irish government and the British Embassy in Rome met the Embassy of Italy in London. "
        "It follows investment from Schroders, Man Group, Bank of America, M&G and BlackRock, and "
        "contractors including Walters Group, Atkins and Arcadis. The Cheshire and Warrington combined "
        "authority, the Special Educational Needs and Disability (SEND) Tribunal, Trading Standards "
        "Scotland, the National Careers Service and Saracens Rugby Club. The following companies:\n"
        "  * Jacobs Enforcement\n  * Swift Credit Services Limited\n\n"
    ),
    # the tuning round on batch 4: names that run on, Northern Ireland's departments, bare lists
    "names that run on and bare lists": (
        "At Stormont the Executive heard the Department of Health and the Department for Communities. "
        "The Riverside Poor Law Committee, the General Teaching Council for Scotland, HM Inspectorate "
        "of Constabulary in Scotland and the Welsh NHS Confederation met the NHS Wales Executive. "
        "Lenders Northgate, Eastfield, Westbank and Southmoor Capital joined the four authorities - "
        "Merthyr Tydfil, Blaenau Gwent, Monmouthshire and Torfaen.\n"
        "Ann Lee - Chair, Borders Housing Partnership\n"
    ),
}


@pytest.mark.slow  # recognises posts of 0.25 and 0.5 MB
@pytest.mark.parametrize("name", LINEAR_LINES)
def test_each_form_is_read_in_linear_time(name):
    assert_read_in_linear_time(LINEAR_LINES[name])


def test_gazetteer_holds_all_42_integrated_care_boards_each_with_its_short_form():
    boards = [row for row in gazetteer_rows() if row["canonical"].endswith("Integrated Care Board")]
    assert len(boards) == 42
    for row in boards:
        short = row["canonical"].removeprefix("NHS ").replace("Integrated Care Board", "ICB")
        assert canonical_org(short) == row["canonical"], short


@pytest.mark.parametrize(
    "typed, canonical, kind",
    [
        ("Age UK Norfolk", "Age UK Norfolk", "charity"),
        ("Home-Start Suffolk", "Home-Start Suffolk", "charity"),
        ("Exampleshire Council", "Exampleshire Council", "district council"),
        ("HMRC", "HM Revenue and Customs", "government department"),
        ("COSLA", "Convention of Scottish Local Authorities", "sector body"),
    ],
)
def test_branches_unlisted_councils_and_new_bodies_have_a_canonical_name_and_kind(typed, canonical, kind):
    assert canonical_org(typed) == canonical
    assert organisation_kind(canonical) == kind


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Diabetes UK", "charity"),
        ("Devon Wildlife Trust", "charity"),
        ("Esmée Fairbairn Foundation", "charity"),
        ("Northgate Builders Ltd", "company"),
        ("Balfour Beatty plc", "company"),
        ("Hospital Caterers Association", "sector body"),
        ("Sheffield Food Network", "sector body"),
        ("Leeds Community Healthcare Trust", "nhs body"),
        ("Greenwood Academies Trust", "school"),
        ("The Bemrose School", "school"),
        ("Northfield Food Partnership", None),  # a partnership, panel or commission is shown as "other"
        ("Ashgrove Food Standards Panel", None),
    ],
)
def test_a_body_known_by_its_form_has_the_kind_its_form_says(name, kind):
    assert canonical_org(name) == name
    assert organisation_kind(name) == kind


@pytest.mark.parametrize(
    "typed, canonical",
    [
        ("Bristol Council", "Bristol City Council"),
        ("LocalGov Digital", "LocalGovDigital"),
        ("Serco Ltd", "Serco"),
    ],
)
def test_a_name_form_lands_on_the_listed_body(typed, canonical):
    assert canonical_org(typed) == canonical


SAVED_PAGE = """<!doctype html><html><head><title>Our food plan - Exampleshire Council</title>
<meta name="keywords" content="Diabetes UK, Contact, LGA"><meta name="description" content="The Trussell Trust and us">
</head><body><header><nav><a href="/">Home</a> | <a href="/contact">Contact</a> |
<a href="/lga">Local Government Association</a></nav></header>
<main><article><h1>Our food plan</h1>
<p>We have worked with the Food for Life Partnership for two years, and the results are in. Schools in the
county now serve fresh food every day, and more children eat a hot lunch than ever before.</p>
<p>Brightwater, a charity that supports families, ran sessions for parents across the summer holidays, and we
will do the same again next year with more schools.</p></article></main>
<aside><h2>Related</h2><ul><li><a href="/x">Diabetes UK partnership</a></li></ul></aside>
<footer>Contact us. Follow the Hospital Caterers Association.</footer></body></html>"""


def test_only_the_articles_own_text_names_organisations(tmp_path):
    """The page's navigation, keywords, sidebar and footer name bodies the post does not."""
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "food-plan.html").write_text(SAVED_PAGE, "utf-8")
    reindex([posts], tmp_path / "index")
    with SearchService(tmp_path / "index") as service:
        (hit,) = service.search(SearchRequest(q="food")).hits
    assert hit.document["organisations"] == ["Brightwater", "Food for Life Partnership"]
