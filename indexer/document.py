"""The extracted document: what every reader produces and the index stores."""
from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath

_UNSAFE_ID_CHARS = re.compile(r"[^a-z0-9/_.-]+")


def document_id(relative_path: str) -> str:
    """The stable, URL-safe id of a file: its path relative to the source, without extension."""
    path = PurePosixPath(relative_path.replace("\\", "/"))
    stem = str(path.with_suffix("")) if path.suffix else str(path)
    cleaned = _UNSAFE_ID_CHARS.sub("-", stem.lower())
    parts = [part.strip("-.") or "-" for part in cleaned.split("/") if part]
    return "/".join(parts)


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

    def to_json(self) -> dict:
        """All stored fields, as the contract's JSON shows them."""
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["year"] = self.year
        return data
