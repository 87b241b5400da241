"""Plain-text posts: decoding, titles, bylines, tags, categories, sources and chrome."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from indexer.reading import readers
from indexer.reading.readers import (
    SUPPORTED_EXTENSIONS,
    HtmlReader,
    MarkdownReader,
    TextReader,
    UnreadableFile,
    read_document,
    reader_for,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docs"


def read_fixture(name: str):
    return read_document(FIXTURES / name, name)


def unreadable_reason(path: Path) -> str:
    with pytest.raises(UnreadableFile) as caught:
        read_document(path, path.name)
    return caught.value.reason


# The registry


def test_supported_extensions_are_text_html_markdown_pdf_and_word():
    assert SUPPORTED_EXTENSIONS == frozenset({".txt", ".html", ".htm", ".md", ".pdf", ".docx"})


def test_reader_for_picks_a_reader_by_extension_in_any_case():
    assert isinstance(reader_for(Path("a/post.txt")), TextReader)
    assert isinstance(reader_for("post.HTM"), HtmlReader)
    assert isinstance(reader_for(Path("post.Md")), MarkdownReader)
    assert reader_for(Path("report.rtf")) is None
    assert reader_for(Path("README")) is None


def test_a_file_of_another_type_is_unreadable_with_a_reason(tmp_path):
    path = tmp_path / "report.rtf"
    path.write_text("Not read.", encoding="utf-8")
    assert unreadable_reason(path) == "lgsearch does not read .rtf files: use .txt, .html, .htm, .md, .pdf or .docx."


def test_document_id_and_path_come_from_the_relative_path():
    document = read_document(FIXTURES / "title_first_line_heading.txt", "Blog Posts/Title First.txt")
    assert document.id == "blog-posts/title-first"
    assert document.path == "Blog Posts/Title First.txt"
    assert document.organisations == []


# Decoding


def test_utf8_byte_order_mark_does_not_reach_the_title():
    document = read_fixture("utf8_bom.txt")
    assert document.title == "A post with a BOM"
    assert "£5" in document.body


def test_windows_1252_pound_and_curly_quotes_survive():
    document = read_fixture("cp1252_pound_and_quotes.txt")
    assert (
        document.body == "The scheme costs £10,000 a year and residents called it “good value” – which it isn’t always."
    )


def test_latin_1_pound_and_accents_survive():
    document = read_fixture("latin1_pound_and_accents.txt")
    assert document.title == "Café culture in the high street"
    assert document.body == "The café charges £2 for tea; the naïve visitor pays £3 «plus service»."


def test_stray_windows_1252_byte_in_utf8_text_is_decoded_on_its_own():
    document = read_fixture("mixed_utf8_with_cp1252_byte.txt")
    assert document.title == "Mostly UTF-8 – with a stray byte"
    assert document.body == "The council’s budget is £100m and it’s tight."


def test_utf16_with_byte_order_mark_is_read():
    document = read_fixture("utf16_with_bom.txt")
    assert document.title == "Sixteen-bit text"
    assert document.body == "Saved as UTF-16 by an old editor, with a £ sign."


def test_crlf_line_endings_become_lf(tmp_path):
    path = tmp_path / "crlf_line_endings.txt"
    path.write_bytes(b"Line endings from Windows\r\n\r\nFirst paragraph.\r\n\r\nSecond paragraph.\r\n")
    document = read_document(path, path.name)
    assert document.title == "Line endings from Windows"
    assert document.body == "First paragraph.\n\nSecond paragraph."


def test_bytes_no_encoding_can_decode_are_unreadable():
    assert unreadable_reason(FIXTURES / "undecodable_bytes.txt") == "The file could not be decoded as text."


def test_binary_content_is_unreadable():
    assert unreadable_reason(FIXTURES / "binary_png_bytes.txt") == "The file is binary, not text."


def test_text_full_of_control_characters_is_binary(tmp_path):
    path = tmp_path / "controls.txt"
    path.write_bytes(bytes(range(1, 9)) * 20 + b"A few letters")
    assert unreadable_reason(path) == "The file is binary, not text."


def test_a_short_post_with_a_page_break_is_text(tmp_path):
    path = tmp_path / "page-break.txt"
    path.write_bytes(b"Budget notes\n\nA short post.\f")
    assert read_document(path, path.name).body == "A short post."


@pytest.mark.parametrize("name", ["empty.txt", "whitespace_only.txt"])
def test_empty_or_whitespace_only_file_is_unreadable(name):
    assert unreadable_reason(FIXTURES / name) == "The file is empty."


def test_permission_denied_is_unreadable(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("Locked\n\nA locked post.", encoding="utf-8")

    def refuse(path, flags, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(readers.os, "open", refuse)
    assert unreadable_reason(path) == "The file could not be read: permission denied."


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_file_without_read_permission_is_unreadable(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("Locked\n\nA locked post.", encoding="utf-8")
    path.chmod(0)
    assert unreadable_reason(path) == "The file could not be read: permission denied."


def test_a_file_that_has_gone_is_unreadable(tmp_path):
    assert unreadable_reason(tmp_path / "gone.txt") == "The file could not be read: it no longer exists."


def test_a_very_large_file_is_unreadable(tmp_path, monkeypatch):
    monkeypatch.setattr("indexer.reading.readers.MAX_FILE_BYTES", 2**20)
    path = tmp_path / "huge.txt"
    path.write_text("Big\n\n" + "word " * 2**18, encoding="utf-8")
    assert unreadable_reason(path) == "The file is too large to index: the limit is 1 MB."


def test_a_file_of_only_chrome_has_no_text():
    reason = unreadable_reason(FIXTURES / "chrome_only_no_post.txt")
    assert reason == "The file has no text after its page chrome was removed."


# Titles


def test_first_line_that_reads_as_a_heading_is_the_title_and_leaves_the_body():
    document = read_fixture("title_first_line_heading.txt")
    assert document.title == "Leading through a budget crisis"
    assert document.body.startswith("Every council in the region")


def test_title_is_derived_from_a_long_first_sentence_cut_at_a_word():
    document = read_fixture("title_derived_from_long_first_sentence.txt")
    assert (
        document.title
        == "When the chief executive asked me to lead the review of our early help services across every…"
    )
    assert len(document.title) <= 100
    assert document.body.startswith("When the chief executive asked me")


def test_first_line_with_a_full_stop_is_not_a_heading():
    document = read_fixture("title_heading_ends_with_full_stop.txt")
    assert document.title == "We started again"
    assert document.body.startswith("We started again.\n\nThe second attempt")


def test_event_widget_title_and_date_are_not_the_post():
    document = read_fixture("title_after_event_widget_with_event_title.txt")
    assert document.title == "Why peer review matters"
    assert document.date is None
    assert "ADCS Annual Conference" not in document.body
    assert "Upcoming Events" not in document.body


# Tags, categories, source


def test_tags_line_is_split_deduplicated_and_stripped():
    document = read_fixture("tags_comma_list.txt")
    assert document.tags == ["Housing", "homelessness", "Partnerships"]
    assert "Tags:" not in document.body


def test_tags_line_of_empty_entries_gives_no_tags():
    assert read_fixture("tags_empty_entries.txt").tags == []


def test_tags_assigned_pairs_keep_acronyms_and_title_case_shouted_words():
    document = read_fixture("tags_assigned_pairs.txt")
    assert document.tags == ["SLI", "South East", "Children and Families"]
    assert "SOUTH EAST" not in document.body
    assert "Tags assigned" not in document.body


def test_tagged_line_gives_tags():
    assert read_fixture("tagged_list.txt").tags == ["open data", "transparency"]


def test_filed_under_gives_categories_and_the_tagged_part_gives_tags():
    document = read_fixture("categories_filed_under_and_tagged.txt")
    assert document.categories == ["Learning", "School Governor"]
    assert document.tags == ["leadership", "School", "system thinking"]
    assert document.body == "Being a school governor is rewarding and demanding in equal measure."


def test_original_source_with_a_straight_apostrophe_keeps_it():
    document = read_fixture("source_original_source_straight_apostrophe.txt")
    assert document.source == "Carl's Notepad"
    assert "Original source" not in document.body


# Chrome


def test_related_articles_block_and_its_teaser_categories_are_dropped():
    document = read_fixture("chrome_related_articles_block.txt")
    assert document.body == "Great teachers, like great social workers, have the potential to transform lives."
    assert document.categories == []


def test_you_may_also_like_block_is_dropped():
    document = read_fixture("chrome_you_may_also_like_block.txt")
    assert document.body == "Our youth council asked better questions than most scrutiny committees."


def test_leave_a_reply_and_the_comment_form_after_it_are_dropped():
    document = read_fixture("chrome_leave_a_reply_comment_form.txt")
    assert document.body == "Hospital discharge delays rose again in January, and social care was blamed once more."


def test_comments_closed_is_dropped():
    document = read_fixture("chrome_comments_closed.txt")
    assert document.body == "It took three years for the service to move from requires improvement to good."


def test_share_links_breadcrumbs_and_skip_links_are_dropped():
    document = read_fixture("chrome_share_and_breadcrumbs.txt")
    assert document.title == "Quiet leadership"
    assert document.body == "Quiet, effective leadership is built over years, not announced in a press release."


# Bylines


def test_posted_on_by_byline_gives_date_and_author():
    document = read_fixture("byline_posted_on_by.txt")
    assert document.date == datetime.date(2019, 3, 3)
    assert document.author == "Jane Smith"
    assert "Posted on" not in document.body


def test_numeric_date_with_author_is_read_day_first():
    document = read_fixture("byline_numeric_date_dot_author.txt")
    assert document.date == datetime.date(2019, 3, 12)
    assert document.author == "Jane Smith"
    assert document.body.startswith("Early help saves money")


def test_date_line_above_the_title_is_the_publication_date():
    document = read_fixture("byline_date_line_above_title.txt")
    assert document.title == "Bonfire night and community safety"
    assert document.date == datetime.date(2019, 11, 5)
    assert "2019" not in document.body


def test_by_line_gives_the_author():
    document = read_fixture("byline_by_author.txt")
    assert document.author == "Cllr Amira O'Neill"
    assert document.body.startswith("The voluntary sector")


def test_updated_date_is_not_a_publication_date():
    document = read_fixture("date_updated_is_not_publication.txt")
    assert document.date is None
    assert "Last updated" not in document.body


def test_event_widget_date_is_not_a_publication_date():
    document = read_fixture("date_event_widget_is_not_publication.txt")
    assert document.date is None
    assert document.title == "Better together"


def test_date_inside_a_sentence_is_not_a_publication_date():
    assert read_fixture("date_in_sentence_is_not_publication.txt").date is None


def test_time_of_day_is_not_a_date():
    assert read_fixture("date_time_of_day_only.txt").date is None


def test_impossible_date_is_no_date():
    assert read_fixture("date_impossible_day.txt").date is None


def test_a_two_digit_year_is_read_as_on_the_day_it_is_given():
    path = FIXTURES / "date_two_digit_year.txt"
    # Next year is plausible for a post (it may be dated ahead); the year after is not, nor 1927.
    assert read_document(path, path.name, today=datetime.date(2026, 12, 31)).date == datetime.date(2027, 1, 5)
    assert read_document(path, path.name, today=datetime.date(2025, 12, 31)).date is None


def test_file_modification_time_is_never_a_date(tmp_path):
    path = tmp_path / "undated.txt"
    path.write_text("Undated\n\nThis post says nothing about when it was written.", encoding="utf-8")
    os.utime(path, (1_552_348_800, 1_552_348_800))
    assert read_document(path, path.name).date is None


# Body


def test_one_paragraph_a_line_becomes_blank_line_separated():
    document = read_fixture("paragraphs_one_per_line.txt")
    assert document.title == "Three paragraphs"
    assert document.body == (
        "First paragraph of the post, written on one line.\n\n"
        "Second paragraph of the post, also on one line.\n\n"
        "Third paragraph of the post."
    )


def test_blank_line_paragraphs_are_kept_and_extra_blank_lines_collapsed():
    document = read_fixture("paragraphs_blank_line_separated.txt")
    assert document.body == (
        "First paragraph, first line.\nFirst paragraph, second line.\n\nSecond paragraph after two blank lines."
    )


def test_sentence_starting_like_a_category_line_stays_in_the_body(tmp_path):
    path = tmp_path / "filed.txt"
    path.write_text(
        "Pressure\n\nFiled under pressure, the council cut services\n\nPosted in Leadership | Leave a comment\n",
        encoding="utf-8",
    )
    document = read_document(path, path.name)
    assert document.categories == ["Leadership"]
    assert document.body == "Filed under pressure, the council cut services"


def test_upcoming_events_widget_after_the_post_is_dropped():
    document = read_fixture("chrome_upcoming_events_after_post.txt")
    assert document.body == "More than four thousand residents answered our budget consultation this year."
    assert document.date is None


def test_topics_line_gives_categories_and_labels_line_gives_tags():
    document = read_fixture("categories_topics_and_labels_lines.txt")
    assert document.categories == ["Budgets", "Community engagement"]
    assert document.tags == ["ward walks", "listening"]
    assert document.body == "We walked every street in the ward before setting the budget."
