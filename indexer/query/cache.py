"""Answers kept for the same request again: a bookmark reloaded, a page shared, a feed polled.

Keyed by the request (a frozen SearchRequest, so equal requests are one key) and forgotten
whenever the index generation or its searcher changes. Bounded in entries, so its memory is too.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Hashable

MAX_ENTRIES = 512


class AnswerCache:
    """A least-recently-used map of answers for one version of the index."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._version: Hashable = None
        self._answers: OrderedDict = OrderedDict()

    def get(self, version: Hashable, key: Hashable):
        if version != self._version:
            self._version = version
            self._answers.clear()
            return None
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, version: Hashable, key: Hashable, answer) -> None:
        if version != self._version:
            self._version = version
            self._answers.clear()
        self._answers[key] = answer
        self._answers.move_to_end(key)
        while len(self._answers) > self.max_entries:
            self._answers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._answers)
