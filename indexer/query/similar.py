"""More like this: the posts that share most of one post's key terms.

Whoosh picks the key terms (its more_like, with the Bo1 model), but its search then scores every
post with any of them, ~130 ms at 20,000 posts. The same query is ranked here by the engine's top-k (indexer/engine/bm25f.py),
which gives Whoosh's scores without scoring every match.
"""

from __future__ import annotations

from whoosh import classify
from whoosh import query as wq

from indexer.analysis import index_term_counts
from indexer.query.bounds import Deadline

MORE_LIKE_THIS = 5
MORE_LIKE_TERMS = (8, 25)  # key terms to try, fewest first: a small collection needs more
FIELD = "body"
# Characters of a post its key terms are picked from: a long report's come from its start
# (analysing all of a 6 MB post took seconds, past the time limit, before any search).
KEY_TERMS_READ = 100_000


def more_like(gen, docnum: int, deadline: Deadline) -> list[int]:
    """Up to five other posts most like this one, best first; OutOfTime past the deadline."""
    found: list[int] = []
    expander = _expander(gen, docnum)
    for numterms in MORE_LIKE_TERMS:
        terms = expander.expanded_terms(numterms)
        deadline.check()
        q = wq.Or([wq.Term(FIELD, word, boost=weight) for word, weight in terms])
        top = gen.top_k(q, gen.every(), None, MORE_LIKE_THIS + 1, deadline) or []
        found = [doc for doc, score in top if score > 0 and doc != docnum][:MORE_LIKE_THIS]
        if len(found) >= MORE_LIKE_THIS:
            break
    return found


def key_terms(gen, docnum: int, numterms: int) -> list[tuple[str, float]]:
    """Whoosh's key terms of one post (its searcher.key_terms, the Bo1 model), with each word's
    frequency in the collection looked up once per generation: most of a post's words are in
    the last post's too, and the look-ups were most of the time."""
    return _expander(gen, docnum).expanded_terms(numterms)


def _expander(gen, docnum: int) -> classify.Expander:
    """Whoosh's Expander holding the post's terms, weighed as its add_text weighs them (how
    often each occurs, as the index analyses the text), counted a distinct written word at a
    time instead of through Whoosh's token stream: the same weights, a fifth of the time."""
    expander = classify.Expander(_RememberedFrequencies(gen), FIELD)
    counts = index_term_counts(gen.body(docnum)[:KEY_TERMS_READ])
    expander.add((term, float(count)) for term, count in counts.items())
    return expander


class _RememberedFrequencies:
    """The generation's reader, remembering which words it has and how often they occur."""

    def __init__(self, gen):
        self._reader = gen.searcher.reader()
        self._frequency = gen.frequency

    def __getattr__(self, name):
        return getattr(self._reader, name)

    def __contains__(self, term) -> bool:
        return self._frequency(term) is not None

    def frequency(self, field_name, text) -> float:
        return self._frequency((field_name, text)) or 0
