"""The extracted document: what every reader produces and the index stores."""
from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath

_UNSAFE_ID_CHARS = re.compile(r"[^a-z0-9_.-]+")
_UNSAFE_UNICODE_ID_CHARS = re.compile(r"[^\w.-]+")
_LATIN_LETTER = re.compile(r"[a-z]")


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

    @property
    def year(self) -> str | None:
        return str(self.date.year) if self.date else None
