"""Active learning: which uncoded responses are most worth coding next.

The engine learns most from responses it is least sure about, but the most
uncertain responses are often unsure about one code; interleaving them by the
code of their closest call keeps the queue varied. `coder suggest --queue` and the
coding screen's "most uncertain first" both list `coding_queue`, so they agree.
Importing this module loads no NLP or model code, so the UI can order its list
without the seconds that costs.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Sequence

from coder.store.suggestions import queue_candidates


@dataclass(frozen=True)
class QueuedResponse:
    """A response in the queue and the call it is queued for: the code whose score sits closest to
    that code's threshold, as the latest run scored it."""

    response_id: str
    uncertainty: float         # 1 with the score on the threshold, 0 far from it
    code_id: str | None        # None where the run scored no code
    score: float | None        # the code's score and threshold; None from a run that did not keep them
    threshold: float | None

    @property
    def clears(self) -> bool:
        """Whether the score reaches the threshold, as `decide` compares them (not as rounded for print)."""
        return self.score is not None and self.threshold is not None and self.score >= self.threshold

    @property
    def call(self) -> str:
        """How close the call is, in a few cells: "0.295 ≥ 0.294" (score against threshold, with a
        digit more while the two would print alike), or the uncertainty ("unsure 0.98") where the
        run kept no score."""
        if self.score is None or self.threshold is None:
            return f"unsure {self.uncertainty:.2f}"
        digits = 3
        while digits < 6 and f"{self.score:.{digits}f}" == f"{self.threshold:.{digits}f}":
            digits += 1
        return f"{self.score:.{digits}f} {'≥' if self.clears else '<'} {self.threshold:.{digits}f}"


def diverse_order(candidates: Sequence[tuple[str, float, str | None]], n: int) -> list[str]:
    """Pick `n` response ids from (id, uncertainty, code) candidates, the code being the one the
    uncertainty is measured on; ties keep the candidates' order.

    Takes rounds over the codes: each round, the most uncertain remaining
    response of every code, the rounds' picks ordered by uncertainty. The
    first k picks are the same for any n >= k. They need only each code's d
    most uncertain candidates, for any d whose first d rounds hold k
    candidates or more: a candidate deeper in its code comes after them all.
    """
    groups: dict[str | None, list[tuple[float, int, str]]] = {}
    for rank, (rid, unsure, code) in enumerate(sorted(candidates, key=lambda c: -c[1])):
        groups.setdefault(code, []).append((-unsure, rank, rid))
    order: list[str] = []
    depth = 0
    while len(order) < n and any(depth < len(g) for g in groups.values()):
        order.extend(rid for _, _, rid in sorted(g[depth] for g in groups.values() if depth < len(g)))
        depth += 1
    return order[:n]


def coding_queue(conn: sqlite3.Connection, n: int, *, coder: str | None = None) -> list[QueuedResponse]:
    """The `n` uncoded responses most worth coding next, from the latest run's scores, each with the
    call it is queued for.

    Least certain first, interleaved across the codes they are unsure of so the
    queue is not all one code. A response coded by `coder` (by anyone, without
    one) is left out, and so is one whose call's code that coder (anyone) rejected on
    it. The first k of a longer queue are the queue of k.
    """
    # Each code's k most unsure settle the first k picks (see `diverse_order`), and fewer than n
    # settle the first n once there are n of them in all: a long queue over many codes reads a
    # few of each code, not n.
    depth = min(max(n, 0), 64)
    candidates = queue_candidates(conn, coder=coder, per_code=depth)
    while len(candidates) < n and depth < n:
        depth = min(n, depth * 4)
        candidates = queue_candidates(conn, coder=coder, per_code=depth)
    by_id = {row[0]: QueuedResponse(*row) for row in candidates}
    return [by_id[rid] for rid in diverse_order([row[:3] for row in candidates], n)]
