"""The codebook in a project: loading, adding, editing, merging, retiring, all logged."""

from __future__ import annotations

import pytest

from coder.errors import CoderError
from coder.records import Code, Theme
from coder.store.code_merge import merge_codes
from coder.store.codebook import (add_code, add_theme, delete_unused_code, move_code,
                                  reorder_codes, reorder_themes, set_code_retired, set_theme_retired,
                                  update_code, update_theme)
from coder.store.codebook_read import codes_in_use, get_code, load_codebook, responses_per_code
from coder.store.codings import add_coding, codings_for_response
from coder.store.events import list_events
from coder.store.responses import insert_responses


@pytest.fixture
def small(conn):
    """A project with two themes, three codes and two responses."""
    add_theme(conn, Theme("work", "1", "Workload"), "alice")
    add_theme(conn, Theme("people", "2", "People"), "alice")
    add_code(conn, Code("caseload", "work", "1.1", "Caseload", keywords=("cases",)), "alice")
    add_code(conn, Code("hours", "work", "1.2", "Hours"), "alice")
    add_code(conn, Code("team", "people", "2.1", "Team"), "alice")
    insert_responses(conn, [("r1", "Too many cases.", {}), ("r2", "Long hours.", {})])
    return conn


def test_load_codebook_in_framework_order(small):
    book = load_codebook(small)
    assert [t.id for t in book.themes] == ["work", "people"]
    assert [c.id for c in book.codes] == ["caseload", "hours", "team"]
    assert book.codes[0].keywords == ("cases",)
    assert [c.position for c in book.codes_of("work")] == [0, 1]
    assert book.name == "study"


def test_add_is_logged_and_ids_are_unique(small):
    actions = [e.action for e in list_events(small)]
    assert actions.count("codebook.theme.add") == 2 and actions.count("codebook.code.add") == 3
    event = [e for e in list_events(small) if e.target == "caseload"][0]
    assert event.data["after"]["keywords"] == ["cases"]
    with pytest.raises(CoderError, match="already used"):
        add_code(small, Code("work", "people", "2.2", "Clash"), "alice")
    with pytest.raises(CoderError, match="no theme"):
        add_code(small, Code("new", "nowhere", "9.1", "New"), "alice")


def test_update_code_logs_changed_fields_only(small):
    code = update_code(small, "caseload", "bob", label="Caseloads", keywords=["cases", "caseload"],
                       definition="")
    assert code.label == "Caseloads" and get_code(small, "caseload").keywords == ("cases", "caseload")
    event = list_events(small, newest_first=True, limit=1)[0]
    assert event.action == "codebook.code.update" and event.coder == "bob"
    assert event.data == {"before": {"label": "Caseload", "keywords": ["cases"]},
                          "after": {"label": "Caseloads", "keywords": ["cases", "caseload"]}}
    with pytest.raises(CoderError, match="cannot change"):
        update_code(small, "caseload", "bob", theme_id="people")
    with pytest.raises(CoderError, match="label cannot be empty"):
        update_code(small, "caseload", "bob", label=" ")
    with pytest.raises(CoderError, match="not #RRGGBB"):
        update_code(small, "caseload", "bob", color="red")
    assert update_code(small, "caseload", "bob", color="#abc").color == "#aabbcc"   # #RGB kept as given broke F2
    assert update_code(small, "caseload", "bob", color=None).color is None
    assert update_theme(small, "work", "bob", label="Work").label == "Work"


def test_move_code_to_another_theme_at_a_position(small):
    move_code(small, "hours", "people", "alice", position=0)
    book = load_codebook(small)
    assert [c.id for c in book.codes_of("people")] == ["hours", "team"]
    assert [c.id for c in book.codes_of("work")] == ["caseload"]
    event = list_events(small, newest_first=True, limit=1)[0]
    assert event.data == {"before": {"theme_id": "work", "position": 1},
                          "after": {"theme_id": "people", "position": 0}}


def test_merge_moves_codings_drops_duplicates_and_retires(small):
    add_coding(small, "r1", "caseload", "alice")
    add_coding(small, "r1", "hours", "alice")
    add_coding(small, "r2", "hours", "alice")
    add_coding(small, "r2", "hours", "bob", start=0, end=4)
    result = merge_codes(small, "hours", "caseload", "alice")
    assert result == {"moved": 2, "dropped": 1}
    assert {c.code_id for c in codings_for_response(small, "r2")} == {"caseload"}
    assert len(codings_for_response(small, "r1")) == 1
    assert get_code(small, "hours").retired
    event = list_events(small, newest_first=True, limit=1)[0]
    assert event.action == "codebook.code.merge" and len(event.data["dropped"]) == 1
    assert codes_in_use(small) == {"caseload"}
    assert responses_per_code(small) == {"caseload": 2}


def test_retire_and_unretire_code_and_theme(small):
    assert set_code_retired(small, "team", True, "alice").retired
    assert set_code_retired(small, "team", True, "alice").retired  # no-op, no event
    assert not set_code_retired(small, "team", False, "alice").retired
    actions = [e.action for e in list_events(small) if e.target == "team"]
    assert actions == ["codebook.code.add", "codebook.code.retire", "codebook.code.unretire"]
    assert set_theme_retired(small, "people", True, "alice").retired
    assert load_codebook(small).themes[1].retired


def test_codes_in_use_are_never_deleted(small):
    add_coding(small, "r1", "caseload", "alice")
    with pytest.raises(CoderError, match="retire it instead"):
        delete_unused_code(small, "caseload", "alice")
    delete_unused_code(small, "team", "alice")
    assert get_code(small, "team") is None
    assert list_events(small, newest_first=True, limit=1)[0].action == "codebook.code.delete"


def test_reorder_codes_and_themes_logs_before_and_after(small):
    assert reorder_codes(small, "work", ["hours", "team"], "alice") == ["hours", "caseload"]
    assert [c.id for c in load_codebook(small).codes_of("work")] == ["hours", "caseload"]
    event = list_events(small, newest_first=True, limit=1)[0]
    assert (event.action, event.target) == ("codebook.code.reorder", "work")
    assert event.data == {"before": ["caseload", "hours"], "after": ["hours", "caseload"]}
    before = len(list_events(small))
    reorder_codes(small, "work", ["hours"], "alice")  # unchanged: nothing logged
    assert len(list_events(small)) == before
    assert reorder_themes(small, ["people"], "alice") == ["people", "work"]
    assert [t.id for t in load_codebook(small).themes] == ["people", "work"]
