"""Markdown posts: metadata from YAML front matter, the body as plain text without syntax.

The stripper is deliberately small: enough that `#`, `*`, link targets and fences never reach
the index or a snippet, not a full CommonMark renderer.
"""

from __future__ import annotations

import datetime
import html
import logging
import re

import yaml

from indexer.reading.dates import parse_iso_date
from indexer.reading.extract import Post, clean_body, split_labels, unique_labels
from indexer.reading.extract_text import extract_post

logger = logging.getLogger(__name__)

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+) *")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?: *\1){2,} *")
_LINK_DEFINITION = re.compile(r" {0,3}\[[^\]]+\]: *\S+.*")
_TABLE_SEPARATOR = re.compile(r" *\|? *:?-{3,}:? *(?:\| *:?-{3,}:? *)*\|? *")
_BLOCKQUOTE = re.compile(r"^ {0,3}(?:> ?)+")
_ATX_HEADING = re.compile(r" {0,3}#{1,6}(?: +(.*?))?(?: +#+)? *")
_BULLET = re.compile(r"^ *[-*+] +(?:\[[ xX]\] +)?")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"\[\^[^\]]+\]"), ""),
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>"), ""),
    (re.compile(r"(\*{1,3})(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)"), r"\2"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
]


class FrontMatterError(ValueError):
    """Front matter that cannot be read; `reason` says what to fix."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def extract_markdown(text: str) -> Post:
    """Front matter fields first; the body's own bylines and tag lines fill any gaps."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    fields, body = split_front_matter(text)
    plain, heading = markdown_to_text(body)
    title = _scalar(fields.get("title"))
    if heading and (title is None or heading.casefold() == title.casefold()):
        plain = plain.replace(heading, "", 1)
        title = title or heading
    post = clean_body(plain) if title else extract_post(plain)
    post.title = title or post.title
    post.date = _front_matter_date(fields.get("date")) or post.date
    post.author = _scalar(fields.get("author")) or post.author
    post.source = _scalar(fields.get("source")) or post.source
    post.source_url = _scalar(fields.get("url")) or _scalar(fields.get("link"))
    post.tags = unique_labels(_labels(fields.get("tags", fields.get("tag"))) + post.tags)
    post.categories = unique_labels(_labels(fields.get("categories", fields.get("category"))) + post.categories)
    return post


