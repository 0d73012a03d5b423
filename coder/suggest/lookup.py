"""Finding many values among a fixed set of integer keys at once."""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)   # Fibonacci hashing: spreads structured keys (pairs of ids) evenly


class KeyIndex:
    """The position of each value among unique integer keys, or -1.

    An open-addressing hash table held in numpy arrays (at most a quarter
    full, linear probing), so a batch is looked up with a few vectorised
    gathers per value instead of a binary search.
    """

    def __init__(self, keys: np.ndarray):
        self.keys = np.asarray(keys)
        self._bits = max(4, int(np.ceil(np.log2(max(len(self.keys), 1) * 4))))
        size = 1 << self._bits
        self._slot_key = np.zeros(size, dtype=self.keys.dtype)
        self._slot_position = np.full(size, -1, dtype=np.int64)
        slot = self._home(self.keys)
        waiting = np.arange(len(self.keys))
        self._probes = 0
        while len(waiting):
            self._probes += 1
            free = waiting[self._slot_position[slot[waiting]] < 0]
            self._slot_position[slot[free]] = free   # where keys want the same slot, one of them gets it
            placed = self._slot_position[slot[free]] == free
            self._slot_key[slot[free[placed]]] = self.keys[free[placed]]
            waiting = waiting[self._slot_position[slot[waiting]] != waiting]
            slot[waiting] = (slot[waiting] + 1) & (size - 1)

    def __len__(self) -> int:
        return len(self.keys)

    def _home(self, values: np.ndarray) -> np.ndarray:
        hashed = values.astype(np.uint64) * _GOLDEN
        return (hashed >> np.uint64(64 - self._bits)).astype(np.int64)

    def find(self, values: np.ndarray) -> np.ndarray:
        """For each value, its index in `keys`, or -1 if it is not one."""
        values = np.asarray(values, dtype=self.keys.dtype)
        out = np.full(len(values), -1, dtype=np.int64)
        if not len(self.keys):
            return out
        slot = self._home(values)
        active = np.arange(len(values))
        for _ in range(self._probes):
            position = self._slot_position[slot]
            hit = (position >= 0) & (self._slot_key[slot] == values[active])
            out[active[hit]] = position[hit]
            going_on = (position >= 0) & ~hit   # an empty slot ends the search
            active, slot = active[going_on], (slot[going_on] + 1) & (len(self._slot_position) - 1)
            if not len(active):
                break
        return out
