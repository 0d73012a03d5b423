"""What a researcher hit in the first hour (issue 14): rules wherever focus is, search
matches in the text, folded attributes, feedback for a key that does nothing."""

from __future__ import annotations

import asyncio
import re

import pytest
from textual.widgets import Input
from tui_driver import run, running, screen_text
from tui_project import make_project

from coder.store import open_project
from coder.store.responses import insert_responses
from coder.tui.widgets.code_rules import CodeRules
from coder.tui.widgets.response_view import MEMO_MARK, SEARCH_MATCH, ResponseView
from coder.tui.wrapping import sentence_ranges


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "p.coder", n=12)


def test_the_rules_of_the_code_just_applied_show_wherever_focus_is(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            rules = screen.query_one(CodeRules)
            assert not rules.display   # nothing in question yet: the text has the room
            await pilot.press("1")
            await pilot.pause()
            code = screen.codes[screen.keys["1"]]
            assert rules.display and rules.title == f"{code.index} {code.label} — just applied/removed"
            assert rules.title in screen_text(app)
            assert code.definition in rules.body_text
            await pilot.press("1")
            await pilot.pause()
            assert rules.display and rules.title.endswith("just applied/removed")   # removed: still in question
            screen.query_one("#codebook").focus()
            await pilot.press("down", "down", "down")
            await pilot.pause()
            assert rules.title.endswith("under the cursor")
    run(scenario)


def test_search_matches_are_marked_in_the_text_whatever_their_case(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            view = screen.query_one(ResponseView)
            word = next(w for w in view.text.split() if len(w) > 4 and w.isalpha())
            await pilot.press("slash")
            screen.query_one("#search", Input).value = word.upper()
            await pilot.press("enter")
            await pilot.pause()
            marked = [line.plain[span.start:span.end] for line, offset in view._lines if offset is not None
                      for span in line.spans if span.style == SEARCH_MATCH]
            assert marked and all(m.lower() == word.lower() for m in marked)
    run(scenario)


def test_attributes_fold_to_one_line_that_says_how_many_more_and_unfold_with_a_key(project):
    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            view = screen.query_one(ResponseView)
            header = [plain for plain, offset in view.rows if offset is None]
            hidden = re.search(r" \+(\d+) (more, press \.|more \(\.\)|\(\.\))$", header[0])
            shown = header[0][:hidden.start()].split("  ", 1)[1].split(" · ")
            assert hidden and int(hidden.group(1)) + len(shown) == len(view._attributes) >= 2
            assert all(len(line) <= view.scrollable_content_region.width for line in header)
            await pilot.press("full_stop")
            await pilot.pause()
            unfolded = [plain for plain, offset in view.rows if offset is None]
            assert "(.)" not in " ".join(unfolded) and len(unfolded) > len(header)
            assert "setting" in " ".join(unfolded) and "year" in " ".join(unfolded)
    run(scenario)


def test_a_folded_line_with_no_room_for_any_attribute_counts_them_all(project):
    """At 60 columns it read "+2 (.)" with none of the 3 attributes shown."""
    async def scenario():
        async with running(project, size=(60, 20)) as (app, pilot, screen):
            view = screen.query_one(ResponseView)
            assert len(view._attributes) >= 2
            for width in range(8, 40):
                view.details = False
                (line,) = [str(c.plain) for c in view._id_lines(width)]
                hidden = int(re.search(r"\+(\d+)", line).group(1)) if "+" in line else 0
                shown = [a for a in view._attributes if a in line]
                cut = int("…" in line)   # the first attribute, cut
                assert hidden + len(shown) + cut == len(view._attributes), line
    run(scenario)


def test_attributes_unfolded_in_a_text_scrolled_down_are_shown(project):
    """Unfolded above the place scrolled to, they stayed out of sight: `.` seemed to do nothing."""
    async def scenario():
        conn = open_project(project)
        insert_responses(conn, [("long", "A sentence that goes on about caseloads. " * 60,
                                 {"setting": "adults", "year": 2020, "role": "manager"})])
        conn.close()
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            view = screen.query_one(ResponseView)
            await pilot.press("end")
            await pilot.pause()
            assert screen.response_list.current == "long"
            await pilot.press("shift+down", "shift+down")
            await pilot.pause()
            assert view.scroll_offset.y > 0
            await pilot.press("full_stop")
            await pilot.pause()
            assert view.scroll_offset.y == 0 and "setting" in screen_text(app)
    run(scenario)


def test_the_memo_mark_stays_on_the_folded_line(project):
    async def scenario():
        async with running(project, size=(80, 24)) as (app, pilot, screen):
            await pilot.press("m")
            await pilot.pause()
            await pilot.press(*"worth a second look", "ctrl+s")
            await pilot.pause()
            view = screen.query_one(ResponseView)
            first = next(plain for plain, offset in view.rows if offset is None)
            assert MEMO_MARK in first and first.endswith("(.)")
    run(scenario)


def test_a_key_that_does_nothing_says_so(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            free = next(k for k in "zyxwvutsrqpo" if k not in screen.active_bindings)
            await pilot.press(free)
            await pilot.pause()
            assert any(n.message == f"'{free}' does nothing here: ? lists the keys." for n in app._notifications)
            await pilot.press("j")   # a bound key says nothing
            await pilot.pause()
            assert sum("does nothing here" in n.message for n in app._notifications) == 1
    run(scenario)


def test_a_code_made_from_the_selected_text_is_applied_to_it_and_named_under_the_text(project):
    from coder.store import open_project
    from coder.store.codebook_read import load_codebook
    from coder.store.codings import codings_for_response
    from coder.tui.screens.codebook_forms import RecordForm

    async def scenario():
        async with running(project) as (app, pilot, screen):
            while len(sentence_ranges(screen.query_one(ResponseView).text)) < 2:
                await pilot.press("j")
            rid = screen.response_list.current
            await pilot.press("right_square_bracket")   # the first sentence
            span = screen.query_one(ResponseView).selected_span()
            await pilot.press("plus")
            await pilot.pause()
            assert isinstance(app.screen, RecordForm) and "applied to the selected text" in app.screen.title_text
            app.screen.query_one("#field-label").value = "Printer trouble"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, RecordForm)
            legend = [plain for plain, offset in screen.query_one(ResponseView).rows if "Printer trouble" in plain]
            assert any("Printer trouble: “" in line for line in legend)   # named by its code, not colour alone
            return rid, span

    rid, span = asyncio.run(scenario())
    conn = open_project(project)
    code = next(c for c in load_codebook(conn).codes if c.label == "Printer trouble")
    assert [(c.code_id, c.start, c.end) for c in codings_for_response(conn, rid, "alice")] == [(code.id, *span)]
    assert code.key is not None   # and it got a key of its own
    conn.close()


def test_a_coder_can_list_just_their_double_coding_sample(project):
    from textual.widgets import Select

    from coder.sample import draw_sample
    from coder.store import open_project
    from coder.store.samples import sample_response_ids

    conn = open_project(project)
    draw_sample(conn, 4, seed=7, name="pilot", coder="lead")
    wanted = sample_response_ids(conn, "pilot")
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("f")
            await pilot.pause()
            app.screen.query_one("#sample", Select).value = "pilot"
            await pilot.click("#apply")
            await pilot.pause()
            assert screen.response_list.ids == wanted and "sample pilot" in screen.filter.describe()
    run(scenario)
