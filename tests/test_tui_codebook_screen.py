"""The codebook screen (F2) under Textual's pilot: every kind of edit lands in the
project and in the event log, bad input changes nothing, and the coding screen
follows the edits. Update the snapshots after an intended change with
`pytest tests/test_tui_codebook_screen.py --snapshot-update`.
"""

from __future__ import annotations

import asyncio

import pytest
from helpers import file_digest
from textual.widgets import TextArea
from tui_driver import running, screen_text
from tui_project import make_project

from coder.codebook.edit import settle_keys
from coder.coding import toggle_code
from coder.store import open_project
from coder.records import Code
from coder.store.codebook import add_code, set_code_retired, update_code
from coder.store.codebook_read import load_codebook
from coder.store.codings import list_codings
from coder.store.events import list_events
from coder.tui.app import CoderApp
from coder.tui.screens.codebook_forms import ChoiceDialog, RecordForm
from coder.tui.screens.codebook_screen import CodebookScreen
from coder.tui.screens.coding_screen import CodingScreen
from coder.tui.session import Session
from coder.tui.widgets.codebook_panel import CodebookPanel

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "codebook.coder", n=10)


def run(scenario):
    asyncio.run(scenario())


def read(path):
    """(codebook, codebook.* events) as stored in the project now."""
    conn = open_project(path)
    try:
        events = [e for e in list_events(conn) if e.action.startswith("codebook.") and e.coder == "alice"]
        return load_codebook(conn), events
    finally:
        conn.close()


def code(codebook, code_id):
    return next(c for c in codebook.codes if c.id == code_id)


async def open_codebook(app, pilot, at: str | None = None) -> CodebookScreen:
    """Open the codebook screen with the cursor on `at` (a code id or theme:<id>)."""
    await pilot.press("f2")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CodebookScreen)
    if at is not None:
        screen.tree.move_cursor_to_line(screen._order.index(at))
        await pilot.pause()
    return screen


async def fill(app, pilot, values: dict) -> None:
    """Replace the text of form fields (by name) in the open form."""
    form = app.screen
    assert isinstance(form, RecordForm)
    for name, value in values.items():
        editor = form.query_one(f"#field-{name}")
        if isinstance(editor, TextArea):
            editor.text = value
        else:
            editor.value = value
    await pilot.pause()


def test_add_a_theme_and_a_code(project):
    async def scenario():
        async with running(project) as (app, pilot, _):
            screen = await open_codebook(app, pilot)
            await pilot.press("t")
            await pilot.press(*"Wellbeing", "ctrl+s")
            await pilot.pause()
            assert screen.highlighted == "theme:wellbeing"
            await pilot.press("a")
            await fill(app, pilot, {"label": "Burnout", "definition": "Exhaustion from work.",
                                    "include": "feeling drained\nsick leave",
                                    "keywords": "burnout, exhausted"})
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert screen.highlighted == "burnout"
            assert "3.1 Burnout" in screen_text(app)
        codebook, events = read(project)
        added = code(codebook, "burnout")
        assert (added.theme_id, added.index, added.definition, added.include, added.keywords) == (
            "wellbeing", "3.1", "Exhaustion from work.", ("feeling drained", "sick leave"),
            ("burnout", "exhausted"))
        assert [t.label for t in codebook.themes][-1] == "Wellbeing"
        assert [(e.action, e.target) for e in events] == [("codebook.theme.add", "wellbeing"),
                                                          ("codebook.code.add", "burnout")]
    run(scenario)


