"""Active learning: which uncoded responses are most worth coding next.

The engine learns most from responses it is least sure about, but the most
uncertain responses often share one theme; interleaving them by their best
code keeps the queue varied.
"""

from __future__ import annotations

from typing import Sequence


def diverse_order(candidates: Sequence[tuple[str, float, str | None]], n: int) -> list[str]:
    """Pick `n` response ids from (id, uncertainty, best code) candidates.

    Takes rounds over the best codes: each round, the most uncertain remaining
    response of every code, the rounds' picks ordered by uncertainty.
    """
    groups: dict[str | None, list[tuple[str, float]]] = {}
    for rid, unsure, best in sorted(candidates, key=lambda c: -c[1]):
        groups.setdefault(best, []).append((rid, unsure))
    order: list[str] = []
    depth = 0
    while len(order) < n and any(depth < len(g) for g in groups.values()):
        picks = sorted((g[depth] for g in groups.values() if depth < len(g)), key=lambda p: -p[1])
        order.extend(rid for rid, _ in picks)
        depth += 1
    return order[:n]
