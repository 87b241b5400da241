"""The query service, on a real index: words, fields, aliases, filters, facets, sorting, paging."""

from __future__ import annotations

import pytest

from helpers import CORPUS, write_post
from indexer.reindex import reindex
from indexer.query.request import SearchRequest
from indexer.query.results import IndexUnavailable
from indexer.query.service import SearchService


@pytest.fixture
def service(built_index):
    with SearchService(built_index) as service:
        yield service


def ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


def facet(result, name) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[name]}


def test_words_are_stemmed(service):
    assert "ofsted-inspection" in ids(service.search(SearchRequest(q="inspections")))
    assert "peer-challenge" in ids(service.search(SearchRequest(q="challenges")))


def test_phrases_and_operators(service):
    assert ids(service.search(SearchRequest(q='"peer challenge"'))) == ["peer-challenge"]
    assert set(ids(service.search(SearchRequest(q="academy OR LocalGovDigital")))) == {"academies", "digital/localgov"}
    inspection = set(ids(service.search(SearchRequest(q="inspection"))))
    assert set(ids(service.search(SearchRequest(q="inspection NOT ofsted")))) == inspection - {
        "ofsted-inspection",
        "peer-challenge",
    }
    assert set(ids(service.search(SearchRequest(q="inspection -ofsted")))) == inspection - {
        "ofsted-inspection",
        "peer-challenge",
    }
    assert ids(service.search(SearchRequest(q="ofsted AND governors"))) == []


def test_field_restrictions(service):
    assert ids(service.search(SearchRequest(q="title:academies"))) == ["academies"]
    assert set(ids(service.search(SearchRequest(q="tag:sli")))) == {"ofsted-inspection", "peer-challenge"}
    assert ids(service.search(SearchRequest(q='tag:SLI AND tag:"South East"'))) == ["peer-challenge"]
    assert set(ids(service.search(SearchRequest(q="author:haggerty")))) == {"academies", "digital/localgov"}
    assert set(ids(service.search(SearchRequest(q="source:notepad")))) == {"academies", "digital/localgov"}


def test_an_acronym_finds_the_organisation_in_any_form(service):
    # Only the full name appears in the post's text.
    assert "ofsted-inspection" in ids(service.search(SearchRequest(q="LGA")))
    by_alias = ids(service.search(SearchRequest(q="org:ADCS")))
    by_name = ids(service.search(SearchRequest(q='org:"Association of Directors of Children\'s Services"')))
    assert by_alias == by_name == ["peer-challenge"]


def test_filters_widen_within_a_parameter_and_narrow_across(service):
    either = service.search(SearchRequest(org=("Ofsted", "Care Quality Commission")))
    assert set(ids(either)) == {"ofsted-inspection", "peer-challenge", "undated"}
    both = service.search(SearchRequest(org=("Ofsted",), tag=("South East",)))
    assert ids(both) == ["peer-challenge"]
    assert ids(service.search(SearchRequest(org=("ADCS",)))) == ["peer-challenge"]
    assert ids(service.search(SearchRequest(tag=("sli",), year=("2019",)))) == ["ofsted-inspection"]


def test_facet_counts_leave_out_their_own_filter(service):
    result = service.search(SearchRequest(tag=("SLI",)))
    tags = facet(result, "tag")
    # Every tag is still listed, counted as if the tag filter were not there.
    assert tags["SLI"] == 2 and tags["Inspection"] == 2 and tags["Schools"] == 1
    assert [v.value for v in result.facets["tag"] if v.selected] == ["SLI"]
    # Other fields are counted under the tag filter.
    assert facet(result, "year") == {"2020": 1, "2019": 1}
    assert facet(result, "source") == {"ADCS Blog": 1, "Council Leader Blog": 1}


def test_date_bounds_are_inclusive_and_partial_dates_cover_their_span(service):
    assert set(ids(service.search(SearchRequest(date_from="2019", date_to="2020-06")))) == {
        "ofsted-inspection",
        "peer-challenge",
    }
    assert ids(service.search(SearchRequest(date_from="2021-01-15"))) == ["digital/localgov"]
    assert ids(service.search(SearchRequest(date_to="2018-11-20"))) == ["academies"]


