"""Undo/redo over the event log, memos, charts, rejections and coding toggles."""

from __future__ import annotations

import pytest
from tui_project import make_project

from coder.coding import accept_suggestion, accept_suggestions, reject_suggestion, toggle_code
from coder.errors import CoderError
from coder.history import History, describe
from coder.store import open_project
from coder.store.charts import charts_for_response, get_chart, set_chart
from coder.store.codings import codings_for_response
from coder.store.events import list_events
from coder.store.memos import get_memo, memos_of, set_memo, with_memos
from coder.store.rejections import rejected_codes


@pytest.fixture
def db(tmp_path):
    conn = open_project(make_project(tmp_path / "h.coder", n=5))
    yield conn
    conn.close()


def _codes(conn, rid, coder="alice"):
    return sorted(((c.code_id, c.start, c.end) for c in codings_for_response(conn, rid, coder)),
                  key=lambda t: (t[0], -1 if t[1] is None else t[1]))


def test_toggle_applies_then_removes_and_logs(db):
    assert toggle_code(db, "q0001", "caseload", "alice") is True
    assert _codes(db, "q0001") == [("caseload", None, None)]
    assert toggle_code(db, "q0001", "caseload", "alice") is False
    assert _codes(db, "q0001") == []
    assert [e.action for e in list_events(db, coder="alice")] == ["coding.add", "coding.remove"]


def test_toggle_span_is_separate_from_whole(db):
    toggle_code(db, "q0001", "caseload", "alice")
    toggle_code(db, "q0001", "caseload", "alice", start=0, end=7)
    assert _codes(db, "q0001") == [("caseload", None, None), ("caseload", 0, 7)]


def test_toggle_rejects_bad_span_and_unknown_code(db):
    with pytest.raises(CoderError, match="outside"):
        toggle_code(db, "q0001", "caseload", "alice", start=0, end=100_000)
    with pytest.raises(CoderError, match="no code"):
        toggle_code(db, "q0001", "nope", "alice")
    assert _codes(db, "q0001") == [] and list_events(db, coder="alice") == []


def test_accepting_every_suggestion_is_one_step_to_undo_and_redo(db):
    toggle_code(db, "q0001", "caseload", "alice")
    accept_suggestions(db, "q0002", ["staffing", "caseload", "staffing"], "alice")
    accept_suggestions(db, "q0003", ["staffing"], "alice")               # one code: a step of its own
    accept_suggestions(db, "q0004", ["caseload", "staffing"], "alice")
    accept_suggestions(db, "q0004", ["caseload", "staffing"], "alice")   # both there already: no step
    history = History(db, "alice")
    undone = history.undo()
    assert describe(undone) == "removed caseload and staffing from q0004" and _codes(db, "q0004") == []
    assert describe(history.undo()) == "removed staffing from q0003"
    assert describe(history.undo()) == "removed staffing and caseload from q0002" and _codes(db, "q0002") == []
    assert _codes(db, "q0001") == [("caseload", None, None)]   # the change before the step stays
    assert describe(history.redo()) == "applied staffing and caseload to q0002"
    assert _codes(db, "q0002") == [("caseload", None, None), ("staffing", None, None)]
    assert describe(History(db, "alice").undo()) == "removed staffing and caseload from q0002"   # from the log
    assert _codes(db, "q0002") == [] and _codes(db, "q0001") == [("caseload", None, None)]


def test_undo_redo_codings(db):
    toggle_code(db, "q0001", "caseload", "alice")
    toggle_code(db, "q0002", "staffing", "alice")
    history = History(db, "alice")
    undone = history.undo()
    assert undone.undoes is not None and describe(undone) == "removed staffing from q0002"
    assert describe(undone, {"staffing": "1.2 Staff shortages"}) == "removed 1.2 Staff shortages from q0002"
    assert _codes(db, "q0002") == []
    history.undo()
    assert _codes(db, "q0001") == []
    assert history.undo() is None
    history.redo()
    assert _codes(db, "q0001") == [("caseload", None, None)]
    history.redo()
    assert _codes(db, "q0002") == [("staffing", None, None)]
    assert history.redo() is None


