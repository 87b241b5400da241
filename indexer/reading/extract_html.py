"""Posts from saved web pages: the article's own text, and metadata from meta tags and JSON-LD.

Parsed with BeautifulSoup's html.parser. Menus, sidebars, comment sections, cookie banners
and share widgets are removed before the text is taken; their links never become tags.
"""
from __future__ import annotations

import logging
import re
import warnings

import bs4
from bs4 import BeautifulSoup, NavigableString, Tag

from indexer.reading.bylines import parse_byline
from indexer.reading.extract import Post, clean_body, derive_title, drop_leading_metadata, unique_labels
from indexer.reading.extract_html_meta import (
    choose_source, is_platform, json_ld, original_address, keywords, marked_author, marked_date, meta_date, meta_tags,
    name_of, rel_link_texts, site_names, strip_site_name, take_label_links, text_of, time_element_date,
    title_element,
)

logger = logging.getLogger(__name__)

_DEAD_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas", "head"]
_CHROME_TAGS = {"nav", "aside", "form", "button", "select", "textarea", "input", "dialog"}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"}
_CHROME_CLASS = re.compile(
    r"cookie|consent|gdpr|sidebar|breadcrumb|related|newsletter|sharedaddy|addtoany|disqus|subscri|author-card|"
    r"(?:^|[-_])(?:comments?|respond|share|sharing|social|menu|navbar|nav|navigation|pagination|skip)(?:[-_]|$)",
    re.IGNORECASE,
)
# Body classes themes derive from a post's own labels ("category-adult-social-care") say nothing of chrome.
_LABEL_CLASS = re.compile(r"(?:category|tag|author|format|type|post-type)-", re.IGNORECASE)
_FOOTER_CLASS = re.compile(r"(?:^|[-_])footer(?:[-_]|$)", re.IGNORECASE)
_COMMENTS_CLASS = re.compile(r"disqus|related|(?:^|[-_])(?:comments?|respond)(?:[-_]|$)", re.IGNORECASE)
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tr", "ul", "caption",
}
_SKIPPED_STRINGS = (bs4.Comment, bs4.Declaration, bs4.Doctype, bs4.ProcessingInstruction, bs4.CData)
_BREAK = object()
_LINE = object()


def extract_html(text: str) -> Post:
    """Everything a saved web page says about its post."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bs4.MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", bs4.XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(text, "html.parser")
    meta = meta_tags(soup)
    linked = json_ld(soup)
    page_title = " ".join(soup.title.get_text(" ", strip=True).split()) if soup.title else ""
    names = site_names(soup, meta, linked, page_title)
    address = original_address(soup, meta, linked)
    for tag in soup.find_all(_DEAD_TAGS):
        tag.decompose()
    root = _content_root(soup)
    label_tags, label_categories = take_label_links(root, skip=_holds_other_posts)
    _remove_chrome(soup, keep=root)

    post = Post()
    site = next((name for name in names if not is_platform(name)), None)
    heading = root.find("h1")
    marked_title = title_element(soup)
    outside_heading = soup.find("h1")
    post.title = (
        strip_site_name(meta.get("og:title", ""), site)
        or text_of(linked.get("headline"))
        or (heading.get_text(" ", strip=True) if heading else "")
        or (marked_title.get_text(" ", strip=True) if marked_title else "")
        or strip_site_name(page_title, site)
        or (outside_heading.get_text(" ", strip=True) if outside_heading else "")
    )
    post.date = meta_date(meta, linked) or time_element_date(root) or marked_date(soup)
    post.author = (
        meta.get("author") or name_of(linked.get("author")) or _first(rel_link_texts(soup, "author"))
        or marked_author(soup)
    )
    post.tags = unique_labels(
        rel_link_texts(soup, "tag")
        + label_tags
        + keywords(meta.get("keywords", ""))
        + meta.get_all("article:tag")
        + keywords(linked.get("keywords"))
    )
    post.categories = unique_labels(
        rel_link_texts(soup, "category")
        + label_categories
        + meta.get_all("article:section")
        + meta.get_all("dc.subject")
        + keywords(linked.get("articleSection"))
    )
    _apply_bylines(root, post)

    for title in (heading, marked_title):
        if title and not title.decomposed and any(parent is root for parent in title.parents):
            if title.get_text(" ", strip=True).casefold() == post.title.casefold():
                title.decompose()
    for tag in root.find_all(["header", "footer"]):
        tag.decompose()
    cleaned = clean_body(_render_text(root))
    post.date = post.date or cleaned.date
    post.author = post.author or cleaned.author
    post.source = choose_source(names, post.author) or cleaned.source
    post.body = drop_leading_metadata(cleaned.body, post)
    post.title = post.title or derive_title(post.body)
    post.tags = unique_labels(post.tags + cleaned.tags)
    post.categories = unique_labels(post.categories + cleaned.categories)
    post.source_url = address
    return post


def _is_chrome(tag: Tag) -> bool:
    """Menus, sidebars, forms, comments, cookie banners, share widgets: never the post."""
    if tag.name in ("html", "body"):
        return False
    if tag.name in _CHROME_TAGS or tag.get("role") in _CHROME_ROLES or tag.has_attr("hidden"):
        return True
    if tag.name in ("header", "footer"):
        return tag.find_parent(["article", "main"]) is None
    names = [tag.get("id") or ""] + list(tag.get("class") or [])
    return any(isinstance(name, str) and _CHROME_CLASS.search(name) and not _LABEL_CLASS.match(name)
               for name in names)


def _is_aside(tag: Tag) -> bool:
    """Stronger signs than `_is_chrome`: layout classes such as "has-sidebar" do not count."""
    if tag.name in ("nav", "aside", "form") or tag.get("role") in _CHROME_ROLES:
        return True
    names = [tag.get("id") or ""] + list(tag.get("class") or [])
    return any(isinstance(name, str) and _COMMENTS_CLASS.search(name) for name in names)


def _holds_other_posts(tag: Tag) -> bool:
    """Comments and related-post lists: their tag links label other posts, not this one."""
    names = [tag.get("id") or ""] + list(tag.get("class") or [])
    return tag.name == "aside" or any(isinstance(name, str) and _COMMENTS_CLASS.search(name) for name in names)


def _remove_chrome(soup: BeautifulSoup, keep: Tag) -> None:
    """Remove chrome everywhere except the post's root and the elements that hold it."""
    protected = {id(keep)} | {id(parent) for parent in keep.parents}
    for tag in soup.find_all(_is_chrome):
        if id(tag) not in protected and not tag.decomposed:
            tag.decompose()


