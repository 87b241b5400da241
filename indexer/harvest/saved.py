"""The files a harvest writes: the page as it was fetched (or, for a feed that carries whole posts,
the post as a small HTML page), and beside it `<name>.meta.json` with what was known about it,
which the readers merge (indexer/reading/harvested.py). Each is written to a temporary file and
renamed into place, so `lgsearch index` never reads half a file."""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from pathlib import Path

FACTS_SUFFIX = ".meta.json"
_CHARSET_PARAMETER = re.compile(r";\s*charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_DECLARED_IN_PAGE = re.compile(rb"<meta[^>]+charset\s*=", re.IGNORECASE)


def write_post(folder: Path, stem: str, extension: str, body: bytes, facts: dict) -> str:
    """Save a post as `<stem><extension>` under `folder`; returns its path relative to the folder.

    The facts go first and the page last, so a page's new time always covers its facts."""
    relative = f"{stem}{extension}"
    page = folder / relative
    page.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(
        page.parent / f"{page.stem}{FACTS_SUFFIX}", json.dumps(facts, ensure_ascii=False, indent=1).encode("utf-8")
    )
    _write_atomically(page, body)
    return relative


def remove_post(folder: Path, relative: str, *, keep_facts: bool = False) -> None:
    """Remove a post's page and then its facts (a facts file alone is never indexed). `keep_facts`
    when the post has just been saved again in another form (a page that is now a PDF): the
    facts file is the new one's too."""
    page = folder / relative
    for path in (page,) if keep_facts else (page, page.parent / f"{page.stem}{FACTS_SUFFIX}"):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def page_from_feed(title: str | None, content_html: str, address: str) -> bytes:
    """A whole post from a feed as an HTML page the HTML reader takes like a saved one. The
    content was sanitised by feedparser; the title is escaped here."""
    heading = html.escape(title or "")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{heading}</title>\n<link rel="canonical" href="{html.escape(address, quote=True)}">\n'
        f"</head>\n<body>\n<article>\n<h1>{heading}</h1>\n{content_html}\n</article>\n</body>\n</html>\n"
    ).encode("utf-8")


def with_declared_charset(body: bytes, content_type: str) -> bytes:
    """The page with its server's charset (`Content-Type: text/html; charset=koi8-r`) declared in a
    `<meta charset>` line at its top, when the page does not declare one itself: saved as a file,
    it would otherwise lose the header and be read as UTF-8. Only the header's label is added."""
    match = _CHARSET_PARAMETER.search(content_type or "")
    if not match or match[1].lower().replace("_", "-") in ("utf-8", "utf8") or _DECLARED_IN_PAGE.search(body[:4096]):
        return body
    return f'<meta charset="{match[1]}">\n'.encode("ascii") + body


def _write_atomically(path: Path, data: bytes) -> None:
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        try:
            os.unlink(handle.name)
        except FileNotFoundError:
            pass
        raise
