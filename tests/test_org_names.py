"""Organisation names as pages know them: the name shown, its kind, and a reversible address."""
from __future__ import annotations

import pytest

from indexer.query.org_names import aliases_of, display_name, kind_of, name_from_path, name_key, org_path


def test_an_indexed_name_that_lost_its_commas_is_shown_with_them():
    assert display_name("Department for Environment  Food and Rural Affairs") == \
        "Department for Environment, Food and Rural Affairs"


def test_a_name_no_list_holds_is_shown_as_indexed():
    assert display_name("Countess Wear Community School") == "Countess Wear Community School"


@pytest.mark.parametrize("name, kind", [
    ("Ofsted", "inspectorate or regulator"),
    ("Devon County Council", "county council"),
    ("Countess Wear Community School", "school"),
    ("Royal Devon University Healthcare NHS Foundation Trust", "nhs body"),
    ("Frobisher Consolidated", "other"),
])
def test_every_body_has_a_kind(name, kind):
    assert kind_of(name) == kind


def test_aliases_leave_out_the_name_itself_and_rule_found_bodies_have_none():
    assert aliases_of("Local Government Association") == ["LGA"]
    assert aliases_of("Countess Wear Community School") == []


@pytest.mark.parametrize("name, path", [
    ("Local Government Association", "/org/Local_Government_Association"),
    ("Barnardo's", "/org/Barnardo's"),
    ("Department for Environment, Food and Rural Affairs", "/org/Department_for_Environment,_Food_and_Rural_Affairs"),
    ("Ynys Môn County Council", "/org/Ynys_M%C3%B4n_County_Council"),
    ("Kingston upon Hull City Council", "/org/Kingston_upon_Hull_City_Council"),
])
def test_an_address_is_readable_and_reads_back_as_the_name(name, path):
    from urllib.parse import unquote

    assert org_path(name) == path
    assert name_from_path(unquote(path.removeprefix("/org/"))) == name


def test_names_that_differ_only_in_case_commas_or_spacing_share_a_key():
    assert name_key("Department for Environment, Food and Rural Affairs") == \
        name_key("department for environment  food and rural  affairs")
    assert name_key("Ofsted") != name_key("Ofsted Academy")