def test_sorting_puts_undated_posts_last(service):
    newest = ids(service.search(SearchRequest()))
    assert newest == ["digital/localgov", "peer-challenge", "ofsted-inspection", "academies", "undated"]
    oldest = ids(service.search(SearchRequest(sort="oldest")))
    assert oldest == ["academies", "ofsted-inspection", "peer-challenge", "digital/localgov", "undated"]


def test_pagination_and_a_page_past_the_end(service):
    first = service.search(SearchRequest(per_page=2))
    second = service.search(SearchRequest(per_page=2, page=2))
    assert (first.total, first.pages) == (len(CORPUS), 3)
    assert not set(ids(first)) & set(ids(second))
    beyond = service.search(SearchRequest(per_page=2, page=9))
    assert beyond.hits == [] and beyond.total == len(CORPUS)


def test_snippets_mark_matches_and_escape_text(corpus_dir, index_dir):
    (corpus_dir / "hostile.txt").write_text(
        "Script <b>test</b>\n\nSomeone wrote <script>alert(1)</script> about inspection & review in their post.\n",
        encoding="utf-8",
    )
    reindex([corpus_dir], index_dir)
    with SearchService(index_dir) as service:
        hit = next(h for h in service.search(SearchRequest(q="alert")).hits if h.id == "hostile")
        assert "<mark>alert</mark>" in hit.snippet
        assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
        assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
        page = service.document("hostile", q="alert")
        assert any("<mark>alert</mark>" in p and "&lt;script&gt;" in p for p in page.paragraphs)
        assert page.document["title"] == "Script <b>test</b>"


def test_a_misspelt_query_that_finds_nothing_shows_the_corrected_results(service):
    result = service.search(SearchRequest(q="inspectoin"))
    assert result.corrected is not None and result.corrected.to == "inspection"
    assert result.total == service.search(SearchRequest(q="inspection")).total > 0
    assert result.suggestion is None
    assert result.as_typed_request.to_params() == [("q", "inspectoin"), ("correct", "no")]


def test_did_you_mean_only_when_the_correction_finds_more(service):
    result = service.search(SearchRequest(q="inspectoin", correct=False))
    assert result.total == 0 and result.suggestion == "inspection" and result.corrected is None
    assert service.search(SearchRequest(q="inspection")).suggestion is None


def test_queries_that_do_not_parse_still_search_and_say_so(service):
    ofsted = ids(service.search(SearchRequest(q="ofsted")))
    assert ofsted
    for q in ["(ofsted", "colour:blue ofsted", "\x00ofsted"]:
        assert ids(service.search(SearchRequest(q=q))) == ofsted, q
    for q in ["(ofsted OR", "colour:blue ofsted", '"peer challenge', "AND OR NOT", "title:"]:
        assert service.search(SearchRequest(q=q)).notice, q
    assert service.search(SearchRequest(q="nothing:ofsted")).notice
    # A quote mark that opens no phrase is punctuation: the words are searched as typed.
    unclosed = service.search(SearchRequest(q='"peer challenge'))
    assert "quote mark" in unclosed.notice
    assert ids(unclosed) == ids(service.search(SearchRequest(q="peer challenge")))
    assert service.search(SearchRequest(q="AND OR NOT")).total == 0
    assert service.search(SearchRequest(q="*")).total == len(CORPUS)
    assert service.search(SearchRequest(q="the and of")).notice


def test_document_page_has_highlights_and_more_like_this(service):
    page = service.document("ofsted-inspection", q="inspectors")
    assert any("<mark>inspectors</mark>" in p for p in page.paragraphs)
    assert page.document["organisations"] == ["Local Government Association", "Ofsted"]
    assert 0 < len(page.more_like_this) <= 5
    assert "ofsted-inspection" not in {d["id"] for d in page.more_like_this}
    assert service.document("no-such-post") is None


