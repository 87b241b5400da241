"""Every request is bounded whatever the posts hold: nearness compares places by merging them,
only the shown page gets snippets, a long post's snippet and key terms read only its start, one
filter takes a capped number of values, and a post's page of any size answers.

Work is counted in steps; where a whole search is run, it is given ten times its time limit."""

from __future__ import annotations

import threading

import pytest

from helpers import write_post
from indexer.reindex import reindex
from indexer.engine import bm25f
from indexer.query import ranking, request as request_module, similar, snippets
from indexer.query.request import MAX_FILTER_VALUES, InvalidParameter, SearchRequest, request_from_params
from indexer.query.service import SearchService
from webui import create_app

LONG_POST = "County council cabinet minutes. " * 20_000  # 640 KB, each word 20,000 times


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    posts = tmp_path_factory.mktemp("posts")
    write_post(posts, "minutes.md", "Cabinet minutes", LONG_POST)
    for number in range(30):
        write_post(
            posts,
            f"post-{number:02}.md",
            f"Post {number}",
            f"Leaders of council services met, meeting {number}. The county council agreed.",
            tags=[f"tag {number}"],
        )
    index_dir = tmp_path_factory.mktemp("index") / "index"
    reindex([posts], index_dir)
    return index_dir


@pytest.fixture
def service(index_dir):
    with SearchService(index_dir, time_limit=1.0) as svc:
        yield svc


class CountedPlaces(list):
    """Positions that count every one read by iterating them."""

    read = 0

    def __iter__(self):
        for place in super().__iter__():
            CountedPlaces.read += 1
            yield place


def test_nearness_reads_each_place_once(monkeypatch):
    monkeypatch.setattr(CountedPlaces, "read", 0)
    first = CountedPlaces(range(0, 3_000, 2))
    second = CountedPlaces(range(1, 3_000, 2))
    assert bm25f._in_order(3, [first, second])
    # Comparing every place with every place read 1,500 × 1,500.
    assert CountedPlaces.read <= len(first) + len(second)


@pytest.mark.parametrize(
    "slop, places, expected",
    [
        (1, [[0, 5], [1]], True),
        (1, [[0, 5], [7]], False),
        (3, [[0, 10], [3, 20], [5, 6]], True),
        (3, [[4], [3], [5]], False),  # out of order
        (2, [[0], [2], [5]], False),  # the third is 3 after the second
        (2, [[0, 10], [12], [14]], True),
        (1, [[3], [3]], False),  # the same place is not "after"
    ],
)
def test_nearness_finds_what_comparing_every_pair_finds(slop, places, expected):
    assert bm25f._in_order(slop, places) is expected


def test_a_search_of_two_words_standing_thousands_of_times_in_one_post_keeps_its_limit(service):
    """Today's code compared 20,000 × 20,000 places (13 s to 50 s); given ten times the limit."""
    answers = []
    worker = threading.Thread(
        target=lambda: answers.append(service.search(SearchRequest(q="county council"))), daemon=True
    )
    worker.start()
    worker.join(timeout=10 * service.time_limit)
    assert answers, "the search ran on far past its time limit"
    assert answers[0].total == 31


def test_only_the_shown_page_gets_snippets(service, monkeypatch):
    made = []
    real = ranking.passages
    monkeypatch.setattr(ranking, "passages", lambda body, terms: made.append(body) or real(body, terms))
    result = service.search(SearchRequest(q="leaders services council", page=3, per_page=5))
    assert len(result.hits) == 5
    assert len(made) == 5  # not 15: pages 1 and 2 were made too


def test_a_deep_page_holds_the_same_posts_as_one_long_page(service):
    long_page = service.search(SearchRequest(q="leaders services council", per_page=20))
    third = service.search(SearchRequest(q="leaders services council", page=3, per_page=5))
    assert [hit.id for hit in third.hits] == [hit.id for hit in long_page.hits[10:15]]
    assert [hit.snippet for hit in third.hits] == [hit.snippet for hit in long_page.hits[10:15]]


def test_a_long_posts_snippet_reads_only_its_start(monkeypatch):
    split = []
    real = snippets._WORD_SPLIT

    class Recorded:
        def split(self, text):
            split.append(len(text))
            return real.split(text)

    monkeypatch.setattr(snippets, "_WORD_SPLIT", Recorded())
    text = "Minutes of the meeting. " * 300_000 + "The county budget."  # 7 MB
    assert "<mark>Minutes</mark>" in snippets.snippet(text, frozenset({"minut"}))
    assert split and max(split) <= snippets.SNIPPET_READ


