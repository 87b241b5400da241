"""What every format's extraction shares: the `Post`, labels, titles, and chrome removed line by line.

A post's text, whatever its format, comes down to plain lines with chrome around it: share links
and breadcrumbs, metadata lines ("Tagged: ..."), bylines, and tail chrome (comment forms, "Related
articles" teasers). The plain-text heuristics for a post's header are in `extract_text.py`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Iterable

from indexer.reading.bylines import parse_byline
from indexer.text import CONTROL_CHARS


TITLE_MAX = 100
# Control characters, and the invisible zero-width space and byte order mark.
_UNWANTED = re.compile(rf"{CONTROL_CHARS.pattern}|[\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

_CHROME_LINES = {
    "share",
    "share this",
    "print",
    "print this page",
    "skip to content",
    "skip to main content",
    "menu",
    "main menu",
    "search",
    "back to top",
    "like this:",
    "like loading...",
    "loading...",
    "you are here",
    "you are here:",
    "read more",
    "continue reading",
    "next post",
    "previous post",
}
_SOCIAL = {
    "twitter",
    "x",
    "facebook",
    "linkedin",
    "email",
    "e-mail",
    "print",
    "whatsapp",
    "reddit",
    "pinterest",
    "tumblr",
    "pocket",
    "telegram",
    "bluesky",
    "mastodon",
    "threads",
    "share",
    "follow",
    "following",
    "subscribe",
    "subscribed",
    "listen",
    "like",
    "comment",
    "repost",
    "send",
    "save",
    "copy",
    "link",
    "blogthis",
    "+",
}
# Platform furniture as lines: reading times, counts of claps and views, calls to subscribe.
_PLATFORM_LINE = re.compile(
    r"[^.!?]{0,40}\b\d+\s*min(?:ute)?s?\s+read\b[^.!?]{0,40}|reading time:?[^.!?]{0,30}|"
    r"(?:[\d.,]+[KkM]?\s*(?:views?|claps?|likes?|reactions?|comments?|responses?|followers?)\s*)+\d*|"
    r"[\d.,]+[KkM]?|[\W_]+|post not marked as liked|published in(?:\s+[^.!?]{1,60})?|sign (?:in|up)|"
    r"thanks for reading\b.{0,80}?[!.]\s*subscribe\b.*|bookmark and share|email this|get the app",
    re.IGNORECASE,
)
# A label left without its links once they are taken as tags or categories ("Tagged ,").
_BARE_LABEL = re.compile(
    r"[-–•·\s]*(?:posted in|filed under|tagged(?: with| as)?|tags|labels|categories|category|topics)"
    r"\s*:?[\s,;|·-]*",
    re.IGNORECASE,
)
_LEADING_ZONE_WORDS = 12
_SHARE = re.compile(
    r"share(?: this(?: page| post| article| story| blog)?)?(?: on| via)?\s*(?P<colon>:)?\s*(?P<rest>.*)",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"(?:you are here:?\s*)?home\s*(?:/|>|»|›|\||→)\s*\S.*", re.IGNORECASE)
_TAIL_HEADINGS = re.compile(
    r"(?:related(?: blog)? (?:articles|posts|stories|content|reading)|related|you (?:may|might) also like|"
    r"more (?:articles|posts|stories) (?:by|from) .+|recommended from .+|discussion about this post|"
    r"sharing and comments|was this page (?:helpful|useful)\??|sign up for more like this\.?|"
    r"more from this blog|recent posts|leave a (?:reply|comment)|comments?(?: are)? closed\.?|comments|"
    r"(?:\d+|one|no) (?:thoughts?|responses?|comments?|replies) (?:on|to) .+)\s*:?",
    re.IGNORECASE,
)
_SIDEBAR_EVENTS = re.compile(r"(?:next\s+)?(?:upcoming|forthcoming)\s+events?:?|next\s+event:?", re.IGNORECASE)
_TAGS = re.compile(r"(?:tags|tagged(?: with| as)?|keywords|labels)\s*:\s*(?P<items>.*)", re.IGNORECASE)
_TAGS_ASSIGNED = re.compile(r"tags assigned to this (?:article|post|page)\s*:?\s*(?P<items>.*)", re.IGNORECASE)
_CATEGORIES = re.compile(
    r"(?:(?:filed under|posted in)\s*(?P<colon>:)?|(?:categories|category|categorised as|categorized as|topics)\s*:)"
    r"\s*(?P<items>.*?)(?:\s*\|?\s*\b(?:tagged(?: with)?|tags)\s*:?\s*(?P<tags>.*))?",
    re.IGNORECASE,
)
_SOURCE = re.compile(
    r"original(?:ly)? (?:source|published (?:on|at|by))\s*(?:[:–—-]\s*)?(?P<source>\S.*)", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\be\.g)(?<!\bi\.e)(?<!\bMr)(?<!\bDr)(?<!\bSt)(?<!\bCllr)[.!?…](?=\s|$)")
_SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


@dataclass
class Post:
    """What the heuristics found in one post; readers turn it into a `Document`."""

    title: str = ""
    body: str = ""
    date: datetime.date | None = None
    author: str | None = None
    source: str | None = None
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    source_url: str | None = None
    extraction: str = ""  # how a saved page's text was found: "article", "recall" or "visible text"


def normalise_text(text: str) -> str:
    """LF line endings, plain spaces, no control characters or trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _UNWANTED.sub("", text.replace("\f", "\n").replace("\v", "\n"))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def unique_labels(values: Iterable[str]) -> list[str]:
    """Tags or categories stripped and without empties, de-duplicated ignoring case (first form wins)."""
    seen: set[str] = set()
    labels = []
    for value in values:
        label = _SPACES.sub(" ", str(value)).strip().strip(";").strip()
        if label.endswith(".") and not label.endswith(".."):
            label = label[:-1].strip()
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            labels.append(label)
    return labels