def test_edit_every_field_of_a_code(project):
    async def scenario():
        async with running(project) as (app, pilot, _):
            await open_codebook(app, pilot, at="staffing")
            await pilot.press("e")
            await fill(app, pilot, {"label": "Staffing gaps", "index": "1.2a",
                                    "definition": "Posts unfilled.", "include": "vacancies",
                                    "exclude": "sickness\nleave", "keywords": "vacancy, agency staff",
                                    "color": "#1f77b4", "key": "z"})
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, RecordForm)
        codebook, events = read(project)
        edited = code(codebook, "staffing")
        assert (edited.label, edited.index, edited.definition, edited.include, edited.exclude,
                edited.keywords, edited.color, edited.key) == (
            "Staffing gaps", "1.2a", "Posts unfilled.", ("vacancies",), ("sickness", "leave"),
            ("vacancy", "agency staff"), "#1f77b4", "z")
        assert len(events) == 1 and events[0].action == "codebook.code.update"
        assert events[0].data["before"]["label"] == "Staff shortages"
        assert set(events[0].data["after"]) == {"label", "index", "definition", "include", "exclude",
                                                "keywords", "color", "key"}
    run(scenario)


def test_edit_a_theme(project):
    async def scenario():
        async with running(project) as (app, pilot, _):
            await open_codebook(app, pilot, at="theme:recording")
            await pilot.press("enter")  # enter edits too
            await fill(app, pilot, {"label": "Recording and IT", "description": "Systems."})
            await pilot.press("ctrl+s")
            await pilot.pause()
        codebook, events = read(project)
        theme = next(t for t in codebook.themes if t.id == "recording")
        assert (theme.label, theme.description) == ("Recording and IT", "Systems.")
        assert [e.action for e in events] == ["codebook.theme.update"]
    run(scenario)


BAD_EDITS = [({"color": "red"}, "is not #RRGGBB"),
             ({"label": ""}, "label cannot be empty"),
             ({"index": ""}, "index cannot be empty"),
             ({"key": "j"}, "taken by a command on the coding screen"),
             ({"key": "4"}, "already set for code 2.1 Paperwork burden"),
             ({"index": "1.2"}, "index '1.2' is taken by 1.2 Staff shortages")]   # saved, then refused by init


def test_a_colour_of_three_digits_opens_the_codebook_screen(project):
    """A code's "#0F0" (accepted from a .qdpx or a YAML codebook, and stored so by an older coder)
    made F2 die with "unable to parse '#0f0' as color"."""
    conn = open_project(project)
    conn.execute("UPDATE codes SET color = '#0F0' WHERE id = 'caseload'")
    conn.commit()
    update_code(conn, "staffing", "setup", color="#F80")   # stored as #FF8800 now
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, _):
            await open_codebook(app, pilot, at="caseload")
            assert isinstance(app.screen, CodebookScreen) and "Caseload size" in screen_text(app)
    run(scenario)
    assert code(read(project)[0], "staffing").color == "#FF8800"


def test_bad_input_is_shown_and_changes_nothing(project):
    conn = open_project(project)
    update_code(conn, "paperwork", "setup", key="4")
    settle_keys(conn)   # as the coding screen does on opening: keys for codes that have none
    conn.close()
    before = file_digest(project)

    async def scenario():
        async with running(project) as (app, pilot, _):
            await open_codebook(app, pilot, at="caseload")
            for values, message in BAD_EDITS:
                await pilot.press("e")
                await fill(app, pilot, values)
                await pilot.press("ctrl+s")
                await pilot.pause()
                assert isinstance(app.screen, RecordForm)  # still open, nothing typed is lost
                assert message in screen_text(app)
                await pilot.press("escape")
                await pilot.pause()
                assert isinstance(app.screen, CodebookScreen)
    run(scenario)
    codebook, events = read(project)
    assert code(codebook, "caseload").label == "Caseload size" and events == []
    assert file_digest(project) == before


def test_move_a_code_to_another_theme(project):
    async def scenario():
        async with running(project) as (app, pilot, _):
            screen = await open_codebook(app, pilot, at="time_pressure")
            await pilot.press("v")
            assert isinstance(app.screen, ChoiceDialog)
            await pilot.press(*"paper", "enter")
            await pilot.pause()
            assert screen.highlighted == "time_pressure"
        codebook, events = read(project)
        moved = code(codebook, "time_pressure")
        assert (moved.theme_id, moved.index) == ("recording", "2.3")
        assert [c.id for c in codebook.codes_of("recording")] == ["paperwork", "it_systems",
                                                                  "time_pressure"]
        assert [e.action for e in events] == ["codebook.code.move"]   # with its new index: one undo
        assert events[0].data["after"] == {"theme_id": "recording", "position": 2, "index": "2.3"}
    run(scenario)


