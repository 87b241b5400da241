"""The organisation recogniser on real documents, against the bodies a careful reader listed (issue 27).

README.md beside this file says how the 599 documents and their lists were made. Issue 27 asks for
a test that fails below 0.90 F1 over (document, body) pairs on real documents whose bodies were
listed before the recogniser was run on them. The held-out split (75 documents, batch 10) is that
set now: it was annotated, and committed, before the recogniser was run on any of it, and nothing
was tuned on it. The recogniser reaches F1 0.92 there (precision 0.97, recall 0.87, 2026-12-07),
so the test fails below the issue's 0.90. Each earlier held-out batch was scored once, then read and
tuned on, and moved to the development split. The test split (69 documents) was looked at while
rules were tuned, so it is held to what it reaches as a guard against going back, not as the
issue's measure. The scores, and every wrong find and miss by document, are printed whatever the
outcome. The first tests check the set and the scorer itself, so that a broken scorer cannot pass.
"""

from __future__ import annotations

import pytest

from bench.orgs_real import (
    Body,
    Totals,
    load_documents,
    normalise_name,
    score_document,
    score_documents,
    summary,
    table,
)

DOCUMENTS = load_documents()
HELD_OUT = [d for d in DOCUMENTS if d.split == "holdout"]
TEST = [d for d in DOCUMENTS if d.split == "test"]
DEV = [d for d in DOCUMENTS if d.split == "dev"]
OPEN_LICENCES = {"OGL-3.0", "Open Parliament Licence v3.0", "CC BY-SA 4.0", "CC BY-SA 3.0", "MIT"}
# The outside check issue 27 keeps aside: nothing in the set may come from it.
OUTSIDE_CHECK = ("govuk-content-schemas", "publishing-api", "openreferraluk", "ukgovcamp", "getintoteaching", "covid19")


def test_the_set_has_enough_documents_each_open_and_with_its_text():
    assert len(HELD_OUT) >= 60 and len(TEST) >= 60 and len(DEV) >= 10
    assert len({d.id for d in DOCUMENTS}) == len(DOCUMENTS)
    for doc in DOCUMENTS:
        assert doc.licence in OPEN_LICENCES, doc.id
        assert doc.url and not any(word in doc.url.lower() for word in OUTSIDE_CHECK), doc.id
        assert len(doc.text().split()) >= 30, doc.id
        names = [key for body in doc.bodies for key in body.keys]
        assert len(names) == len(set(names)), f"{doc.id} lists one spelling under two bodies"


def test_names_compare_without_case_punctuation_ampersand_or_a_leading_the():
    assert normalise_name("The Department for Environment, Food & Rural Affairs") == normalise_name(
        "department for environment food and rural affairs"
    )
    assert normalise_name("Information Commissioner’s Office") == normalise_name("Information Commissioner's Office")
    assert normalise_name("The Access Group") == "access group"
    assert normalise_name("Kent County Council") != normalise_name("Kent Council")
    # The nation lgsearch writes in brackets to tell two bodies apart is not the body's name.
    assert normalise_name("Education Authority (Northern Ireland)") == normalise_name("Education Authority")
    assert normalise_name("Department of Health (Northern Ireland)") != normalise_name(
        "Department of Health and Social Care"
    )


def test_the_scorer_reads_a_readers_name_through_lgsearchs_canonical_names():
    """A reader wrote the name a body is known by; lgsearch finds it under its canonical name."""
    canonical = {"HMRC": "HM Revenue and Customs", "Ofsted": "Ofsted"}.get
    score = score_document(
        "doc", ["HM Revenue and Customs", "Ofsted"], [Body("HMRC"), Body("Ofsted")], canonical=canonical
    )
    assert (score.right, score.wrong, score.missed) == (["HMRC", "Ofsted"], [], [])
    without = score_document("doc", ["HM Revenue and Customs"], [Body("HMRC")])
    assert (without.wrong, without.missed) == (["HM Revenue and Customs"], ["HMRC"])


