"""Active learning: which uncoded responses are most worth coding next.

The engine learns most from responses it is least sure about, but the most
uncertain responses are often unsure about one code; spreading them over the
codes of their closest calls keeps the queue varied. `coder suggest --queue` and the
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


def _ranked(candidates: Sequence[tuple[str, float, str | None]]) -> list[tuple[float, int, str]]:
    """(-priority, rank, id) of every candidate, best first: a code's k-th most uncertain candidate
    counts its uncertainty / k, and ties keep the candidates' order."""
    taken: dict[str | None, int] = {}
    keyed = []
    for rank, (rid, unsure, code) in enumerate(sorted(candidates, key=lambda c: -c[1])):
        taken[code] = taken.get(code, 0) + 1
        keyed.append((-unsure / taken[code], rank, rid))
    return sorted(keyed)


def diverse_order(candidates: Sequence[tuple[str, float, str | None]], n: int) -> list[str]:
    """Pick `n` response ids from (id, uncertainty, code) candidates, the code being the one the
    uncertainty is measured on.

    A code's k-th most uncertain response ranks by its uncertainty / k, so a
    code that has had picks yields to the close calls of others, yet a
    response far from every threshold does not jump a queue of close calls
    just by being the only one of its code. The first k picks are the same
    for any n >= k.
    """
    return [rid for _, _, rid in _ranked(candidates)[:max(n, 0)]]


def _settled(candidates: Sequence[tuple[str, float, str | None]], n: int, per_code: int) -> bool:
    """Whether the first `n` picks from `candidates`, read at most `per_code` of each code (the most
    uncertain), are those from all of them: a code cut short could add a candidate worth at most its
    last one's uncertainty / (per_code + 1), which must rank under the n-th pick."""
    read: dict[str | None, list[float]] = {}
    for _, unsure, code in candidates:
        read.setdefault(code, []).append(unsure)
    cut_short = [min(unsures) / (per_code + 1) for unsures in read.values() if len(unsures) >= per_code]
    if not cut_short:
        return True
    ranked = _ranked(candidates)
    return len(ranked) >= n and -ranked[n - 1][0] > max(cut_short)


def coding_queue(conn: sqlite3.Connection, n: int, *, coder: str | None = None) -> list[QueuedResponse]:
    """The `n` uncoded responses most worth coding next, from the latest run's scores, each with the
    call it is queued for.

    Least certain first, spread across the codes they are unsure of so the
    queue is not all one code (`diverse_order`). A response coded by `coder`
    (by anyone, without one) is left out, and so is one whose call's code that
    coder (anyone) rejected on it. The first k of a longer queue are the queue of k.
    """
    if n <= 0:
        return []
    # No code gives more than n of the first n picks, and usually far fewer: read a few of each
    # code, and more only while a code cut short could still place one of its rest among them.
    depth = min(n, 64)
    candidates = queue_candidates(conn, coder=coder, per_code=depth)
    while depth < n and not _settled([row[:3] for row in candidates], n, depth):
        depth = min(n, depth * 4)
        candidates = queue_candidates(conn, coder=coder, per_code=depth)
    by_id = {row[0]: QueuedResponse(*row) for row in candidates}
    return [by_id[rid] for rid in diverse_order([row[:3] for row in candidates], n)]
