"""The notes service the coding screen calls: memos and chart summaries with drafts."""

from __future__ import annotations

import pytest
from tui_project import make_project

from coder.coding import accept_suggestions
from coder.errors import CoderError
from coder.history import History
from coder.notes import chart_note, discard_draft, draft_of, keep_draft, memo_note, read_note, save_note
from coder.store import open_project
from coder.store.codings import codings_for_response
from coder.store.drafts import draft_titles


@pytest.fixture
def db(tmp_path):
    conn = open_project(make_project(tmp_path / "n.coder", n=3))
    yield conn
    conn.close()


@pytest.mark.parametrize("note", [memo_note("response", "q0001"), memo_note("code", "caseload"),
                                  memo_note("project"), chart_note("q0001", "workload")])
def test_a_saved_note_drops_its_draft_and_undoes(db, note):
    keep_draft(db, note, "alice", "the title", "half typed")
    assert draft_of(db, note, "alice") == "half typed" and draft_titles(db, "alice") == ["the title"]
    save_note(db, note, "alice", "the whole note")
    assert read_note(db, note, "alice") == "the whole note"
    assert draft_of(db, note, "alice") is None and draft_titles(db, "alice") == []
    assert read_note(db, note, "bob") is None
    History(db, "alice").undo()
    assert read_note(db, note, "alice") is None


def test_a_note_that_cannot_be_saved_keeps_its_draft(db):
    note = memo_note("nothing", "x")
    keep_draft(db, note, "alice", "memo", "typed")
    with pytest.raises(CoderError):
        save_note(db, note, "alice", "typed")
    assert draft_of(db, note, "alice") == "typed"
    discard_draft(db, note, "alice")
    assert draft_of(db, note, "alice") is None


def test_accepting_several_suggestions_is_all_or_nothing(db):
    assert accept_suggestions(db, "q0001", ["caseload", "paperwork"], "alice") == 2
    assert accept_suggestions(db, "q0001", ["caseload"], "alice") == 0
    with pytest.raises(CoderError):
        accept_suggestions(db, "q0002", ["caseload", "no_such_code"], "alice")
    assert codings_for_response(db, "q0002", "alice") == []
    assert {c.origin for c in codings_for_response(db, "q0001", "alice")} == {"accepted"}
