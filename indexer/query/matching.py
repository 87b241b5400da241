"""Which posts a search matches, as sets of document numbers.

Every query's posts are found here: terms, Ors, Ands and exact phrases straight from the
engine's postings as sorted arrays (matched_docs), anything else by Whoosh's own matchers.

Each part of a search (each concept of the typed words, each required part, each filter) is
matched once as a set; the page, the total and every facet's counts are then set intersections.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq

from indexer.query import bounds
from indexer.query.bounds import TIME_LIMIT_NOTICE, Deadline
from indexer.query.generation import Generation
from indexer.query.parsing import ParsedQuery
from indexer.engine.postings import NO_DOCS, Posts, docs_of, intersection_of, phrase_starts, union_of
from indexer.query.results import Correction


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
        if count % bounds.CHECK_EVERY == bounds.CHECK_EVERY - 1:
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


# A query of this many concepts or fewer finds only the posts with all of them, when any post has
# them all. 0 turns it off: on the judged set, posts with most of the words after those with all
# of them rank better (nDCG@10 0.860 against 0.828 with 3, when it was measured).
ALL_WORDS_UP_TO = 0
MIN_INFORMATIVENESS = 0.05  # of a concept that nearly every post has (BM25's IDF floor)
PARTIAL_NOTICE = "No post has all your words. These have most of them."


@dataclass
class TextMatch:
    """Which posts a query's text matches, before filters, and which concepts each has."""

    any_docs: set[int]
    all_docs: set[int]
    concept_docs: list[np.ndarray]  # each concept's posts, ascending
    posts: int = 0  # in the index: for how much each concept tells

    _shares: np.ndarray | None = field(default=None, init=False, repr=False)

    def coverage(self, docnum: int) -> float:
        """The share of what the query asks for that the post has, each concept weighted by
        how much it tells (see informativeness)."""
        if not self.concept_docs:
            return 1.0
        shares = self._concept_shares()
        return float(shares[docnum]) if docnum < len(shares) else 0.0

    def weights(self, power: float) -> np.ndarray | None:
        """coverage ** power for every post, by document number (0 for a post with none of the
        concepts); None when every post has them all (a query of one concept)."""
        if len(self.concept_docs) <= 1:
            return None
        return self._concept_shares() ** power

    def informativeness(self) -> np.ndarray:
        """How much finding each concept in a post tells, as BM25's IDF of its posts: a rare
        word of a long question counts for more than its generic ones ("effect", "method").
        Each concept counts at least a little, so a word in every post still counts."""
        posts = max(self.posts, max((len(docs) for docs in self.concept_docs), default=0))
        found = np.array([len(docs) for docs in self.concept_docs], dtype=np.float64)
        return np.maximum(np.log1p((posts - found + 0.5) / (found + 0.5)), MIN_INFORMATIVENESS)

    def _concept_shares(self) -> np.ndarray:
        """Each post's share of the concepts' informativeness, by document number: once, by numpy."""
        if self._shares is None:
            size = max((int(docs[-1]) + 1 for docs in self.concept_docs if len(docs)), default=0)
            weights = self.informativeness()
            shares = np.zeros(size)
            for docs, weight in zip(self.concept_docs, weights):
                shares[docs] += weight
            self._shares = shares / weights.sum()
        return self._shares


NO_TEXT = TextMatch(set(), set(), [])


@dataclass(frozen=True)
class Spelling:
    """What spelling correction made of a search: the corrected search shown instead (its
    query, its text match and the correction to tell the user), a "Did you mean" to offer,
    or neither."""

    parsed: ParsedQuery | None = None
    text: TextMatch | None = None
    correction: Correction | None = None
    suggestion: str | None = None


@dataclass(frozen=True)
class Found:
    """What a request matches: its parsed query, the posts, and what the page should say.

    Assembled once, when matching is done, and never changed after: ranking and the page read
    it. A search cut short says so through its deadline, which notes the moment it ran out."""

    parsed: ParsedQuery
    text: TextMatch
    filter_docs: dict[str, set[int]]
    base: set[int]  # matched by the query and dates, before filters
    matching: set[int]  # and by every filter
    deadline: Deadline
    partial: bool = False  # no post has all the query's concepts
    correction: Correction | None = None
    suggestion: str | None = None

    @property
    def timed_out(self) -> bool:
        return self.deadline.hit

    def notice(self) -> str | None:
        notices = [self.parsed.notice]
        if self.partial and self.matching:
            notices.append(PARTIAL_NOTICE)
        if self.timed_out:
            notices.append(TIME_LIMIT_NOTICE)
        return " ".join(n for n in notices if n) or None


def text_match(gen: Generation, parsed: ParsedQuery, deadline: Deadline) -> TextMatch:
    """Posts with any and with all of the query's concepts, within its required parts."""
    if parsed.query is None:
        everything = gen.every()
        return TextMatch(everything, everything, [])
    if parsed.query is wq.NullQuery:
        return TextMatch(set(), set(), [])
    required = [bounded_docs(gen, q, deadline) for q in parsed.required]
    excluded = set().union(*(bounded_docs(gen, q, deadline) for q in parsed.excluded))
    concept_docs = [matched_docs(gen, c.query, deadline) for c in parsed.concepts]
    if concept_docs:  # combined as arrays, each made a set once
        any_docs = Posts(union_of(concept_docs))
        all_docs = Posts(intersection_of(concept_docs)) if len(concept_docs) > 1 else any_docs
    else:
        any_docs = all_docs = intersect(required[0], required[1:]) if required else set()
        required = []
    any_docs, all_docs = intersect(any_docs, required), intersect(all_docs, required)
    if excluded:
        any_docs, all_docs = any_docs - excluded, all_docs - excluded
    return TextMatch(any_docs, all_docs, concept_docs, gen.searcher.doc_count_all())


def base_of(text: TextMatch, filter_docs: dict[str, set[int]], concepts: int) -> tuple[set[int], bool]:
    """The posts a search may show before filters, and whether they are only partial matches.

    A short query finds the posts with all its concepts when any post (under the filters)
    has them; a longer one finds posts with any, ranked by how many they have."""
    if len(text.concept_docs) <= 1:
        return text.any_docs, False
    complete = bool(intersect(text.all_docs, filter_docs.values()))
    if complete and concepts <= ALL_WORDS_UP_TO:
        return text.all_docs, False
    return text.any_docs, not complete


def intersect(base: set[int], others) -> set[int]:
    result = base
    for other in sorted(others, key=len):
        result = result & other
    return result
