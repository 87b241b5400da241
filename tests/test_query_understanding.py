"""Queries typed the way staff type them: hyphens, questions, acronyms, spellings and typos.

Each test names one rule of the search quality work and runs it through a real index built by
the reindex job from posts written for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import write_post
from indexer.analysis import stem, text_analyzer
from indexer.reindex import reindex
from indexer.query.parsing import make_parser, parse_user_query
from indexer.query.request import SearchRequest
from indexer.schema import build_schema
from indexer.query.matching import PARTIAL_NOTICE
from indexer.query.service import SearchService

POSTS = {
    "sli-hyphen": (
        "Sector-led improvement after austerity",
        "Sector-led improvement is how councils hold each other to account through peer challenge.",
    ),
    "sli-apart": (
        "Notes from the voluntary sector",
        "The voluntary sector led the way during lockdown, long before any improvement plan.",
    ),
    "place-hyphen": ("Place-based working", "Place-based working joins the council with its partners."),
    "place-apart": ("A new library", "Working in one place, the team based itself at the library."),
    "cross-apart": ("Cross sector partnerships", "A cross sector partnership with the hospital and the college."),
    "wellbeing-joined": ("Staff wellbeing", "Our wellbeing offer for social workers includes supervision."),
    "peer-review": ("A peer review of our front door", "The peer review team looked at our referrals."),
    "stoke": ("Children's services in Stoke-on-Trent", "Stoke-on-Trent City Council has improved its services."),
    "send-acronym": ("SEND reforms and EHCPs", "The SEND reforms have not cut the EHCP backlog for families."),
    "send-long": (
        "High needs deficits",
        "Funding for special educational needs and disabilities keeps rising; the high needs block is short.",
    ),
    "send-verb": ("Library consultation", "Please send us your views on the library opening hours."),
    "ehcp-long": ("Education plans", "Every education, health and care plan should be written with the family."),
    "us-spelling": (
        "Organization culture in a program office",
        "Our organization runs a program to prioritize prevention and modernize services.",
    ),
    "uk-spelling": ("Organisational culture", "Culture in an organisation is built by the programme team's judgement."),
    "inspection": ("Preparing for an inspection", "Inspectors investigated how leaders use governance to improve."),
    "pressure": ("Under pressure", "Services under pressure need leadership; the budget is pressurized."),
    "dcs": (
        "What makes a good director of children's services",
        "A good director of children's services knows the front line.",
    ),
    "cqc": ("CQC assessment", "The Care Quality Commission assessment of adult social care began."),
}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("posts")
    for name, (title, body) in POSTS.items():
        write_post(folder, f"{name}.md", title, body)
    index_dir = tmp_path_factory.mktemp("index") / "index"
    reindex([folder], index_dir)
    with SearchService(index_dir) as svc:
        yield svc


def ids(service, q, **options):
    return [hit.id for hit in service.search(SearchRequest(q=q, per_page=100, **options)).hits]


# -- hyphens join, never exclude ----------------------------------------------------------------


def test_a_hyphenated_query_finds_what_the_same_words_apart_find_and_ranks_the_phrase_first(service):
    hyphenated = ids(service, "place-based working")
    apart = ids(service, "place based working")
    assert set(hyphenated) == set(apart) and "place-apart" in apart
    assert hyphenated[0] == apart[0] == "place-hyphen"


def test_the_sectors_own_hyphenated_terms_rank_the_term_above_its_words_apart(service):
    assert ids(service, "sector-led improvement")[0] == "sli-hyphen"
    assert ids(service, "sector led improvement")[0] == "sli-hyphen"


def test_words_typed_apart_find_the_hyphenated_form_and_the_other_way(service):
    assert ids(service, "place based")[0] == "place-hyphen"
    assert ids(service, "cross-sector")[0] == "cross-apart"
    assert ids(service, "well-being")[0] == "wellbeing-joined"
    assert "stoke" in ids(service, "Stoke-on-Trent") and "stoke" in ids(service, "stoke on trent")


def test_a_minus_after_a_space_and_not_still_exclude(service):
    assert "peer-review" in ids(service, "peer")
    assert "peer-review" not in ids(service, "peer -review")
    assert "peer-review" not in ids(service, "peer NOT review")


def test_hyphens_join_in_queries_written_with_operators_too(service):
    parsed = parse_user_query(make_parser(build_schema()), "sector-led AND improvement")
    assert "NOT" not in str(parsed.query).upper().replace("ANDNOT", "NOT")
    assert set(ids(service, "sector-led AND improvement")) == {"sli-hyphen", "sli-apart"}


def test_a_hyphen_between_letters_alone_searches_something(service):
    parsed = parse_user_query(make_parser(build_schema()), "e-sports")
    assert parsed.query is not None and parsed.concepts


# -- no dead ends -----------------------------------------------------------------------------------


def test_a_question_finds_posts_with_most_of_its_words(service):
    result = service.search(SearchRequest(q="what makes a good director of children's services"))
    assert result.hits[0].id == "dcs"
    assert result.notice is None  # one post has every word


def test_partial_results_say_so_in_one_sentence(service):
    result = service.search(SearchRequest(q="peer challenge lockdown hospital"))
    assert result.total > 0 and result.notice == PARTIAL_NOTICE


def test_posts_with_more_of_the_words_rank_first(service):
    hits = service.search(SearchRequest(q="peer review referrals lockdown")).hits
    assert hits[0].id == "peer-review"


def test_nothing_is_found_only_when_no_meaningful_word_is_in_the_index(service):
    assert service.search(SearchRequest(q="zyxwv qqqqq")).total == 0
    assert service.search(SearchRequest(q="zyxwv inspection")).total > 0


# -- spelling ---------------------------------------------------------------------------------------


def test_a_misspelling_is_corrected_and_the_corrected_results_shown(service):
    result = service.search(SearchRequest(q="inspectoin"))
    assert result.corrected is not None and result.corrected.to == "inspection"
    assert [h.id for h in result.hits] == ids(service, "inspection")


def test_a_document_reached_from_corrected_results_lights_the_corrected_word(service):
    page = service.document("inspection", q="goverance")
    assert any("<mark>governance</mark>" in paragraph for paragraph in page.paragraphs)


def test_correct_no_keeps_the_query_as_typed_and_offers_the_correction(service):
    result = service.search(SearchRequest(q="inspectoin", correct=False))
    assert result.corrected is None and result.total == 0 and result.suggestion == "inspection"


def test_a_word_the_index_has_is_never_corrected(service):
    result = service.search(SearchRequest(q="pressurized"))
    assert result.corrected is None and result.suggestion is None


def test_an_acronym_in_capitals_is_never_corrected(service):
    result = service.search(SearchRequest(q="DCS"))
    assert result.corrected is None and result.suggestion is None
    assert "dcs" in [h.id for h in result.hits]  # through its long form


# -- the sector's vocabulary -----------------------------------------------------------------------


def test_an_acronym_finds_its_long_form_and_the_long_form_finds_the_acronym(service):
    assert {"send-acronym", "send-long"} <= set(ids(service, "SEND"))
    assert {"send-acronym", "send-long"} <= set(ids(service, "special educational needs and disabilities"))
    assert {"send-acronym", "ehcp-long"} <= set(ids(service, "EHCP"))
    assert {"send-acronym", "ehcp-long"} <= set(ids(service, "education health and care plan"))


def test_the_words_typed_rank_above_their_expansion(service):
    assert ids(service, "SEND")[0] == "send-acronym"
    assert ids(service, "special educational needs and disabilities")[0] == "send-long"


def test_an_acronym_in_capitals_is_not_the_ordinary_word(service):
    assert "send-verb" not in ids(service, "SEND reforms")
    assert "send-verb" in ids(service, "send us your views")


def test_organisation_acronyms_find_the_body_in_full(service):
    assert "cqc" in ids(service, "Care Quality Commission")
    assert ids(service, "CQC")[0] == "cqc"


def test_british_and_american_spellings_find_each_other(service):
    for american, british in (
        ("organization", "organisation"),
        ("program", "programme"),
        ("judgment", "judgement"),
        ("prioritise", "prioritize"),
        ("modernise", "modernize"),
    ):
        assert set(ids(service, american)) == set(ids(service, british)) != set(), (american, british)
    assert {"us-spelling", "uk-spelling"} <= set(ids(service, "organization"))


# -- the stemmer ----------------------------------------------------------------------------------


def test_the_stemmer_applies_step_1b(service):
    assert stem("investigated") == stem("investigate")
    assert stem("pressurized") == stem("pressurize")
    assert "pressure" in ids(service, "pressurize")
    assert "inspection" in ids(service, "investigate")


def test_the_index_marks_acronyms_and_joins_compounds():
    tokens = [(t.text, t.pos) for t in text_analyzer()("The SEND well-being offer", positions=True, mode="index")]
    assert ("§send", 0) in tokens and ("send", 0) in tokens
    assert ("well", 1) in tokens and ("be", 2) in tokens and ("wellb", 1) in tokens
    query_tokens = [t.text for t in text_analyzer()("The SEND well-being offer", mode="query")]
    assert query_tokens == ["send", "well", "be", "offer"]


# -- snippets ---------------------------------------------------------------------------------------


def test_a_hyphenated_term_is_lit_as_a_whole_and_the_title_is_lit_too(service):
    hit = service.search(SearchRequest(q="sector-led improvement")).hits[0]
    assert "<mark>Sector-led improvement</mark>" in hit.snippet
    assert hit.title_html == "<mark>Sector-led improvement</mark> after austerity"


def test_the_snippet_shows_the_expansion_that_matched(service):
    hit = next(h for h in service.search(SearchRequest(q="SEND")).hits if h.id == "send-long")
    assert "<mark>special educational needs and disabilities</mark>" in hit.snippet


def test_a_changed_analyzer_means_an_older_index_must_be_rebuilt(tmp_path: Path, monkeypatch):
    from indexer import store
    from indexer.query.results import IndexUnavailable

    write_post(tmp_path / "posts", "a.md", "A", "Some words.")
    reindex([tmp_path / "posts"], tmp_path / "index")
    monkeypatch.setattr(store, "SCHEMA_VERSION", store.SCHEMA_VERSION + 1)
    with SearchService(tmp_path / "index") as svc, pytest.raises(IndexUnavailable, match="--rebuild"):
        svc.search(SearchRequest(q="words"))


def test_two_passages_are_joined_by_one_ellipsis(tmp_path):
    filler = ", ".join(f"clause {n} of a run-on sentence" for n in range(60))
    write_post(
        tmp_path / "posts",
        "long.md",
        "Long",
        f"It began, {filler}, with peer challenge in it, {filler}, then peer challenge again, {filler}.",
    )
    reindex([tmp_path / "posts"], tmp_path / "index")
    with SearchService(tmp_path / "index") as svc:
        snippet = svc.search(SearchRequest(q="peer challenge")).hits[0].snippet
    assert snippet.count("<mark>") >= 2 and "… …" not in snippet


def test_a_correction_that_finds_more_but_not_every_word_is_offered(service):
    result = service.search(SearchRequest(q="goverance zyxwv"))
    assert result.corrected is None and result.suggestion == "governance zyxwv"
    assert result.total == 0 or result.notice


# -- typed and pasted text is text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, plain",
    [
        ("peer review (front door)", "peer review front door"),
        ("what is a peer review?", "what is a peer review"),
        ("?peer? review?", "peer review"),
        ("Peer review: the front door / referrals", "peer review the front door referrals"),
        ("• peer review\n• referrals & governance + inspection", "peer review referrals governance inspection"),
        ('"peer review of referrals', "peer review of referrals"),
        ("- peer review - referrals", "peer review referrals"),
        ("-peer\n-referrals", "peer referrals"),  # a pasted list, not a search for everything else
        ("SEND reforms (EHCP backlog)?", "SEND reforms EHCP backlog"),
    ],
)
def test_punctuation_in_typed_text_changes_nothing_found(service, typed, plain):
    assert ids(service, typed) == ids(service, plain) != []


def test_a_bracketed_aside_never_makes_a_dead_end(service):
    # Once read as grouping (every word required), this found nothing.
    result = service.search(
        SearchRequest(q="how do inspectors judge leaders (using governance reviews made in lockdown)?")
    )
    assert result.total > 0 and result.hits[0].id == "inspection"


def test_the_notice_speaks_only_of_what_was_typed(service):
    for q in [
        "what is a peer review?",
        "?slip? review",
        "peer review (front door)",
        "Note: peer review",
        "see https://example.org/peer-review",
        "SEND reforms: EHCP backlog",
    ]:
        notice = service.search(SearchRequest(q=q)).notice or ""
        assert "wildcard" not in notice and "*" not in notice and "field" not in notice, (q, notice)
        assert "bracket" not in notice, (q, notice)


def test_syntax_still_applies_when_plainly_written_as_syntax(service):
    assert set(ids(service, "peer OR wellbeing")) == set(ids(service, "peer")) | set(ids(service, "wellbeing"))
    assert ids(service, "(peer OR wellbeing) AND supervision") == ["wellbeing-joined"]
    assert "peer-review" not in ids(service, "review NOT peer")
    assert "peer-review" not in ids(service, "review -peer")
    assert ids(service, 'title:"front door"') == ["peer-review"]
    assert ids(service, '"voluntary sector" led') == ["sli-apart"]
    assert set(ids(service, "organi?ation")) == {"us-spelling", "uk-spelling"}
    assert "inspection" in ids(service, "inspect*")
    assert service.search(SearchRequest(q="*")).total == len(POSTS)


def test_operators_in_a_shouted_sentence_are_words(service):
    # All in capitals, NOT is writing, not an exclusion.
    assert "send-acronym" in ids(service, "WHY IS SEND NOT WORKING FOR FAMILIES")
    assert "send-acronym" not in ids(service, "SEND reforms NOT EHCP")


def test_quoted_words_no_post_has_together_are_searched_as_words_and_said(service):
    result = service.search(SearchRequest(q='the "peer referrals" we made'))
    assert result.total > 0 and "searched as separate words" in result.notice
    assert ids(service, '"peer review"') == ["peer-review"]  # a phrase posts have stays a phrase


def test_rare_words_count_for_more_than_common_ones():
    import numpy as np

    from indexer.query.matching import TextMatch

    # Of 100 posts, one has the rare word; half have each generic word. Post 0 has the rare word
    # and a generic one, post 1 both generic words: by count they tie, by what they tell post 0
    # has far more of what was asked for.
    rare, generic, other = np.array([0]), np.arange(0, 50), np.arange(1, 61)
    text = TextMatch(set(range(61)), {0}, [rare, generic, other], posts=100)
    assert text.coverage(0) > 2 * text.coverage(1) > 0
    assert text.coverage(0) < 1 and text.coverage(99) == 0
    assert text.weights(1.0)[0] == text.coverage(0)
