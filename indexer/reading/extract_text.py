"""The plain-text heuristics: a scraped post's title, found among the lines above its first paragraph.

Scraped pages come as plain lines; the post sits below header chrome (breadcrumbs, share links,
event widgets, date lines), which is read here, and above tail chrome, which `extract.py` removes
as it does for every format.
"""

from __future__ import annotations

import re

from indexer.reading.bylines import parse_byline
from indexer.reading.dates import parse_date
from indexer.reading.extract import (
    Post,
    assemble_body,
    clean_lines,
    derive_title,
    is_chrome_line,
    is_metadata_line,
    is_tail_heading,
    normalise_text,
)

_HEADING_MAX = 120
_HEADER_MAX_LINES = 40
_EVENT_WIDGET = re.compile(
    r"(?:(?:next\s+)?(?:upcoming|forthcoming|future)\s+events?|next\s+event|events|what[’']s on):?",
    re.IGNORECASE,
)


def extract_post(text: str) -> Post:
    """Everything the heuristics can tell about a plain-text post."""
    lines = normalise_text(text).split("\n")
    post = Post()
    zone_end, title_index, zone_dropped = _read_header(lines, post)
    kept = [line for i, line in enumerate(lines[:zone_end]) if i != title_index and i not in zone_dropped]
    body_lines = clean_lines(kept + lines[zone_end:], post)
    post.body = assemble_body(body_lines)
    if title_index is not None and post.body:
        post.title = lines[title_index]
    else:
        if title_index is not None:
            post.body = assemble_body([lines[title_index], *body_lines])
        post.title = derive_title(post.body)
    return post


def _read_header(lines: list[str], post: Post) -> tuple[int, int | None, set[int]]:
    """Find the title among the lines above the first paragraph, skipping widgets and date lines.

    Returns where the header ends, the title's line (or None) and the header lines to drop.
    """
    kinds = []
    for line in lines[:_HEADER_MAX_LINES]:
        kind = _header_kind(line)
        if kind == "body":
            break
        kinds.append(kind)
    zone_end = len(kinds)
    dropped = _event_widget_lines(kinds)
    title_index = next((i for i, kind in enumerate(kinds) if kind == "candidate" and i not in dropped), None)
    for i, kind in enumerate(kinds):
        if kind == "date" and i not in dropped:
            dropped.add(i)
            byline = parse_byline(lines[i], bare_date_ok=True)
            if byline and byline.date and post.date is None:
                post.date = byline.date
    return zone_end, title_index, dropped


def _header_kind(line: str) -> str:
    if not line:
        return "blank"
    if is_chrome_line(line) or is_metadata_line(line) or is_tail_heading(line):
        return "chrome"
    if _EVENT_WIDGET.fullmatch(line):
        return "widget"
    if parse_date(line):
        return "date"
    if parse_byline(line):
        return "chrome"
    heading_like = (
        len(line) <= _HEADING_MAX
        and len(line.split()) <= 16
        and not line.endswith((".", "…", ",", ";", ":"))
        and not line[0].islower()
    )
    return "candidate" if heading_like else "body"


def _event_widget_lines(kinds: list[str]) -> set[int]:
    """The lines of "Upcoming events" widgets: the heading, event dates, and event titles.

    An event's title sits next to its date; it is only taken as the widget's when another
    heading follows it, so the post's own title is never swallowed.
    """
    dropped: set[int] = set()
    for start, kind in enumerate(kinds):
        if kind != "widget":
            continue
        dropped.add(start)
        previous = None
        for i in range(start + 1, len(kinds)):
            later = [k for k in kinds[i + 1 :] if k != "blank"]
            if kinds[i] in ("blank", "chrome", "date"):
                dropped.add(i)
            elif (
                kinds[i] == "candidate"
                and "candidate" in later
                and (previous == "date" or (later and later[0] == "date"))
            ):
                dropped.add(i)
            else:
                break
            previous = kinds[i] if kinds[i] != "blank" else previous
    return dropped
