"""Posts from saved web pages: the article's own text, and metadata from meta tags and JSON-LD.

The page is parsed once with lxml. Metadata is read from that tree first (meta tags, JSON-LD,
the platforms' own marks); then lgsearch takes out what it knows better than a general extractor
(tag and category links, bylines in the article's header, cookie banners and share bars) and
trafilatura finds the article in what is left (`extract_html_body.py`).
"""

from __future__ import annotations

import logging
import re

from htmldate import find_date
from lxml import etree

from indexer.reading.bylines import parse_byline
from indexer.reading.dates import parse_iso_date
from indexer.reading.extract import Post, derive_title, drop_leading_metadata, unique_labels
from indexer.reading.extract_html_body import article_text
from indexer.reading.extract_html_meta import (
    MarkedElements,
    choose_source,
    is_platform,
    is_post_title,
    json_ld,
    keywords,
    marked_author,
    marked_date,
    meta_date,
    meta_tags,
    name_of,
    original_address,
    rel_link_texts,
    site_names,
    strip_site_name,
    take_label_links,
    text_of,
    time_element_date,
    title_element,
)
from indexer.reading.html_tree import DEAD_TAGS, parse_html, render_text, text_of_element

logger = logging.getLogger(__name__)

# Elements that hold other posts' words and labels: comments, related posts, sidebars, widgets.
# Read against "id class class...": a name ends at a space or the end.
_OTHER_POSTS_CLASS = re.compile(r"disqus|related|(?:^|[\s_-])(?:comments?|respond)(?:[\s_-]|$)", re.I)
# Page furniture lgsearch removes before trafilatura looks, when it is small (a layout wrapper
# named "content-with-sidebar" or "share-wrapper" that holds the article is never removed).
_FURNITURE_CLASS = re.compile(
    r"cookie|consent|gdpr|sharedaddy|addtoany|newsletter|subscri|author-card|breadcrumb|"
    r"(?:site|blog)-description|tagline|descriptionwrapper|(?:^|[\s_-])(?:header|footer)[-_](?:text|content)(?:\s|$)|"
    r"(?:^|[\s_-])(?:share|sharing|social|skip|jp-relatedposts|menu|navbar|nav|navigation)(?:[\s_-]|$)",
    re.I,
)
# Body classes themes derive from a post's own labels ("tag-social-care") say nothing of furniture.
_LABEL_CLASS = re.compile(r"(?:category|tag|author|format|type|post-type)-", re.I)
_FURNITURE_MAX_CHARS = 600
_MAX_FURNITURE = 300  # furniture elements looked at on one page: a bound on a hostile page's work
_HEADER_MAX_CHARS = 500
# One sift over every class and id: only elements it matches are looked at again.
_ANY_MARK = re.compile(
    r"cookie|consent|gdpr|sharedaddy|addtoany|newsletter|subscri|author|breadcrumb|description|tagline|header|"
    r"footer|shar|social|skip|related|disqus|comment|respond|title|subject|date|publish|fn|menu|nav",
    re.I,
)
_LANDMARKS = frozenset({"aside", "nav", "header", "footer"})
_NEVER_FURNITURE = frozenset({"html", "body", "article", "main", "head"})
_ARTICLE_PARTS = etree.XPath(".//article//header | .//main//header | .//article//footer | .//main//footer")


class PageMarks:
    """What one walk over the page finds: marked titles, dates and authors; the containers of
    other posts' words (comments, related posts, sidebars, the site's menus); small furniture."""

    def __init__(self, tree):
        self.marked = MarkedElements()
        self.furniture: list = []
        self.menus: list = []  # the site's navigation, header and footer, outside any article
        containers = []
        for element in tree.iter(etree.Element):
            tag = element.tag
            if tag in _LANDMARKS:
                if tag == "aside":
                    containers.append(element)
                elif not _in_article(element):
                    self.menus.append(element)
                    if tag == "nav":
                        containers.append(element)
            text = element.text
            if text and len(text) < 30 and not len(element):
                self.marked.add_label_holder(element, text)
            role = element.get("role")
            if role == "complementary":
                containers.append(element)
            elif role == "navigation" and tag != "nav" and not _in_article(element):
                containers.append(element)
                self.menus.append(element)
            class_names = element.get("class")
            ident = element.get("id")
            if not (class_names or ident):
                continue
            class_names = class_names or ""
            names = f"{ident} {class_names}".strip() if ident else class_names
            if not _ANY_MARK.search(names):
                continue
            if class_names:
                self.marked.add(element, class_names)
            if tag not in _NEVER_FURNITURE:
                if _OTHER_POSTS_CLASS.search(names):
                    containers.append(element)
                if _FURNITURE_CLASS.search(names) and any(
                    _FURNITURE_CLASS.search(name) and not _LABEL_CLASS.match(name) for name in names.split()
                ):
                    self.furniture.append(element)
        self.containers = set(containers)  # kept alive, so lxml hands back these same objects

    def in_other_posts(self, element) -> bool:
        """Inside comments, related posts, a sidebar or the site's menus: another post's words."""
        return bool(self.containers) and any(parent in self.containers for parent in element.iterancestors())


