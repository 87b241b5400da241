"""HTML pages: the article's own text, metadata from meta tags, JSON-LD and rel links."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from indexer.reading.readers import UnreadableFile, read_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docs"


def read_fixture(name: str):
    return read_document(FIXTURES / name, name)


def test_article_text_is_kept_and_page_chrome_dropped():
    document = read_fixture("html_article_with_chrome.html")
    assert document.title == "Rethinking early help"
    assert document.body == (
        "Early help is where prevention becomes real for families.\n\n"
        "We moved our family workers into schools, and referrals fell within a year."
    )


@pytest.mark.parametrize(
    "chrome",
    [
        "cookies",
        "Home",
        "Sidebar conference",
        "commenter text",
        "Post Comment",
        "Privacy policy",
        "Share this",
        "do not index me",
        "color: red",
        "thoughts on",
    ],
)
def test_chrome_words_never_reach_the_body(chrome):
    assert chrome not in read_fixture("html_article_with_chrome.html").body


def test_og_title_without_site_suffix_beats_headline_and_title_tag():
    assert read_fixture("html_og_title_and_jsonld.html").title == "Digital by default, not digital only"


def test_json_ld_gives_date_author_tags_and_section():
    document = read_fixture("html_og_title_and_jsonld.html")
    assert document.date == datetime.date(2019, 3, 12)
    assert document.author == "Carl Haggerty"
    assert document.tags == ["digital", "Inclusion"]
    assert document.categories == ["Digital"]


def test_og_site_name_is_the_source():
    assert read_fixture("html_og_title_and_jsonld.html").source == "Carl's Notepad"


def test_title_in_main_is_not_repeated_in_the_body():
    document = read_fixture("html_og_title_and_jsonld.html")
    assert document.body == "Digital by default should never mean digital only for residents who cannot get online."


def test_title_tag_loses_its_site_name_suffix():
    assert read_fixture("html_title_tag_with_site_suffix.html").title == "Why scrutiny matters"


def test_article_h1_beats_the_title_tag():
    document = read_fixture("html_h1_in_article_title.html")
    assert document.title == "Scrutiny that changes decisions"
    assert document.body == "Good scrutiny changes decisions before they are made, not after."


def test_htm_extension_is_read_as_html():
    document = read_fixture("html_htm_extension.htm")
    assert document.id == "html_htm_extension"
    assert document.title == "Scrutiny that changes decisions"


def test_published_time_element_gives_the_date_not_updated_or_event_times():
    document = read_fixture("html_time_datetime.html")
    assert document.date == datetime.date(2019, 3, 12)
    assert "Posted on" not in document.body


def test_article_published_time_meta_and_author_meta():
    document = read_fixture("html_published_time_meta.html")
    assert document.date == datetime.date(2018, 11, 20)
    assert document.author == "Sam Jones"


def test_rel_tag_links_and_keywords_give_tags_and_rel_category_gives_categories():
    document = read_fixture("html_rel_tag_category_keywords.html")
    assert document.tags == ["Rough sleeping", "Housing First", "Housing", "homelessness"]
    assert document.categories == ["Housing Policy"]
    assert "Sidebar tag" not in document.tags
    assert document.body == "Housing first has changed how we think about rough sleeping."


def test_rel_author_link_gives_the_author():
    document = read_fixture("html_rel_author.html")
    assert document.author == "Jane Smith"
    assert "By Jane Smith" not in document.body


def test_json_ld_author_list_publisher_and_keyword_list():
    document = read_fixture("html_jsonld_author_list_and_keywords_list.html")
    assert document.title == "Two authors, one post"
    assert document.author == "Ann Lee, Bo Chan"
    assert document.source == "Joint Blog"
    assert document.date == datetime.date(2021, 1, 15)
    assert document.tags == ["Integration", "NHS"]


def test_escaped_script_text_stays_visible_words():
    document = read_fixture("html_escaped_script_text.html")
    assert document.body == (
        "Never paste a <script> tag from an email into the council website.\n\n"
        "Our web team explained why in plain words."
    )
    assert "real script" not in document.body


def test_the_post_is_found_without_article_or_main_and_the_menu_is_not():
    document = read_fixture("html_densest_block_without_article.html")
    assert document.title == "Old style page"
    assert document.body.startswith("This old page has no article or main element")
    assert "It has two paragraphs of real writing" in document.body
    assert "Home" not in document.body and "About" not in document.body


def test_related_articles_heading_inside_content_drops_what_follows():
    document = read_fixture("html_related_heading_inside_content.html")
    assert document.body == "The post's own words about adoption reform."
    assert document.categories == []


def test_broken_json_ld_is_ignored():
    document = read_fixture("html_broken_jsonld.html")
    assert document.source == "Resilient Blog"
    assert document.date is None
    assert document.body == "Broken structured data must not stop the post being read."


def test_windows_1252_page_keeps_pound_and_quotes():
    assert read_fixture("html_cp1252_declared_charset.html").body == "It costs £5 and they said “yes”."


def test_declared_charset_is_honoured_when_the_bytes_are_not_utf8():
    assert read_fixture("html_iso8859_15_declared_charset.html").body == "It costs €5 in euros."


def test_page_of_only_chrome_has_no_text():
    with pytest.raises(UnreadableFile) as caught:
        read_fixture("html_chrome_only.html")
    assert caught.value.reason == "The file has no text after its page chrome was removed."


def test_line_breaks_stay_inside_a_paragraph_and_blocks_are_separated(tmp_path):
    path = tmp_path / "breaks.html"
    path.write_text(
        "<article><h1>Breaks</h1><p>Line one<br>line two</p><ul><li>First item</li><li>Second item</li></ul>"
        "<p>Spread\n   over   lines</p></article>",
        encoding="utf-8",
    )
    assert read_document(path, path.name).body == "Line one\nline two\n\nFirst item\n\nSecond item\n\nSpread over lines"


def test_deeply_nested_markup_is_read_without_recursion_errors(tmp_path):
    path = tmp_path / "nested.html"
    path.write_text("<title>Deep</title>" + "<div>" * 5000 + "<p>Deep words.</p>" + "</div>" * 5000, encoding="utf-8")
    assert read_document(path, path.name).body == "Deep words."


def test_text_that_looks_like_a_url_reads_without_warnings(tmp_path):
    path = tmp_path / "url.html"
    path.write_text("https://example.org/a-post-about-housing", encoding="utf-8")
    document = read_document(path, path.name)
    assert document.body == "https://example.org/a-post-about-housing"


def test_paragraphs_each_wrapped_in_a_div_are_read_together(tmp_path):
    path = tmp_path / "wrapped.html"
    path.write_text(
        "<title>Wrapped</title><body><div id='post'>"
        + "".join(f"<div class='para'><p>Paragraph number {n} of the post.</p></div>" for n in range(1, 4))
        + "</div></body>",
        encoding="utf-8",
    )
    assert read_document(path, path.name).body == (
        "Paragraph number 1 of the post.\n\nParagraph number 2 of the post.\n\nParagraph number 3 of the post."
    )


def test_tag_and_category_links_inside_the_article_are_not_body_text():
    document = read_fixture("html_tag_links_inside_article.html")
    assert document.tags == ["Improvement"] and document.categories == ["Learning"]
    assert "Improvement" not in document.body and "Learning" not in document.body
    assert document.body.startswith("Peer review between councils changed how we improve.")


@pytest.mark.parametrize(
    ("name", "address"),
    [
        (
            "html_canonical_link_is_the_original.html",
            "https://councilvoices.example.org/2021/03/peer-challenge-in-practice/",
        ),
        ("html_og_url_when_no_canonical.html", "https://leadingplaces.example.org/sector-led-improvement"),
        ("html_javascript_canonical_is_ignored.html", None),
        ("html_article_with_chrome.html", None),
    ],
)
def test_the_page_s_own_address_is_its_source_url(name, address):
    assert read_fixture(name).source_url == address
