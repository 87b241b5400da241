"""Posts from saved web pages: the article's own text, and metadata from meta tags and JSON-LD.

Parsed with BeautifulSoup's html.parser. Menus, sidebars, comment sections, cookie banners
and share widgets are removed before the text is taken; their links never become tags.
"""
from __future__ import annotations

import json
import logging
import re
import warnings

import bs4
from bs4 import BeautifulSoup, NavigableString, Tag

from indexer.bylines import parse_byline
from indexer.dates import parse_date, parse_iso_date
from indexer.extract import Post, clean_body, derive_title, split_labels, unique_labels

logger = logging.getLogger(__name__)

_DEAD_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas", "head"]
_CHROME_TAGS = {"nav", "aside", "form", "button", "select", "textarea", "input", "dialog"}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"}
_CHROME_CLASS = re.compile(
    r"cookie|consent|gdpr|sidebar|breadcrumb|related|newsletter|sharedaddy|addtoany|disqus|"
    r"(?:^|[-_])(?:comments?|respond|share|sharing|social|menu|navbar|nav|navigation|pagination|skip)(?:[-_]|$)",
    re.IGNORECASE,
)
_COMMENTS_CLASS = re.compile(r"disqus|related|(?:^|[-_])(?:comments?|respond)(?:[-_]|$)", re.IGNORECASE)
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tr", "ul", "caption",
}
_SKIPPED_STRINGS = (bs4.Comment, bs4.Declaration, bs4.Doctype, bs4.ProcessingInstruction, bs4.CData)
_ARTICLE_TYPES = {"article", "blogposting", "newsarticle", "opinionnewsarticle", "report", "scholarlyarticle"}
_BREAK = object()
_LINE = object()


def extract_html(text: str) -> Post:
    """Everything a saved web page says about its post."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bs4.MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", bs4.XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(text, "html.parser")
    meta = _meta_tags(soup)
    linked = _json_ld(soup)
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(_DEAD_TAGS):
        tag.decompose()
    root = _content_root(soup)
    _remove_chrome(soup, keep=root)

    post = Post()
    post.source = meta.get("og:site_name") or _name_of(linked.get("publisher")) or None
    heading = root.find("h1") or soup.find("h1")
    post.title = (
        _strip_site_name(meta.get("og:title", ""), post.source)
        or _text_of(linked.get("headline"))
        or (heading.get_text(" ", strip=True) if heading else "")
        or _strip_site_name(page_title, post.source)
    )
    post.date = (
        parse_iso_date(meta.get("article:published_time", ""))
        or parse_iso_date(_text_of(linked.get("datePublished")))
        or _time_element_date(root)
    )
    post.author = meta.get("author") or _name_of(linked.get("author")) or _first(_rel_link_texts(soup, "author"))
    post.tags = unique_labels(
        _rel_link_texts(soup, "tag")
        + split_labels(meta.get("keywords", ""))
        + meta.get_all("article:tag")
        + _keywords(linked.get("keywords"))
    )
    post.categories = unique_labels(
        _rel_link_texts(soup, "category")
        + meta.get_all("article:section")
        + _keywords(linked.get("articleSection"))
    )
    _apply_bylines(root, post)
    _drop_label_links(root)

    if heading and any(parent is root for parent in heading.parents):
        if heading.get_text(" ", strip=True).casefold() == post.title.casefold():
            heading.decompose()
    for tag in root.find_all(["header", "footer"]):
        tag.decompose()
    cleaned = clean_body(_render_text(root))
    post.body = cleaned.body
    post.title = post.title or derive_title(post.body)
    post.date = post.date or cleaned.date
    post.author = post.author or cleaned.author
    post.source = post.source or cleaned.source
    post.tags = unique_labels(post.tags + cleaned.tags)
    post.categories = unique_labels(post.categories + cleaned.categories)
    return post


class _Meta(dict):
    """`<meta>` contents by name or property (lower case); repeated ones kept for `get_all`."""

    def __init__(self):
        super().__init__()
        self.repeated: dict[str, list[str]] = {}

    def add(self, key: str, value: str) -> None:
        self.setdefault(key, value)
        self.repeated.setdefault(key, []).append(value)

    def get_all(self, key: str) -> list[str]:
        return list(self.repeated.get(key, []))


def _meta_tags(soup: BeautifulSoup) -> _Meta:
    meta = _Meta()
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            meta.add(key.strip().lower(), " ".join(content.split()))
    return meta


def _json_ld(soup: BeautifulSoup) -> dict:
    """The page's Article-like JSON-LD object (or its first object); broken JSON is ignored."""
    objects = []
    for script in soup.find_all("script", type=re.compile(r"^\s*application/ld\+json\s*$", re.I)):
        try:
            data = json.loads(script.string or "")
        except (ValueError, RecursionError):
            logger.debug("Ignoring JSON-LD that does not parse")
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    for item in objects:
        types = item.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types):
            return item
    return next((item for item in objects if "datePublished" in item or "headline" in item), {})