def test_the_scorer_counts_a_hand_made_case():
    """Two documents whose counts are known by hand: 3 right, 2 wrong, 2 missed."""
    first = score_document(
        "first",
        ["Local Government Association", "NHS England", "Contact", "Kent County Council", "LGA"],
        [Body("Local Government Association", ("LGA",)), Body("Kent County Council"), Body("Ofsted")],
        [Body("NHS England")],
    )
    assert first.right == ["Local Government Association", "Kent County Council"]
    assert first.wrong == ["Contact"]
    assert first.missed == ["Ofsted"]
    assert first.set_aside == ["NHS England", "LGA"]  # a maybe body, and a second spelling of one found
    second = score_document(
        "second",
        ["the Department for Environment, Food & Rural Affairs", "Hallam University"],
        [Body("Department for Environment, Food and Rural Affairs"), Body("Sheffield Hallam University")],
    )
    assert (second.right, second.wrong, second.missed) == (
        ["Department for Environment, Food and Rural Affairs"],
        ["Hallam University"],
        ["Sheffield Hallam University"],
    )
    totals = Totals.of([first, second])
    assert (totals.right, totals.wrong, totals.missed) == (3, 2, 2)
    assert totals.precision == pytest.approx(3 / 5)
    assert totals.recall == pytest.approx(3 / 5)
    assert totals.f1 == pytest.approx(0.6)


def test_the_scorer_fails_a_recogniser_that_finds_nothing_or_everything_wrong():
    nothing = Totals.of(score_documents(TEST, lambda text: []))
    assert nothing.right == 0 and nothing.recall == 0 and nothing.f1 == 0
    listed = sum(len(d.bodies) for d in TEST)
    assert nothing.missed == listed
    wrong = Totals.of(score_documents(TEST, lambda text: ["Ministry of Magic"]))
    assert wrong.wrong == len(TEST) and wrong.f1 == 0
    perfect = Totals.of(score_documents(TEST, _gold_finds))
    assert (perfect.right, perfect.wrong, perfect.missed) == (listed, 0, 0) and perfect.f1 == 1.0


def _gold_finds(text: str) -> list[str]:
    doc = next(d for d in TEST if d.text() == text)
    return [body.name for body in doc.bodies]


def _scored(pytestconfig: pytest.Config, name: str, documents: list) -> list:
    """The recogniser run once on every document of a split; the scores go to the terminal."""
    scores = score_documents(documents)
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\n\nOrganisations in real documents (tests/orgs_real, {name} split), against the bodies a reader listed:\n"
        )
        print(summary(name, Totals.of(scores), len(documents)))
        print(table(scores))
    return scores


ISSUE_TARGET_F1 = 0.90  # on documents nothing was tuned on
HELD_OUT_F1_AT_LEAST = ISSUE_TARGET_F1  # 0.918 reached on 2026-12-07 (206 right, 7 wrong, 30 missed of 236)
HELD_OUT_PRECISION_AT_LEAST = 0.95  # 0.967 reached
TEST_F1_AT_LEAST = 0.93  # 0.950 reached (177 right, 1 wrong, 17 missed of 194), tuned while looked at
PRECISION_AT_LEAST = 0.97  # 0.994 reached on the test split: recall must not be bought with wrong finds


def _held_to(totals: Totals, documents: list, f1: float, precision: float) -> None:
    assert totals.f1 >= f1 and totals.precision >= precision, (
        f"F1 {totals.f1:.3f} on {len(documents)} real documents is below {f1}, or precision "
        f"{totals.precision:.2f} below {precision}: recall {totals.recall:.2f} ({totals.wrong} wrong, "
        f"{totals.missed} missed); the table above lists them"
    )


def test_the_recogniser_finds_the_bodies_a_careful_reader_lists_in_documents_it_was_not_tuned_on(pytestconfig):
    totals = Totals.of(_scored(pytestconfig, "holdout", HELD_OUT))
    _held_to(totals, HELD_OUT, HELD_OUT_F1_AT_LEAST, HELD_OUT_PRECISION_AT_LEAST)


def test_the_recogniser_keeps_what_it_finds_in_the_test_split(pytestconfig):
    totals = Totals.of(_scored(pytestconfig, "test", TEST))
    _held_to(totals, TEST, TEST_F1_AT_LEAST, PRECISION_AT_LEAST)
