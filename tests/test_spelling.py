"""The spelling corrector's rules, each pinned by a word it must or must not change."""

from __future__ import annotations


import pytest

from indexer.query.spelling import SpellingCorrector, post_word_counts

# Post counts shaped like the sector's writing: the right words and their near neighbours.
COUNTS = {
    "inspection": 420,
    "inspections": 180,
    "inspecting": 25,
    "inspector": 60,
    "inspectors": 70,
    "governance": 300,
    "government": 510,
    "governments": 30,
    "governor": 90,
    "governors": 120,
    "commissioning": 150,
    "commission": 200,
    "commissioned": 80,
    "commissioner": 40,
    "receive": 210,
    "received": 260,
    "recover": 45,
    "recovery": 130,
    "relieve": 12,
    "safeguarding": 380,
    "safeguard": 50,
    "safeguards": 35,
    "ofsted": 400,
    "often": 320,
    "offset": 8,
    "office": 150,
    "budget": 350,
    "budgets": 160,
    "bucket": 6,
    "budge": 2,
    "leadership": 600,
    "leaders": 450,
    "leader": 380,
    "leading": 220,
    "readership": 3,
    "council": 700,
    "councils": 420,
    "counsel": 9,
    "what": 650,
    "heat": 14,
    "how": 700,
    "flow": 30,
    "spend": 140,
    "show": 200,
    "tender": 5,
    "tenders": 100,
    "safety": 80,
}


@pytest.fixture
def corrector() -> SpellingCorrector:
    return SpellingCorrector(COUNTS)


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("inspectoin", "inspection"),
        ("goverance", "governance"),
        ("commisioning", "commissioning"),
        ("recieve", "receive"),
        ("safegaurding", "safeguarding"),
        ("ofstead", "ofsted"),
        ("buget", "budget"),
        ("leadrship", "leadership"),
    ],
)
def test_corrects_the_common_misspellings(corrector, typed, meant):
    assert corrector.correct(typed) == meant


@pytest.mark.parametrize("word", ["council", "Council", "COUNTS", "what", "how", "often", "readership"])
def test_never_corrects_a_word_the_collection_has(word):
    corrector = SpellingCorrector({**COUNTS, "counts": 3})
    assert corrector.correct(word) is None


def test_a_word_seen_once_is_known_but_never_offered():
    corrector = SpellingCorrector({"governance": 1, "goverance": 1})
    assert corrector.correct("goverance") is None
    assert corrector.correct("governence") is None


def test_extra_words_are_known_and_may_be_offered():
    corrector = SpellingCorrector({"county": 40}, extra_words=["Cambridgeshire County Council", "SEND", "S114"])
    assert corrector.knows("COUNCIL") and corrector.knows("send") and corrector.knows("S114")
    assert corrector.correct("Cambrigeshire") == "Cambridgeshire"
    assert corrector.correct("councel") == "council"


def test_real_usage_outranks_an_extra_word_at_the_same_distance():
    corrector = SpellingCorrector({"leaders": 30}, extra_words=["Lenders Trust"])
    assert corrector.correct("leeders") == "leaders"


def test_an_extra_word_the_collection_uses_keeps_its_real_count():
    corrector = SpellingCorrector({"leaders": 30, "lenders": 50}, extra_words=["Lenders Trust"])
    assert corrector.correct("leeders") == "lenders"


def test_acronyms_typed_in_capitals_are_left_alone(corrector):
    assert corrector.correct("send") == "spend"  # the same letters in lower case would be changed
    assert corrector.correct("SEND") is None
    assert corrector.correct("EHCP") is None
    assert SpellingCorrector({"gadas": 9}).correct("ADASS") is None


@pytest.mark.parametrize("word", ["2024", "s114", "S114", "budget2", "bud-get", "covid19"])
def test_numbers_and_words_with_digits_or_punctuation_are_left_alone(word):
    assert SpellingCorrector({**COUNTS, "2025": 40, "s115": 9}).correct(word) is None


@pytest.mark.parametrize("word", ["how", "hw", "wat", "a", ""])
def test_words_under_four_letters_are_left_alone(word):
    corrector = SpellingCorrector({"show": 200, "flow": 30, "hows": 9, "what": 40, "wait": 9, "an": 20})
    assert corrector.correct(word) is None


def test_what_does_not_become_heat_even_when_the_collection_lacks_it():
    assert SpellingCorrector({"heat": 50, "flow": 50}).correct("what") is None


def test_input_over_thirty_letters_is_refused_at_once(monkeypatch):
    """Refused before any lookup: a lookup's work grows with the word's length and edits."""
    long_word = "inspection" * 3  # 30 letters, the longest a word may be
    corrector = SpellingCorrector({long_word: 5})
    assert corrector.correct(long_word[:-1] + "x") == long_word
    dictionary = corrector._dictionary()
    lookups = []
    real_lookup = dictionary.lookup
    monkeypatch.setattr(
        dictionary, "lookup", lambda *args, **kwargs: lookups.append(args) or real_lookup(*args, **kwargs)
    )
    assert corrector.correct(long_word[:-2] + "xy") == long_word
    assert len(lookups) == 1  # the count sees lookups
    assert corrector.correct(long_word + "s") is None
    assert corrector.correct("a" * 1000) is None
    assert len(lookups) == 1


def test_four_and_five_letter_words_allow_one_edit():
    corrector = SpellingCorrector({"safety": 80, "bulk": 20, "bank": 30})
    assert corrector.correct("safty") == "safety"
    assert corrector.correct("sfty") is None  # two edits in four letters
    assert corrector.correct("bnak") == "bank"  # a transposition is one edit
    assert corrector.correct("bilp") is None


def test_longer_words_allow_two_edits_but_not_three():
    corrector = SpellingCorrector({"governance": 300})
    assert corrector.correct("gvrnance") == "governance"
    assert corrector.correct("gvrnanc") is None


def test_the_nearest_word_wins_over_a_more_frequent_one(corrector):
    assert corrector.correct("tendre") == "tender"  # one transposition, against two edits to "tenders"


def test_among_equally_near_words_the_most_frequent_wins():
    corrector = SpellingCorrector({"tender": 5, "tends": 50})
    assert corrector.correct("tendr") == "tends"


def test_the_correction_keeps_the_first_letter():
    corrector = SpellingCorrector({"budget": 100})
    assert corrector.correct("nudget") is None
    assert corrector.correct("ubdget") == "budget"  # except when the first two letters are swapped


def test_a_capitalised_word_gets_a_capitalised_correction(corrector):
    assert corrector.correct("Goverance") == "Governance"


def test_knows_ignores_case(corrector):
    assert corrector.knows("Ofsted") and corrector.knows("OFSTED")
    assert not corrector.knows("ofstead")


def test_correct_words_lists_only_the_words_it_changes(corrector):
    words = ["goverance", "council", "SEND", "how", "goverance", "zzzzzz", "recieve"]
    assert corrector.correct_words(words) == {"goverance": "governance", "recieve": "receive"}


def test_post_word_counts_counts_posts_not_occurrences():
    counts = post_word_counts(["Budget budget, Ofsted's S114 budget", "the budget"])
    assert counts["budget"] == 2
    assert counts["ofsted"] == 1 and counts["s114"] == 1
