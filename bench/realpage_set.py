"""The real-page test set in tests/realpages/: saved web pages with a human-marked article text.

`manifest.json` lists each page (gzipped HTML, its marked text, the suite it came from, licence,
original address) and what each suite marked; tests/realpages/README.md says where they came from.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "tests" / "realpages"
MANIFEST = ROOT / "manifest.json"
METADATA_FIELDS = ("title", "author", "sitename", "date")


@dataclass(frozen=True)
class RealPage:
    """One saved page and what its suite marked on it."""

    id: str
    suite: str
    licence: str
    url: str | None
    html_path: Path
    gold_path: Path
    metadata: dict = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        """The name the page is saved under for lgsearch (an .html file)."""
        return f"{self.id}.html"

    def html(self) -> bytes:
        """The page's bytes as saved (undecoded: the readers find the charset)."""
        return gzip.decompress(self.html_path.read_bytes())

    def gold(self) -> str:
        """The marked article text."""
        return self.gold_path.read_text(encoding="utf-8")


def load_pages(manifest: Path = MANIFEST) -> list[RealPage]:
    """Every page in the manifest, in its order."""
    listing = json.loads(manifest.read_text(encoding="utf-8"))
    folder = manifest.parent
    return [
        RealPage(
            id=entry["id"],
            suite=entry["suite"],
            licence=listing["suites"][entry["suite"]]["licence"],
            url=entry.get("url"),
            html_path=folder / entry["file"],
            gold_path=folder / entry["gold"],
            metadata={key: entry["metadata"][key] for key in METADATA_FIELDS if entry.get("metadata", {}).get(key)},
        )
        for entry in listing["pages"]
    ]