def test_new_change_clears_redo(db):
    toggle_code(db, "q0001", "caseload", "alice")
    history = History(db, "alice")
    history.undo()
    toggle_code(db, "q0003", "paperwork", "alice")
    assert not history.can_redo
    assert history.can_undo


def test_undo_is_per_coder(db):
    toggle_code(db, "q0001", "caseload", "alice")
    toggle_code(db, "q0001", "caseload", "bob")
    History(db, "bob").undo()
    assert _codes(db, "q0001", "alice") == [("caseload", None, None)]
    assert _codes(db, "q0001", "bob") == []


def test_undo_redo_across_reopening(tmp_path):
    path = make_project(tmp_path / "r.coder", n=3)
    conn = open_project(path)
    toggle_code(conn, "q0001", "caseload", "alice")
    toggle_code(conn, "q0001", "staffing", "alice")
    History(conn, "alice").undo()
    conn.close()
    conn = open_project(path)
    history = History(conn, "alice")
    history.redo()
    assert _codes(conn, "q0001") == [("caseload", None, None), ("staffing", None, None)]
    history.undo()
    history.undo()
    assert _codes(conn, "q0001") == []
    conn.close()


def test_undo_restores_origin_of_accepted_coding(db):
    assert accept_suggestion(db, "q0001", "caseload", "alice")
    history = History(db, "alice")
    history.undo()
    history.redo()
    (coding,) = codings_for_response(db, "q0001", "alice")
    assert coding.origin == "accepted"


def test_memo_set_clear_and_undo(db):
    assert set_memo(db, "response", "q0001", "alice", "interesting") is True
    assert set_memo(db, "response", "q0001", "alice", "interesting") is False
    set_memo(db, "response", "q0001", "alice", "more so")
    assert get_memo(db, "response", "q0001", "alice") == "more so"
    assert with_memos(db, "response", ["q0001", "q0002"]) == {"q0001"}
    assert memos_of(db, "response") == {"q0001": "[alice] more so"}
    history = History(db, "alice")
    history.undo()
    assert get_memo(db, "response", "q0001", "alice") == "interesting"
    history.undo()
    assert get_memo(db, "response", "q0001", "alice") is None
    history.redo()
    assert get_memo(db, "response", "q0001", "alice") == "interesting"
    set_memo(db, "response", "q0001", "alice", "  ")
    assert get_memo(db, "response", "q0001", "alice") is None


def test_memo_rejects_unknown_target(db):
    with pytest.raises(CoderError, match="memo target"):
        set_memo(db, "planet", "x", "alice", "hi")


def test_chart_set_and_undo(db):
    set_chart(db, "q0001", "workload", "alice", "overnight crisis check")
    assert charts_for_response(db, "q0001", "alice") == {"workload": "overnight crisis check"}
    History(db, "alice").undo()
    assert get_chart(db, "q0001", "workload", "alice") is None


def test_reject_and_undo(db):
    assert reject_suggestion(db, "q0001", "caseload", "alice") is True
    assert reject_suggestion(db, "q0001", "caseload", "alice") is False
    assert rejected_codes(db, "q0001", "alice") == {"caseload"}
    assert rejected_codes(db, "q0001", "bob") == set()
    history = History(db, "alice")
    history.undo()
    assert rejected_codes(db, "q0001", "alice") == set()
    history.redo()
    assert rejected_codes(db, "q0001", "alice") == {"caseload"}


def test_history_sees_another_connection(tmp_path):
    path = make_project(tmp_path / "two.coder", n=3)
    ui, other = open_project(path), open_project(path)
    history = History(ui, "alice")
    assert not history.can_undo
    toggle_code(other, "q0002", "paperwork", "alice")
    history.undo()
    assert _codes(ui, "q0002") == []
    ui.close()
    other.close()