def split_front_matter(text: str) -> tuple[dict, str]:
    """The YAML fields between the opening and closing `---` lines, and the body after them."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise FrontMatterError("The front matter has no closing --- line.")
    try:
        fields = _load_yaml("\n".join(lines[1:end]))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else None
        where = f" on line {line}" if line else ""
        problem = exc.problem or "it could not be parsed"
        raise FrontMatterError(f"The front matter is not valid YAML: {problem}{where}.") from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise FrontMatterError(f"The front matter is not valid YAML: {str(exc).rstrip('.')}.") from None
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise FrontMatterError("The front matter must be fields such as title: and date:, one a line.")
    return {str(key).lower(): value for key, value in fields.items()}, "\n".join(lines[end + 1 :])


# Front matter of simple lines only: `key: value`, the value plain words, a double-quoted string
# without escapes, or a list of either. For these, libyaml's parser in C reads exactly what
# PyYAML's own does, ten times as fast (it was half of reading a post); the two differ on tabs,
# some Unicode line breaks and some indicators, so anything else goes to PyYAML's own.
_WORDS = r"[\w(](?:[\w .'’()/&+!;-]*[\w.'’()/&+!;-])?"  # in a list: no commas, no question marks
_PLAIN = r"[\w(](?:[\w .,'’()/&+?!;-]*[\w.,'’()/&+?!;-])?"
_QUOTED = r'"[^"\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]*"'
_ITEM = rf"(?:{_QUOTED}|{_WORDS})"
_SIMPLE_LINE = rf"[A-Za-z][A-Za-z0-9_-]*:(?: (?:{_PLAIN}|{_QUOTED}|\[ ?(?:{_ITEM}(?:, ?{_ITEM})*)? ?\]))?"
_SIMPLE_FRONT_MATTER = re.compile(rf"{_SIMPLE_LINE}(?:\n{_SIMPLE_LINE})*")
_C_LOADER = getattr(yaml, "CSafeLoader", None)


def _load_yaml(text: str):
    if _C_LOADER is not None and _SIMPLE_FRONT_MATTER.fullmatch(text):
        try:
            return yaml.load(text, Loader=_C_LOADER)
        except yaml.YAMLError:
            pass  # PyYAML's own says what is wrong
    return yaml.safe_load(text)


def markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """Plain text of a Markdown body, and the text of its leading heading if it starts with one."""
    out: list[str] = []
    fence = None
    first_heading = None
    started = False
    for line in markdown.split("\n"):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
                out.append("")
            else:
                out.append(line.rstrip())
            continue
        if opening:
            fence = opening.group(1)
            out.append("")
            started = True
            continue
        if _SETEXT_UNDERLINE.fullmatch(line) and out and out[-1].strip():
            if len([ln for ln in out if ln.strip()]) == 1 and first_heading is None:
                first_heading = out[-1].strip()
            out.append("")
            continue
        if _TABLE_SEPARATOR.fullmatch(line) and "|" in line:
            continue
        if _THEMATIC_BREAK.fullmatch(line):
            out.append("")
            continue
        if _LINK_DEFINITION.fullmatch(line):
            continue
        line = _BLOCKQUOTE.sub("", line)
        heading = _ATX_HEADING.fullmatch(line)
        if heading:
            text = _inline(heading.group(1) or "")
            if not started and text:
                first_heading = text
            out.extend(["", text, ""])
            started = started or bool(text)
            continue
        line = _BULLET.sub("", line)
        if line.strip().startswith("|"):
            line = " ".join(cell.strip() for cell in line.strip().strip("|").split("|") if cell.strip())
        line = _inline(line)
        started = started or bool(line.strip())
        out.append(line)
    return "\n".join(out), first_heading


# A character that some inline rule below acts on. A line without one (most lines of prose) is
# its own plain text, and skipping the dozen substitutions was a fifth of reading a post.
_INLINE_SYNTAX = re.compile(r"[\\!\[<*_~&`\ue000-\ue07f]")


def _inline(text: str) -> str:
    """Inline syntax removed; code spans are kept exactly as written."""
    if not _INLINE_SYNTAX.search(text):
        return text.strip()
    return _inline_syntax(text)


def _inline_syntax(text: str) -> str:
    pieces, position = [], 0
    for match in _CODE_SPAN.finditer(text):
        pieces.append(_inline_plain(text[position : match.start()]))
        pieces.append(match.group(2).strip())
        position = match.end()
    pieces.append(_inline_plain(text[position:]))
    return "".join(pieces).strip()


def _inline_plain(text: str) -> str:
    text = _ESCAPE.sub(lambda m: chr(0xE000 + ord(m.group(1))), text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    text = re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group()) - 0xE000), text)
    return html.unescape(text)


def _scalar(value) -> str | None:
    """A front matter field as text: a list of names is joined, anything else non-textual ignored."""
    if isinstance(value, list):
        names = [str(item).strip() for item in value if isinstance(item, (str, int, float))]
        return ", ".join(name for name in names if name) or None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return " ".join(str(value).split()) or None
    return None


def _labels(value) -> list[str]:
    if isinstance(value, str):
        return split_labels(value)
    if isinstance(value, list):
        return unique_labels(str(item) for item in value if isinstance(item, (str, int, float)))
    return []


def _front_matter_date(value) -> datetime.date | None:
    """YAML dates as they are; strings parsed as ISO or UK day-first dates."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        parsed = parse_iso_date(value)
        if parsed is None:
            logger.debug("Ignoring a front matter date that is not a date: %r", value)
        return parsed
    return None
