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

import numpy as np
from whoosh import query as wq
from whoosh.collectors import FilterCollector
from whoosh.matching import ListMatcher

from indexer.engine.postings import NO_DOCS, Posts, docs_of, intersection_of, phrase_starts, term_text, union_of


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

TIME_LIMIT_NOTICE = ("Your search took too long to finish, so these results may be incomplete. "
                     "Try fewer or more specific words.")


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


class DeadlineFilterCollector(FilterCollector):
    """Whoosh's filter collector that also stops at a deadline, keeping what it collected.

    Whoosh's own TimeLimitCollector cannot wrap a filter (its loop skips the filter's), and its
    alarm signal only works in a main thread, so both jobs are done in one loop here."""

    def __init__(self, child, allow, deadline: Deadline):
        super().__init__(child, allow=allow)
        self.deadline = deadline

    def collect_matches(self):
        child = self.child
        allow = self._allow
        for count, sub_docnum in enumerate(child.matches()):
            if allow is None or self.offset + sub_docnum in allow:
                child.collect(sub_docnum)
            if count % CHECK_EVERY == CHECK_EVERY - 1:
                self.deadline.check()


def bounded_docs(gen, q: wq.Query, deadline: Deadline) -> set[int]:
    """The live document numbers a query matches, as a set, stopping at the deadline."""
    return Posts(matched_docs(gen, q, deadline))


def matched_docs(gen, q: wq.Query, deadline: Deadline) -> np.ndarray:
    """The live document numbers a query matches, ascending, stopping at the deadline.

    Terms, and Ors and Ands of them (most of what people type), and exact phrases are read
    straight from their postings and combined as sorted arrays by numpy: several times faster
    than walking Whoosh's matchers, and than making each word's posts a set and combining the
    sets. Other queries (ranges, say) are matched by Whoosh. Both leave deleted posts out."""
    deadline.check()
    found = _docs_of(gen.postings, q, deadline)
    if found is not None:
        return found[gen.live_mask()[found]] if gen.postings.deleted() else found
    docs = []
    for count, docnum in enumerate(gen.searcher.docs_for_query(q)):
        docs.append(docnum)
        if count % CHECK_EVERY == CHECK_EVERY - 1:
            deadline.check()
    return np.array(sorted(docs), dtype=np.int64)


def _docs_of(postings, q: wq.Query, deadline: Deadline) -> np.ndarray | None:
    """The documents of a Term/Or/And tree (and of exact phrases, and of Nots among an And's
    parts) from postings, ascending (deleted posts included), or None for any other query."""
    if isinstance(q, wq.Term):
        if (q.fieldname, q.text) not in postings.reader:
            return NO_DOCS
        deadline.check()
        return postings.arrays(q.fieldname, q.text)[0]
    if isinstance(q, (wq.Or, wq.And)) and type(q) in (wq.Or, wq.And):
        parts, unwanted = [], []
        for child in q.subqueries:
            negated = type(child) is wq.Not and type(q) is wq.And  # the syntax mode's NOT
            part = _docs_of(postings, child.query if negated else child, deadline)
            if part is None:
                return None
            (unwanted if negated else parts).append(part)
        if not parts:
            return None
        found = union_of(parts) if isinstance(q, wq.Or) else intersection_of(parts)
        return np.setdiff1d(found, union_of(unwanted), assume_unique=True) if unwanted else found
    if isinstance(q, wq.Phrase) and q.slop == 1:
        return _phrase_docs(postings, q.fieldname, q.words, deadline)
    if q is wq.NullQuery:
        return NO_DOCS
    return None


def _phrase_docs(postings, field_name: str, words: list[str], deadline: Deadline) -> np.ndarray:
    """Posts with the words side by side, ascending, from every place each word stands
    (indexer/engine/postings.py)."""
    if any((field_name, word) not in postings.reader for word in words):
        return NO_DOCS
    keys = []
    for word in words:
        deadline.check()
        keys.append(postings.position_keys(field_name, word))
    return docs_of(phrase_starts(keys))


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
    return isinstance(q, wq.MultiTerm) and not isinstance(q, wq.Term) and not (
        isinstance(q, wq.TermRange) and q.fieldname in _EXACT_RANGE_FIELDS)


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
        q = wq.Wildcard(q.fieldname, rest, boost=q.boost) if any(c in rest for c in "*?") else wq.Prefix(
            q.fieldname, rest, boost=q.boost)
    field_name = q.fieldname
    words = [text for _, text in islice(q.expanded_terms(reader), EXPANSION_SCAN + 1)]
    if len(words) > cap:
        words = sorted(words, key=lambda word: -reader.doc_frequency(field_name, word))[:cap]
        notices.append(f"“{_shown(q)}” matches too many words, so only the {cap} most common were searched.")
    # Written out as the words it stands for, as Whoosh's own matcher ORs them: then its posts
    # come from postings, and it is ranked without scoring every match (scoring.py).
    if not words:
        return wq.NullQuery
    return wq.Or([wq.Term(field_name, term_text(word), boost=q.boost) for word in words])


def _shown(q: wq.Query) -> str:
    if isinstance(q, wq.TermRange):
        return f"{q.start or ''} TO {q.end or ''}".strip()
    return getattr(q, "text", str(q))


class DocSet(wq.Query):
    """Matches exactly the given document numbers, scoring nothing.

    Ranking `And([words, DocSet(matching)])` walks only the posts a search already knows match
    (say, those with a phrase, or under a filter), instead of every post with any of the words
    and then filtering them out one by one."""

    fieldname = None  # in no one field
    boost = 1.0

    def __init__(self, docnums: set[int], top_searcher):
        self.docnums = docnums
        self.top = top_searcher

    def __eq__(self, other):
        return type(other) is type(self) and other.docnums == self.docnums

    def __hash__(self):
        return hash((type(self), len(self.docnums)))

    def __repr__(self):
        return f"DocSet({len(self.docnums)} posts)"

    def is_leaf(self):
        return True

    def estimate_size(self, ixreader):
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        offset = 0 if searcher is self.top else next(
            (at for sub, at in self.top.subsearchers or () if sub is searcher), 0)
        end = offset + searcher.doc_count_all()
        ids = sorted(docnum - offset for docnum in self.docnums if offset <= docnum < end)
        return ListMatcher(ids, weights=[0.0] * len(ids)) if ids else wq.NullQuery.matcher(searcher)
