"""Markdown posts: YAML front matter for metadata, the body as plain text."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.reading.readers import UnreadableFile, read_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docs"


def read_fixture(name: str):
    return read_document(FIXTURES / name, name)


def unreadable_reason(name: str) -> str:
    with pytest.raises(UnreadableFile) as caught:
        read_fixture(name)
    return caught.value.reason


def test_front_matter_gives_every_field():
    document = read_fixture("md_front_matter_all_fields.md")
    assert document.title == "Peer challenge that bites"
    assert document.date == datetime.date(2020, 6, 1)
    assert document.author == "Sam Jones"
    assert document.source == "ADCS Blog"
    assert document.tags == ["SLI", "South East"]
    assert document.categories == ["Improvement", "Children's services"]


def test_front_matter_is_not_in_the_body_and_emphasis_is_stripped():
    document = read_fixture("md_front_matter_all_fields.md")
    assert document.body == (
        "Peer challenge only works when it is honest.\n\nThe host council has to want to hear the difficult things."
    )


def test_date_string_is_read_day_first():
    assert read_fixture("md_date_as_uk_string.md").date == datetime.date(2019, 3, 12)


def test_yaml_timestamp_gives_its_day_and_comma_string_tags_are_split():
    document = read_fixture("md_date_as_timestamp.md")
    assert document.date == datetime.date(2021, 1, 15)
    assert document.tags == ["Digital", "Data"]


def test_malformed_front_matter_is_unreadable_with_the_line():
    assert unreadable_reason("md_malformed_front_matter.md") == (
        "The front matter is not valid YAML: found unexpected end of stream on line 3."
    )


def test_unclosed_front_matter_is_unreadable():
    assert unreadable_reason("md_unclosed_front_matter.md") == "The front matter has no closing --- line."


def test_front_matter_that_is_not_fields_is_unreadable():
    assert unreadable_reason("md_front_matter_not_fields.md") == (
        "The front matter must be fields such as title: and date:, one a line."
    )


def test_leading_heading_is_the_title_without_front_matter():
    document = read_fixture("md_heading_title_without_front_matter.md")
    assert document.title == "Notes from the LGA conference."
    assert document.body == "The sessions on housing were the best attended."


def test_markdown_syntax_is_stripped_to_plain_text():
    document = read_fixture("md_syntax_stripped.md")
    assert document.title == "Stripping syntax"
    assert document.body == "\n\n".join(
        [
            "A second-level heading",
            "Read the full report and see a chart.\n"
            "This has bold, also bold, italic, struck and inline <script> code text, plus snake_case_name.",
            "A quoted line from the inspection report.",
            "First bullet\nSecond bullet\n1. A numbered point",
            'print("code stays as text")',
            "Council Rating\nNorthshire Good",
            "Escaped *stars* stay as stars. An autolink: https://example.org.",
        ]
    )


def test_front_matter_keeps_nested_indentation_and_crlf(tmp_path):
    path = tmp_path / "crlf.md"
    path.write_bytes(
        b"---\r\ntitle: Windows post\r\ntags:\r\n  - One\r\n  - Two\r\nauthor:\r\n  - Ann Lee\r\n---\r\n\r\nBody text.\r\n"
    )
    document = read_document(path, path.name)
    assert (document.title, document.tags, document.author, document.body) == (
        "Windows post",
        ["One", "Two"],
        "Ann Lee",
        "Body text.",
    )


def test_front_matter_date_that_is_not_a_date_is_no_date(tmp_path):
    path = tmp_path / "nodate.md"
    path.write_text("---\ntitle: No date\ndate: sometime soon\n---\nBody text.\n", encoding="utf-8")
    assert read_document(path, path.name).date is None


def test_front_matter_only_has_no_text(tmp_path):
    path = tmp_path / "empty-body.md"
    path.write_text("---\ntitle: Nothing else\n---\n", encoding="utf-8")
    with pytest.raises(UnreadableFile) as caught:
        read_document(path, path.name)
    assert caught.value.reason == "The file has no text after its page chrome was removed."


# -- speed without a change: lines without inline syntax skip the substitutions ---------------

LINE_PIECES = [
    "word",
    " ",
    "  ",
    "\t",
    "it's",
    "Barnardo’s",
    "a-b",
    "x",
    ":",
    "#",
    "(",
    ")",
    "]",
    "^",
    "|",
    ".",
    "é",
    "東京",
    "\u00a0",
    "\ue080",
    "\ud7ff",
    "1",
    "@",
    "%",
    "=",
    "+",
    "-",
    '"',
    "'",
    "/",
]
SYNTAX_PIECES = [
    "\\",
    "!",
    "[",
    "<",
    "*",
    "_",
    "~",
    "&",
    "`",
    "\ue000",
    "\ue041",
    "\ue07f",
    "&amp;",
    "&lt",
    "[a](b)",
    "**b**",
    "_c_",
    "~~d~~",
    "<b>",
    "![i](j)",
    "`k`",
    "\\*",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(LINE_PIECES * 6 + SYNTAX_PIECES) | st.text(max_size=3), max_size=20).map("".join))
def test_a_line_without_inline_syntax_is_its_own_text(line):
    from indexer.reading.extract_markdown import _INLINE_SYNTAX, _inline, _inline_syntax

    if not _INLINE_SYNTAX.search(line):
        assert _inline_syntax(line) == line.strip() == _inline(line)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINE_PIECES + SYNTAX_PIECES), max_size=30).map("".join))
def test_a_line_with_inline_syntax_is_read_as_before(line):
    from indexer.reading.extract_markdown import _inline, _inline_syntax

    assert _inline(line) == _inline_syntax(line)


# -- front matter of simple lines is read by libyaml, and read exactly as PyYAML reads it ------

# Pieces of the characters simple lines may hold, often, and of others, now and then.
SIMPLE_PIECES = [
    "yes",
    "No",
    "null",
    "2019-03-04",
    "1e3",
    "0x1F",
    "1_000",
    "012",
    "Post 12",
    "it's",
    "Barnardo’s",
    "a",
    "Z",
    "9",
    " ",
    "_",
    "-",
    ".",
    ",",
    "'",
    "’",
    "(",
    ")",
    "/",
    "&",
    "+",
    "?",
    "!",
    ";",
    "é",
    "東",
    "Ї",
    "½",
    "😀",
]
OTHER_PIECES = [
    "~",
    ".inf",
    "12:30",
    ":",
    "#",
    '"',
    "\\",
    "[",
    "]",
    "{",
    "}",
    "|",
    ">",
    "*",
    "%",
    "@",
    "`",
    "<",
    "\t",
    "  ",
    "\u00a0",
    "\u0085",
    "\u2028",
    "\ufeff",
    "\u0301",
]
front_words = st.lists(st.sampled_from(SIMPLE_PIECES * 8 + OTHER_PIECES), min_size=1, max_size=5).map("".join)
front_values = st.one_of(
    front_words,
    front_words.map(lambda v: f'"{v}"'),
    st.just(""),
    st.lists(st.one_of(front_words, front_words.map(lambda v: f'"{v}"')), max_size=3).map(
        lambda items: "[" + ", ".join(items) + "]"
    ),
)
front_matters = st.lists(
    st.tuples(st.sampled_from(["title", "date", "tags", "a-b", "x_1"]), front_values), min_size=1, max_size=6
).map(lambda lines: "\n".join(f"{key}: {value}" if value else f"{key}:" for key, value in lines))


@pytest.mark.slow  # 2,000 generated front matters
@settings(max_examples=2000, deadline=None)
@given(front_matters)
def test_front_matter_read_by_libyaml_is_read_as_pyyaml_reads_it(text):
    import yaml

    from indexer.reading.extract_markdown import _SIMPLE_FRONT_MATTER

    if _SIMPLE_FRONT_MATTER.fullmatch(text):

        def read(loader):
            try:
                return repr(yaml.load(text, Loader=loader))
            except yaml.YAMLError as error:
                return type(error).__name__

        assert read(yaml.CSafeLoader) == read(yaml.SafeLoader)


def test_the_usual_front_matter_is_read_by_libyaml():
    from indexer.reading.extract_markdown import _SIMPLE_FRONT_MATTER

    usual = (
        'title: "What makes a good DCS?"\ndate: 2016-05-23\nauthor: Andrew Collins\n'
        'tags: [DCS, leadership, children\'s services]\ncategories: [Leadership]\nsource: "ADCS Blog"'
    )
    assert _SIMPLE_FRONT_MATTER.fullmatch(usual)
    assert not _SIMPLE_FRONT_MATTER.fullmatch("title: a\ttab")  # PyYAML rejects what libyaml reads


def test_front_matter_link_is_the_source_url():
    document = read_fixture("markdown_front_matter_url.md")
    assert document.source_url == "https://governors.example.org/academies-and-the-council"
    assert document.title == "Academies and the council's role"
