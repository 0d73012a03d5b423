"""Active learning: which uncoded responses are most worth coding next.

The engine learns most from responses it is least sure about, but the most
uncertain responses are often unsure about one code; interleaving them by the
code of their closest call keeps the queue varied. Importing this module loads no NLP or model code,
so the UI can order its list without the seconds that costs.
"""

from __future__ import annotations

import sqlite3
from typing import Sequence

from coder.store.suggestions import uncertain_uncoded


def diverse_order(candidates: Sequence[tuple[str, float, str | None]], n: int) -> list[str]:
    """Pick `n` response ids from (id, uncertainty, code) candidates, the code being the one the
    uncertainty is measured on.

    Takes rounds over the codes: each round, the most uncertain remaining
    response of every code, the rounds' picks ordered by uncertainty.
    """
    groups: dict[str | None, list[tuple[str, float]]] = {}
    for rid, unsure, code in sorted(candidates, key=lambda c: -c[1]):
        groups.setdefault(code, []).append((rid, unsure))
    order: list[str] = []
    depth = 0
    while len(order) < n and any(depth < len(g) for g in groups.values()):
        picks = sorted((g[depth] for g in groups.values() if depth < len(g)), key=lambda p: -p[1])
        order.extend(rid for rid, _ in picks)
        depth += 1
    return order[:n]


def coding_queue(conn: sqlite3.Connection, n: int, *, coder: str | None = None) -> list[str]:
    """The `n` uncoded responses most worth coding next, from the latest run's scores.

    Least certain first, interleaved across the codes they are unsure of so the
    queue is not all one code.
    """
    return diverse_order(uncertain_uncoded(conn, coder=coder, limit=max(n, 1) * 5), n)
