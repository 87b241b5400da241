"""Dates in filters as people write them, kept in the URL in one canonical form (YYYY, YYYY-MM, YYYY-MM-DD)."""

from __future__ import annotations

import pytest

from indexer.query import InvalidParameter, request_from_params


def bounds(**values) -> tuple[str | None, str | None]:
    search = request_from_params({name: [value] for name, value in values.items()})
    return search.date_from, search.date_to


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("2019", "2019"),
        ("March 2019", "2019-03"),
        ("march 2019", "2019-03"),
        ("Mar 2019", "2019-03"),
        ("03/2019", "2019-03"),
        ("3/2019", "2019-03"),
        ("12/03/2019", "2019-03-12"),  # day first, as in the UK
        ("1/3/2019", "2019-03-01"),
        ("12.03.2019", "2019-03-12"),
        ("12 March 2019", "2019-03-12"),
        ("2019-03", "2019-03"),
        ("2019-03-12", "2019-03-12"),
        ("2019-3-5", "2019-03-05"),
        ("  2019-03-12 ", "2019-03-12"),
    ],
)
def test_each_written_form_becomes_the_canonical_one(written, canonical):
    assert bounds(**{"from": written}) == (canonical, None)
    assert bounds(to=written) == (None, canonical)


def test_the_canonical_url_writes_the_canonical_form():
    search = request_from_params({"from": ["12/03/2019"], "to": ["March 2020"]})
    assert search.to_params() == [("from", "2019-03-12"), ("to", "2020-03")]
    assert search.to_json()["from"] == "2019-03-12"


@pytest.mark.parametrize(
    "written",
    ["May", "31/02/2019", "13/2019", "2019-13", "Smarch 2019", "20190312", "12/03/19", "2019/03/12x", "<script>"],
)
def test_anything_else_names_the_field_and_says_what_to_write(written):
    with pytest.raises(InvalidParameter) as raised:
        bounds(**{"from": written})
    assert raised.value.name == "from"
    assert raised.value.message.startswith("Published from must be")
    assert "2019, March 2019, 03/2019, 12/03/2019 or 2019-03-12" in raised.value.message
    assert f"(you entered “{written.strip()}”)" in raised.value.message


@pytest.mark.parametrize(
    "date_from, date_to", [("2020", "2019"), ("2019-04", "2019-03-31"), ("13/03/2019", "12/03/2019")]
)
def test_a_range_the_wrong_way_round_says_so(date_from, date_to):
    with pytest.raises(InvalidParameter) as raised:
        bounds(**{"from": date_from, "to": date_to})
    assert raised.value.name == "from"
    assert "wrong way round" in raised.value.message


@pytest.mark.parametrize(
    "date_from, date_to",
    [
        ("2019", "2019"),
        ("2019-03", "2019"),
        ("2019-03-12", "2019-03"),
        ("2019", "2019-01-01"),
        ("March 2019", "12/03/2019"),
    ],
)
def test_a_range_within_one_period_is_not_reversed(date_from, date_to):
    assert bounds(**{"from": date_from, "to": date_to})[0] is not None