def split_labels(text: str) -> list[str]:
    """ "a, b, , c" as ["a", "b", "c"]."""
    return unique_labels(text.split(","))


def clean_body(text: str) -> Post:
    """The body of an HTML or Markdown post without chrome, and any metadata lines it held."""
    post = Post()
    post.body = assemble_body(clean_lines(normalise_text(text).split("\n"), post))
    return post


def drop_leading_metadata(body: str, post: Post) -> str:
    """Take out the short lines above a post's first paragraph that only repeat its metadata:
    the writer's name, the publication, a section label, a date (as Medium, Substack and Wix
    print them)."""
    known = {value.casefold() for value in (post.author, post.source, post.title, *post.categories) if value}
    paragraphs = body.split("\n\n")
    kept = []
    for number, paragraph in enumerate(paragraphs):
        if len(paragraph.split()) >= _LEADING_ZONE_WORDS:
            kept.extend(paragraphs[number:])
            break
        lines = [line for line in paragraph.split("\n") if not _repeats_metadata(line, known)]
        if lines:
            kept.append("\n".join(lines))
    return "\n\n".join(kept)


def _repeats_metadata(line: str, known: set[str]) -> bool:
    if line.casefold() in known:
        return True
    byline = parse_byline(line, bare_date_ok=True)
    return bool(byline and (byline.date or byline.author))


