"""What a saved page says about its post outside the text: meta tags, JSON-LD, marked-up bylines.

Blog platforms each say it their own way (Medium's JSON-LD keywords, Blogger's date header,
Jadu's Dublin Core, WordPress's hCard and rel links); this module reads them all and keeps
platform bookkeeping ("Tag:", "Elevated:false", "Medium") out of the metadata. Everything here
reads the one lxml tree `html_tree.parse_html` made; each kind of element is gathered in one pass.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from urllib.parse import unquote_plus, urlsplit

from indexer.reading.bylines import looks_like_name, parse_byline
from indexer.reading.dates import parse_date, parse_iso_date
from indexer.reading.extract import split_labels
from indexer.reading.html_tree import text_of_element

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = {"article", "blogposting", "newsarticle", "opinionnewsarticle", "report", "scholarlyarticle"}
# Names of the platforms themselves: never the blog or publication a post belongs to.
PLATFORMS = frozenset(
    {
        "medium",
        "linkedin",
        "substack",
        "blogger",
        "blogspot",
        "wordpress",
        "wordpress.com",
        "wix",
        "wix.com",
        "squarespace",
        "ghost",
        "tumblr",
        "govdelivery",
        "granicus",
        "jadu",
        "drupal",
    }
)
# Medium's "Tag:Devolution", "Elevated:false", "LockedPostSource:...": only "Tag:" names a tag.
# Platforms where a post with no publication sits on its writer's own page.
_PERSONAL_PLATFORMS = frozenset({"medium", "linkedin", "substack"})
_PLATFORM_KEYWORD = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9]*):(?P<value>\S.*)")
_FEED_SUFFIX = re.compile(r"\s*(?:[»|:–—-]\s*)?\(?(?:(?:rss|atom)\s*(?:feed|[\d.]+)?|feed|rss|atom)\)?$", re.IGNORECASE)
# "Posts on 'Bob Sutton'", "RSS Feed for Tim Ferriss' Blog": the words around a feed's blog name.
_FEED_PREFIX = re.compile(
    r"^(?:posts on\s+|(?:rss |atom )?feed for\s+|subscribe to\s+|latest posts from\s+|(?:rss|atom)\s*[-–:]\s*)",
    re.IGNORECASE,
)
# Each read against a whole class attribute: a class name ends at a space or the end.
_TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:entry|post|article|pulse|bulletin)[-_]?(?:title|subject)(?:\s|$)", re.I)
_SITE_TITLE_CLASS = re.compile(r"(?:^|\s)(?:site-title|blog-title|header-title-text)(?:\s|$)", re.I)
_DATE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:date|dateline|date-header|published|pubdate|post-date|entry-date)(?:\s|$)", re.I
)
_NOT_PUBLISHED = re.compile(r"updated|modified|event|archive", re.I)
_AUTHOR_CLASS = re.compile(r"(?:^|[\s_-])(?:fn|author-name|blog-author|byline-author)(?:\s|$)", re.I)
# A title's suffix after a dash that names a site: "Local Digital - GOV.UK", "... - BBC News".
_SITE_SUFFIX = re.compile(r"(?:[A-Z0-9][\w.&'’-]*)(?:\s+(?:[A-Z0-9&][\w.&'’-]*|of|and|the|for|on))*")
# Bounds on a hostile page's work: label lists and label links looked at.
_MAX_LABEL_LISTS = 50
_MAX_LABEL_LINKS = 500
_LABEL_PATH_HINT = re.compile(r"/(?:categor|tag|label)", re.I)
_CATEGORY_PATH = re.compile(r"/(?:category|categories)/(?P<slug>[^/]+)/?$", re.I)
_TAG_PATH = re.compile(r"/(?:tag|tags|label)/(?P<slug>[^/]+)/?$", re.I)
# Headings that label a section or the site, never one post ("Opinion", "About this site").
SECTION_LABELS = frozenset(
    {
        "about",
        "about this site",
        "about us",
        "about me",
        "about the author",
        "about this blog",
        "home",
        "news",
        "blog",
        "opinion",
        "comment",
        "analysis",
        "features",
        "latest",
        "latest news",
        "archive",
        "archives",
        "menu",
        "search",
        "contact",
        "contact us",
        "navigation",
        "categories",
        "tags",
        "recent posts",
        "popular posts",
        "related posts",
        "share",
        "follow",
    }
)
_LABEL_WORDS = re.compile(
    r"(?P<word>categories|category|topics|filed under|posted in|tags|tagged(?: with| as)?|labels)\s*:?", re.I
)


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


class MarkedElements:
    """The elements a page marks by class as a title, site title, date or author, and the
    short elements whose whole text labels a list of tags or categories ("Tags:")."""

    def __init__(self):
        self.titles, self.site_titles, self.dates, self.authors, self.label_holders = [], [], [], [], []

    def add(self, element, class_names: str) -> None:
        """Look at one element's classes (the page's single walk calls this for the few that may count)."""
        if _TITLE_CLASS.search(class_names):
            self.titles.append(element)
        if _SITE_TITLE_CLASS.search(class_names):
            self.site_titles.append(element)
        if _DATE_CLASS.search(class_names):
            self.dates.append(element)
        if _AUTHOR_CLASS.search(class_names):
            self.authors.append(element)

    def add_label_holder(self, element, text: str) -> None:
        """Keep an element with no children whose short text may be "Tags:" or "Categories"."""
        if _LABEL_WORDS.fullmatch(text.strip()):
            self.label_holders.append(element)


def meta_tags(tree) -> Meta:
    meta = Meta()
    for tag in tree.iter("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if key and content and content.strip():
            meta.add(key.strip().lower(), " ".join(content.split()))
    return meta


def json_ld(tree) -> dict:
    """The page's Article-like JSON-LD object (or its first object); broken JSON is ignored."""
    objects = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
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
    found = next((item for item in objects if _is_article(item)), None)
    found = found or next((item for item in objects if "datePublished" in item or "headline" in item), {})
    return _with_references(found, objects)


