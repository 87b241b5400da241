"""What a harvest knew about a post, merged into what its page says.

`lgsearch harvest` saves each post with `<name>.meta.json` beside it: the address it was fetched
from (which becomes the post's `source_url`) and the feed's title, date and author, which fill
what the page itself does not say.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from indexer.document import web_address
from indexer.reading.dates import parse_iso_date
from indexer.reading.extract import Post

logger = logging.getLogger(__name__)

FACTS_SUFFIX = ".meta.json"
_MAX_FACTS_BYTES = 64 * 1024
_TEXT_MAX = 300


def facts_path(path: Path) -> Path:
    return path.parent / f"{path.stem}{FACTS_SUFFIX}"


def with_harvest_facts(post: Post, path: Path) -> Post:
    """`post` with the gaps its harvest facts fill, or as it is when it has none (a saved page)."""
    facts = _read_facts(facts_path(Path(path)))
    if not facts:
        return post
    address = web_address(facts.get("address"))
    if address:
        post.source_url = address
    post.source = post.source or _text(facts.get("feed_title"))
    post.author = post.author or _text(facts.get("author"))
    if post.date is None and isinstance(facts.get("date"), str):
        post.date = parse_iso_date(facts["date"])
    if not post.title:
        post.title = _text(facts.get("title")) or ""
    return post


def _read_facts(path: Path) -> dict | None:
    try:
        if path.stat().st_size > _MAX_FACTS_BYTES:
            logger.warning("Ignored %s: larger than a harvest's facts file can be", path)
            return None
        facts = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        logger.warning("Ignored %s: %s", path, error)
        return None
    return facts if isinstance(facts, dict) else None


def _text(value) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())[:_TEXT_MAX]
    return text or None
