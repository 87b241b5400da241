"""The fast engine's readers, for Whoosh-Reloaded 2.7.5 only (see version.py): `Engine`'s names
for what postings.py and storage.py read."""

from __future__ import annotations

from indexer.engine.postings import Postings as postings, length_bytes
from indexer.engine.storage import stored_fields_reader

__all__ = ["postings", "length_bytes", "stored_fields_reader"]