def _is_article(item: dict) -> bool:
    types = item.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types)


def _with_references(article: dict, objects: list[dict]) -> dict:
    """The article with its author and publisher given by `{"@id": ...}` (as Yoast's graph on
    WordPress writes them) replaced by the objects they name."""
    named = {item["@id"]: item for item in objects if isinstance(item.get("@id"), str)}
    resolved = dict(article)
    for key in ("author", "publisher"):
        value = article.get(key)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, dict) and "name" not in v and v.get("@id") in named for v in values):
            refs = [named.get(v.get("@id"), v) if isinstance(v, dict) and "name" not in v else v for v in values]
            resolved[key] = refs if isinstance(value, list) else refs[0]
    return resolved


def _rels(element) -> list[str]:
    return (element.get("rel") or "").lower().split()


def original_address(tree, meta: Meta, linked: dict) -> str | None:
    """The address the page says is its own: `<link rel=canonical>`, `og:url`, JSON-LD `url`."""
    href = next(
        (link.get("href") for link in tree.iter("link") if "canonical" in _rels(link) and link.get("href")), None
    )
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
    """A platform's own name, or a bare host name ("example.blogspot.com"): never a blog's name.

    A name written in capitals as a brand ("GOV.UK") is the site's own name."""
    if not name:
        return False
    name = name.strip()
    host = bool(_HOST_NAME.fullmatch(name)) and (name == name.lower() or name.lower().startswith(("http", "www.")))
    return name.casefold() in PLATFORMS or host


def strip_site_name(title: str, site: str | None) -> str:
    """ "Post title | Site name" (or "Site name: Post title") as "Post title"; any " | ..." suffix goes."""
    title = " ".join(title.split())
    if site:
        name = " ".join(site.split()).lower()
        lowered = title.lower()
        if len(lowered) == len(title) and lowered.endswith(name):
            head = title[: len(title) - len(name)].rstrip()
            if len(head) > 1 and head[-1] in _TITLE_SEPARATORS:
                title = head[:-1].strip()
        elif len(lowered) == len(title) and lowered.startswith(name):
            tail = title[len(name) :].lstrip()
            if len(tail) > 1 and tail[0] in _TITLE_SEPARATORS:
                title = tail[1:].strip()
    title = title.split("|")[0].strip() if "|" in title else title
    return title.strip(_TITLE_SEPARATORS + " ")