def test_reorder_codes_and_themes(project):
    async def scenario():
        async with running(project) as (app, pilot, _):
            screen = await open_codebook(app, pilot, at="caseload")
            await pilot.press("J")
            assert screen.highlighted == "caseload"
            screen.tree.move_cursor_to_line(screen._order.index("theme:recording"))
            await pilot.press("K")
        codebook, events = read(project)
        assert [c.id for c in codebook.codes_of("workload")] == ["staffing", "caseload",
                                                                 "time_pressure"]
        assert [t.id for t in codebook.themes] == ["recording", "workload"]
        assert [e.action for e in events] == ["codebook.code.move", "codebook.theme.reorder"]
    run(scenario)


def test_merge_two_codes(project):
    conn = open_project(project)
    toggle_code(conn, "q0001", "caseload", "alice")
    toggle_code(conn, "q0001", "staffing", "alice")
    toggle_code(conn, "q0002", "staffing", "bob")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, _):
            screen = await open_codebook(app, pilot, at="staffing")
            await pilot.press("g", *"caseload", "enter", "n")  # called off: nothing changes
            await pilot.pause()
            assert app.screen is screen and read(project) == (screen.codebook, [])
            await pilot.press("g", *"caseload", "enter")
            await pilot.pause()
            assert "Its 2 codings on 2 responses (every coder's) go to" in " ".join(screen_text(app).split())
            assert "Merge 1.2 Staff shortages into 1.1 Caseload size?" in screen_text(app)
            await pilot.press("y")
            await pilot.pause()
            assert "(retired)" in screen_text(app)
    run(scenario)
    codebook, events = read(project)
    assert code(codebook, "staffing").retired
    conn = open_project(project)
    try:
        assert sorted((c.response_id, c.coder) for c in list_codings(conn, code_id="caseload")) == [
            ("q0001", "alice"), ("q0002", "bob")]
        assert list_codings(conn, code_id="staffing") == []
    finally:
        conn.close()
    assert [e.action for e in events] == ["codebook.code.merge"]
    assert events[0].data["target"] == "caseload" and len(events[0].data["dropped"]) == 1


def test_retire_and_restore(project):
    async def scenario():
        async with running(project) as (app, pilot, _):
            await open_codebook(app, pilot, at="it_systems")
            await pilot.press("r")
            assert code(read(project)[0], "it_systems").retired
            await pilot.press("r")
            await open_codebook(app, pilot, at="theme:workload")
            await pilot.press("r")
    run(scenario)
    codebook, events = read(project)
    assert not code(codebook, "it_systems").retired
    assert next(t for t in codebook.themes if t.id == "workload").retired
    assert [e.action for e in events] == ["codebook.code.retire", "codebook.code.unretire",
                                          "codebook.theme.retire"]


def test_delete_an_unused_code_only(project):
    conn = open_project(project)
    toggle_code(conn, "q0001", "caseload", "alice")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, _):
            screen = await open_codebook(app, pilot, at="caseload")
            await pilot.press("D")
            await pilot.pause()
            assert app.screen is screen  # no question asked for a code in use
            assert "retire it (r) instead" in [n.message for n in app._notifications][-1]
            screen.tree.move_cursor_to_line(screen._order.index("staffing"))
            await pilot.press("D", "y")
            await pilot.pause()
            assert screen.highlighted == "caseload"
    run(scenario)
    codebook, events = read(project)
    assert "staffing" not in {c.id for c in codebook.codes}
    assert [(e.action, e.target) for e in events] == [("codebook.code.delete", "staffing")]