def test_no_index_is_reported_plainly(tmp_path):
    service = SearchService(tmp_path / "empty")
    with pytest.raises(IndexUnavailable, match="lgsearch index"):
        service.search(SearchRequest())


def test_a_lower_case_word_is_not_taken_for_an_acronym(corpus_dir, index_dir):
    write_post(corpus_dir, "nice.md", "Guidance", "NICE guidance on care was useful.")
    write_post(corpus_dir, "plain.md", "A nice day", "What a nice day for a visit.")
    reindex([corpus_dir], index_dir)
    with SearchService(index_dir) as service:
        assert set(ids(service.search(SearchRequest(q="nice")))) == {"nice", "plain"}
        assert ids(service.search(SearchRequest(q="NICE", sort="oldest"))) != []
        assert "nice" in ids(service.search(SearchRequest(q="org:nice")))


def test_snippets_start_at_a_sentence_and_mark_where_text_was_cut(corpus_dir, index_dir):
    filler = " ".join(["Councils talked about budgets and staffing for a long while."] * 8)
    endless = " ".join(["and the councils kept talking about budgets"] * 12)
    write_post(
        corpus_dir,
        "long.md",
        "A long post",
        f"{filler}\n\nOur peer reviewers were kind. They found the inspection framework confusing "
        f"and said so plainly. {filler}\n\nThe meeting went on {endless} until the governance "
        f"review ended {endless} at last.",
    )
    reindex([corpus_dir], index_dir)
    with SearchService(index_dir) as service:
        hit = next(h for h in service.search(SearchRequest(q="framework")).hits if h.id == "long")
        assert hit.snippet.startswith("Our peer reviewers were kind. They found the inspection <mark>framework</mark>")
        assert "\n" not in hit.snippet
        cut = next(h for h in service.search(SearchRequest(q="governance")).hits if h.id == "long")
        assert cut.snippet.startswith("… ") and cut.snippet.endswith(" …")
        assert "<mark>governance</mark> review ended" in cut.snippet


def test_when_whoosh_cannot_parse_a_query_its_words_are_searched_without_operators():
    from indexer.analysis import stem
    from indexer.query.parsing import make_parser, parse_user_query
    from indexer.schema import build_schema

    real = make_parser(build_schema())

    class FailsOnce:
        calls = 0

        def parse(self, text):
            FailsOnce.calls += 1
            if FailsOnce.calls == 1:
                raise ValueError("cannot parse")
            return real.parse(text)

    parsed = parse_user_query(FailsOnce(), "ANDOVER AND Orkney NOT")
    assert parsed.notice and "searched on their own" in parsed.notice
    terms = {text for field, text in parsed.query.iter_all_terms() if field == "body"}
    assert {stem("andover"), stem("orkney")} <= terms
    assert not terms & {"and", "or", "not"}
    assert all(term.startswith(stem("andover")) or term == stem("orkney") for term in terms)


def test_a_long_questions_snippet_shows_its_rarest_words(tmp_path):
    posts, index_dir = tmp_path / "posts", tmp_path / "index"
    filler = " ".join(["The council and its partners work on services for people in the area."] * 6)
    write_post(
        posts,
        "target.md",
        "A long post",
        f"Services for people in the council area matter to partners. "
        f"{filler}\n\nThe pilot used telecare sensors in twelve homes.",
    )
    for number in range(8):
        write_post(
            posts,
            f"other-{number}.md",
            f"Other {number}",
            "The council works with partners on services for people in the area.",
        )
    reindex([posts], index_dir)
    question = "how can the council and its partners use telecare sensors to help people with services in the area?"
    with SearchService(index_dir) as service:
        hits = {hit.id: hit.snippet for hit in service.search(SearchRequest(q=question)).hits}
        assert "<mark>telecare sensors</mark>" in hits["target"]
        assert "<mark>council</mark>" in hits["other-0"]  # a post without the rare words shows the others
        short = service.search(SearchRequest(q="council telecare")).hits[0]
        assert "<mark>council</mark>" in short.snippet  # a short query lights every word it has
