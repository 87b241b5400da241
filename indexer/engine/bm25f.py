"""Top-k by BM25F: the best-scoring matches of a search, found without scoring every match.

Whoosh scores a match by walking a tree of Python matchers (the query's terms, its phrases and
its nearness bonuses), and at 20,000 posts a search of two common words has ~8,000 matches:
scoring them all was most of a results page's time, though only one page is shown.

Here each match first gets a ceiling: BM25F (Whoosh's formula and statistics, B and K1) summed
over every word of the query, worked out for all of a word's posts at once with numpy from its
postings as arrays (indexer/engine/postings.py), in Whoosh's order of operations. A phrase can
add no more than its words' scores, so no post can score above its ceiling. Posts are then
scored exactly, as Whoosh would score them, in order of ceiling, until the page is full of posts
that score at least the next ceiling: no post left unscored could reach the page. Exactly means
the same sums Whoosh makes (tests compare the two); only the phrase positions of the posts
scored are read.

Queries made of Terms, Phrases, Ors and Ands (with Nots among an And's parts, as the syntax mode
writes `NOT`) are scored here; anything else (wildcards left by the syntax mode, ranges) returns
None and the caller ranks with Whoosh.

Both engines rank this way, each from its own postings (`Engine.top_k`); what is read from the
generation (`collection` below) is its searcher (weighting, IDF, schema, document count), its
postings, each field's BM25 length norms and length codes, and the mask of a set of posts.
`deadline` is the search's (indexer/query/bounds.py): `check()` raises when time is up,
`expired()` says so.
"""

from __future__ import annotations

import heapq
from itertools import islice

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F

BATCH = 32  # posts scored exactly between checks of whether the page is settled
SORTED_FIRST = 256  # posts put in ceiling order at once (at least four pages' worth)
# Places of each word of a nearness bonus or phrase compared in one post: a post holding a word
# more often than this (a long report) is scored on its first NEAR_PLACES places of each.
NEAR_PLACES = 10_000

TermKey = tuple[str, str]  # (field, text)


def top_k(
    gen, q: wq.Query, docs: set[int], weights: np.ndarray | None, count: int, deadline
) -> list[tuple[int, float]] | None:
    """The `count` posts of `docs` with the highest score * weight, best first, as (document
    number, Whoosh score); None when the query is not one scored here. No weights: all 1."""
    if not isinstance(gen.searcher.weighting, BM25F) or not _scorable(q):
        return None
    scorer = _Scorer(gen, deadline)
    scorer.read(q)
    ceiling, scored = scorer.ceilings(q)
    allowed = gen.mask(docs)
    waiting = np.flatnonzero(scored & allowed)
    values = ceiling[waiting]
    if weights is not None:
        weights = np.concatenate((weights, np.zeros(max(0, len(ceiling) - len(weights)))))
        values = values * weights[waiting]
    if len(waiting) < count:  # posts no word of the query scores (matched by a filter alone)
        unscored = np.flatnonzero(allowed & ~scored)[: count - len(waiting)]
        waiting = np.concatenate((waiting, unscored))
        values = np.concatenate((values, np.zeros(len(unscored))))
    best: list[tuple[float, int, float]] = []  # (ranking value, -docnum, score): a min-heap
    for batch, ceiling in _batches(waiting, values, max(SORTED_FIRST, 4 * count)):
        if len(best) == count and best[0][0] >= ceiling:
            break  # no post left can rank above the page's last
        scores = scorer.exact(q, sorted(batch))
        for doc in batch:
            score = scores.get(doc, 0.0)
            entry = (score * (1.0 if weights is None else float(weights[doc])), -doc, score)
            if len(best) < count:
                heapq.heappush(best, entry)
            elif entry > best[0]:
                heapq.heapreplace(best, entry)
        if deadline.expired():
            break  # the page says its results may be incomplete
    return [(-negative_doc, score) for _, negative_doc, score in sorted(best, reverse=True)]