def test_undo_redo_codebook_edits(db):
    from coder.store.codebook import move_code, set_code_retired, update_code
    from coder.store.codebook_read import get_code

    update_code(db, "caseload", "alice", label="Caseloads", keywords=["caseload"])
    move_code(db, "paperwork", "workload", "alice")
    set_code_retired(db, "staffing", True, "alice")
    history = History(db, "alice")
    assert describe(history.undo()) == "restored code staffing"   # what the undo did, in words
    assert not get_code(db, "staffing").retired
    history.undo()
    assert get_code(db, "paperwork").theme_id == "recording"
    history.undo()
    code = get_code(db, "caseload")
    assert code.label == "Caseload size" and code.keywords == ("caseload", "cases")
    assert history.undo() is None
    history.redo()
    assert get_code(db, "caseload").label == "Caseloads"
    history.redo()
    assert get_code(db, "paperwork").theme_id == "workload"
    # A fresh replay (another session) agrees on what comes next.
    again = History(db, "alice")
    again.redo()
    assert get_code(db, "staffing").retired
    assert again.redo() is None
    again.undo()
    assert not get_code(db, "staffing").retired


def test_undo_code_add_and_mixed_with_codings(db):
    from coder.records import Code
    from coder.store.codebook import add_code
    from coder.store.codebook_read import get_code

    add_code(db, Code("morale", "workload", "1.4", "Morale"), "alice")
    toggle_code(db, "q0001", "caseload", "alice")
    history = History(db, "alice")
    history.undo()
    assert _codes(db, "q0001") == []
    history.undo()
    assert get_code(db, "morale") is None
    history.redo()
    assert get_code(db, "morale").label == "Morale"
    history.redo()
    assert _codes(db, "q0001") == [("caseload", None, None)]


def test_every_logged_action_is_a_named_action(db):
    from coder.store.codebook import set_code_retired, update_code
    from coder.store.events import Action

    toggle_code(db, "q0001", "caseload", "alice")
    set_memo(db, "code", "caseload", "alice", "a memo")
    set_chart(db, "q0001", "workload", "alice", "a summary")
    reject_suggestion(db, "q0002", "paperwork", "alice")
    update_code(db, "caseload", "alice", label="Caseloads")
    set_code_retired(db, "staffing", True, "alice")
    history = History(db, "alice")
    history.undo()
    history.undo()
    history.redo()
    actions = [event.action for event in list_events(db)]
    assert len(actions) >= 9
    assert all(action in set(Action) for action in actions), actions
    assert {Action.HISTORY_CODEBOOK, Action.CODE_UNRETIRE, Action.SUGGESTION_REJECT} <= set(actions)


def test_undoing_a_delete_says_the_code_is_back(db):
    """After undoing a delete the note read "Undo: codebook code add ...", the store's action name."""
    from coder.records import Code
    from coder.store.codebook import add_code, delete_unused_code

    add_code(db, Code("spare", "workload", "1.9", "Spare"), "alice")
    delete_unused_code(db, "spare", "alice")
    history = History(db, "alice")
    assert describe(history.undo(), {"spare": "1.9 Spare"}) == "added code 1.9 Spare"
    assert describe(history.redo(), {"spare": "1.9 Spare"}) == "deleted code 1.9 Spare"


