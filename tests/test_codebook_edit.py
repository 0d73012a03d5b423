"""Editing the codebook from labels: ids and indexes chosen for the user, changes logged."""

from __future__ import annotations

import pytest

from coder.codebook.edit import move_code_to_theme, new_code, new_theme, next_code_index, next_theme_index
from coder.errors import CoderError
from coder.records import Code, Codebook, Theme
from coder.store import open_project
from coder.store.codebook import update_code
from coder.store.codebook_read import load_codebook
from coder.store.events import list_events


@pytest.fixture
def framework(codebook_project):
    conn = open_project(codebook_project)
    yield conn
    conn.close()


def test_new_code_gets_an_id_from_its_label_and_the_next_index(framework):
    code = new_code(framework, "workload", "Caseload size and allocation", "alice",
                    keywords=["cases"], definition="d")
    assert (code.id, code.index, code.theme_id) == ("caseload_size_and_allocation", "1.4", "workload")
    assert code.keywords == ("cases",) and code.position == 3
    again = new_code(framework, "workload", "Caseload size and allocation", "alice")
    assert (again.id, again.index) == ("caseload_size_and_allocation_2", "1.5")
    assert [e.action for e in list_events(framework)][-2:] == ["codebook.code.add"] * 2


def test_new_theme_at_the_end(framework):
    theme = new_theme(framework, "Covid-19 & remote work", "alice", description="new")
    assert (theme.id, theme.index, theme.position) == ("covid_19_remote_work", "7", 6)
    code = new_code(framework, theme.id, "Working from home", "alice")
    assert code.index == "7.1"
    assert load_codebook(framework).codes[-1].id == "working_from_home"


def test_bad_edits_are_refused(framework):
    with pytest.raises(CoderError, match="no theme"):
        new_code(framework, "nowhere", "X", "alice")
    with pytest.raises(CoderError, match="needs a label"):
        new_code(framework, "workload", "  ", "alice")
    with pytest.raises(CoderError, match="already used"):
        new_code(framework, "workload", "X", "alice", id="stress")
    with pytest.raises(CoderError, match="without spaces"):
        new_theme(framework, "X", "alice", id="two words")


def test_next_indexes_skip_non_numeric_ones():
    book = Codebook("b", (Theme("a", "A", "A"), Theme("b", "3", "B")),
                    (Code("x", "b", "3.2", "X"), Code("y", "b", "3.x", "Y"), Code("z", "a", "A.1", "Z")))
    assert next_theme_index(book) == "4"
    assert next_code_index(book, "b") == "3.3" and next_code_index(book, "a") == "A.2"


def test_moving_a_code_renumbers_an_index_that_followed_its_old_theme(framework):
    conn = framework
    codebook = load_codebook(conn)
    code = next(c for c in codebook.codes if c.index.startswith("1."))
    target = next(t for t in codebook.themes if t.id != code.theme_id)
    taken = [c.index for c in codebook.codes if c.theme_id == target.id]
    moved = move_code_to_theme(conn, code.id, target.id, "alice")
    assert moved.theme_id == target.id and moved.index == f"{target.index}.{len(taken) + 1}"
    other = next(c for c in load_codebook(conn).codes if c.theme_id == code.theme_id)
    update_code(conn, other.id, "alice", index="A")
    assert move_code_to_theme(conn, other.id, target.id, "alice").index == "A"   # the researcher's own
    # a move with its renumbering is one change; the researcher's own index update is another
    assert [e.action for e in list_events(conn)][-3:] == ["codebook.code.move", "codebook.code.update",
                                                          "codebook.code.move"]


def test_one_undo_takes_a_move_back_with_its_new_index_and_one_redo_makes_it_again(framework):
    """The move and its renumbering were two changes: the first undo left the code in its new theme
    with its old index (6.6 under theme 7), and a second undo was needed."""
    from coder.history import History

    conn = framework
    code = next(c for c in load_codebook(conn).codes if c.index.startswith("1."))
    target = next(t for t in load_codebook(conn).themes if t.id != code.theme_id)
    moved = move_code_to_theme(conn, code.id, target.id, "alice")
    history = History(conn, "alice")
    history.undo()
    back = next(c for c in load_codebook(conn).codes if c.id == code.id)
    assert (back.theme_id, back.index, back.position, back.parent_id) == (code.theme_id, code.index,
                                                                          code.position, code.parent_id)
    history.redo()
    again = next(c for c in load_codebook(conn).codes if c.id == code.id)
    assert (again.theme_id, again.index) == (moved.theme_id, moved.index)


def test_a_new_code_takes_a_free_key_and_no_other_key_moves(framework):
    from coder.codebook.edit import settle_keys
    from coder.codebook.keys import assign_keys

    before = assign_keys(settle_keys(framework))
    first_theme = load_codebook(framework).themes[0]
    added = new_code(framework, first_theme.id, "Brand new code", "alice")   # lands mid-framework
    after = assign_keys(settle_keys(framework))
    assert {k: v for k, v in after.items() if v != added.id} == before
    assert after.get(next(k for k, v in after.items() if v == added.id)) == added.id
    stored = {c.id: c.key for c in load_codebook(framework).codes}
    assert all(stored[code_id] == key for key, code_id in after.items())
    assert settle_keys(framework) == load_codebook(framework)   # nothing left to settle


def test_a_retired_code_keeps_its_key_for_when_it_comes_back(framework):
    from coder.codebook.edit import settle_keys
    from coder.codebook.keys import assign_keys
    from coder.store.codebook import set_code_retired

    keys = assign_keys(settle_keys(framework))
    key, code_id = next(iter(keys.items()))
    set_code_retired(framework, code_id, True, "alice")
    first_theme = load_codebook(framework).themes[0]
    added = new_code(framework, first_theme.id, "Another code", "alice")
    assert assign_keys(settle_keys(framework)).get(key) is None
    set_code_retired(framework, code_id, False, "alice")
    again = assign_keys(settle_keys(framework))
    assert again[key] == code_id and added.id in again.values()