def test_a_word_only_past_the_read_start_leaves_no_snippet():
    text = "Minutes of the meeting. " * 10_000 + "The county budget."
    assert snippets.snippet(text, frozenset({"budget"})) == ""
    assert "<mark>budget</mark>" in snippets.snippet(text[-2_000:], frozenset({"budget"}))


def test_key_terms_are_picked_from_a_long_posts_start(service, monkeypatch):
    read = []
    real = similar.index_term_counts
    monkeypatch.setattr(similar, "index_term_counts", lambda text: read.append(len(text)) or real(text))
    page = service.document("minutes")
    assert page is not None and read
    assert max(read) <= 100_000 < len(LONG_POST)


# -- filters -----------------------------------------------------------------------------


def test_one_filter_takes_a_capped_number_of_values():
    assert request_from_params({"org": [f"Council {n}" for n in range(MAX_FILTER_VALUES)]}).org
    with pytest.raises(InvalidParameter) as error:
        request_from_params({"tag": [f"tag {n}" for n in range(MAX_FILTER_VALUES + 1)]})
    assert error.value.name == "tag"
    assert error.value.message == f"Choose {MAX_FILTER_VALUES} tags or fewer (you chose {MAX_FILTER_VALUES + 1})."


@pytest.fixture
def client(index_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "SEARCH_TIME_LIMIT": 1.0})
    yield app.test_client()
    service = app.extensions.get("lgsearch.search_service")
    if service is not None:
        service.close()


def test_too_many_values_of_one_filter_is_a_400_naming_it(client):
    query = "&".join(f"org=Council+{n}" for n in range(500))
    page = client.get(f"/search?q=council&{query}")
    assert page.status_code == 400
    assert "Choose 50 organisations or fewer (you chose 500)." in page.get_data(as_text=True)
    answer = client.get(f"/api/search?q=council&{query}")
    assert answer.status_code == 400
    assert answer.get_json()["error"]["parameter"] == "org"


def test_each_ticked_organisation_is_named_once_a_page_not_once_a_pair(client, monkeypatch):
    calls = []
    real = request_module.canonical_org
    monkeypatch.setattr(request_module, "canonical_org", lambda name: calls.append(name) or real(name))
    request_module.canonical_value.cache_clear()
    ticked = [f"Borough {n}" for n in range(MAX_FILTER_VALUES)]
    response = client.get("/search?" + "&".join(f"org=Borough+{n}" for n in range(MAX_FILTER_VALUES)))
    assert response.status_code == 200
    assert len(calls) <= 2 * len(ticked)  # each pair of ticked values compared: 2,500


# -- a post's page ---------------------------------------------------------------------------


def test_a_posts_page_answers_when_more_like_this_runs_out_of_time(index_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "SEARCH_TIME_LIMIT": 1e-9})
    try:
        page = app.test_client().get("/doc/minutes?q=cabinet")
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert text.count("County council cabinet minutes.") == 20_000  # the body shown in full
        assert "Posts like this one could not be found in time." in text
    finally:
        app.extensions["lgsearch.search_service"].close()


def test_a_page_without_more_like_this_is_worked_out_again(index_dir):
    with SearchService(index_dir, time_limit=1e-9) as cut_short:
        assert cut_short.document("post-01").more_like_this_skipped
        assert cut_short.document("post-01") is not cut_short.document("post-01")
    with SearchService(index_dir, time_limit=1.0) as in_time:
        page = in_time.document("post-01")
        assert page.more_like_this and not page.more_like_this_skipped
        assert in_time.document("post-01") is page


def test_words_are_lit_only_in_a_long_posts_first_part(service, monkeypatch):
    from indexer.query import service as service_module

    monkeypatch.setattr(service_module, "LIGHT_UP_TO", 10)
    page = service.document("post-03", q="council")
    assert all("<mark>" not in paragraph for paragraph in page.paragraphs)
    monkeypatch.setattr(service_module, "LIGHT_UP_TO", 10_000)
    assert any("<mark>" in paragraph for paragraph in service.document("post-04", q="council").paragraphs)