def derive_title(body: str) -> str:
    """A title from the first sentence: at most 100 characters, cut at a word."""
    first = next((line for line in body.split("\n") if line.strip()), "")
    match = _SENTENCE_END.search(first)
    sentence = first[: match.start() + 1] if match else first
    sentence = sentence.strip().rstrip(".").strip()
    if len(sentence) <= TITLE_MAX:
        return sentence
    cut = sentence[: TITLE_MAX - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–—-") + "…"


def is_chrome_line(line: str) -> bool:
    """Share links, breadcrumbs, skip links and menus: page furniture, never the post."""
    lowered = line.lower()
    if lowered in _CHROME_LINES or _BREADCRUMB.fullmatch(line):
        return True
    if _PLATFORM_LINE.fullmatch(line) or _BARE_LABEL.fullmatch(line):
        return True
    words = re.findall(r"[\w-]+", lowered)
    if words and all(word in _SOCIAL for word in words):
        return True
    share = _SHARE.fullmatch(line)
    return bool(share and (share["colon"] or not share["rest"]))


def is_tail_heading(line: str) -> bool:
    """ "Related articles", "Leave a reply" and the like: where the post has ended."""
    return bool(_TAIL_HEADINGS.fullmatch(line))


def is_metadata_line(line: str) -> bool:
    """ "Tags: ...", "Posted in ...", "Originally published on ...": metadata, not the post."""
    return bool(
        _TAGS_ASSIGNED.fullmatch(line)
        or _CATEGORIES.fullmatch(line)
        and _labels_ok(line)
        or _TAGS.fullmatch(line)
        or _SOURCE.fullmatch(line)
    )


def _labels_ok(line: str) -> bool:
    """A "Posted in ..." line lists short labels; a sentence starting that way is body text."""
    match = _CATEGORIES.fullmatch(line)
    items = [item.strip() for item in match["items"].split("|")[0].split(",") + (match["tags"] or "").split(",")]
    if any(len(item.split()) > 6 or item.endswith(".") for item in items):
        return False
    keyword_only = line.lower().startswith(("filed under", "posted in")) and not match["colon"]
    return not keyword_only or all(not item[:1].islower() for item in items)


def clean_lines(lines: list[str], post: Post) -> list[str]:
    """Drop chrome, take metadata and bylines into `post`, and stop at the tail chrome."""
    kept: list[str] = []
    pairs_next = False
    for line in lines:
        if pairs_next and line:
            post.tags = unique_labels(post.tags + _tag_pairs(line, "\n".join(kept)))
            pairs_next = False
            continue
        if (_TAIL_HEADINGS.fullmatch(line) or _SIDEBAR_EVENTS.fullmatch(line)) and any(kept):
            break
        if not line:
            kept.append(line)
        elif match := _TAGS_ASSIGNED.fullmatch(line):
            if match["items"]:
                post.tags = unique_labels(post.tags + _tag_pairs(match["items"], "\n".join(kept)))
            else:
                pairs_next = True
        elif (match := _CATEGORIES.fullmatch(line)) and _labels_ok(line):
            items = match["items"].split("|")[0]
            post.categories = unique_labels(post.categories + split_labels(items))
            post.tags = unique_labels(post.tags + split_labels(match["tags"] or ""))
        elif match := _TAGS.fullmatch(line):
            post.tags = unique_labels(post.tags + split_labels(match["items"]))
        elif match := _SOURCE.fullmatch(line):
            post.source = post.source or match["source"].strip().rstrip(".")
        elif is_chrome_line(line) or _TAIL_HEADINGS.fullmatch(line):
            continue
        elif byline := parse_byline(line):
            post.date = post.date or byline.date
            post.author = post.author or byline.author
        else:
            kept.append(line)
    return kept


def _tag_pairs(text: str, body: str) -> list[str]:
    """ "SLI 56 SOUTH EAST 7" (tag, then how many posts have it) as ["SLI", "South East"]."""
    if "," in text:
        names = [re.sub(r"\s*\(?\d+\)?$", "", item) for item in text.split(",")]
    else:
        names, words = [], []
        for token in text.split():
            if token.isdigit():
                names.append(" ".join(words))
                words = []
            else:
                words.append(token)
        names.append(" ".join(words))
    return unique_labels(_unshout(name, body) for name in names if name.strip())


def _unshout(label: str, body: str) -> str:
    """Title-case a shouted tag, keeping acronyms: the post's own spelling decides when it has one."""
    if not label.isupper():
        return label
    pattern = r"\b" + r"\s+".join(re.escape(word) for word in label.split()) + r"\b"
    spellings = [m.group() for m in re.finditer(pattern, body, re.IGNORECASE)]
    written = [s for s in spellings if s[:1].isupper() and not s.isupper()]
    if written:
        return " ".join(written[0].split())
    if spellings:
        return label
    words = label.split()
    return " ".join(
        word.lower()
        if i and word.lower() in _SMALL_WORDS
        else word
        if len(word) <= 3
        else "-".join(part.capitalize() for part in word.split("-"))
        for i, word in enumerate(words)
    )


def assemble_body(lines: list[str]) -> str:
    """Paragraphs separated by blank lines; a text with no blank lines has one paragraph a line."""
    content = [line for line in lines if line]
    if not content:
        return ""
    first = lines.index(content[0])
    last = len(lines) - lines[::-1].index(content[-1])
    if "" not in lines[first:last]:
        return "\n\n".join(content)
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)