def test_a_merge_of_two_codes_is_one_undo_and_one_redo(db):
    """`u` right after merging two codes (F2's g) undid an older edit instead, without saying so."""
    from coder.store.code_merge import merge_codes
    from coder.store.codebook_read import get_code

    toggle_code(db, "q0001", "caseload", "alice")
    toggle_code(db, "q0001", "paperwork", "alice")
    toggle_code(db, "q0002", "paperwork", "alice")
    toggle_code(db, "q0003", "paperwork", "bob", start=0, end=4)
    before = {(rid, coder): _codes(db, rid, coder) for rid in ("q0001", "q0002", "q0003") for coder in ("alice", "bob")}
    merge_codes(db, "paperwork", "caseload", "alice")
    assert _codes(db, "q0001") == [("caseload", None, None)]    # the duplicate was dropped
    history = History(db, "alice")
    names = {"paperwork": "1.2 Paperwork", "caseload": "1.1 Caseload"}
    assert describe(history.undo(), names) == "took code 1.2 Paperwork back out of 1.1 Caseload"
    assert {key: _codes(db, *key) for key in before} == before    # the older edits stand
    assert not get_code(db, "paperwork").retired
    assert describe(history.redo(), names) == "merged code 1.2 Paperwork into 1.1 Caseload"
    assert get_code(db, "paperwork").retired
    assert _codes(db, "q0003", "bob") == [("caseload", 0, 4)]
    # Another session's replay takes the same step back.
    History(db, "alice").undo()
    assert {key: _codes(db, *key) for key in before} == before


def test_undoing_a_merge_leaves_codings_changed_since(db):
    from coder.store.code_merge import merge_codes

    toggle_code(db, "q0002", "paperwork", "alice")
    toggle_code(db, "q0004", "paperwork", "bob")
    merge_codes(db, "paperwork", "caseload", "alice")
    toggle_code(db, "q0004", "caseload", "bob")     # bob takes the moved coding off
    History(db, "alice").undo()
    assert _codes(db, "q0002") == [("paperwork", None, None)]
    assert _codes(db, "q0004", "bob") == []


def test_a_merge_undone_after_a_coding_was_taken_off_and_put_back_still_gives_it_back(db):
    """The coding put back by undo had a new id, not on the merge's list: it stayed on the target."""
    from coder.store.code_merge import merge_codes

    toggle_code(db, "q0001", "paperwork", "alice")
    merge_codes(db, "paperwork", "caseload", "alice")
    toggle_code(db, "q0005", "staffing", "alice")      # a later coding holds the highest id
    toggle_code(db, "q0001", "caseload", "alice")      # taken off ...
    history = History(db, "alice")
    history.undo()                                     # ... and put back, under a new id
    history.undo()
    history.undo()                                     # the merge
    assert _codes(db, "q0001") == [("paperwork", None, None)]


def test_merge_undo_redo_undo_reverses_what_each_step_did(db):
    """The second undo reused the first merge's lists: a coding added in between stayed merged,
    and one the redo dropped as a duplicate was lost."""
    from coder.store.code_merge import merge_codes

    toggle_code(db, "q0001", "paperwork", "alice")
    merge_codes(db, "paperwork", "caseload", "alice")
    history = History(db, "alice")
    history.undo()
    toggle_code(db, "q0002", "paperwork", "bob")       # new since the first merge
    toggle_code(db, "q0003", "paperwork", "bob")
    toggle_code(db, "q0003", "caseload", "bob")        # the redo drops bob's paperwork here as a duplicate
    history.redo()
    assert _codes(db, "q0003", "bob") == [("caseload", None, None)]
    history.undo()
    assert _codes(db, "q0001") == [("paperwork", None, None)]
    assert _codes(db, "q0002", "bob") == [("paperwork", None, None)]
    assert _codes(db, "q0003", "bob") == [("caseload", None, None), ("paperwork", None, None)]


def test_a_code_with_sub_codes_cannot_be_merged_away(db):
    from coder.records import Code
    from coder.store.codebook import add_code
    from coder.store.code_merge import merge_codes

    add_code(db, Code("forms", "recording", "2.1.1", "Forms", parent_id="paperwork"), "alice")
    with pytest.raises(CoderError, match="has sub-codes: move or merge them first"):
        merge_codes(db, "paperwork", "caseload", "alice")
