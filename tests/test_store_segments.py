"""Retrieval of a code's segments (coder.store.segments), on a real project file."""

from __future__ import annotations

import pytest
from tui_project import make_project

from coder.coding import toggle_code
from coder.store import open_project
from coder.store.codings import import_codings
from coder.store.responses import get_response, insert_responses
from coder.store.segments import TEXT_CHARS, code_segments, count_segments


@pytest.fixture
def db(tmp_path):
    conn = open_project(make_project(tmp_path / "s.coder", n=12))
    yield conn
    conn.close()


def test_spans_and_whole_responses_in_project_order(db):
    toggle_code(db, "q0005", "caseload", "alice")
    toggle_code(db, "q0002", "caseload", "alice", start=4, end=10)
    toggle_code(db, "q0002", "caseload", "bob")
    toggle_code(db, "q0003", "paperwork", "alice")   # another code: not listed
    segments = code_segments(db, "caseload")
    assert [(s.response_id, s.coder, s.start, s.end) for s in segments] == [
        ("q0002", "bob", None, None), ("q0002", "alice", 4, 10), ("q0005", "alice", None, None)]
    text = get_response(db, "q0002").text
    assert segments[1].text == text[4:10] and not segments[1].shortened
    assert segments[0].text == text
    assert count_segments(db, "caseload") == 3 and count_segments(db, "caseload", "alice") == 2
    assert [s.response_id for s in code_segments(db, "caseload", "bob")] == ["q0002"]
    assert count_segments(db, "staffing") == 0 and code_segments(db, "staffing") == []


def test_pages_and_long_texts(db):
    insert_responses(db, [("long", "é" * (TEXT_CHARS + 5) + " end", {})])
    toggle_code(db, "long", "staffing", "alice")
    toggle_code(db, "long", "staffing", "alice", start=TEXT_CHARS + 1, end=TEXT_CHARS + 8)
    whole, span = code_segments(db, "staffing")
    # Offsets count code points (é is two bytes): the span is the last four é, a space, "en".
    assert (whole.text, whole.shortened) == ("é" * TEXT_CHARS, True)
    assert span.text == "éééé en" and not span.shortened

    import_codings(db, [(f"q{n:04d}", "time_pressure") for n in range(1, 13)], "alice")
    first = code_segments(db, "time_pressure", limit=5)
    last = code_segments(db, "time_pressure", offset=10, limit=5)
    assert [s.response_id for s in first] == [f"q{n:04d}" for n in range(1, 6)]
    assert [s.response_id for s in last] == ["q0011", "q0012"]
