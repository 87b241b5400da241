"""Limits that keep any one search cheap, whatever is typed.

A few characters can ask Whoosh for a great deal: `l* m* n*` expands to every word starting with
those letters, `{a TO z}` to every word in the index, `?a*` to a scan of the whole word list. So a
word may not start with a wildcard, each wildcard or range searches at most its most common
matching words, and matching and ranking stop at a time limit, answering with what they have and
saying so.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from itertools import islice

from whoosh import query as wq

from indexer.engine.postings import term_text


# Words all the wildcards, ranges and fuzzy terms of one query may stand for together (shared
# among them, at least MIN_EXPANSION each); beyond this the commonest words are searched.
MAX_EXPANSION = 24
MIN_EXPANSION = 4
# How many matching words are looked at to choose the commonest ones.
EXPANSION_SCAN = 2_000
# Seconds one search may spend matching and ranking (env LGSEARCH_TIME_LIMIT).
DEFAULT_TIME_LIMIT = 1.0
# How many matches pass between looks at the clock.
CHECK_EVERY = 256
# Fields whose ranges are small and meant (dates, years): never capped.
_EXACT_RANGE_FIELDS = frozenset({"date", "year", "newest_key", "oldest_key"})

TIME_LIMIT_NOTICE = (
    "Your search took too long to finish, so these results may be incomplete. Try fewer or more specific words."
)


def time_limit_setting() -> float:
    """The time limit from LGSEARCH_TIME_LIMIT, or the default when it is unset or not a number."""
    try:
        value = float(os.environ.get("LGSEARCH_TIME_LIMIT", DEFAULT_TIME_LIMIT))
    except ValueError:
        return DEFAULT_TIME_LIMIT
    return value if value > 0 else DEFAULT_TIME_LIMIT


class OutOfTime(Exception):
    """A search used up its time limit."""


@dataclass
class Deadline:
    """When a search must stop; checked between steps, never by a signal."""

    seconds: float
    started: float = field(default_factory=time.monotonic)
    hit: bool = False

    def check(self) -> None:
        if time.monotonic() - self.started > self.seconds:
            self.hit = True
            raise OutOfTime()

    def expired(self) -> bool:
        """True (and noted) once the time is up; for loops that stop with what they have."""
        if time.monotonic() - self.started > self.seconds:
            self.hit = True
        return self.hit

    def remaining(self) -> float:
        return max(0.001, self.seconds - (time.monotonic() - self.started))


def bounded_query(q: wq.Query, reader, notices: list[str]) -> wq.Query:
    """The query with every leading wildcard removed and its expansions capped together."""
    expanding = sum(1 for part in _leaves(q) if _expands(part))
    cap = max(MIN_EXPANSION, MAX_EXPANSION // expanding) if expanding else MAX_EXPANSION
    return _bounded(q, reader, notices, cap)


def _leaves(q: wq.Query):
    if q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from _leaves(child)


def _expands(q: wq.Query) -> bool:
    return (
        isinstance(q, wq.MultiTerm)
        and not isinstance(q, wq.Term)
        and not (isinstance(q, wq.TermRange) and q.fieldname in _EXACT_RANGE_FIELDS)
    )


def _bounded(q: wq.Query, reader, notices: list[str], cap: int) -> wq.Query:
    if isinstance(q, wq.Every) and q.fieldname not in (None, "*"):
        return wq.Every()  # `*` alone means every post, not a scan of every word of a field
    if _expands(q):
        return _bounded_multiterm(q, reader, notices, cap)
    if q.is_leaf():
        return q
    return q.apply(lambda child: _bounded(child, reader, notices, cap))


def _bounded_multiterm(q: wq.MultiTerm, reader, notices: list[str], cap: int) -> wq.Query:
    if isinstance(q, (wq.Wildcard, wq.Prefix)) and q.text[:1] in ("*", "?"):
        rest = q.text.lstrip("*?")
        notices.append(f"A search word cannot start with * or ?, so “{q.text}” was searched as “{rest or '…'}”.")
        if not rest.strip("*?"):
            return wq.NullQuery
        q = (
            wq.Wildcard(q.fieldname, rest, boost=q.boost)
            if any(c in rest for c in "*?")
            else wq.Prefix(q.fieldname, rest, boost=q.boost)
        )
    field_name = q.fieldname
    words = [text for _, text in islice(q.expanded_terms(reader), EXPANSION_SCAN + 1)]
    if len(words) > cap:
        words = sorted(words, key=lambda word: -reader.doc_frequency(field_name, word))[:cap]
        notices.append(f"“{_shown(q)}” matches too many words, so only the {cap} most common were searched.")
    # Written out as the words it stands for, as Whoosh's own matcher ORs them: then its posts
    # come from postings, and it is ranked without scoring every match (indexer/engine/bm25f.py).
    if not words:
        return wq.NullQuery
    return wq.Or([wq.Term(field_name, term_text(word), boost=q.boost) for word in words])


def _shown(q: wq.Query) -> str:
    if isinstance(q, wq.TermRange):
        return f"{q.start or ''} TO {q.end or ''}".strip()
    return getattr(q, "text", str(q))
