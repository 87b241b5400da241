"""Facet counts: how many of a search's posts have each value of each facet.

Each field is counted under every filter but its own, so a ticked value never hides the rest.
A few posts are counted post by post from each one's value keys. Many posts (a common word, or
no words at all) are counted all at once by numpy, from arrays of every (post, value) pair.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain

import numpy as np

from indexer.query.generation import Generation
from indexer.query.matching import intersect
from indexer.query.request import FILTER_FIELDS, SearchRequest, canonical_value, filter_key
from indexer.query.results import FacetValue

COUNT_BY_VALUE_FROM = 1_000  # posts; from this many, counted from the (post, value) arrays


def facet_values(gen: Generation, base: set[int], filter_docs: dict[str, set[int]],
                 request: SearchRequest) -> dict[str, list[FacetValue]]:
    """Each facet's values with their counts, ticked ones first included even when none match."""
    facets = {}
    under: dict[frozenset[str], set[int]] = {}  # posts under each set of filters, made once
    for name in FILTER_FIELDS:
        others = frozenset(filter_docs) - {name}
        if others not in under:
            under[others] = intersect(base, [filter_docs[other] for other in others])
        counts = count_values(gen, name, under[others])
        selected = {filter_key(name, value) for value in getattr(request, name)}
        labels = gen.facet_labels(name)
        listed = [FacetValue(labels.get(key) or key, count, key in selected) for key, count in counts.items()]
        for value in getattr(request, name):
            key = filter_key(name, value)
            if key not in counts:
                listed.append(FacetValue(labels.get(key) or canonical_value(name, value), 0, True))
                counts[key] = 0
        order = (lambda v: (-int(v.value), )) if name == "year" else (lambda v: (-v.count, v.value.casefold()))
        facets[name] = sorted(listed, key=order)
    return facets


def count_values(gen: Generation, name: str, docs: set[int]) -> Counter:
    """How many of `docs` have each value key of the facet."""
    if len(docs) < COUNT_BY_VALUE_FROM:
        doc_keys = gen.facet_keys()[name]
        return Counter(chain.from_iterable(doc_keys[docnum] for docnum in docs))
    pairs = gen.facet_pairs()[name]
    counts = np.bincount(pairs.values[gen.mask(docs)[pairs.docs]], minlength=len(pairs.keys))
    found = np.flatnonzero(counts)
    return Counter(dict(zip(map(pairs.keys.__getitem__, found.tolist()), counts[found].tolist())))
