"""Answers kept for the same request again: a bookmark reloaded, a page shared, a feed polled.

Keyed by the request (a frozen SearchRequest, so equal requests are one key) and forgotten
whenever the index generation or its searcher changes. Bounded in entries and in bytes: each
answer is measured as it is kept (its strings, lists and objects, as sys.getsizeof counts them),
and the least recently used go once the answers add up to more than the ceiling. Counting items
let 120 pages of one 2 MB post hold 520 MB, and 200 downloads 350 MB, in one worker.
Thread-safe: a lock of its own guards its map, so a repeat is looked up without waiting for the
query service's lock (held by whichever search is running in the worker).
"""

from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict
from typing import Hashable

MAX_ENTRIES = 512
DEFAULT_MEGABYTES = 64  # a worker's answers, all together (env LGSEARCH_CACHE_MB)
LARGEST_SHARE = 4  # an answer is kept only if it takes at most a quarter of the ceiling
_ATOMS = (str, bytes, int, float, bool, type(None))
SAMPLED = 200  # items of a longer list measured, for the size of all of them


def cache_bytes_setting() -> int:
    """The ceiling from LGSEARCH_CACHE_MB (megabytes, 0 keeps nothing), or the default when it
    is unset or not a number."""
    try:
        megabytes = float(os.environ.get("LGSEARCH_CACHE_MB", DEFAULT_MEGABYTES))
    except ValueError:
        megabytes = DEFAULT_MEGABYTES
    return int(max(0.0, megabytes) * 1024 * 1024)


def size_in_bytes(answer) -> int:
    """About how much memory an answer holds: every object reachable from it counted once, by
    sys.getsizeof (a long list's items from an even sample of them). An attribute a class names in `_shared` (data held for the whole generation,
    such as a facet's labels) is not counted."""
    seen: set[int] = set()
    waiting = [answer]
    total = 0
    while waiting:
        item = waiting.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, _ATOMS):
            continue
        if isinstance(item, dict):
            waiting.extend(item.keys())
            waiting.extend(item.values())
        elif isinstance(item, (list, tuple)) and len(item) > SAMPLED:
            # A download's thousands of rows are alike: measure some, count the rest as them.
            step = len(item) / SAMPLED
            sample = [item[int(at * step)] for at in range(SAMPLED)]
            if all(isinstance(one, _ATOMS) for one in sample):
                measured = sum(map(sys.getsizeof, sample))  # what measuring each alone gives, without the walk
            else:
                measured = sum(size_in_bytes(one) for one in sample)
            total += int(measured * len(item) / SAMPLED)
        elif isinstance(item, (list, tuple, set, frozenset)):
            waiting.extend(item)
        else:
            shared = getattr(type(item), "_shared", ())
            attributes = getattr(item, "__dict__", None)
            if attributes is not None:
                waiting.extend(value for name, value in attributes.items() if name not in shared)
            for name in getattr(type(item), "__slots__", ()):
                if name not in shared and hasattr(item, name):
                    waiting.append(getattr(item, name))
    return total


class AnswerCache:
    """A least-recently-used map of answers for one version of the index."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int | None = None, measure=size_in_bytes):
        self.max_entries = max_entries
        self.max_bytes = cache_bytes_setting() if max_bytes is None else max_bytes
        self._measure = measure
        self._version: Hashable = None
        self._answers: OrderedDict = OrderedDict()  # key -> (answer, size in bytes)
        self.bytes = 0  # held by the answers kept
        self._lock = threading.Lock()  # held only while the map changes, never while measuring

    def get(self, version: Hashable, key: Hashable):
        with self._lock:
            if version != self._version:
                self._forget(version)
                return None
            kept = self._answers.get(key)
            if kept is None:
                return None
            self._answers.move_to_end(key)
            return kept[0]

    def put(self, version: Hashable, key: Hashable, answer, size: int | None = None) -> None:
        """Keep the answer, measured unless its `size` in bytes is given."""
        size = self._measure(answer) if size is None else size
        with self._lock:
            if version != self._version:
                self._forget(version)
            if key in self._answers:
                self.bytes -= self._answers.pop(key)[1]
            if size * LARGEST_SHARE > self.max_bytes:
                return
            self._answers[key] = (answer, size)
            self.bytes += size
            while len(self._answers) > self.max_entries or self.bytes > self.max_bytes:
                self.bytes -= self._answers.popitem(last=False)[1][1]

    def _forget(self, version: Hashable) -> None:
        self._version = version
        self._answers.clear()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._answers)
