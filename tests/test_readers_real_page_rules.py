"""Saved pages the old extractor lost or misread (issue 20): one small fixture per failure kind.

Each fixture is named for its rule. The post's three paragraphs must come out whole, with the
metadata a reader would agree with, and the path the text was found by is recorded.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from indexer.reading import extract_html_body
from indexer.reading.readers import UnreadableFile, read_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docs"
POST = (
    "Our scrutiny committee spent six months looking at how the council buys temporary accommodation for "
    "homeless families.\n\n"
    "We found that most placements were arranged late on a Friday, when officers had no choice but the most "
    "expensive rooms."
)
WHOLE_POST = POST + (
    "\n\nThe committee asked cabinet to fund a small team that books rooms ahead, and cabinet agreed in full "
    "at its March meeting."
)
TITLE = "Buying temporary accommodation ahead"


def read_fixture(name: str):
    return read_document(FIXTURES / name, name)


@pytest.mark.parametrize(
    "name",
    [
        "html_layout_class_on_the_article_wrapper.html",  # l-sidebar-fixed, content-with-sidebar-wrp, id share-wrapper
        "html_page_wrapped_in_one_form.html",  # ASP.NET: the whole page in one <form>
        "html_related_card_is_the_longest_article.html",  # the only <article> is a longer related-post card
        "html_empty_newsarticle_article.html",  # an empty <article itemtype=NewsArticle>
        "html_two_mains_advert_first.html",  # the first of two <main>s holds an advert
        "html_blogger_text_in_br_span_div.html",  # Blogger: text in <span>, <br> and <div>, no <p>
    ],
)
def test_the_whole_post_comes_out_of_pages_the_old_rules_lost(name):
    document = read_fixture(name)
    assert document.title == TITLE
    assert document.body == WHOLE_POST
    assert document.extraction == "article"


def test_og_site_name_gives_a_gov_uk_page_its_source():
    document = read_fixture("html_og_site_name_govuk.html")
    assert document.source == "GOV.UK"
    assert document.title == TITLE
    assert document.body == POST


def test_a_writer_s_own_medium_page_has_the_writer_as_author_not_as_source():
    document = read_fixture("html_medium_author_is_not_the_source.html")
    assert document.author == "Priya Shah"
    assert document.source is None
    assert document.date == datetime.date(2024, 5, 2)


def test_a_section_label_and_an_about_box_are_never_the_title():
    document = read_fixture("html_section_label_is_not_the_title.html")
    assert document.title == TITLE
    assert document.source == "Eastshire News"
    assert document.categories == ["Opinion"]
    assert document.body == POST


def test_json_ld_graph_gives_the_date_and_a_comment_s_time_does_not():
    document = read_fixture("html_date_from_json_ld_graph_and_time.html")
    assert document.date == datetime.date(2023, 2, 14)
    assert document.source == "Scrutiny Matters"
    assert document.body == POST


def test_a_time_in_the_article_s_byline_gives_date_and_author_and_a_related_post_s_does_not():
    document = read_fixture("html_date_from_a_time_element.html")
    assert document.date == datetime.date(2023, 2, 14)
    assert document.author == "Sam Jones"
    assert document.body == POST


def test_a_thin_page_is_read_again_with_a_wider_search(tmp_path):
    # trafilatura's precise pass leaves a comment-like section out; nothing else on the page is text.
    path = tmp_path / "thin.html"
    path.write_text(
        "<html><head><title>Budget night</title></head><body><div class='comments'>"
        "<p>The council agreed its budget after a long debate about adult social care.</p>"
        "<p>Council tax will rise by just under five per cent from April.</p></div></body></html>",
        encoding="utf-8",
    )
    document = read_document(path, path.name)
    assert document.extraction == "recall"
    assert document.body.startswith("The council agreed its budget")


def test_when_trafilatura_finds_nothing_the_visible_text_is_kept_without_menus(tmp_path, monkeypatch):
    def finds_nothing(*args, **kwargs):
        raise ValueError("no article")

    monkeypatch.setattr(extract_html_body, "bare_extraction", finds_nothing)
    monkeypatch.setattr(extract_html_body, "baseline", finds_nothing)
    document = read_fixture("html_page_wrapped_in_one_form.html")
    assert document.extraction == "visible text"
    assert document.body == WHOLE_POST
    assert "Home" not in document.body


def test_text_and_markdown_files_record_no_extraction_path():
    assert read_document(FIXTURES / "byline_by_author.txt", "byline_by_author.txt").extraction is None


def test_a_page_of_only_menus_footers_and_a_cookie_banner_is_still_rejected():
    with pytest.raises(UnreadableFile):
        read_fixture("html_chrome_only.html")


def test_the_page_s_own_address_gives_the_date_when_nothing_else_does():
    document = read_fixture("html_date_from_the_address.html")
    assert document.date == datetime.date(2023, 2, 14)
    assert document.body == POST


def test_a_page_of_thousands_of_tag_links_and_share_bars_is_read_within_bounds(tmp_path):
    path = tmp_path / "hostile.html"
    links = "".join(f"<a rel='tag' href='/tag/t{n}'>t{n}</a> " for n in range(5000))
    bars = "<div class='share'>" * 1500 + "Share" + "</div>" * 1500
    path.write_text(
        f"<html><body><article><h1>{TITLE}</h1>{POST.replace(chr(10) * 2, ' ')}"
        f"<p>{links}</p>{bars}</article></body></html>",
        encoding="utf-8",
    )
    document = read_document(path, path.name)
    assert document.body.startswith("Our scrutiny committee")
    assert len(document.tags) == 5000  # read in one pass over the links


@pytest.mark.parametrize(
    ("feed_title", "source"),
    [
        ("Posts on 'Bob Sutton' (Atom)", "Bob Sutton"),
        ("RSS Feed for Tim Ferriss' Blog", "Tim Ferriss' Blog"),
        ("Bike Hugger (RSS 2.0)", "Bike Hugger"),
        ("RSS - Ed Brill", "Ed Brill"),
    ],
)
def test_a_feed_s_title_names_the_blog_without_the_feed_words(tmp_path, feed_title, source):
    path = tmp_path / "feed.html"
    path.write_text(
        f"<html><head><title>{TITLE} « {source}</title>"
        f"<link rel='alternate' type='application/rss+xml' title=\"{feed_title}\" href='/feed'></head>"
        f"<body><article><p>{POST}</p></article></body></html>",
        encoding="utf-8",
    )
    document = read_document(path, path.name)
    assert document.source == source
    assert document.title == TITLE


def test_json_ld_graph_author_and_publisher_given_by_reference_are_followed():
    document = read_fixture("html_jsonld_graph_author_by_reference.html")
    assert (document.author, document.source) == ("Sam Jones", "Scrutiny Matters")
    assert document.date == datetime.date(2023, 2, 14)
    assert document.body == POST
