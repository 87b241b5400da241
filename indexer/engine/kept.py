"""A bounded store of what an engine has read, shared by both engines."""

from __future__ import annotations

from collections import OrderedDict


class Kept:
    """Recently used things, the oldest dropped once their sizes add up to more than `bound`."""

    def __init__(self, bound: int):
        self.bound = bound
        self._items: OrderedDict = OrderedDict()
        self._held = 0

    def get(self, key, make, size):
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        found = self._items[key] = make()
        self._held += size(found)
        while self._held > self.bound and len(self._items) > 1:
            _, dropped = self._items.popitem(last=False)
            self._held -= size(dropped)
        return found

    def peek(self, key):
        """The thing kept under `key`, or None; not counted as a use."""
        return self._items.get(key)

    def items(self):
        """(key, thing) of everything kept, the least recently used first."""
        return self._items.items()

    def __len__(self) -> int:
        return len(self._items)
