"""The five seed posts are real scraped pages: each pins down one heuristic on real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.reading.readers import read_document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CHROME_PHRASES = ["Leave a Reply", "Related Blog Articles", "Next Upcoming Event", "Comments closed", "Tags assigned"]


def read_seed(prefix: str):
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return read_document(path, path.name)


def test_seed_ids_and_paths_come_from_the_file_name():
    document = read_seed("003")
    assert document.id == "003_15804bbd8a465479"
    assert document.path == "003_15804bbd8a465479.txt"
    assert document.organisations == []


def test_first_line_heading_is_the_title():
    assert read_seed("000").title == "Digitisation, and the Children’s Services Ofsted"
    assert read_seed("004").title == "Everyone’s business"


def test_event_widget_above_the_title_is_skipped():
    document = read_seed("001")
    assert document.title == "Better Than Today"
    assert document.body.startswith("If sector-led improvement (SLI) had a slogan")


def test_event_date_is_not_a_publication_date():
    assert read_seed("001").date is None


def test_seeds_without_a_byline_have_no_date_or_author():
    for prefix in ["000", "001", "002", "003", "004"]:
        document = read_seed(prefix)
        assert (document.date, document.author) == (None, None), prefix


def test_title_is_derived_from_the_first_sentence_when_there_is_no_heading():
    assert read_seed("002").title == "Sometimes, despite best endeavours , things go wrong"


def test_long_first_sentence_is_cut_at_a_word_within_100_characters():
    title = read_seed("003").title
    assert title == "I’m the a place at the moment where I am purposefully reflecting on stuff – I get times like this…"
    assert len(title) <= 100


def test_empty_tags_line_gives_no_tags():
    document = read_seed("000")
    assert document.tags == []
    assert "Tags:" not in document.body


def test_tags_assigned_pairs_become_tags_in_readable_case():
    assert read_seed("001").tags == ["SLI", "South East"]


def test_filed_under_gives_categories_and_tagged_gives_tags():
    document = read_seed("003")
    assert document.categories == ["Learning", "School Governor"]
    assert document.tags == [
        "leadership",
        "Localgovdigital",
        "personal reflection",
        "public services",
        "School",
        "system thinking",
    ]
    assert "Filed under" not in document.body


def test_original_source_line_gives_the_source_with_its_apostrophe():
    document = read_seed("003")
    assert document.source == "Carl’s Notepad"
    assert "Original source" not in document.body


def test_related_articles_teaser_categories_belong_to_other_posts():
    document = read_seed("004")
    assert document.categories == []
    assert "In General" not in document.body
    assert document.body.endswith("the community they live in.")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_bodies_hold_no_page_chrome(prefix):
    body = read_seed(prefix).body
    for phrase in CHROME_PHRASES:
        assert phrase not in body


def test_seed_bodies_keep_paragraphs_apart_with_blank_lines():
    body = read_seed("002").body
    assert "\n\nAnd so it was with an Ofsted inspection" in body
    assert "\r" not in body
    assert "\n\n\n" not in body
