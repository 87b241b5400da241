"""What a saved page says about its post outside the text: meta tags, JSON-LD, marked-up bylines.

Blog platforms each say it their own way (Medium's JSON-LD keywords, Blogger's date header,
Jadu's Dublin Core, WordPress's hCard and rel links); this module reads them all and keeps
platform bookkeeping ("Tag:", "Elevated:false", "Medium") out of the metadata.
"""
from __future__ import annotations

import json
import logging
import re
from urllib.parse import unquote_plus, urlsplit

from bs4 import BeautifulSoup, Tag

from indexer.reading.bylines import looks_like_name, parse_byline
from indexer.reading.dates import parse_date, parse_iso_date
from indexer.reading.extract import split_labels

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = {"article", "blogposting", "newsarticle", "opinionnewsarticle", "report", "scholarlyarticle"}
# Names of the platforms themselves: never the blog or publication a post belongs to.
PLATFORMS = frozenset({
    "medium", "linkedin", "substack", "blogger", "blogspot", "wordpress", "wordpress.com", "wix",
    "wix.com", "squarespace", "ghost", "tumblr", "govdelivery", "granicus", "jadu", "drupal",
})
# Platforms where a post with no publication sits on its writer's own page.
_PERSONAL_PLATFORMS = frozenset({"medium", "linkedin", "substack"})
# Medium's "Tag:Devolution", "Elevated:false", "LockedPostSource:...": only "Tag:" names a tag.
_PLATFORM_KEYWORD = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9]*):(?P<value>\S.*)")
_FEED_SUFFIX = re.compile(
    r"\s*(?:[»|:–—-]\s*)?(?:(?:rss|atom)\s*(?:feed)?|feed|rss|atom)$", re.IGNORECASE)
_TITLE_CLASS = re.compile(r"(?:^|[-_])(?:entry|post|article|pulse|bulletin)[-_]?(?:title|subject)$", re.I)
_SITE_TITLE_CLASS = re.compile(r"^(?:site-title|blog-title|header-title-text)$", re.I)
_DATE_CLASS = re.compile(r"(?:^|[-_])(?:date|dateline|date-header|published|pubdate|post-date|entry-date)$", re.I)
_NOT_PUBLISHED = re.compile(r"updated|modified|event|archive", re.I)
_AUTHOR_CLASS = re.compile(r"(?:^|[-_])(?:fn|author-name|blog-author|byline-author)$", re.I)
_CATEGORY_PATH = re.compile(r"/(?:category|categories)/(?P<slug>[^/]+)/?$", re.I)
_TAG_PATH = re.compile(r"/(?:tag|tags|label)/(?P<slug>[^/]+)/?$", re.I)
_LABEL_WORDS = re.compile(
    r"(?P<word>categories|category|topics|filed under|posted in|tags|tagged(?: with| as)?|labels)\s*:?", re.I)


class Meta(dict):
    """`<meta>` contents by name or property (lower case); repeated ones kept for `get_all`."""

    def __init__(self):
        super().__init__()
        self.repeated: dict[str, list[str]] = {}

    def add(self, key: str, value: str) -> None:
        self.setdefault(key, value)
        self.repeated.setdefault(key, []).append(value)

    def get_all(self, key: str) -> list[str]:
        return list(self.repeated.get(key, []))


def meta_tags(soup: BeautifulSoup) -> Meta:
    meta = Meta()
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            meta.add(key.strip().lower(), " ".join(content.split()))
    return meta


def json_ld(soup: BeautifulSoup) -> dict:
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


def original_address(soup: BeautifulSoup, meta: Meta, linked: dict) -> str | None:
    """The address the page says is its own: `<link rel=canonical>`, `og:url`, JSON-LD `url`."""
    canonical = soup.find("link", rel="canonical", href=True)
    href = canonical.get("href") if canonical else None
    for candidate in (href, meta.get("og:url"), linked.get("url"), linked.get("mainEntityOfPage")):
        if isinstance(candidate, dict):
            candidate = candidate.get("@id") or candidate.get("url")
        if isinstance(candidate, str) and candidate.strip().lower().startswith(("http://", "https://")):
            return candidate.strip()
    return None


def text_of(value) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list) and value:
        return text_of(value[0])
    return ""


def name_of(value) -> str:
    """A JSON-LD person or organisation ("Jane", {"name": "Jane"}, or a list of them) as text."""
    if isinstance(value, list):
        return ", ".join(name for name in (name_of(item) for item in value) if name)
    if isinstance(value, dict):
        return text_of(value.get("name"))
    return text_of(value)


