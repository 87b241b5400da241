"""Facet values agree with filters: one value per meaning, names with commas kept whole."""

from __future__ import annotations

import pytest

from helpers import write_post
from indexer.reindex import reindex
from indexer.query.request import SearchRequest
from indexer.query.service import SearchService

MHCLG = "Ministry of Housing, Communities and Local Government"


@pytest.fixture
def service(tmp_path):
    posts = tmp_path / "posts"
    write_post(posts, "a.md", "One", "Words.", tags=["Leadership", "Peer Challenge"])
    write_post(posts, "b.md", "Two", "Words.", tags=["Leadership", "peer  challenge"])
    write_post(posts, "c.md", "Three", "Words.", tags=["leadership"])
    write_post(posts, "d.md", "Four", f"A letter from the {MHCLG} arrived.", tags=["Housing, planning and growth"])
    reindex([posts], tmp_path / "index")
    with SearchService(tmp_path / "index") as svc:
        yield svc


def facet(result, name):
    return {v.value: (v.count, v.selected) for v in result.facets[name]}


def test_values_differing_in_case_or_spacing_are_one_value_in_the_commonest_spelling(service):
    tags = facet(service.search(SearchRequest()), "tag")
    assert tags["Leadership"] == (3, False)
    assert "leadership" not in tags
    assert tags["Peer Challenge"][0] == 2 and "peer  challenge" not in tags and "peer challenge" not in tags


def test_ticking_a_value_in_any_spelling_ticks_the_one_value(service):
    for spelling in ("leadership", "LEADERSHIP", "Leadership"):
        result = service.search(SearchRequest(tag=(spelling,)))
        assert result.total == 3
        assert facet(result, "tag")["Leadership"] == (3, True)
    assert service.search(SearchRequest(tag=("peer challenge",))).total == 2
    assert service.search(SearchRequest(q='tag:"PEER  challenge"')).total == 2


def test_list_values_keep_commas_inside_names(service):
    result = service.search(SearchRequest(q="letter"))
    doc = result.hits[0].document
    assert MHCLG in doc["organisations"]
    assert doc["tags"] == ["Housing, planning and growth"]
    assert facet(result, "org")[MHCLG] == (1, False)
    assert service.search(SearchRequest(org=(MHCLG,))).total == 1
    assert service.search(SearchRequest(tag=("Housing, planning and growth",))).total == 1
    assert service.search(SearchRequest(org=("MHCLG",))).total == 1


def test_a_facets_values_read_like_the_list_they_stand_for():
    """Values made only when read (results.FacetValues) index, slice, iterate and compare as the
    list of FacetValue they stand for, and find ticked values past the listed ones."""
    from indexer.query.results import FacetValue, FacetValues

    plain = [FacetValue(f"v{n}", 100 - n, n in (1, 7, 8)) for n in range(10)]
    lazy = FacetValues(
        [f"v{n}" for n in range(10)][::-1],
        list(range(9, -1, -1)),
        [100 - n for n in range(10)],
        frozenset({9 - 1, 9 - 7, 9 - 8}),
    )
    assert lazy == plain and list(lazy) == plain and len(lazy) == 10
    assert lazy[0] == plain[0] and lazy[-1] == plain[-1] and lazy[3:6] == plain[3:6] and lazy[8:50] == plain[8:]
    assert lazy.selected_from(5) == [v for v in plain[5:] if v.selected]
    assert lazy.to_json() == [v.to_json() for v in plain] and FacetValues.of(plain).to_json() == lazy.to_json()
    assert FacetValues.of(plain) == plain and FacetValues.of([]) == [] and not FacetValues.of([])
    with pytest.raises(IndexError):
        lazy[10]
    assert lazy != plain[:-1]
