"""The review queue as `coder suggest --queue` lists it: each queued response with its closest call.

A response is queued because some code's score sits close to that code's threshold
(`coder.suggest.queue`); this names that code, its score and threshold, and whether
the run suggested it (a score over the threshold can still be left out where
stronger codes carry the response, `coder.suggest.decide`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from coder.store.responses import get_response
from coder.store.suggestions import suggestions_for_response
from coder.suggest.model import Suggester
from coder.suggest.queue import coding_queue
from coder.suggest.scoring import closest_calls


@dataclass(frozen=True)
class QueuedCall:
    """A response worth coding next and the call the engine is least sure of on it."""

    response_id: str
    text: str                 # on one line
    code_id: str | None       # None where no code is scored
    score: float
    threshold: float
    suggested: bool           # the run stored this code as a suggestion for the response

    @property
    def clears(self) -> bool:
        """Whether the score reaches the threshold, as `decide` compares them (not as rounded for print)."""
        return self.score >= self.threshold


NO_BASIS = "No basis for a queue yet: no code is scored (code some responses, or add keywords to the codebook)"


def no_queue(suggester: Suggester) -> str | None:
    """Why there is no queue to list, or None: the queue ranks responses by how close a code's score
    sits to its threshold, so without a code that an engine scores every response ties at nothing."""
    return None if any(m.engine != "none" for m in suggester.models) else NO_BASIS


def review_queue(conn: sqlite3.Connection, suggester: Suggester, n: int, *,
                 coder: str | None = None) -> list[QueuedCall]:
    """The `n` uncoded responses most worth coding next (`coding_queue`), each with its closest call
    under `suggester` (the model of the run that scored them)."""
    ids = coding_queue(conn, n, coder=coder)
    texts = [" ".join(get_response(conn, rid).text.split()) for rid in ids]
    queued = []
    for rid, text, call in zip(ids, texts, closest_calls(suggester, texts)):
        code_id, score, threshold = call or (None, 0.0, 1.0)
        suggested = any(s.code_id == code_id for s in suggestions_for_response(conn, rid))
        queued.append(QueuedCall(rid, text, code_id, score, threshold, suggested))
    return queued
