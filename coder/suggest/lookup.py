"""Finding many values in a sorted array of keys at once."""

from __future__ import annotations

import numpy as np

FILTER_BITS = 16


class SortedLookup:
    """The position of each value among sorted unique keys, or -1.

    Most values looked up in a batch are not keys (most words are not
    keywords, most word pairs not known bigrams), so a bit table over the low
    bits of the keys rules them out with one gather before the binary search.
    """

    def __init__(self, keys: np.ndarray):
        self.keys = np.asarray(keys)
        self._low = (1 << FILTER_BITS) - 1
        self._maybe = np.zeros(1 << FILTER_BITS, dtype=bool)
        self._maybe[(self.keys & self._low).astype(np.int64)] = True

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, values: np.ndarray) -> np.ndarray:
        """For each value, its index in the keys, or -1 if it is not one."""
        values = np.asarray(values, dtype=self.keys.dtype)
        out = np.full(len(values), -1, dtype=np.int64)
        if not len(self.keys):
            return out
        maybe = np.flatnonzero(self._maybe[(values & self._low).astype(np.int64)])
        if len(maybe):
            position = np.minimum(np.searchsorted(self.keys, values[maybe]), len(self.keys) - 1)
            hit = self.keys[position] == values[maybe]
            out[maybe[hit]] = position[hit]
        return out
