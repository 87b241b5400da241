"""Organisation names as pages know them: the name shown, its kind and its aliases."""

from __future__ import annotations

import pytest

from indexer.query.org_names import aliases_of, display_name, kind_of, name_key


def test_an_indexed_name_that_lost_its_commas_is_shown_with_them():
    assert (
        display_name("Department for Environment  Food and Rural Affairs")
        == "Department for Environment, Food and Rural Affairs"
    )


def test_a_name_no_list_holds_is_shown_as_indexed():
    assert display_name("Countess Wear Community School") == "Countess Wear Community School"


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Ofsted", "inspectorate or regulator"),
        ("Devon County Council", "county council"),
        ("Countess Wear Community School", "school"),
        ("Royal Devon University Healthcare NHS Foundation Trust", "nhs body"),
        ("Frobisher Consolidated", "other"),
    ],
)
def test_every_body_has_a_kind(name, kind):
    assert kind_of(name) == kind


def test_aliases_leave_out_the_name_itself_and_rule_found_bodies_have_none():
    assert aliases_of("Local Government Association") == ["LGA"]
    assert aliases_of("Countess Wear Community School") == []


def test_names_that_differ_only_in_case_commas_or_spacing_share_a_key():
    assert name_key("Department for Environment, Food and Rural Affairs") == name_key(
        "department for environment  food and rural  affairs"
    )
    assert name_key("Ofsted") != name_key("Ofsted Academy")
