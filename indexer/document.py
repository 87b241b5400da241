"""The extracted document: what every reader produces and the index stores."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

_UNSAFE_ID_CHARS = re.compile(r"[^a-z0-9_.-]+")
_UNSAFE_UNICODE_ID_CHARS = re.compile(r"[^\w.-]+")
_LATIN_LETTER = re.compile(r"[a-z]")
_URL_MAX = 2048  # longer addresses are not a post's own


def document_id(relative_path: str) -> str:
    """The stable, URL-safe id of a file: its path relative to the source, without extension."""
    path = PurePosixPath(relative_path.replace("\\", "/"))
    stem = str(path.with_suffix("")) if path.suffix else str(path)
    return "/".join(_id_part(part) for part in stem.lower().split("/") if part)


def _id_part(name: str) -> str:
    """One folder or file name of an id. A name with Latin letters keeps only ASCII letters and
    digits, as ids always have (bookmarks depend on them). A name in another script (東京, Київ)
    keeps its own letters, which links percent-encode; it used to become `-` and collide."""
    if _LATIN_LETTER.search(name):
        cleaned = _UNSAFE_ID_CHARS.sub("-", name)
    else:
        cleaned = _UNSAFE_UNICODE_ID_CHARS.sub("-", unicodedata.normalize("NFC", name))
    return cleaned.strip("-.") or "-"


def web_address(value: object) -> str | None:
    """`value` as an http or https address a page may link to, or None: a page's own claim of its
    address is data, so `javascript:` and the like are never kept."""
    if not isinstance(value, str):
        return None
    address = value.strip()
    if not address or len(address) > _URL_MAX or any(ord(c) < 33 or ord(c) == 127 for c in address):
        return None
    try:
        parts = urlsplit(address)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return address


@dataclass
class Document:
    """One post: its own text and metadata, without the page chrome around it."""

    id: str
    path: str
    title: str
    body: str
    date: datetime.date | None = None
    author: str | None = None
    source: str | None = None
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    source_url: str | None = None  # the post's original address, when the page or file says it
    extraction: str | None = None  # for a saved page, how its text was found ("article", "recall", "visible text")

    @property
    def year(self) -> str | None:
        return str(self.date.year) if self.date else None
