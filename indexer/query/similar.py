"""More like this: the posts that share most of one post's key terms.

Whoosh picks the key terms (its more_like, with the Bo1 model), but its search then scores every
post with any of them, ~130 ms at 20,000 posts. The same query is ranked here by the engine's top-k (indexer/engine/bm25f.py),
which gives Whoosh's scores without scoring every match.
"""

from __future__ import annotations

from whoosh import classify
from whoosh import query as wq

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
    for numterms in MORE_LIKE_TERMS:
        terms = key_terms(gen, docnum, numterms)
        deadline.check()
        q = wq.Or([wq.Term(FIELD, word, boost=weight) for word, weight in terms])
        top = gen.top_k(q, gen.every(), None, MORE_LIKE_THIS + 1, deadline) or []
        found = [doc for doc, score in top if score > 0 and doc != docnum][:MORE_LIKE_THIS]
        if len(found) >= MORE_LIKE_THIS:
            break
    return found


def key_terms(gen, docnum: int, numterms: int) -> list[tuple[str, float]]:
    """Whoosh's key terms of one post (its searcher.key_terms), with each word's frequency in
    the collection looked up once per generation: most of a post's words are in the last post's
    too, and the look-ups were most of the time."""
    expander = classify.Expander(_RememberedFrequencies(gen), FIELD)
    # Whoosh's add_document reads only stored fields
    expander.add_text(gen.body(docnum)[:KEY_TERMS_READ])
    return expander.expanded_terms(numterms)


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