def extract_html(text: str) -> Post:
    """Everything a saved web page says about its post."""
    tree = parse_html(text)
    if tree is None:
        return Post()
    for element in list(tree.iter(*DEAD_TAGS)):
        if element.tag != "script" or (element.get("type") or "").strip().lower() != "application/ld+json":
            _drop(element)
    meta = meta_tags(tree)
    linked = json_ld(tree)
    marks = PageMarks(tree)
    marked, others = marks.marked, marks.in_other_posts
    title_tag = tree.find(".//title")
    page_title = text_of_element(title_tag) if title_tag is not None else ""
    names = site_names(tree, meta, linked, page_title, marked)
    site = next((name for name in names if not is_platform(name)), None)

    post = Post(source_url=original_address(tree, meta, linked))
    post.title = _title(tree, meta, linked, marked, names, page_title, site, others)
    links = [link for link in tree.iter("a") if link.get("rel") and not others(link)]
    post.author = (
        meta.get("author")
        or name_of(linked.get("author"))
        or _first(rel_link_texts(links, "author"))
        or marked_author(marked, keep=lambda tag: not others(tag))
    )
    post.tags = rel_link_texts(links, "tag")
    post.categories = rel_link_texts(links, "category")
    times = [time for time in tree.iter("time") if not others(time)]
    time_date, time_author = time_element_date(times, in_header=_in_article_header, in_article=_in_article)
    post.date = meta_date(meta, linked) or time_date or marked_date(marked, keep=lambda tag: not others(tag))
    post.author = post.author or time_author

    label_tags, label_categories = take_label_links(tree, marked.label_holders, skip=others)
    _read_article_headers(tree, post)
    _remove_furniture(marks)

    sections = meta.get_all("article:section") + keywords(linked.get("articleSection"))

    def finish(found: Post) -> str:
        known = Post(
            title=post.title, author=post.author or found.author, source=site, categories=post.categories + sections
        )
        return drop_leading_metadata(found.body, known)

    cleaned, post.extraction = article_text(tree, finish)
    post.tags = unique_labels(
        post.tags
        + keywords(meta.get("keywords", ""))
        + meta.get_all("article:tag")
        + keywords(linked.get("keywords"))
        + label_tags
        + cleaned.tags
    )
    post.categories = unique_labels(
        post.categories
        + label_categories
        + meta.get_all("article:section")
        + meta.get_all("dc.subject")
        + keywords(linked.get("articleSection"))
        + cleaned.categories
    )
    post.date = post.date or cleaned.date or _date_by_htmldate(tree, post.source_url)
    post.author = post.author or cleaned.author
    post.source = choose_source(names, post.author) or cleaned.source
    post.body = drop_leading_metadata(cleaned.body, post)  # again, now the author is known
    post.title = post.title or derive_title(post.body)
    return post


def _title(tree, meta, linked, marked, names, page_title, site, others) -> str:
    """The post's title: never the site's name, a section label or an "About" heading."""
    not_titles = {name.casefold() for name in names}
    sections = meta.get_all("article:section") + keywords(linked.get("articleSection"))
    not_titles |= {label.casefold() for label in sections}
    marked_title = title_element(marked)
    candidates = [
        strip_site_name(meta.get("og:title", ""), site),
        text_of(linked.get("headline")),
        *(text_of_element(h1) for h1 in _article_headings(tree, others)),
        text_of_element(marked_title) if marked_title is not None else "",
        strip_site_name(page_title, site),
        *(text_of_element(h1) for h1 in tree.iter("h1") if not others(h1)),
    ]
    return next((title for title in candidates if is_post_title(title, not_titles)), "")


def _article_headings(tree, others) -> list:
    """The `<h1>`s inside the page's `<article>`s and `<main>`, outside comments and sidebars."""
    return [
        h1
        for h1 in tree.iter("h1")
        if any(parent.tag in ("article", "main") for parent in h1.iterancestors()) and not others(h1)
    ]


def _in_article(element) -> bool:
    return any(parent.tag in ("article", "main") for parent in element.iterancestors())


def _in_article_header(element) -> bool:
    return any(parent.tag == "header" for parent in element.iterancestors())


def _read_article_headers(tree, post: Post) -> None:
    """Bylines in an article's `<header>` fill a missing date or author; then the header goes,
    with any small `<footer>` inside the article (where themes print its labels)."""
    for part in _ARTICLE_PARTS(tree):
        if part.getparent() is None:
            continue
        text = render_text(part)
        if len(text) > _HEADER_MAX_CHARS:
            continue
        if part.tag == "header":
            for line in text.split("\n"):
                byline = parse_byline(line)
                if byline:
                    post.date = post.date or byline.date
                    post.author = post.author or byline.author
        _drop(part)


def _remove_furniture(marks: PageMarks) -> None:
    """Cookie banners, share bars, breadcrumbs and newsletter boxes when they are small, and the
    site's menus, header and footer when small or less than half the page's text."""
    for element in marks.furniture[:_MAX_FURNITURE]:
        if (
            element.getparent() is not None
            and len(element.text_content()) <= _FURNITURE_MAX_CHARS
            and element.find(".//h1") is None
        ):
            _drop(element)
    if marks.menus:
        page = marks.menus[0].getroottree().getroot()
        half = len(page.text_content()) / 2
        for element in marks.menus[:_MAX_FURNITURE]:
            size = len(element.text_content())
            if (
                element.getparent() is not None
                and element.find(".//h1") is None
                and (size < half or size <= _FURNITURE_MAX_CHARS)
            ):
                _drop(element)


def _date_by_htmldate(tree, url: str | None):
    """htmldate's reading of the page's own date marks and address, when lgsearch's found none."""
    try:
        found = find_date(tree, extensive_search=False, original_date=True, url=url)
    except Exception:  # htmldate is not ours: a page it cannot read simply has no date from it
        logger.debug("htmldate could not read a page", exc_info=True)
        return None
    return parse_iso_date(found) if found else None


def _drop(element) -> None:
    """Remove an element and what it holds, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _first(values: list[str]) -> str | None:
    return values[0] if values else None
