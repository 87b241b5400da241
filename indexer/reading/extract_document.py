"""What the PDF and Word readers share: properties worth keeping, and text laid out as paragraphs.

Office software fills a document's properties with whatever it has to hand ("Microsoft Word -
report.docx", "Administrator"), so a property is kept only when it looks written by a person;
otherwise the first heading or sentence gives the title.
"""

from __future__ import annotations

import datetime
import re

from indexer.reading.dates import parse_iso_date
from indexer.reading.extract import Post, assemble_body, derive_title, normalise_text

# Text beyond this is not read: a long report's first two million characters are plenty to find it.
MAX_DOCUMENT_CHARS = 2_000_000

_JUNK_TITLE = re.compile(
    r"(?:microsoft (?:word|powerpoint|excel)\s*-.*|untitled.*|document\d*|title|slide \d+|"
    r"powerpoint presentation|presentation\d*|word document|.*\.(?:docx?|pdf|rtf|odt|indd|pptx?|xlsx?|txt|tmp)|"
    r"[\W\d_]*)",
    re.IGNORECASE,
)
_JUNK_AUTHOR = re.compile(
    r"(?:administrator|admin|user|owner|author|unknown|windows user|microsoft office user|"
    r"python-docx|default|guest|[\W\d_]*)",
    re.IGNORECASE,
)
_HYPHENATED_BREAK = re.compile(r"(?<=[a-z])-\n(?=[a-z])")


def property_title(value: object) -> str:
    """A document's title property, or "" when it is a file name, a placeholder or empty."""
    title = " ".join(str(value or "").split())
    return "" if _JUNK_TITLE.fullmatch(title) else title


def property_author(value: object) -> str | None:
    """A document's author property, or None when it is an account name such as "Administrator"."""
    author = " ".join(str(value or "").split())
    return None if _JUNK_AUTHOR.fullmatch(author) else author


def property_date(value: object) -> datetime.date | None:
    """A creation date from a document's properties, when it is a plausible publication date."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return parse_iso_date(value.isoformat())
    return None


def make_post(paragraphs: list[str], title: str, author: str | None, date: datetime.date | None) -> Post:
    """A `Post` from a document's paragraphs: the title from its properties, else its first line."""
    body = assemble_body(normalise_text("\n\n".join(paragraphs)).split("\n"))
    return Post(title=title or derive_title(body), body=body, author=author, date=date)


def page_paragraphs(text: str) -> list[str]:
    """The paragraphs of one PDF page's text: lines joined where a sentence runs on, words broken
    by a hyphen at a line's end put back together."""
    text = _HYPHENATED_BREAK.sub("", normalise_text(text))
    lines = text.split("\n")
    widths = sorted(len(line) for line in lines if line)
    full_width = widths[len(widths) // 2] if widths else 0  # most lines of a page run its full width
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if current and _starts_new_paragraph(current[-1], line, full_width):
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _starts_new_paragraph(previous: str, line: str, full_width: int) -> bool:
    """A line begins a paragraph after one that ends a sentence, or after one well short of the
    page's usual width (a paragraph's last line, or a heading); never when it starts in lower case."""
    if line[:1].islower():
        return False
    if previous.endswith((".", "!", "?", ":", "”", '"')):
        return True
    return len(previous) < 0.7 * full_width and not previous.endswith((",", ";", "-"))
