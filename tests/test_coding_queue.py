"""The coding queue (coder.suggest.queue) read from a real project: one queue for the CLI and the UI,
whatever its length, and rejections settle the call a response was queued for."""

from __future__ import annotations

import pytest
from tui_project import make_project, write_run

from coder.coding import reject_suggestion
from coder.history import History
from coder.store import open_project
from coder.store.codings import add_coding
from coder.suggest.queue import QueuedResponse, coding_queue, diverse_order


@pytest.fixture
def conn(tmp_path):
    """Responses scored by one run: twelve unsure of caseload, then one less unsure of paperwork,
    and one with no code scored."""
    path = make_project(tmp_path / "q.coder", n=14)
    scored = [(f"q{i:04d}", 0.99 - i / 100, "caseload", 0.6, "caseload", 0.52, 0.5) for i in range(1, 13)]
    scored += [("q0013", 0.4, "paperwork", 0.7, "paperwork", 0.3, 0.45), ("q0014", 0.0, None, 0.0, None, 0.0, 1.0)]
    write_run(path, [], scored=scored)
    conn = open_project(path)
    yield conn
    conn.close()


def ids(queue: list[QueuedResponse]) -> list[str]:
    return [queued.response_id for queued in queue]


def test_a_short_queue_is_the_start_of_a_long_one(conn):
    # Taking the 5n most uncertain responses first left paperwork's one response out of short
    # queues, so `coder suggest --queue 2` and the screen's queue of 2,000 disagreed from place 2.
    full = ids(coding_queue(conn, 2000))
    assert full == ["q0001", "q0002", "q0013"] + [f"q{i:04d}" for i in range(3, 13)] + ["q0014"]
    for n in range(len(full) + 1):
        assert ids(coding_queue(conn, n)) == full[:n]


def test_each_queued_response_names_its_call(conn):
    first, _, paperwork = coding_queue(conn, 3)
    assert (first.code_id, first.score, first.threshold, first.call) == ("caseload", 0.52, 0.5, "0.520 ≥ 0.500")
    assert (paperwork.code_id, paperwork.clears, paperwork.call) == ("paperwork", False, "0.300 < 0.450")
    assert QueuedResponse("x", 0.9, "c", 0.29362, 0.29408).call == "0.2936 < 0.2941"   # never "0.294 < 0.294"
    assert QueuedResponse("x", 0.875, "c", None, None).call == "unsure 0.88"   # a run that kept no score


def test_a_rejected_call_leaves_the_queue_and_comes_back_when_the_rejection_is_undone(conn):
    reject_suggestion(conn, "q0001", "caseload", "me")      # the code it is queued for
    reject_suggestion(conn, "q0002", "paperwork", "me")     # another code: its call is still open
    add_coding(conn, "q0003", "staffing", "ann")
    rest = [f"q{i:04d}" for i in range(4, 13)] + ["q0014"]
    assert ids(coding_queue(conn, 20, coder="me")) == ["q0002", "q0003", "q0013"] + rest
    assert ids(coding_queue(conn, 20, coder="ann")) == ["q0001", "q0002", "q0013"] + rest
    assert ids(coding_queue(conn, 20)) == ["q0002", "q0004", "q0013"] + rest[1:]   # anyone's rejection, coding
    history = History(conn, "me")
    history.undo()   # the paperwork rejection, then the caseload one
    history.undo()
    assert ids(coding_queue(conn, 20, coder="me"))[:3] == ["q0001", "q0002", "q0013"]


def test_a_response_far_from_every_threshold_waits_behind_close_calls(tmp_path):
    # Taking every code's closest call in turn put a lone 0.006-against-0.277 call 20th of a queue
    # of 20 on 150,000 responses, ahead of thousands of calls on a threshold.
    close = ["caseload", "staffing", "time_pressure", "paperwork"]
    path = make_project(tmp_path / "far.coder", n=300)
    scored = [(f"q{i:04d}", 0.999 - i / 10000, close[i % 4], 0.5, close[i % 4], 0.5, 0.5) for i in range(1, 300)]
    scored.append(("q0300", 0.02, "it_systems", 0.3, "it_systems", 0.006, 0.277))
    write_run(path, [], scored=scored)
    conn = open_project(path)
    queue = ids(coding_queue(conn, 300))
    assert queue.index("q0300") > 150   # behind each code's 40 closest calls at least
    assert [int(rid[1:]) % 4 for rid in queue[:4]] == [1, 2, 3, 0]   # still one of each code first
    for n in (1, 4, 64, 65, 299):    # whatever depth it reads each code to
        assert ids(coding_queue(conn, n)) == queue[:n]
    conn.close()


def test_ties_keep_the_order_they_came_in():
    candidates = [("a", 0.5, "x"), ("b", 0.5, "y"), ("c", 0.5, "x"), ("d", 0.5, "z")]
    assert diverse_order(candidates, 4) == ["a", "b", "d", "c"]
