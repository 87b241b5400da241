"""A harvested post's `<name>.meta.json`: its address becomes `source_url`, the feed's facts fill
what the page does not say, and a bad facts file never stops the post being read."""

from __future__ import annotations

import datetime
import json

from indexer.reading.readers import read_document

PAGE = (
    "<html><head><title>Peer challenge</title>{meta}<link rel='canonical' href='https://old.example.org/p'>"
    "</head><body><article><h1>Peer challenge</h1><p>Councils learn from each other through peer "
    "challenge, and the results are shared widely.</p></article></body></html>"
)


def write(tmp_path, meta: str = "", facts=None, raw: str | None = None):
    page = tmp_path / "post.html"
    page.write_text(PAGE.format(meta=meta), encoding="utf-8")
    if facts is not None or raw is not None:
        (tmp_path / "post.meta.json").write_text(raw if raw is not None else json.dumps(facts), encoding="utf-8")
    return page


def test_the_harvested_address_becomes_source_url_and_the_feed_fills_the_gaps(tmp_path):
    page = write(
        tmp_path,
        facts={
            "address": "https://blog.example.org/2024/peer-challenge",
            "feed_title": "Leader's Blog",
            "author": "Cllr Jane Smith",
            "date": "2024-03-12",
            "title": "From the feed",
        },
    )
    document = read_document(page, "post.html")
    assert document.source_url == "https://blog.example.org/2024/peer-challenge"
    assert (document.source, document.author, document.date) == (
        "Leader's Blog",
        "Cllr Jane Smith",
        datetime.date(2024, 3, 12),
    )
    assert document.title == "Peer challenge"  # the page's own title stands


def test_the_page_own_date_and_author_win_over_the_feed(tmp_path):
    meta = "<meta name='author' content='Sam Jones'><meta property='article:published_time' content='2023-01-02'>"
    page = write(
        tmp_path, meta, facts={"address": "https://blog.example.org/p", "author": "Feed Author", "date": "2024-03-12"}
    )
    document = read_document(page, "post.html")
    assert (document.author, document.date) == ("Sam Jones", datetime.date(2023, 1, 2))


def test_a_page_without_facts_keeps_its_canonical_address(tmp_path):
    assert read_document(write(tmp_path), "post.html").source_url == "https://old.example.org/p"


def test_a_broken_or_hostile_facts_file_is_ignored(tmp_path):
    assert read_document(write(tmp_path, raw="{not json"), "post.html").source_url == "https://old.example.org/p"
    page = write(tmp_path, facts={"address": "javascript:alert(1)", "author": ["not", "text"]})
    document = read_document(page, "post.html")
    assert document.source_url == "https://old.example.org/p" and document.author is None
    assert read_document(write(tmp_path, facts=["a", "list"]), "post.html").source_url == "https://old.example.org/p"