def _batches(waiting: np.ndarray, values: np.ndarray, first: int):
    """The posts in batches, highest ceiling first and then lowest document number, each with
    its first ceiling. Only the `first` highest (with any ties of the last) are put in order at
    once; the rest only if the page is not settled by then. A page is most often settled in a
    batch or two, and ordering all of a common word's ~16,000 matches was a fifth of ranking."""
    if len(values) > first:
        threshold = np.partition(values, len(values) - first)[len(values) - first]
        head = values >= threshold
        # The rest (most of a common word's matches) is taken out only when the page asks.
        parts = ((lambda: (waiting[head], values[head])), (lambda: (waiting[~head], values[~head])))
    else:
        parts = ((lambda: (waiting, values)),)
    for part in parts:
        docs, ceilings = part()
        order = np.lexsort((docs, -ceilings))
        docs, ceilings = docs[order].tolist(), ceilings[order].tolist()
        for at in range(0, len(docs), BATCH):
            yield docs[at : at + BATCH], ceilings[at]


def _scorable(q: wq.Query) -> bool:
    if q is wq.NullQuery:
        return True
    if isinstance(q, wq.Term):
        return type(q) is wq.Term
    if isinstance(q, wq.Phrase):
        return type(q) is wq.Phrase  # char_ranges (the syntax mode's) only place highlights
    if type(q) in (wq.Or, wq.And):
        return (
            not getattr(q, "scale", None)
            and not getattr(q, "minmatch", 0)
            and all(
                _scorable(child) or (_is_not(child) and type(q) is wq.And and len(q.subqueries) > 1)
                for child in q.subqueries
            )
        )
    return False


def _is_not(q: wq.Query) -> bool:
    """A Not of a query scored here: Whoosh scores it 1 in each post without the query."""
    return type(q) is wq.Not and _scorable(q.query)


class TermScores:
    """One word's BM25F for the posts that have it: document numbers ascending, and scores."""

    def __init__(self, docs: np.ndarray, scores: np.ndarray):
        self.docs = docs
        self.scores = scores

    def of(self, docs: list[int]) -> dict[int, float]:
        """The score of each of `docs` that has the word."""
        if not len(self.docs):
            return {}
        at = np.minimum(np.searchsorted(self.docs, docs), len(self.docs) - 1)
        has = self.docs[at] == docs
        return dict(zip(np.asarray(docs)[has].tolist(), self.scores[at[has]].tolist()))


NO_SCORES = TermScores(np.zeros(0, dtype=np.int64), np.zeros(0))