def test_coding_screen_follows_codebook_edits(project):
    async def scenario():
        async with running(project) as (app, pilot, coding):
            assert coding.keys["2"] == "staffing"
            await open_codebook(app, pilot, at="caseload")
            await pilot.press("e")
            await fill(app, pilot, {"label": "Caseload size and mix", "key": "z"})
            await pilot.press("ctrl+s")
            await pilot.pause()
            app.screen.tree.move_cursor_to_line(app.screen._order.index("staffing"))
            await pilot.press("r", "escape")
            await pilot.pause()
            assert isinstance(app.screen, CodingScreen)
            assert coding.keys["z"] == "caseload" and "staffing" not in coding.keys.values()
            panel = coding.query_one(CodebookPanel)
            labels = [str(node.label) for theme in panel.root.children for node in theme.children]
            assert "☐ z 1.1 Caseload size and mix" in labels
            assert not any("Staff shortages" in label for label in labels)
            await pilot.press("z")
        conn = open_project(project)
        try:
            assert [c.code_id for c in list_codings(conn, coder="alice")] == ["caseload"]
        finally:
            conn.close()
    run(scenario)


@pytest.fixture
def app(project):
    conn = open_project(project)
    toggle_code(conn, "q0001", "caseload", "alice")
    toggle_code(conn, "q0002", "caseload", "bob")
    toggle_code(conn, "q0002", "paperwork", "alice")
    set_code_retired(conn, "it_systems", True, "alice")
    yield CoderApp(Session(conn, "alice", project))
    conn.close()


def test_snapshot_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), press=["f2"])


def test_snapshot_large_light(snap_compare, app):
    async def light(pilot):
        pilot.app.theme = "textual-light"
        await pilot.press("f2")
        await pilot.pause()
    assert snap_compare(app, terminal_size=(140, 40), run_before=light)


def test_snapshot_code_form_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), press=["f2", "e"])


def test_the_screen_opens_with_the_first_theme_in_view_and_the_whole_summary(project):
    conn = open_project(project)
    for number in range(3, 33):   # more codes than the screen has lines
        add_code(conn, Code(f"extra{number}", "recording", f"2.{number}", f"Extra code {number}"), "alice")
    conn.close()

    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, _):
            screen = await open_codebook(app, pilot)
            await pilot.pause()
            assert screen.tree.cursor_line == 1 and screen.tree.scroll_offset.y == 0
            lines = screen_text(app).splitlines()
            theme = screen.codebook.themes[0]
            assert f"{theme.index} {theme.label}" in lines[2] or f"{theme.index} {theme.label}" in lines[1]
            assert "(n) = responses with the code" in " ".join(lines[:2])
    run(scenario)


def test_long_labels_are_shortened_at_a_word_and_every_count_stays_in_view(project):
    conn = open_project(project)
    long = "Recording systems, electronic case files and the time spent keeping them up to date"
    add_code(conn, Code("long_one", "recording", "2.9", long), "alice")
    set_code_retired(conn, "it_systems", True, "alice")
    conn.close()

    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, _):
            screen = await open_codebook(app, pilot, at="long_one")
            await pilot.pause()
            tree_lines = [line.split("▏")[0] for line in screen_text(app).splitlines()]
            for code in screen.codebook.codes:
                line = next(line for line in tree_lines if f" {code.index} " in line)
                assert f"({screen.used.get(code.id, 0)})" in line, line
                if code.retired:
                    assert "(retired)" in line, line
            line = next(line for line in tree_lines if " 2.9 " in line)
            assert "2.9 Recording systems…" in line, line
            await pilot.resize_terminal(160, 45)   # a wider tree: more of the label
            await pilot.pause()
            tree_lines = [line.split("▏")[0] for line in screen_text(app).splitlines()]
            line = next(line for line in tree_lines if " 2.9 " in line)
            assert "2.9 Recording systems, electronic case files and the time spent… (0)" in line, line
    run(scenario)


def test_opened_again_it_is_the_same_screen_with_counts_of_the_coding_done_meanwhile(project):
    async def scenario():
        async with running(project) as (app, pilot, coding):
            screen = await open_codebook(app, pilot)
            code_id = coding.keys["1"]
            before = screen.used.get(code_id, 0)
            await pilot.press("escape", "1")
            await pilot.pause()
            assert await open_codebook(app, pilot) is screen
            assert screen.used.get(code_id, 0) == before + 1
    run(scenario)