def _content_root(soup: BeautifulSoup) -> Tag:
    """The post: its `<article>`, else `<main>`, else the block with the most paragraph text."""
    def outside_chrome(tag: Tag) -> bool:
        own = [name for name in tag.get("class") or [] if isinstance(name, str)]
        if tag.name == "article" and any(name.lower().startswith("comment") for name in own):
            return False
        return not any(_is_aside(parent) for parent in tag.parents)

    articles = [tag for tag in soup.find_all("article") if outside_chrome(tag)]
    if articles:
        return max(articles, key=lambda tag: len(tag.get_text(" ", strip=True)))
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main:
        return main
    totals: dict[int, tuple[Tag, float]] = {}
    for paragraph in soup.find_all("p"):
        parent = paragraph.parent
        if not isinstance(parent, Tag) or _is_chrome(parent) or not outside_chrome(paragraph):
            continue
        if any(isinstance(name, str) and _FOOTER_CLASS.search(name) for name in parent.get("class") or []):
            continue
        length = len(paragraph.get_text(" ", strip=True))
        # A grandparent earns half, so posts that wrap each paragraph in its own div still win.
        for block, share in ((parent, 1.0), (parent.parent, 0.5)):
            if isinstance(block, Tag):
                totals[id(block)] = (block, totals.get(id(block), (block, 0.0))[1] + length * share)
    if totals:
        return max(totals.values(), key=lambda pair: pair[1])[0]
    return soup.body or soup


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _apply_bylines(root: Tag, post: Post) -> None:
    """Fill a missing date or author from byline lines in the article's header."""
    for header in root.find_all("header"):
        for line in _render_text(header).split("\n"):
            byline = parse_byline(line)
            if byline:
                post.date = post.date or byline.date
                post.author = post.author or byline.author


def _render_text(root: Tag) -> str:
    """The visible text of `root`, a blank line between blocks and a line break for `<br>`."""
    pieces: list = []
    stack: list = [root]
    while stack:
        node = stack.pop()
        if node is _BREAK or node is _LINE:
            pieces.append(node)
        elif isinstance(node, NavigableString):
            if not isinstance(node, _SKIPPED_STRINGS):
                pieces.append(str(node))
        elif isinstance(node, Tag):
            if node.name == "br":
                pieces.append(_LINE)
                continue
            if node.name == "pre":
                pieces.append(_BREAK)
                for number, line in enumerate(node.get_text().split("\n")):
                    pieces.extend([_LINE, line] if number else [line])
                pieces.append(_BREAK)
                continue
            block = node.name in _BLOCK_TAGS
            if block:
                pieces.append(_BREAK)
                stack.append(_BREAK)
            elif node.name in ("td", "th"):
                pieces.append(" ")
            stack.extend(reversed(node.contents))
    return _join_pieces(pieces)


def _join_pieces(pieces: list) -> str:
    paragraphs, lines, current = [], [], []
    for piece in pieces + [_BREAK]:
        if piece is _BREAK or piece is _LINE:
            lines.append(" ".join("".join(current).split()))
            current = []
            if piece is _BREAK:
                paragraph = "\n".join(line for line in lines if line)
                if paragraph:
                    paragraphs.append(paragraph)
                lines = []
        else:
            current.append(piece)
    return "\n\n".join(paragraphs)