_TITLE_SEPARATORS = "|–—»«:•·-"


def site_names(tree, meta: Meta, linked: dict, page_title: str, marked: MarkedElements) -> list[str]:
    """Every name the page gives its blog or publication, most trusted first (platforms included).

    Read before chrome is removed: the blog's name usually sits in the page header."""
    names = [
        meta.get("og:site_name", ""),
        name_of(linked.get("publisher")),
        meta.get("publisher", ""),
        meta.get("dc.publisher", ""),
        meta.get("application-name", ""),
    ]
    for link in tree.iter("link"):
        title = " ".join((link.get("title") or "").split())
        kind = link.get("type") or ""
        if (
            title
            and "alternate" in _rels(link)
            and kind.endswith(("rss+xml", "atom+xml"))
            and "comments" not in title.lower()
        ):
            name = _FEED_PREFIX.sub("", _FEED_SUFFIX.sub("", _FEED_SUFFIX.sub("", title)))
            names.append(name.strip(" '\"‘’“”"))
    names.extend(text_of_element(tag) for tag in marked.site_titles)
    for separator in (" | ", " - ", " – ", " — "):
        if page_title.count(separator) == 1:
            suffix = page_title.split(separator)[1]
            if separator == " | " or _SITE_SUFFIX.fullmatch(suffix):
                names.append(suffix)
    return [name for name in (" ".join(n.split()) for n in names) if name]


def choose_source(names: list[str], author: str | None) -> str | None:
    """The blog or publication's own name. A writer's own page on Medium or LinkedIn has none:
    the writer is its author, not its source."""
    personal = any(name.casefold() in _PERSONAL_PLATFORMS for name in names)
    return next((name for name in names if not is_platform(name) and not (personal and name == author)), None)


def title_element(marked: MarkedElements):
    """The post's title as platforms mark it: `.entry-title`, `.post-title`, `.bulletin_subject`..."""
    return marked.titles[0] if marked.titles else None


def is_post_title(candidate: str, not_titles: set[str]) -> bool:
    """A heading that names the post: not the site's name, a section label or an "About" box."""
    folded = candidate.casefold().strip(" :")
    return (
        bool(folded)
        and folded not in not_titles
        and folded not in SECTION_LABELS
        and not folded.startswith("about this ")
    )


def meta_date(meta: Meta, linked: dict):
    """The publication date meta tags, JSON-LD or Dublin Core give."""
    for value in (
        meta.get("article:published_time", ""),
        text_of(linked.get("datePublished")),
        meta.get("datepublished", ""),
        meta.get("dc.date.issued", ""),
        meta.get("dc.date.created", ""),
        meta.get("dcterms.created", ""),
    ):
        date = parse_iso_date(value) if value else None
        if date:
            return date
    return None


def time_element_date(times: list, in_header, in_article) -> tuple[datetime.date | None, str | None]:
    """The post's `<time>` (one marked as published, else one in the article's header, else one
    in a short line of the article such as "By Sam Jones, <time>"), and the writer that line names."""
    times = [t for t in times if not _marked(t, "updated", "modified")]
    preferred = [t for t in times if _marked(t, "published", "entry-date", "datepublished", "post-date", "__date")]
    in_a_line = [t for t in times if in_article(t) and _in_short_line(t)]
    for tag in preferred + [t for t in times if in_header(t)] + in_a_line:
        value = tag.get("datetime")
        date = parse_iso_date(value) if value else parse_date(text_of_element(tag))
        if date:
            parent = tag.getparent()
            byline = parse_byline(text_of_element(parent)) if parent is not None else None
            return date, byline.author if byline else None
    return None, None


def _in_short_line(tag) -> bool:
    """A `<time>` in a dateline or byline, not in a sentence (an event's date in the text)."""
    parent = tag.getparent()
    return parent is not None and len(text_of_element(parent)) <= 80