def keywords(value) -> list[str]:
    """Keywords as labels, less platform bookkeeping: Medium's "Tag:Devolution" is "Devolution"."""
    if isinstance(value, str):
        items = split_labels(value)
    elif isinstance(value, list):
        items = [item for item in value if isinstance(item, str)]
    else:
        items = []
    labels = []
    for item in items:
        match = _PLATFORM_KEYWORD.fullmatch(item.strip())
        if match is None:
            labels.append(item)
        elif match["key"].lower() == "tag":
            labels.append(match["value"])
    return labels


_HOST_NAME = re.compile(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+/?", re.IGNORECASE)


def is_platform(name: str | None) -> bool:
    """A platform's own name, or a bare host name ("example.blogspot.com"): never a blog's name."""
    return bool(name) and (name.strip().casefold() in PLATFORMS or bool(_HOST_NAME.fullmatch(name.strip())))


def strip_site_name(title: str, site: str | None) -> str:
    """"Post title | Site name" (or "Site name: Post title") as "Post title"; any " | ..." suffix goes."""
    title = " ".join(title.split())
    if site:
        name = re.escape(" ".join(site.split()))
        match = re.fullmatch(rf"(.+?)\s*[|–—»:-]\s*{name}", title, re.IGNORECASE) or re.fullmatch(
            rf"{name}\s*[|–—»:-]\s*(.+)", title, re.IGNORECASE
        )
        if match:
            return match.group(1)
    return title.split("|")[0].strip() if "|" in title else title


def site_names(soup: BeautifulSoup, meta: Meta, linked: dict, page_title: str) -> list[str]:
    """Every name the page gives its blog or publication, most trusted first (platforms included).

    Read before chrome is removed: the blog's name usually sits in the page header."""
    names = [meta.get("og:site_name", ""), name_of(linked.get("publisher")), meta.get("publisher", ""),
             meta.get("dc.publisher", ""), meta.get("application-name", "")]
    for link in soup.find_all("link", rel="alternate", title=True):
        kind = str(link.get("type") or "")
        title = " ".join(str(link["title"]).split())
        if kind.endswith(("rss+xml", "atom+xml")) and "comments" not in title.lower():
            names.append(_FEED_SUFFIX.sub("", title))
    for tag in soup.find_all(class_=_SITE_TITLE_CLASS):
        names.append(tag.get_text(" ", strip=True))
    if page_title.count(" | ") == 1:
        names.append(page_title.split(" | ")[1])
    return [name for name in (" ".join(n.split()) for n in names) if name]


def choose_source(names: list[str], author: str | None) -> str | None:
    """The blog or publication's own name; a writer's own page on Medium or LinkedIn is theirs."""
    own = next((name for name in names if not is_platform(name)), None)
    if own:
        return own
    if author and any(name.casefold() in _PERSONAL_PLATFORMS for name in names):
        return author
    return None


def title_element(soup: BeautifulSoup) -> Tag | None:
    """The post's title as platforms mark it: `.entry-title`, `.post-title`, `.bulletin_subject`..."""
    return soup.find(class_=_TITLE_CLASS)


def meta_date(meta: Meta, linked: dict):
    """The publication date meta tags, JSON-LD or Dublin Core give."""
    for value in (meta.get("article:published_time", ""), text_of(linked.get("datePublished")),
                  meta.get("datepublished", ""), meta.get("dc.date.issued", ""),
                  meta.get("dc.date.created", ""), meta.get("dcterms.created", "")):
        date = parse_iso_date(value) if value else None
        if date:
            return date
    return None


def time_element_date(root: Tag):
    """The post's `<time>`: one marked as published, else one in the article's header."""
    times = [t for t in root.find_all("time") if not _marked(t, "updated", "modified")]
    preferred = [t for t in times if _marked(t, "published", "entry-date", "datepublished", "post-date", "__date")]
    in_header = [t for t in times if t.find_parent("header") is not None]
    for tag in preferred + in_header:
        value = tag.get("datetime")
        date = parse_iso_date(value) if isinstance(value, str) else parse_date(tag.get_text(" ", strip=True))
        if date:
            return date
    return None


def _marked(tag: Tag, *words: str) -> bool:
    """Whether the tag, or the element holding it, is marked with one of `words`."""
    parent = tag.parent if isinstance(tag.parent, Tag) else None
    classes = [*(tag.get("class") or []), tag.get("itemprop") or ""]
    if parent is not None:
        classes += parent.get("class") or []
    marks = " ".join(c for c in classes if isinstance(c, str)).lower()
    return any(word in marks for word in words)


def marked_date(soup: BeautifulSoup):
    """A date in an element marked as one: Blogger's date header, a news page's dateline."""
    for tag in soup.find_all(class_=_DATE_CLASS):
        classes = " ".join(c for c in tag.get("class") or [] if isinstance(c, str))
        if _NOT_PUBLISHED.search(classes):
            continue
        text = tag.get_text(" ", strip=True)
        byline = parse_byline(text, bare_date_ok=True)
        date = byline.date if byline else parse_date(text)
        if date:
            return date
    return None


def marked_author(soup: BeautifulSoup) -> str | None:
    """The writer as hCard (`.fn`) or a theme's author-name element gives them."""
    for tag in soup.find_all(class_=_AUTHOR_CLASS):
        name = tag.get_text(" ", strip=True)
        if looks_like_name(name):
            return name
    return None


def rel_link_texts(soup: BeautifulSoup, rel: str) -> list[str]:
    """Texts of links with this rel; a category link (WordPress's `rel="category tag"`, or a
    link into /category/) is never a tag."""
    texts = []
    for link in soup.find_all("a", rel=True):
        rels = [value.lower() for value in link.get_attribute_list("rel") if isinstance(value, str)]
        category = "category" in rels or _CATEGORY_PATH.search(_path(link))
        if rel == "tag" and "tag" in rels and not category:
            texts.append(link.get_text(" ", strip=True))
        elif rel == "category" and ("category" in rels or ("tag" in rels and category)):
            texts.append(link.get_text(" ", strip=True))
    return [text for text in texts if text]


def _path(link: Tag) -> str:
    href = link.get("href")
    return unquote_plus(urlsplit(href).path) if isinstance(href, str) else ""


def take_label_links(root: Tag, skip) -> tuple[list[str], list[str]]:
    """Tags and categories linked inside the post, taken out of its text.

    Rel links, links into /tag/ and /category/ pages, and lists under a "Categories" or
    "Tags" label (as Drupal and block themes write them) all count; links inside an element
    `skip` accepts (comments, related posts) belong to other posts."""
    def elsewhere(tag: Tag) -> bool:
        return any(skip(parent) for parent in tag.parents if parent is not root and parent.name)

    tags: list[str] = []
    categories: list[str] = []
    for label in root.find_all(string=_is_label_word):
        holder = label.parent
        if not isinstance(holder, Tag) or holder.decomposed or holder.get_text(" ", strip=True) != label.strip():
            continue
        if elsewhere(holder):
            continue
        siblings = [s for s in holder.find_next_siblings() if isinstance(s, Tag)]
        links = [a for s in siblings for a in ([s] if s.name == "a" else s.find_all("a"))]
        if not links:
            continue
        word = _LABEL_WORDS.fullmatch(label.strip())["word"].lower()
        wanted = categories if word.startswith(("categor", "topic", "filed", "posted")) else tags
        wanted.extend(a.get_text(" ", strip=True) for a in links)
        for element in [holder, *siblings]:
            element.decompose()
    for link in root.find_all("a"):
        if link.decomposed or elsewhere(link):
            continue
        rels = {value.lower() for value in link.get_attribute_list("rel") if isinstance(value, str)}
        path = _path(link)
        linked_page = _CATEGORY_PATH.search(path) or _TAG_PATH.search(path)
        if rels & {"tag", "category"} or (linked_page and not _in_running_text(link)):
            text = link.get_text(" ", strip=True)
            if "category" in rels or _CATEGORY_PATH.search(path):
                categories.append(text)
            elif len(text.split()) <= 6:
                tags.append(text)
            link.decompose()
    return [t for t in tags if t], [c for c in categories if c]


def _is_label_word(text) -> bool:
    return bool(_LABEL_WORDS.fullmatch(str(text).strip()))


def _in_running_text(link: Tag) -> bool:
    """A link inside a sentence ("read our <a>housing</a> posts") is the post's words, not a label."""
    block = link.find_parent(["p", "li", "dd", "td", "div"])
    if block is None:
        return False
    words = len(block.get_text(" ", strip=True).split())
    linked = sum(len(a.get_text(" ", strip=True).split()) for a in block.find_all("a"))
    return words - linked > 3
