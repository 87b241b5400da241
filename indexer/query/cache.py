"""Answers kept for the same request again: a bookmark reloaded, a page shared, a feed polled.

Keyed by the request (a frozen SearchRequest, so equal requests are one key) and forgotten
whenever the index generation or its searcher changes. Bounded in entries and in weight: an
answer weighs about as many items as it holds (hits, facet values, rows of a download), so a
few answers with thousands of facet values or rows cannot fill a worker's memory.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Hashable

MAX_ENTRIES = 512
MAX_WEIGHT = 250_000  # items over all answers kept: some tens of MB


class AnswerCache:
    """A least-recently-used map of answers for one version of the index."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_weight: int = MAX_WEIGHT):
        self.max_entries = max_entries
        self.max_weight = max_weight
        self._version: Hashable = None
        self._answers: OrderedDict = OrderedDict()  # key -> (answer, weight)
        self._weight = 0

    def get(self, version: Hashable, key: Hashable):
        if version != self._version:
            self._forget(version)
            return None
        kept = self._answers.get(key)
        if kept is None:
            return None
        self._answers.move_to_end(key)
        return kept[0]

    def put(self, version: Hashable, key: Hashable, answer, weight: int = 1) -> None:
        if version != self._version:
            self._forget(version)
        if weight > self.max_weight:
            return
        if key in self._answers:
            self._weight -= self._answers.pop(key)[1]
        self._answers[key] = (answer, weight)
        self._weight += weight
        while len(self._answers) > self.max_entries or self._weight > self.max_weight:
            self._weight -= self._answers.popitem(last=False)[1][1]

    def _forget(self, version: Hashable) -> None:
        self._version = version
        self._answers.clear()
        self._weight = 0

    def __len__(self) -> int:
        return len(self._answers)