def _text_of(value) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list) and value:
        return _text_of(value[0])
    return ""


def _name_of(value) -> str:
    """A JSON-LD person or organisation ("Jane", {"name": "Jane"}, or a list of them) as text."""
    if isinstance(value, list):
        return ", ".join(name for name in (_name_of(item) for item in value) if name)
    if isinstance(value, dict):
        return _text_of(value.get("name"))
    return _text_of(value)


def _keywords(value) -> list[str]:
    if isinstance(value, str):
        return split_labels(value)
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _strip_site_name(title: str, site: str | None) -> str:
    """"Post title | Site name" (or "Site name – Post title") as "Post title"; any " | ..." suffix goes."""
    title = " ".join(title.split())
    if site:
        name = re.escape(" ".join(site.split()))
        match = re.fullmatch(rf"(.+?)\s*[|–—»:-]\s*{name}", title, re.IGNORECASE) or re.fullmatch(
            rf"{name}\s*[|–—»:-]\s*(.+)", title, re.IGNORECASE
        )
        if match:
            return match.group(1)
    return title.split("|")[0].strip() if "|" in title else title


def _is_chrome(tag: Tag) -> bool:
    """Menus, sidebars, forms, comments, cookie banners, share widgets: never the post."""
    if tag.name in ("html", "body"):
        return False
    if tag.name in _CHROME_TAGS or tag.get("role") in _CHROME_ROLES or tag.has_attr("hidden"):
        return True
    if tag.name in ("header", "footer"):
        return tag.find_parent(["article", "main"]) is None
    names = [tag.get("id") or ""] + list(tag.get("class") or [])
    return any(isinstance(name, str) and _CHROME_CLASS.search(name) for name in names)


def _is_aside(tag: Tag) -> bool:
    """Stronger signs than `_is_chrome`: layout classes such as "has-sidebar" do not count."""
    if tag.name in ("nav", "aside", "form") or tag.get("role") in _CHROME_ROLES:
        return True
    names = [tag.get("id") or ""] + list(tag.get("class") or [])
    return any(isinstance(name, str) and _COMMENTS_CLASS.search(name) for name in names)


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


def _rel_link_texts(soup: BeautifulSoup, rel: str) -> list[str]:
    """Texts of links with this rel; WordPress marks category links `rel="category tag"`."""
    texts = []
    for link in soup.find_all("a", rel=True):
        rels = [value.lower() for value in link.get_attribute_list("rel") if isinstance(value, str)]
        if rel in rels and not (rel == "tag" and "category" in rels):
            texts.append(link.get_text(" ", strip=True))
    return [text for text in texts if text]


def _drop_label_links(root: Tag) -> None:
    """Tag and category links are metadata, already taken: their words are not the post's text."""
    for link in root.find_all("a", rel=True):
        rels = {value.lower() for value in link.get_attribute_list("rel") if isinstance(value, str)}
        if rels & {"tag", "category"}:
            link.decompose()


def _time_element_date(root: Tag):
    """The post's `<time>`: one marked as published, else one in the article's header."""
    times = [t for t in root.find_all("time") if not _marked(t, "updated", "modified")]
    preferred = [t for t in times if _marked(t, "published", "entry-date", "datepublished", "post-date")]
    in_header = [t for t in times if t.find_parent("header") is not None]
    for tag in preferred + in_header:
        value = tag.get("datetime")
        date = parse_iso_date(value) if isinstance(value, str) else parse_date(tag.get_text(" ", strip=True))
        if date:
            return date
    return None


def _marked(tag: Tag, *words: str) -> bool:
    marks = " ".join([*(tag.get("class") or []), tag.get("itemprop") or ""]).lower()
    return any(word in marks for word in words)


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