def _marked(tag, *words: str) -> bool:
    """Whether the tag, or the element holding it, is marked with one of `words`."""
    parent = tag.getparent()
    marks = " ".join(
        [tag.get("class") or "", tag.get("itemprop") or "", parent.get("class") or "" if parent is not None else ""]
    ).lower()
    return any(word in marks for word in words)


def marked_date(marked: MarkedElements, keep) -> datetime.date | None:
    """A date in an element marked as one: Blogger's date header, a news page's dateline."""
    for tag in marked.dates:
        if _NOT_PUBLISHED.search(tag.get("class") or "") or not keep(tag):
            continue
        text = text_of_element(tag)
        byline = parse_byline(text, bare_date_ok=True)
        date = byline.date if byline else parse_date(text)
        if date:
            return date
    return None


def marked_author(marked: MarkedElements, keep) -> str | None:
    """The writer as hCard (`.fn`) or a theme's author-name element gives them."""
    for tag in marked.authors:
        name = text_of_element(tag)
        if keep(tag) and looks_like_name(name):
            return name
    return None


def rel_link_texts(links: list, rel: str) -> list[str]:
    """Texts of links with this rel; a category link (WordPress's `rel="category tag"`, or a
    link into /category/) is never a tag."""
    texts = []
    for link in links:
        rels = _rels(link)
        if not rels:
            continue
        category = "category" in rels or _CATEGORY_PATH.search(_path(link))
        if rel == "tag" and "tag" in rels and not category:
            texts.append(text_of_element(link))
        elif rel == "category" and ("category" in rels or ("tag" in rels and category)):
            texts.append(text_of_element(link))
    return [text for text in texts if text]


def _path(link) -> str:
    href = link.get("href")
    return unquote_plus(urlsplit(href).path) if href else ""


def take_label_links(tree, holders: list, skip) -> tuple[list[str], list[str]]:
    """Tags and categories linked inside the post, taken out of its text.

    Rel links, links into /tag/ and /category/ pages, and lists under a "Categories" or
    "Tags" label (as Drupal and block themes write them) all count; links inside an element
    `skip` accepts (comments, related posts, sidebars) belong to other posts."""
    tags: list[str] = []
    categories: list[str] = []
    for holder in holders[:_MAX_LABEL_LISTS]:
        if holder.getparent() is None or skip(holder):
            continue
        siblings = [s for s in holder.itersiblings() if isinstance(s.tag, str)]
        links = [a for s in siblings for a in ([s] if s.tag == "a" else s.iter("a"))]
        if not links:
            continue
        word = _LABEL_WORDS.fullmatch(holder.text.strip())["word"].lower()
        wanted = categories if word.startswith(("categor", "topic", "filed", "posted")) else tags
        wanted.extend(text_of_element(a) for a in links)
        for element in [holder, *siblings]:
            _remove(element)
    candidates = [link for link in tree.iter("a") if link.get("rel") or _LABEL_PATH_HINT.search(link.get("href") or "")]
    for link in candidates[:_MAX_LABEL_LINKS]:
        rels = set(_rels(link))
        if link.getparent() is None or skip(link):
            continue
        path = _path(link)
        linked_page = _CATEGORY_PATH.search(path) or _TAG_PATH.search(path)
        if rels & {"tag", "category"} or (linked_page and not _in_running_text(link)):
            text = text_of_element(link)
            if "category" in rels or _CATEGORY_PATH.search(path):
                categories.append(text)
            elif len(text.split()) <= 6:
                tags.append(text)
            _remove(link)
    return [t for t in tags if t], [c for c in categories if c]


def _remove(element) -> None:
    """Take an element out of the tree, keeping the text that follows it."""
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


def _is_label_word(text) -> bool:
    return bool(_LABEL_WORDS.fullmatch(str(text).strip()))


def _in_running_text(link) -> bool:
    """A link inside a sentence ("read our <a>housing</a> posts") is the post's words, not a label."""
    block = next((a for a in link.iterancestors("p", "li", "dd", "td", "div")), None)
    if block is None:
        return False
    words = len(block.text_content().split())
    linked = sum(len(a.text_content().split()) for a in block.iter("a"))
    return words - linked > 3