def test_j_and_k_move_through_the_codebook_as_through_responses(project):
    """On F2 only the arrows moved the tree's cursor; j and k, which step through responses on the
    coding screen, did nothing."""
    async def scenario():
        async with running(project) as (app, pilot, _):
            screen = await open_codebook(app, pilot)
            start = screen.tree.cursor_line
            await pilot.press("j", "j")
            await pilot.pause()
            assert screen.tree.cursor_line == start + 2
            await pilot.press("k")
            await pilot.pause()
            assert screen.tree.cursor_line == start + 1
    run(scenario)


def test_u_on_the_codebook_screen_takes_a_merge_back_and_ctrl_r_merges_again(project):
    """A merge of codes could not be undone, and `u` after it undid an older edit."""
    conn = open_project(project)
    toggle_code(conn, "q0001", "staffing", "alice")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, _):
            screen = await open_codebook(app, pilot, at="staffing")
            await pilot.press("g", *"caseload", "enter", "y")
            await pilot.pause()
            assert code(read(project)[0], "staffing").retired
            await pilot.press("u")
            await pilot.pause()
            assert [n.message for n in app._notifications][-1] == \
                "Undo: took code 1.2 Staff shortages back out of 1.1 Caseload size"
            assert screen.highlighted == "staffing" and "(retired)" not in screen_text(app)
            assert not code(read(project)[0], "staffing").retired
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert code(read(project)[0], "staffing").retired
    run(scenario)
    conn = open_project(project)
    try:
        assert list_codings(conn, code_id="staffing") == []
        assert [c.response_id for c in list_codings(conn, code_id="caseload")] == ["q0001"]
    finally:
        conn.close()


def test_m_on_the_codebook_screen_writes_the_memo_of_a_code_or_theme(project):
    """Memos on codes could only be written on the coding screen (M), and F2 did not show them."""
    async def scenario():
        async with running(project) as (app, pilot, coding):
            await open_codebook(app, pilot, at="staffing")
            await pilot.press("m", *"ask about agency staff", "escape")
            await pilot.pause()
            assert "Your memo (m):" in screen_text(app) and "ask about agency staff" in screen_text(app)
            await open_codebook(app, pilot, at="theme:workload")
            await pilot.press("m", *"the big one", "escape")
            await pilot.pause()
            await pilot.press("u")       # undo takes the theme's memo back, as on the coding screen
            await pilot.pause()
            assert "the big one" not in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is coding
            assert coding.query_one(CodebookPanel).code_memo("staffing") == "ask about agency staff"
    run(scenario)
    conn = open_project(project)
    try:
        memos = conn.execute("SELECT target_type, target_id, text FROM memos").fetchall()
    finally:
        conn.close()
    assert memos == [("code", "staffing", "ask about agency staff")]


def test_g_on_a_code_with_sub_codes_says_so_before_any_choice(project):
    """The picker and a confirmation promising the merge came first, then a refusal."""
    conn = open_project(project)
    add_code(conn, Code("forms", "recording", "2.1.1", "Forms", parent_id="paperwork"), "alice")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, _):
            screen = await open_codebook(app, pilot, at="paperwork")
            await pilot.press("g")
            await pilot.pause()
            assert app.screen is screen
            assert "has sub-codes: move or merge them first" in [n.message for n in app._notifications][-1]
    run(scenario)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_every_field_of_the_code_form_starts_in_one_column(project, size):
    """The many-line fields (Definition, Include, Exclude) started one column right of the
    one-line ones: `Definition   Time spent…` under `Label       Travel time`."""
    async def scenario():
        async with running(project, size=size) as (app, pilot, _):
            await open_codebook(app, pilot, at="caseload")
            await pilot.press("e")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, RecordForm)
            starts = {field.name: form.query_one(f"#field-{field.name}").content_region.x for field in form.fields}
            assert len(set(starts.values())) == 1, starts
            lines = screen_text(app).splitlines()
            label = next(line for line in lines if "Label " in line)
            definition = next(line for line in lines if "Definition " in line)
            assert label.index("Caseload size") == definition.index("The number or mix"), (label, definition)
    run(scenario)
