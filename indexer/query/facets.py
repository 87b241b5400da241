"""Facet counts: how many of a search's posts have each value of each facet.

Each field is counted under every filter but its own, so a ticked value never hides the rest.
A few posts are counted post by post from each one's value keys. Many posts (a common word, or
no words at all) are counted all at once by numpy, from the (post, value) pairs kept in post
order: each matching post's run of pairs is taken at once.
Values are listed most results first, then by label (years newest first), put in that order by
numpy too: a facet can have thousands of values and a page shows the first hundred.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from indexer.query.generation import Generation
from indexer.query.matching import intersect
from indexer.query.request import FILTER_FIELDS, SearchRequest, canonical_value, filter_key
from indexer.query.results import FacetValue, FacetValues

COUNT_BY_VALUE_FROM = 1_000  # posts; from this many, counted from the (post, value) arrays


def facet_values(
    gen: Generation, base: set[int], filter_docs: dict[str, set[int]], request: SearchRequest
) -> dict[str, FacetValues]:
    """Each facet's values with their counts, ticked ones first included even when none match."""
    facets = {}
    under: dict[frozenset[str], set[int]] = {}  # posts under each set of filters, made once
    for name in FILTER_FIELDS:
        others = frozenset(filter_docs) - {name}
        if others not in under:
            under[others] = intersect(base, [filter_docs[other] for other in others])
        facets[name] = listed_values(gen, name, value_counts(gen, name, under[others]), getattr(request, name))
    return facets


def listed_values(gen: Generation, name: str, counts: np.ndarray, ticked: tuple[str, ...]) -> FacetValues:
    """The facet's values with results, in listing order, and the ticked ones even without."""
    pairs = gen.facet_pairs()[name]
    labels, ranks = gen.facet_listing(name)
    found = np.flatnonzero(counts)
    if name == "year":
        found = found[np.argsort(ranks[found], kind="stable")]
    else:
        found = found[np.lexsort((ranks[found], -counts[found]))]
    order = found.tolist()
    ticked_keys: dict[str, str] = {}
    for value in ticked:
        ticked_keys.setdefault(filter_key(name, value), value)
    chosen = frozenset(pairs.index[key] for key in ticked_keys if key in pairs.index)
    listed = FacetValues(labels, order, counts[found].tolist(), chosen)
    missing = [
        FacetValue(gen.facet_labels(name).get(key) or canonical_value(name, value), 0, True)
        for key, value in ticked_keys.items()
        if key not in pairs.index or not counts[pairs.index[key]]
    ]
    if not missing:
        return listed
    by = (lambda v: -int(v.value)) if name == "year" else (lambda v: (-v.count, v.value.casefold()))
    return FacetValues.of(sorted(list(listed) + missing, key=by))


def value_counts(gen: Generation, name: str, docs: set[int]) -> np.ndarray:
    """How many of `docs` have each value of the facet, by the value's place in its keys."""
    pairs = gen.facet_pairs()[name]
    if len(docs) < COUNT_BY_VALUE_FROM:
        doc_keys = gen.facet_keys()[name]
        places = [pairs.index[key] for key in chain.from_iterable(doc_keys[docnum] for docnum in docs)]
        return np.bincount(np.array(places, dtype=np.int64), minlength=len(pairs.keys))
    return np.bincount(pairs.values_of(np.flatnonzero(gen.mask(docs))), minlength=len(pairs.keys))