class _Scorer:
    """BM25F of each of a query's words for the posts that have it, and exact scores from them.

    A word's scores are worked out for all its posts at once with numpy, in the same order of
    operations as Whoosh's, so each is the very number Whoosh gives."""

    def __init__(self, gen, deadline):
        self.gen = gen
        self.searcher = gen.searcher
        self.reader = gen.searcher.reader()
        self.deadline = deadline
        self.k1 = self.searcher.weighting.K1
        self.term_scores: dict[TermKey, TermScores] = {}

    # -- reading postings ------------------------------------------------------------
    def read(self, q: wq.Query) -> None:
        for key in _words(q):
            if key not in self.term_scores:
                self.deadline.check()
                self.term_scores[key] = self._bm25(*key)

    def _bm25(self, field_name: str, text: str) -> TermScores:
        """BM25F of the term for each post that has it; its plain weight in a field that is not
        scorable (a keyword field), as Whoosh scores those."""
        if field_name not in self.searcher.schema or (field_name, text) not in self.reader:
            return NO_SCORES
        docs, weights = self.gen.postings.arrays(field_name, text)
        if not self.searcher.schema[field_name].scorable:
            return TermScores(docs, weights)
        norm = self.gen.bm25_norms(field_name)[self.gen.length_codes(field_name)[docs]]
        factor = self.searcher.idf(field_name, text) * (self.k1 + 1)
        return TermScores(docs, factor * weights / (weights + norm))

    # -- scores ----------------------------------------------------------------------
    def ceilings(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """Each post's highest possible score (every word's score, as if every phrase matched),
        by document number; and which posts any word scores."""
        size = self.searcher.doc_count_all()
        total = np.zeros(size)
        scored = np.zeros(size, dtype=bool)
        for key, boost in _weighted_words(q):
            word = self.term_scores[key]
            total[word.docs] += boost * word.scores
            scored[word.docs] = True
        total += sum(_weighted_nots(q))
        return total, scored

    def exact(self, q: wq.Query, docs: list[int]) -> dict[int, float]:
        """Whoosh's score of each of `docs` (in order) that the query matches."""
        if q is wq.NullQuery:
            return {}
        if isinstance(q, wq.Term):
            scores = self.term_scores[(q.fieldname, q.text)].of(docs)
            return {doc: score * q.boost for doc, score in scores.items()}
        if isinstance(q, wq.Phrase):
            return self._phrase(q, docs)
        if isinstance(q, wq.Not):  # Whoosh's InverseMatcher: 1 for each post without the query
            without = self.exact(q.query, docs)
            return {doc: 1.0 for doc in docs if doc not in without}
        parts = [self.exact(child, docs) for child in q.subqueries]
        if len(parts) == 1:  # Whoosh ignores a compound's boost when it has one part
            return parts[0]
        if isinstance(q, wq.And):
            found = {doc: sum(part[doc] for part in parts) for doc in docs if all(doc in part for part in parts)}
        else:
            found = {}
            for part in parts:
                for doc, score in part.items():
                    found[doc] = found.get(doc, 0.0) + score
        if q.boost != 1.0:
            found = {doc: score * q.boost for doc, score in found.items()}
        return found

    def _phrase(self, q: wq.Phrase, docs: list[int]) -> dict[int, float]:
        """Whoosh's phrase score: its words' scores summed, where they stand in order, each
        within `slop` positions of the one before. Once the search is out of time no more
        places are compared, and the posts left get no phrase score."""
        words = [self.term_scores.get((q.fieldname, word), NO_SCORES).of(docs) for word in q.words]
        having = [doc for doc in docs if all(doc in scores for scores in words)]
        if not having:
            return {}
        if self.deadline.expired():
            return {}  # out of time: no more places read (the page says it may be incomplete)
        positions = [self.gen.postings.positions(q.fieldname, word, having, NEAR_PLACES) for word in q.words]
        found = {}
        for doc in having:
            if self.deadline.expired():
                break
            if _in_order(q.slop, [per_word[doc] for per_word in positions]):
                found[doc] = q.boost * sum(scores[doc] for scores in words)
        return found


def _in_order(slop: int, positions: list[list[int]]) -> bool:
    """Whether some run of the words stands in order, each 1 to `slop` positions after the
    one before it (Whoosh's SpanNear2 with ordered=True, mindist=1), from each word's
    positions, ascending. One merge a word: a place of the next word is reached when the
    nearest reached place before it is within `slop`. (Comparing every place with every
    place took 20 s for two words standing 20,000 times each in one long post.) Only the
    first NEAR_PLACES of each word are looked at."""
    reached = positions[0][:NEAR_PLACES]
    for later in positions[1:]:
        found, at, count = [], 0, len(reached)
        for place in islice(later, NEAR_PLACES):
            while at < count and reached[at] < place:
                at += 1
            if at and place - reached[at - 1] <= slop:
                found.append(place)
        if not found:
            return False
        reached = found
    return True


def _words(q: wq.Query):
    """(field, text) of every word of the query, those under a Not too."""
    if isinstance(q, wq.Not):
        yield from _words(q.query)
    elif isinstance(q, (wq.Term, wq.Phrase)) or q is wq.NullQuery:
        for (field_name, text), _ in _weighted_words(q):
            yield field_name, text
    else:
        for child in q.subqueries:
            yield from _words(child)


def _weighted_nots(q: wq.Query, boost: float = 1.0):
    """The boost Whoosh applies to each Not's score of 1."""
    if isinstance(q, wq.Not):
        yield boost
    elif type(q) in (wq.Or, wq.And):
        inner = boost if len(q.subqueries) == 1 else boost * q.boost
        for child in q.subqueries:
            yield from _weighted_nots(child, inner)


def _weighted_words(q: wq.Query, boost: float = 1.0):
    """((field, text), boost) for every word of the query, each time it occurs, with the boosts
    Whoosh applies to it; none under a Not, which scores no word."""
    if q is wq.NullQuery or isinstance(q, wq.Not):
        return
    if isinstance(q, wq.Term):
        yield (q.fieldname, q.text), boost * q.boost
    elif isinstance(q, wq.Phrase):
        for word in q.words:
            yield (q.fieldname, word), boost * q.boost
    else:
        inner = boost if len(q.subqueries) == 1 else boost * q.boost
        for child in q.subqueries:
            yield from _weighted_words(child, inner)
