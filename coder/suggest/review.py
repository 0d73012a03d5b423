"""The review queue as `coder suggest --queue` lists it: each queued response with its closest call.

A response is queued because some code's score sits close to that code's threshold
(`coder.suggest.queue`); this adds its text and whether the run suggested that code
(a score over the threshold can still be left out where stronger codes carry the
response, `coder.suggest.decide`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from coder.store.responses import get_response
from coder.store.suggestions import suggestions_for_response
from coder.suggest.model import Suggester
from coder.suggest.queue import QueuedResponse, coding_queue


@dataclass(frozen=True)
class QueuedCall:
    """A response worth coding next, the call the engine is least sure of on it, and its text."""

    queued: QueuedResponse
    text: str                 # on one line
    suggested: bool           # the run stored the call's code as a suggestion for the response


NO_BASIS = "No basis for a queue yet: no code is scored (code some responses, or add keywords to the codebook)"


def no_queue(suggester: Suggester) -> str | None:
    """Why there is no queue to list, or None: the queue ranks responses by how close a code's score
    sits to its threshold, so without a code that an engine scores every response ties at nothing."""
    return None if any(m.engine != "none" for m in suggester.models) else NO_BASIS


def review_queue(conn: sqlite3.Connection, n: int, *, coder: str | None = None) -> list[QueuedCall]:
    """The `n` uncoded responses most worth coding next (`coding_queue`), each with its closest call
    as the latest run stored it."""
    return [QueuedCall(queued, " ".join(get_response(conn, queued.response_id).text.split()),
                       any(s.code_id == queued.code_id for s in suggestions_for_response(conn, queued.response_id)))
            for queued in coding_queue(conn, n, coder=coder)]
