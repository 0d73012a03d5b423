"""The coding screen driven through Textual's pilot: keys, spans, undo, memos, filters."""

from __future__ import annotations

import sqlite3

import pytest
from rich.cells import cell_len
from textual.geometry import Offset
from textual.selection import Selection
from textual.widgets import Checkbox, Input, Select, TextArea, Tree
from helpers import run_cli
from tui_driver import run, running, screen_text, stored_codings
from tui_project import CODES, make_project

from coder.codebook.keys import assign_keys
from coder.coding import toggle_code
from coder.records import Code, Codebook, Theme
from coder.store import open_project
from coder.store.charts import get_chart
from coder.store.codebook import update_code
from coder.store.drafts import get_draft
from coder.store.events import list_events
from coder.store.memos import get_memo, set_memo
from coder.store.responses import insert_responses
from coder.tui.app import FOLD_SECONDS
from coder.tui.screens.help_screen import HelpScreen
from coder.tui.screens.note_editor import DRAFT_DELAY
from coder.tui.widgets.codebook_panel import CodebookPanel
from coder.tui.widgets.response_view import ResponseView
from coder.tui.wrapping import sentence_ranges, wrap_ranges

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "ui.coder", n=30)


def test_code_and_uncode_by_key(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            assert screen.response_list.current == "q0001"
            await pilot.press("j", "1", "4")
            assert stored_codings(project, "q0002") == [("caseload", None, None, "manual"),
                                                  ("paperwork", None, None, "manual")]
            assert screen.coded == 1 and screen.per_theme == {"workload": 1, "recording": 1}
            await pilot.press("1")
            assert stored_codings(project, "q0002") == [("paperwork", None, None, "manual")]
            assert screen.per_theme == {"workload": 0, "recording": 1}
            await pilot.press("k")
            assert screen.response_list.current == "q0001"
            await pilot.pause()
            assert "coded 1/30" in screen_text(app)
    run(scenario)


def test_list_row_follows_code_keys_and_cursor_stays_in_view(project):
    """A code key redraws its own list row (codes shown, then gone); stepping past the last
    visible row scrolls the cursor into view, with rows ahead of it."""
    def row_of(app, rid):
        return next(line.split("▏")[0] for line in screen_text(app).splitlines() if line[2:].startswith(rid))

    async def scenario():
        async with running(project, size=(100, 16)) as (app, pilot, screen):
            await pilot.press("j", "1", "4")
            await pilot.pause()
            assert "●" in row_of(app, "q0002") and "1.1,2.1" in row_of(app, "q0002")
            assert "○" in row_of(app, "q0003")
            await pilot.press("1", "4")
            await pilot.pause()
            assert "○" in row_of(app, "q0002") and "1.1" not in row_of(app, "q0002")
            await pilot.press(*"j" * 20)
            await pilot.pause()
            assert screen.response_list.current == "q0022"
            text = screen_text(app)
            listed = [line[2:7] for line in text.splitlines()]
            assert "q0022" in listed and "q0024" in listed   # the cursor's row and rows ahead
    run(scenario)


def test_decisions_survive_without_quitting(project):
    """Each key commits at once: a second connection sees it while the UI is still open."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("3")
            assert stored_codings(project, "q0001") == [("time_pressure", None, None, "manual")]
    run(scenario)


def test_span_coding_from_selection(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            view = screen.query_one(ResponseView)
            # "Turning on the computer ..." : select " computer" in its drawn line.
            row, (plain, offset) = next((i, r) for i, r in enumerate(view.rows)
                                        if r[1] is not None and "computer" in r[0])
            x = plain.index("computer")
            screen.selections = {view: Selection(Offset(x - 1, row), Offset(x + 8, row))}
            start = offset + x
            assert view.selected_span() == (start, start + 8)
            await pilot.press("5")
            assert stored_codings(project, "q0001") == [("it_systems", start, start + 8, "manual")]
            assert screen.selections == {}
            await pilot.pause()
            assert "~ IT systems" in screen_text(app)
    run(scenario)


def test_sentences_end_at_stops_and_line_breaks_without_their_spaces():
    text = ' One. Two!!  "Three?" four 3.5 e-mail\nFive…  '
    assert [text[a:b] for a, b in sentence_ranges(text)] == ["One.", "Two!!", '"Three?"', "four 3.5 e-mail", "Five…"]
    assert sentence_ranges("   ") == [] and sentence_ranges("no stop") == [(0, 7)]


def test_sentences_of_chinese_and_japanese_end_at_their_full_stops():
    """No space follows 。, so `]` took a whole Japanese answer as one sentence."""
    text = "言語が難しい。「給料が低い！」本当に？ Yes."
    assert [text[a:b] for a, b in sentence_ranges(text)] == ["言語が難しい。", "「給料が低い！」", "本当に？", "Yes."]


def test_sentences_selected_by_key_are_coded_as_spans(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press(*["j"] * 16)
            assert screen.response_list.current == "q0017"
            view = screen.query_one(ResponseView)
            first, second, third = sentence_ranges(view.text)
            await pilot.press("right_square_bracket")
            assert view.selected_span() == first
            await pilot.press("2")
            assert stored_codings(project, "q0017") == [("staffing", *first, "manual")]
            assert view.selected_span() == first   # still selected: another code key codes it too
            await pilot.press("right_square_bracket", "right_curly_bracket", "right_curly_bracket", "3")
            assert stored_codings(project, "q0017")[1] == ("time_pressure", second[0], third[1], "manual")
            await pilot.press("left_curly_bracket", "4")   # all three sentences: the whole response, no span
            assert ("paperwork", None, None, "manual") in stored_codings(project, "q0017")
            await pilot.pause()
            assert [n.message for n in app._notifications][-1] == \
                "All of the text was selected, so the code went on the whole response."
            await pilot.press("left_square_bracket", "left_square_bracket", "right_curly_bracket")
            assert view.selected_span() == (first[0], second[1])
            await pilot.press("escape", "1")   # escape drops the selection: the code goes on the whole response
            assert view.selected_span() is None
            assert ("caseload", None, None, "manual") in stored_codings(project, "q0017")
            await pilot.press("left_square_bracket", "j")
            assert view.selected_span() is None   # another response: nothing selected
    run(scenario)


def test_a_sentence_reached_by_key_is_scrolled_into_view_and_stays_there_after_coding(project):
    conn = open_project(project)
    insert_responses(conn, [("long", " ".join(f"Sentence number {i} is about caseloads." for i in range(150)), {})])
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("end")
            view = screen.query_one(ResponseView)
            assert view.response_id == "long"

            def shows_selection_end() -> bool:
                end = view.selected_span()[1] - 1
                line = max(i for i, (_, start) in enumerate(view.rows) if start is not None and start <= end)
                return view.scroll_offset.y <= line < view.scroll_offset.y + view.size.height

            await pilot.press("right_square_bracket", *["right_curly_bracket"] * 60)
            assert view.scroll_offset.y > 0 and shows_selection_end()
            await pilot.press("3")   # coding it redraws the response: the view stays where it was
            await pilot.pause()
            assert view.scroll_offset.y > 0 and shows_selection_end()
    run(scenario)


def test_a_code_cannot_take_a_key_the_coding_screen_uses():
    codes = tuple(Code(cid, "t", f"1.{i}", cid, key=key) for i, (cid, key) in
                  enumerate([("a", "]"), ("b", "j"), ("c", "z"), ("d", "{")], start=1))
    keys = assign_keys(Codebook("c", (Theme("t", "1", "T"),), codes))
    assert keys == {"z": "c", "1": "a", "2": "b", "3": "d"}   # ] j { are the screen's own


def test_wrap_ranges_cover_the_text():
    text = "one two three\nfour fivesixseveneight"
    ranges = wrap_ranges(text, 8)
    assert [text[a:b] for a, b in ranges] == ["one two ", "three", "four ", "fivesixs", "eveneigh", "t"]


def test_wrap_ranges_measure_wide_characters_in_cells():
    """CJK and emoji take two cells each: a line of them is as wide as the panel, not twice as wide."""
    text = ("案件数量太多，没有时间做记录。主管很少提供督导，压力很大。我们团队缺少人手，很多同事已经离职。\n"
            "Stress is 😩😩😩 — too many cases, and 📁📁📁 forms all day")
    ranges = wrap_ranges(text, 20)
    assert "".join(text[a:b] for a, b in ranges) == text.replace("\n", "")
    assert all(cell_len(text[a:b].rstrip(" ")) <= 20 for a, b in ranges)
    assert [text[a:b] for a, b in ranges][:2] == ["案件数量太多，没有时", "间做记录。主管很少提"]
    assert wrap_ranges("案", 1) == [(0, 1)]   # a character wider than the width still gets a line


def test_text_is_wrapped_beside_the_scrollbar_it_brings(project):
    """A response taller than its panel is wrapped to the width the scrollbar leaves, from the
    first time it is shown (no line runs under the scrollbar)."""
    conn = open_project(project)
    insert_responses(conn, [("long", " ".join(f"Sentence number {i} is about the caseload." for i in range(40)), {})])
    conn.close()

    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            await pilot.press("end")
            await pilot.pause()
            view = screen.query_one(ResponseView)
            assert view.response_id == "long" and view.show_vertical_scrollbar
            room = view.scrollable_content_region.width
            text_rows = [row for row, start in view.rows if start is not None]
            assert max(cell_len(row.rstrip(" ")) for row in text_rows) <= room
            assert "".join(text_rows) == view.text
    run(scenario)


def test_undo_redo_and_after_reopening(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("1", "j", "2")
            await pilot.press("u")
            assert stored_codings(project, "q0002") == []
            await pilot.press("u")
            assert stored_codings(project, "q0001") == []
            assert screen.response_list.current == "q0001"
            await pilot.press("ctrl+r")
            assert stored_codings(project, "q0001") == [("caseload", None, None, "manual")]
        async with running(project) as (app, pilot, screen):
            await pilot.press("ctrl+r")
            assert stored_codings(project, "q0002") == [("staffing", None, None, "manual")]
            assert screen.response_list.current == "q0002"
            await pilot.press("u", "u")
            assert stored_codings(project, "q0001") == [] and stored_codings(project, "q0002") == []
            assert screen.coded == 0
    run(scenario)


def test_next_uncoded(project):
    conn = open_project(project)
    for rid in ("q0002", "q0003"):
        toggle_code(conn, rid, "caseload", "alice")
    toggle_code(conn, "q0004", "caseload", "bob")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("n")
            assert screen.response_list.current == "q0004"  # bob's coding does not count
    run(scenario)


def test_blind_coding_and_everyone(project):
    """Everyone's coding showed others' codings, never their memos (nor memos imported from another tool)."""
    conn = open_project(project)
    toggle_code(conn, "q0001", "staffing", "bob")
    set_memo(conn, "response", "q0001", "bob", "ask about the rota")
    set_memo(conn, "response", "q0001", "alice", "my own note")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.pause()
            assert "Staff shortages (bob)" not in screen_text(app) and "ask about the rota" not in screen_text(app)
            assert "memo: my own note" in screen_text(app)
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert "Staff shortages (bob)" in screen_text(app)
            assert "memo [bob]: ask about the rota" in screen_text(app) and "memo: my own note" in screen_text(app)
            assert screen.scope is None
    run(scenario)


def test_search_filters_the_list(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("slash")
            assert isinstance(screen.focused, Input)
            await pilot.press(*"caseload", "enter")
            ids = screen.response_list.ids
            assert ids and len(ids) < 30
            conn = screen.conn
            assert all("caseload" in conn.execute("SELECT lower(text) FROM responses WHERE id = ?",
                                                  (rid,)).fetchone()[0] for rid in ids)
            await pilot.press("escape")
            assert len(screen.response_list.ids) == 30
            # Said, not only drawn on the top line (a coder of a sample went past it unaware).
            assert [n.message for n in app._notifications][-1] == \
                "Filter cleared (/caseload): all 30 responses listed; f filters again."
    run(scenario)


def test_escape_in_the_search_box_cancels_the_search_and_keeps_the_filter(project):
    """It cleared the whole filter: a coder of a sample who looked something up lost the sample."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("slash", *"caseload", "enter")
            found = list(screen.response_list.ids)
            await pilot.press("slash", *"paperw", "escape")
            await pilot.pause()
            assert screen.response_list.ids == found and screen.filter.text == "caseload"
            assert screen.query_one("#search", Input).value == "caseload" and screen.focused is screen.response_list
            await pilot.press("escape")   # in the list: the filter goes
            await pilot.pause()
            assert len(screen.response_list.ids) == 30
    run(scenario)


def test_a_search_that_finds_nothing_then_escape_keeps_your_place(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press(*"jjjjj")
            assert screen.response_list.current == "q0006"
            await pilot.press("slash", *"zzzzq", "enter")
            assert screen.response_list.ids == [] and screen.response_list.current is None
            await pilot.press("escape")
            await pilot.pause()
            assert len(screen.response_list.ids) == 30 and screen.response_list.current == "q0006"
    run(scenario)


def test_escape_after_a_search_shows_the_response_it_found_in_the_whole_list(project):
    """The list came back at its top with the cursor (and the text shown) on q0030, out of view."""
    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            await pilot.press("slash", *"q0030", "enter")
            assert screen.response_list.ids == ["q0030"]
            await pilot.press("escape")
            await pilot.pause()
            listed = screen.response_list
            assert len(listed.ids) == 30 and listed.current == "q0030"
            top, height = round(listed.scroll_offset.y), listed.scrollable_content_region.height
            assert top <= listed.cursor < top + height
            assert "q0030" in screen_text(app)
    run(scenario)


def test_filter_dialog_uncoded_and_attribute(project):
    conn = open_project(project)
    toggle_code(conn, "q0001", "caseload", "alice")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("f")
            dialog = app.screen
            dialog.query_one("#status", Select).value = "uncoded"
            await pilot.click("#apply")
            assert "q0001" not in screen.response_list.ids
            assert len(screen.response_list.ids) == 29
            await pilot.press("f")
            dialog = app.screen
            dialog.query_one("#status", Select).value = "coded"
            dialog.query_one("#coded_with", Select).value = "caseload"
            await pilot.click("#apply")
            assert screen.response_list.ids == ["q0001"]
            await pilot.press("f")
            await pilot.click("#clear")
            await pilot.press("f")
            dialog = app.screen
            dialog.query_one("#attr_name", Select).value = "year"
            await pilot.pause()
            values = dialog.query_one("#attr_value", Select)
            offered = [str(prompt) for prompt, _ in values._options if _ is not Select.NULL]
            assert offered and all(p.endswith(")") for p in offered)   # "2014 (n)": values with counts
            values.value = "2014"
            await pilot.click("#apply")
            ids = screen.response_list.ids
            assert 0 < len(ids) <= 30
            assert all(screen.conn.execute(
                "SELECT json_extract(attributes, '$.year') FROM responses WHERE id = ?",
                (rid,)).fetchone()[0] == 2014 for rid in ids)
    run(scenario)


def test_memo_on_response_and_code(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("m")
            assert isinstance(app.screen.focused, TextArea)
            await pilot.press(*"check later", "escape")
            assert get_memo(screen.conn, "response", "q0001", "alice") == "check later"
            await pilot.pause()
            assert "memo: check later" in screen_text(app)
            screen.query_one(Tree).focus()
            await pilot.press("down", "down")
            code_id = screen.query_one(CodebookPanel).highlighted_code
            assert code_id is not None
            await pilot.press("M", *"tricky", "escape")
            assert get_memo(screen.conn, "code", code_id, "alice") == "tricky"
            await pilot.pause()
            assert "Memo: tricky" in screen_text(app)
            await pilot.press("u")
            assert get_memo(screen.conn, "code", code_id, "alice") is None
    run(scenario)


def _draft(project, note):
    conn = open_project(project)   # a second connection: what a restarted UI would find
    try:
        return get_draft(conn, "alice", note)
    finally:
        conn.close()


def test_typed_note_text_is_kept_as_a_draft_until_saved_or_cancelled(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("m", *"half a")
            await pilot.pause(DRAFT_DELAY + 0.5)
            assert _draft(project, "memo:response:q0001") == "half a"
            await pilot.press("ctrl+g")   # cancelled: no memo, no draft
            assert _draft(project, "memo:response:q0001") is None
            assert get_memo(screen.conn, "response", "q0001", "alice") is None
            await pilot.press("m", *"half a")
            await pilot.pause(DRAFT_DELAY + 0.5)
            await pilot.press(*" thought")   # typing after a draft was kept keeps the new text too
            await pilot.pause(DRAFT_DELAY + 0.5)
        # The app ends with the editor open (as a killed terminal would leave it).
        assert _draft(project, "memo:response:q0001") == "half a thought"
        async with running(project) as (app, pilot, screen):
            assert any("Memo on response q0001" in n.message for n in app._notifications)
            await pilot.press("m")
            assert app.screen.focused.text == "half a thought"
            assert "text you had not saved" in screen_text(app)
            await pilot.press(*" to finish", "escape")
            assert get_memo(screen.conn, "response", "q0001", "alice") == "half a thought to finish"
            assert _draft(project, "memo:response:q0001") is None
    run(scenario)


def test_chart_summary_under_highlighted_theme(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            screen.query_one(Tree).focus()
            await pilot.press("down")
            await pilot.press("s", *"crisis check", "escape")
            assert get_chart(screen.conn, "q0001", "workload", "alice") == "crisis check"
            await pilot.pause()
            assert "crisis check" in screen_text(app)
    run(scenario)


def test_codebook_tree_enter_toggles_and_shows_rules(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            screen.query_one(Tree).focus()   # the cursor goes on the first code
            await pilot.pause()
            await pilot.press("down", "up", "enter")
            assert stored_codings(project, "q0001") == [("caseload", None, None, "manual")]
            await pilot.pause()
            text = screen_text(app)
            assert "high caseloads" in text and "Keywords: caseload, cases" in text
    run(scenario)


def test_code_picker(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("c")
            await pilot.press(*"paperw")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert stored_codings(project, "q0001") == [("paperwork", None, None, "manual")]
            await pilot.press("c", *"paperw")
            await pilot.pause(0.3)
            assert f"☑ {screen.codes['paperwork'].index} {screen.codes['paperwork'].label}" in screen_text(app)
            await pilot.press("enter")   # marked as applied: choosing it takes it off
            await pilot.pause()
            assert stored_codings(project, "q0001") == []
    run(scenario)


def test_picks_up_another_process(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            other = open_project(project)
            toggle_code(other, "q0001", "paperwork", "alice")
            other.close()
            screen.poll_changes()
            await pilot.pause()
            assert screen.coded == 1
            assert "2.1 Paperwork burden" in screen_text(app)
            # Undo sees the other window's change as the coder's latest.
            await pilot.press("u")
            assert stored_codings(project, "q0001") == []
    run(scenario)


def test_events_tag_the_coder(project):
    async def scenario():
        async with running(project, coder="carol") as (app, pilot, screen):
            await pilot.press("2")
    run(scenario)
    conn = open_project(project)
    assert [(e.coder, e.action) for e in list_events(conn, coder="carol")] == [("carol", "coding.add")]
    conn.close()


def test_help_lists_code_keys(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert "next uncoded response" in screen_text(app)
            assert ("5", screen.codes["it_systems"]) in app.screen.code_keys
            await pilot.press("escape")
            assert app.screen is screen
    run(scenario)


def test_help_wraps_a_long_description_under_itself(project):
    """At 80 columns several descriptions wrap: their second line starts under the first
    (it started at the left edge, under the keys)."""
    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            await pilot.press("question_mark")
            await pilot.pause()
            lines = screen_text(app).splitlines()
            first = next(i for i, line in enumerate(lines) if "auto-advance on / off" in line)
            column = lines[first].index("auto-advance")
            assert lines[first][:column].strip(" █") == "ctrl+n"
            assert lines[first + 1][:column].strip(" █") == "" and lines[first + 1][column] != " "
    run(scenario)


def test_small_terminal(project):
    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            await pilot.press("j", "1")
            await pilot.pause()
            text = screen_text(app)
            assert "coded 1/30" in text and "1.1 Caseload size" in text
    run(scenario)


def test_undo_a_codebook_edit_from_the_coding_screen(project):
    from coder.store.codebook import update_code

    async def scenario():
        async with running(project) as (app, pilot, screen):
            update_code(screen.conn, "caseload", "alice", label="Caseloads held")
            screen.poll_changes()
            await pilot.pause()
            assert "Caseloads held" in screen_text(app)
            await pilot.press("u")
            await pilot.pause()
            assert screen.codes["caseload"].label == "Caseload size"
            assert "1.1 Caseload size" in screen_text(app)
    run(scenario)


def test_empty_project_says_what_to_do(tmp_path):
    from coder.store import create_project

    path = tmp_path / "empty.coder"
    create_project(path).close()

    async def scenario():
        async with running(path, size=(80, 24)) as (app, pilot, screen):
            await pilot.press("j", "1", "n", "u", "A", "x", "enter")
            await pilot.pause()
            shown = " ".join(plain.strip() for plain, _ in screen.query_one(ResponseView).rows)
            assert "has no responses yet: add them with `coder import`" in shown
            assert screen.response_list.current is None
    run(scenario)


def test_reopening_starts_where_this_coder_left_off(project):
    conn = open_project(project)
    toggle_code(conn, "q0002", "caseload", "alice")
    toggle_code(conn, "q0004", "caseload", "alice")
    toggle_code(conn, "q0004", "caseload", "alice")   # uncoding counts as working on it too
    toggle_code(conn, "q0006", "caseload", "bob")     # another coder's work does not move alice
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, screen):
            assert screen.response_list.current == "q0004"
            await pilot.press("j", "1")
        async with running(project) as (app, pilot, screen):
            assert screen.response_list.current == "q0005"
        async with running(project, coder="carol") as (app, pilot, screen):
            assert screen.response_list.current == "q0001"   # nothing yet: the first response
    run(scenario)


def test_undo_on_the_coding_screen_takes_back_an_import_of_coding(project, tmp_path):
    """`coder import-codes` of the wrong file could not be undone: u said "Nothing to undo."."""
    file = tmp_path / "wrong.csv"
    file.write_text("id,code\nq0001,caseload\nq0002,1.2\nq0003,paperwork\n", encoding="utf-8")
    done = run_cli("import-codes", project, file, "--coder", "alice")
    assert done.returncode == 0 and "takes this import back" in done.stdout, done.stderr

    async def scenario():
        async with running(project) as (app, pilot, screen):
            assert "☑" in screen_text(app)
            await pilot.press("u")
            await pilot.pause()
            assert [n.message for n in app._notifications][-1] == "Undo: took back the import of 3 codings from wrong.csv"
            assert all(stored_codings(project, rid) == [] for rid in ("q0001", "q0002", "q0003"))
            assert "☑" not in screen_text(app)
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert [n.message for n in app._notifications][-1] == "Redo: imported 3 codings from wrong.csv"
            assert stored_codings(project, "q0002") == [("staffing", None, None, "imported")]
    run(scenario)


def test_undo_says_what_it_did_with_the_code_as_the_researcher_knows_it(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("1", "u")
            await pilot.pause()
            assert [n.message for n in app._notifications][-1] == "Undo: removed 1.1 Caseload size from q0001"
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert [n.message for n in app._notifications][-1] == "Redo: applied 1.1 Caseload size to q0001"
    run(scenario)


def test_a_code_on_a_span_and_on_the_whole_response_reads_whole_in_the_chip_and_the_tree(project):
    conn = open_project(project)
    toggle_code(conn, "q0001", "caseload", "alice", start=0, end=7)
    toggle_code(conn, "q0001", "caseload", "alice")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, screen):
            text = screen_text(app)
            assert " 1.1 Caseload size " in text and "1.1~" not in text
            assert "☑" in text
    run(scenario)


def test_chips_wrap_whole_never_inside_a_label(project):
    """At 160x45, "1.3 Time pressure and working" ended one line and "hours" began the next."""
    conn = open_project(project)
    for code in ("caseload", "staffing", "time_pressure", "paperwork", "it_systems"):
        toggle_code(conn, "q0001", code, "alice")
    long = "Information technology, case recording systems and the hours lost to them"
    update_code(conn, "it_systems", "alice", label=long)   # wider than the view at 80 columns
    conn.close()
    labels = {c.index: c.label for c in CODES if c.id != "it_systems"}

    async def scenario():
        for width in (80, 110, 160):
            async with running(project, size=(width, 30)) as (app, pilot, screen):
                view = screen.query_one(ResponseView)
                chip_lines = [plain for plain, offset in view.rows if offset is None and ("1." in plain or "2." in plain)]
                for index, label in labels.items():
                    assert sum(f"{index} {label}" in line for line in chip_lines) == 1, (width, chip_lines)
                cut = [line for line in chip_lines if "2.2 Information" in line]
                assert len(cut) == 1 and ("lost to them" in cut[0] or cut[0].rstrip().endswith("…")), chip_lines
                assert not any("lost to them" in plain and "2.2" not in plain for plain, _ in view.rows), view.rows
    run(scenario)


def test_the_project_file_alone_holds_the_coding_while_the_ui_is_open(project, tmp_path):
    """With a coding window open, the coding lived in the -wal file beside the project until 1,000
    pages or the window closed: a copy of the file taken meanwhile (to send to the lead, to sync)
    held none of it. The app now folds it into the file every two seconds."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("1", "j", "2")
            await pilot.pause(FOLD_SECONDS + 0.5)
            copy = tmp_path / "copy.coder"
            copy.write_bytes(project.read_bytes())   # the file alone, no -wal beside it
            conn = sqlite3.connect(copy)
            assert conn.execute("SELECT count(*) FROM codings WHERE coder = 'alice'").fetchone()[0] == 2
            conn.close()
    run(scenario)


def test_attribute_filter_matches_values_whatever_their_case(project):
    from coder.store.browse import ListFilter, filtered_ids
    from coder.store.responses import attribute_values

    conn = open_project(project)
    values, total = attribute_values(conn, "setting")
    value, count = values[0]
    assert total == len(values) and count == len(filtered_ids(conn, ListFilter(attribute=("setting", value)), None))
    assert filtered_ids(conn, ListFilter(attribute=("setting", value.upper())), None) == \
        filtered_ids(conn, ListFilter(attribute=("setting", value)), None)
    conn.close()


def test_reopening_shows_the_response_left_off_on_in_the_list(project):
    """The list is scrolled to the response the coder last worked on, its row highlighted."""
    conn = open_project(project)
    toggle_code(conn, "q0027", "caseload", "alice")
    conn.close()

    async def scenario():
        async with running(project, size=(100, 16)) as (app, pilot, screen):
            await pilot.pause()
            assert screen.response_list.current == "q0027"
            listed = [line[2:7] for line in screen_text(app).splitlines()]
            assert "q0027" in listed
    run(scenario)


def test_shift_arrows_scroll_a_long_text(project):
    conn = open_project(project)
    insert_responses(conn, [("long", " ".join(f"Sentence number {i} is about caseloads." for i in range(60)), {})])
    conn.close()

    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            await pilot.press("end")
            view = screen.query_one(ResponseView)
            assert view.response_id == "long" and view.scroll_offset.y == 0
            await pilot.press("shift+down", "shift+down")
            await pilot.pause()
            assert view.scroll_offset.y == 6 and screen.response_list.current == "long"
            await pilot.press("shift+up")
            await pilot.pause()
            assert view.scroll_offset.y == 3
    run(scenario)


def test_the_filter_dialog_opens_on_its_first_field_and_shows_which_has_focus(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("f")
            await pilot.pause()
            dialog = app.screen
            status = dialog.query_one("#status", Select)
            assert app.focused is status
            focused = status.query_one("SelectCurrent").rich_style
            await pilot.press("tab")
            await pilot.pause()
            assert app.focused is not status
            assert status.query_one("SelectCurrent").rich_style.bgcolor != focused.bgcolor   # the mark moved on
    run(scenario)


def test_the_filter_dialogs_boxes_show_whether_they_are_ticked(project):
    """Both boxes read ▐X▌ ticked or not: Textual tells the states apart by the X's colour alone,
    which read alike (a grey X on grey)."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("f")
            await pilot.pause()
            box = app.screen.query_one("#everyone", Checkbox)
            line = lambda: next(row for row in screen_text(app).splitlines() if "Show everyone" in row)  # noqa: E731
            assert "▐ ▌ Show everyone" in line()
            box.focus()
            await pilot.press("space")
            await pilot.pause()
            assert box.value and "▐X▌ Show everyone" in line()
            await pilot.press("space")
            await pilot.pause()
            assert not box.value and "▐ ▌ Show everyone" in line()
    run(scenario)


def test_an_undo_note_names_a_code_as_it_is_after_the_step(project):
    """Undoing a code's move said "Undo: moved code 2.3 …", the index it had before the undo took
    it back to 1.3; a code the step takes away keeps the name it had."""
    from coder.codebook.edit import move_code_to_theme
    from coder.records import Code
    from coder.store.codebook import add_code, delete_unused_code

    conn = open_project(project)
    add_code(conn, Code("spare", "workload", "1.9", "Spare"), "alice")
    delete_unused_code(conn, "spare", "alice")
    move_code_to_theme(conn, "time_pressure", "recording", "alice")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, screen):
            said = lambda: [n.message for n in app._notifications][-1]  # noqa: E731
            await pilot.press("u")
            await pilot.pause()
            assert said() == "Undo: moved code 1.3 Time pressure"
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert said() == "Redo: moved code 2.3 Time pressure"
            await pilot.press("u", "u")   # the move, then the delete: the code is back
            await pilot.pause()
            assert said() == "Undo: added code 1.9 Spare"
            await pilot.press("ctrl+r")   # deleted again: named as it was
            await pilot.pause()
            assert said() == "Redo: deleted code 1.9 Spare"
    run(scenario)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_a_note_covers_the_screen_to_its_last_column(tmp_path, size):
    """Notes stopped one column short of the right edge, where the panel behind showed through
    ("code went on the whole response.     …"): their rack kept a column for a scrollbar."""
    from textual.widgets._toast import Toast

    path = make_project(tmp_path / "t.coder", n=3)

    async def scenario():
        async with running(path, size=size, notifications=True) as (app, pilot, _):
            await pilot.press("y")   # a key that does nothing: a note says so
            await pilot.pause()
            await pilot.pause()
            toast = app.screen.query_one(Toast)
            assert toast.region.right == size[0], (toast.region, size)
            lines = screen_text(app).splitlines()[toast.region.y:toast.region.bottom]
            assert all(line.endswith(" ") for line in lines), lines   # the note's own padding
    run(scenario)


def test_the_codebook_panel_shows_its_cursor_when_first_focused(tmp_path):
    """Tabbed to, the panel showed no cursor row, and the first down landed on theme 1."""
    path = make_project(tmp_path / "p.coder", n=3)

    async def scenario():
        async with running(path) as (app, pilot, screen):
            panel = screen.query_one(CodebookPanel)
            for _ in range(6):
                if panel.has_focus:
                    break
                await pilot.press("tab")
                await pilot.pause()
            assert panel.has_focus
            assert panel.highlighted_code == "caseload"
            await pilot.press("down")
            await pilot.pause()
            assert panel.highlighted_code == "staffing"
    run(scenario)


def test_the_rules_title_says_what_was_saved_last(project):
    """After a code memo the rules' title said "memo saved", and still did once a chart summary
    was saved with s."""
    from coder.tui.widgets.code_rules import CodeRules

    async def scenario():
        async with running(project, size=(160, 45)) as (app, pilot, screen):
            screen.query_one(CodebookPanel).focus()
            await pilot.pause()
            rules = screen.query_one(CodeRules)
            await pilot.press("M", *"tricky", "escape")
            await pilot.pause()
            assert rules.title.endswith("— memo saved"), rules.title
            await pilot.press("s", *"busy", "escape")
            await pilot.pause()
            assert rules.title.endswith("— chart summary saved"), rules.title
            assert "chart summary saved" in screen_text(app)
            await pilot.press("m", *"later", "escape")
            await pilot.pause()
            assert rules.title.endswith(f"— memo on {screen.response_list.current} saved"), rules.title
    run(scenario)
