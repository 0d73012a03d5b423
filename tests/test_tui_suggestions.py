"""Suggestions in the coding UI: accept one, accept all, reject, and runs by another process."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Tree
from tui_driver import run, running, screen_text, stored_codings, underlined
from suggest_fixtures import tiny_project
from tui_project import demo_rows, kw, make_project, write_run

from coder.coding import toggle_code
from coder.records import Suggestion
from coder.store import open_project
from coder.store.rejections import rejected_codes
from coder.store.suggestions import finish_run, interrupt_run, save_evaluation, start_run, write_chunk
from coder.suggest.batch import run_batch
from coder.tui.suggestions import suggestions_to_fit
from coder.tui.widgets.code_rules import CodeRules
from coder.tui.widgets.codebook_panel import CodebookPanel
from coder.tui.widgets.response_view import ResponseView
from coder.tui.widgets.suggestions_panel import SuggestionsPanel, score_bar

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


@pytest.fixture
def project(tmp_path):
    path = make_project(tmp_path / "s.coder", n=10)
    # q0001: "Turning on the computer to see if any crisis has occurred on my caseload overnight"
    write_run(path, [kw("q0001", "caseload", 0.75, 64, 72, "caseload"),
                     kw("q0001", "it_systems", 0.6, 15, 23, "computer"),
                     kw("q0001", "staffing", 0.3),
                     kw("q0002", "caseload", 0.5, 0, 3, "Res"),
                     kw("q0002", "time_pressure", 0.9)])
    return path


def origins(path, rid):
    return [(code, origin) for code, _, _, origin in stored_codings(path, rid)]


def test_panel_lists_suggestions_above_threshold_with_evidence(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            panel = screen.query_one(SuggestionsPanel)
            assert [s.code_id for s in panel.suggestions] == ["caseload", "it_systems"]
            text = screen_text(app)
            assert "Suggestions (2)" in text and "keywords" in text and "computer" in text
    run(scenario)


def test_accept_one_with_enter_records_accepted(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("enter")
            assert origins(project, "q0001") == [("caseload", "accepted")]
            panel = screen.query_one(SuggestionsPanel)
            assert [s.code_id for s in panel.suggestions] == ["it_systems"]
            assert screen.coded == 1
            assert screen.query_one(CodeRules).title.endswith(f"{screen.codes['caseload'].label} — just accepted")
    run(scenario)


def test_reject_hides_and_is_undoable(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            panel = screen.query_one(SuggestionsPanel)
            panel.focus()
            await pilot.press("down")   # the second suggestion
            await pilot.press("x")
            assert rejected_codes(screen.conn, "q0001", "alice") == {"it_systems"}
            assert [s.code_id for s in panel.suggestions] == ["caseload"]
            assert origins(project, "q0001") == []
            # The suggestion is gone: a line says which was turned down, and how to have it back.
            assert app._notifications and [n.message for n in app._notifications][-1] == \
                "Turned down 2.2 IT systems on q0001 (u undoes)."
            await pilot.press("u")
            assert [s.code_id for s in panel.suggestions] == ["caseload", "it_systems"]
    run(scenario)


def test_accept_all(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("j", "A")
            assert origins(project, "q0002") == [("caseload", "accepted"), ("time_pressure", "accepted")]
            assert screen.query_one(SuggestionsPanel).suggestions == []
            rules = screen.query_one(CodeRules).title   # the best of them: time_pressure (0.9)
            assert rules.endswith(f"{screen.codes['time_pressure'].label} — just accepted, with 1 more")
            await pilot.press("u")   # one key accepted both: one undo takes both back
            assert origins(project, "q0002") == []
            said = [n.message for n in app._notifications][-1]
            assert said.startswith("Undo: removed ") and " and " in said and said.endswith(" from q0002")
    run(scenario)


def test_accept_all_leaves_a_code_already_on_part_of_the_response(project):
    """A usage test: with a code on a sentence, A added it again for the whole response."""
    conn = open_project(project)
    toggle_code(conn, "q0002", "caseload", "alice", start=0, end=5)
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, screen):
            assert screen.response_list.current == "q0002"   # it opens where the coder left off
            await pilot.press("A")
            assert sorted(stored_codings(project, "q0002")) == [("caseload", 0, 5, "manual"),
                                                                ("time_pressure", None, None, "accepted")]
            await pilot.press("A")   # only the part-coded one is left: nothing to accept at once
            assert [n.message for n in app._notifications][-1].startswith("Every suggestion here is already on part")
            assert len(stored_codings(project, "q0002")) == 2
    run(scenario)


def test_run_by_another_process_is_picked_up(project):
    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("j", "j")
            assert screen.query_one(SuggestionsPanel).suggestions == []
            write_run(project, [kw("q0003", "paperwork", 0.8, 0, 9, "Reviewing")])
            screen.poll_changes()
            await pilot.pause()
            assert [s.code_id for s in screen.query_one(SuggestionsPanel).suggestions] == ["paperwork"]
    run(scenario)


async def list_most_uncertain_first(app, pilot) -> None:
    """Set the list's order to the queue in the filter dialog, as a coder does."""
    await pilot.press("f")
    app.screen.query_one("#queue", Checkbox).value = True
    await pilot.click("#apply")


def test_queue_orders_most_uncertain_first(project):
    write_run(project, [kw("q0004", "caseload", 0.55)],
              scored=[("q0001", 0.2, "it_systems", 0.6, "it_systems", 0.6, 0.5),
                      ("q0004", 0.9, "caseload", 0.55, "caseload", 0.55, 0.5),
                      ("q0002", 0.7, "paperwork", 0.45, "paperwork", 0.35, 0.5)])

    async def scenario():
        async with running(project) as (app, pilot, screen):
            await list_most_uncertain_first(app, pilot)
            assert screen.response_list.ids == ["q0004", "q0002", "q0001"]
            assert screen.response_list.current == "q0004"
            await pilot.pause()
            text = screen_text(app)
            assert "most uncertain first" in text
            assert "q0004 1.1? " in text and "q0002 2.1? " in text and "q0001 2.2? " in text   # what each is queued for
            header = " ".join(line for line, offset in screen.query_one(ResponseView).rows if offset is None)
            assert "Queued for 1.1 Caseload size: 0.550 ≥ 0.500, suggested" in " ".join(header.split())
            await pilot.press("j")   # q0002: queued for 2.1 at 0.35, under its threshold
            header = " ".join(line for line, offset in screen.query_one(ResponseView).rows if offset is None)
            assert "0.350 < 0.500, not suggested" in " ".join(header.split())
    run(scenario)


def test_rejecting_the_code_a_response_is_queued_for_marks_its_row_settled_until_undone(project):
    """The row kept its "1.1?" and the text "suggested" after the code it was queued for was rejected."""
    write_run(project, [kw("q0004", "caseload", 0.55)],
              scored=[("q0004", 0.9, "caseload", 0.55, "caseload", 0.55, 0.5),
                      ("q0002", 0.7, "paperwork", 0.45, "paperwork", 0.35, 0.5)])

    def header(screen) -> str:
        return " ".join(" ".join(line for line, offset in screen.query_one(ResponseView).rows
                                 if offset is None).split())

    async def scenario():
        async with running(project) as (app, pilot, screen):
            await list_most_uncertain_first(app, pilot)
            await pilot.press("x")   # the highlighted suggestion: caseload, the call q0004 is queued for
            await pilot.pause()
            assert "q0004 1.1✗ " in screen_text(app) and "0.550 ≥ 0.500, rejected" in header(screen)
            assert screen.response_list.ids == ["q0004", "q0002"]   # the list stays put while you work
            await pilot.press("u")
            await pilot.pause()
            assert "q0004 1.1? " in screen_text(app) and "0.550 ≥ 0.500, suggested" in header(screen)
    run(scenario)


def test_x_settles_a_queued_call_under_its_threshold(project):
    """A response queued for a code it scored under the threshold had no suggestion to reject:
    "not this code", the answer the queue asks for, could not be given, and the row kept "2.1?"."""
    write_run(project, [kw("q0004", "caseload", 0.55)],
              scored=[("q0004", 0.9, "caseload", 0.55, "caseload", 0.55, 0.5),
                      ("q0002", 0.7, "paperwork", 0.45, "paperwork", 0.35, 0.5)])

    async def scenario():
        async with running(project) as (app, pilot, screen):
            await list_most_uncertain_first(app, pilot)
            await pilot.press("j", "x")
            await pilot.pause()
            assert screen.response_list.current == "q0002" and "q0002 2.1✗ " in screen_text(app)
            assert rejected_codes(screen.conn, "q0002", "alice") == {"paperwork"}
            assert [n.message for n in app._notifications][-1].startswith("Turned down 2.1 ")
            await pilot.press("x")   # again: nothing to log, and no "u undoes" that would undo another step
            await pilot.pause()
            assert [n.message for n in app._notifications][-1].endswith("is already turned down on q0002.")
            await pilot.press("u")
            await pilot.pause()
            assert "q0002 2.1? " in screen_text(app) and rejected_codes(screen.conn, "q0002", "alice") == set()
            await pilot.press("4", "k", "j", "x")   # 2.1 applied: not turned down too
            await pilot.pause()
            assert rejected_codes(screen.conn, "q0002", "alice") == set()
            assert [n.message for n in app._notifications][-1].startswith("The code this response is queued for is applied")
    run(scenario)


def test_panel_shows_f1_from_latest_evaluation(project):
    conn = open_project(project)
    save_evaluation(conn, coder=None, engine="keywords", folds=5, texts=10, overall={}, curve=[],
                    codes=[("caseload", 4, 0.8, 0.7, 0.75, "keywords")])
    conn.close()

    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.pause()
            assert "keywords F1 0.75" in screen_text(app)
    run(scenario)


def test_a_model_code_scored_with_its_keywords_too_is_shown_as_model_plus_keywords(tmp_path):
    """The panel said "model" for a code whose score is the mean of its model's and its keyword
    score, which `coder evaluate` calls "model + keywords"."""
    path = tiny_project(tmp_path / "both.coder", lunch_keywords=("lunch",))
    conn = open_project(path)
    run_batch(conn, workers=1)
    conn.close()

    async def scenario():
        async with running(path) as (app, pilot, screen):
            screen.go_to("new3")   # "lunch in the sun": lunch, on its model and its keywords
            await pilot.pause()
            assert [(s.code_id, s.engine) for s in screen.query_one(SuggestionsPanel).suggestions] == [
                ("lunch", "model + keywords")]
            assert "model + keywords" in screen_text(app)
            screen.go_to("new1")   # printer: on its model alone
            await pilot.pause()
            assert "model + keywords" not in screen_text(app) and " model " in screen_text(app)
    run(scenario)


def test_score_bar_marks_threshold():
    assert score_bar(0.75, 0.5) == "█████│██░░"   # over the threshold: the mark sits in the bar
    assert score_bar(0.2, 0.5) == "██░░░│░░░░"


def test_a_code_the_run_could_not_suggest_says_why_with_its_rules(tmp_path):
    path = make_project(tmp_path / "n.coder", n=5)
    conn = open_project(path)
    run_id = start_run(conn, engine="auto", scope="all", coder=None, total=0,
                       params={"not_suggested": {"caseload": "not enough coding: 5 more coded examples needed"}})
    finish_run(conn, run_id)
    conn.close()

    async def scenario():
        async with running(path) as (app, pilot, screen):
            screen.query_one(Tree).focus()         # the cursor goes on the first code, 1.1 caseload
            rules = screen.query_one("#rules", CodeRules)
            await pilot.pause()
            assert "Not suggested: not enough coding: 5 more coded examples needed" in rules.body_text
            await pilot.press("down")      # 1.2 staffing: suggested as usual
            await pilot.pause()
            assert "Staff shortages" in rules.title
            assert "Not suggested" not in rules.body_text
    run(scenario)


def test_an_interrupted_run_is_named_on_opening_with_how_to_continue_it(tmp_path):
    path = make_project(tmp_path / "run half done.coder", n=10)
    conn = open_project(path)
    run_id = start_run(conn, engine="keywords", scope="all", coder=None, params={}, total=10)
    write_chunk(conn, run_id, [("q0001", "caseload", 0.75, 0.5, "keywords", "{}")],
                [("q0001", 0.1, "caseload", 0.75, "caseload", 0.75, 0.5)], done=4)
    interrupt_run(conn, run_id)
    conn.close()

    async def scenario():
        async with running(path) as (app, pilot, screen):
            await pilot.pause()
            said = [n.message for n in app._notifications]
            assert any("interrupted after scoring 4 of 10 responses" in m
                       and f"coder suggest '{path}' --resume" in m for m in said), said
    run(scenario)

    conn = open_project(path)
    finish_run(conn, run_id)   # once the run is finished, opening says nothing of it
    conn.close()

    async def finished():
        async with running(path) as (app, pilot, screen):
            await pilot.pause()
            assert not any("interrupted" in n.message for n in app._notifications)
    run(finished)


def test_the_panel_keeps_its_room_from_one_response_to_the_next(tmp_path):
    """Sized once for what most responses have, so moving on neither moves the text nor
    lays the screen out again; what does not fit is counted in the title."""
    path = make_project(tmp_path / "room.coder", n=10)
    write_run(path, [kw("q0001", "caseload", 0.9), kw("q0001", "it_systems", 0.8), kw("q0001", "staffing", 0.7),
                     kw("q0002", "caseload", 0.6)])

    async def scenario():
        async with running(path, size=(110, 40)) as (app, pilot, screen):
            panel, view = screen.query_one(SuggestionsPanel), screen.query_one("#view")
            assert screen.response_list.current == "q0001" and len(panel.suggestions) == 3
            heights = [(panel.outer_size.height, view.size.height)]
            for _ in range(2):   # q0002 (one suggestion), q0003 (none)
                await pilot.press("j")
                await pilot.pause()
                heights.append((panel.outer_size.height, view.size.height))
            assert len(panel.suggestions) == 0
            assert heights == [heights[0]] * 3 and heights[0][0] == 1 + 2 * 3
        async with running(path, size=(80, 16)) as (app, pilot, screen):
            panel = screen.query_one(SuggestionsPanel)
            assert panel.outer_size.height < 1 + 2 * 3   # capped at 30% of the column
            await pilot.pause()
            in_view = (panel.size.height - 1) // 2   # under the title line
            assert f"Suggestions (3, {in_view} in view)" in screen_text(app)
    run(scenario)


def test_accept_all_says_which_it_accepted_out_of_view(tmp_path):
    path = make_project(tmp_path / "all.coder", n=10)
    write_run(path, [kw("q0001", "caseload", 0.9), kw("q0001", "it_systems", 0.8), kw("q0001", "staffing", 0.7)])

    async def scenario():
        async with running(path, size=(80, 16)) as (app, pilot, screen):
            assert screen.query_one(SuggestionsPanel).in_view == 1
            await pilot.press("A")
            await pilot.pause()
            assert {code for code, _ in origins(path, "q0001")} == {"caseload", "it_systems", "staffing"}
            said = [n.message for n in app._notifications]
            assert any("Accepted all 3" in m and screen.codes["staffing"].label in m for m in said), said
            app.clear_notifications()
            await pilot.press("u", "u", "u")   # back to the three; scrolled to the last, the first is unseen
            await pilot.pause()
            panel = screen.query_one(SuggestionsPanel)
            assert [s.code_id for s in panel.suggestions] == ["caseload", "it_systems", "staffing"], origins(path, "q0001")
            panel.focus()
            await pilot.press("end")
            await pilot.pause()
            assert panel.codes_in_view == ["staffing"]
            await pilot.press("A")
            await pilot.pause()
            said = [n.message for n in app._notifications]
            names = [m for m in said if "Accepted all 3" in m]
            assert names and screen.codes["caseload"].label in names[0] and screen.codes["staffing"].label not in names[0]
    run(scenario)


def test_arrows_move_through_suggestions_that_do_not_fit_and_a_click_accepts(tmp_path):
    """With the panel focused, the arrows reach every suggestion (the view follows the
    highlight, and the rules follow it); a click on a suggestion accepts that one."""
    path = make_project(tmp_path / "keys.coder", n=10)
    write_run(path, [kw("q0001", "caseload", 0.9), kw("q0001", "it_systems", 0.8), kw("q0001", "staffing", 0.7),
                     kw("q0002", "caseload", 0.6)])

    async def scenario():
        async with running(path, size=(80, 16)) as (app, pilot, screen):
            panel = screen.query_one(SuggestionsPanel)
            assert panel.in_view == 1
            panel.focus()
            for expected in ("it_systems", "staffing"):
                await pilot.press("down")
                await pilot.pause()
                assert panel.highlighted_code == expected
                label = screen.codes[expected].label
                assert label in screen_text(app).split("Suggestions (3, 1 in view)")[1]
                assert screen.query_one(CodeRules).title.endswith(f"{label} — suggested")
            await pilot.press("up")
            assert panel.highlighted_code == "it_systems"
            await pilot.click(SuggestionsPanel, offset=(5, 1))   # the first line under the title
            await pilot.pause()
            assert origins(path, "q0001") == [("it_systems", "accepted")]
    run(scenario)


def test_the_text_underlines_the_evidence_of_the_highlighted_suggestion(project):
    """The text underlined the evidence of every suggestion at once, whichever the panel highlighted:
    the underlines follow the highlight, the best suggestion's until it moves."""
    async def scenario():
        async with running(project) as (app, pilot, screen):
            panel, view = screen.query_one(SuggestionsPanel), screen.query_one(ResponseView)
            assert panel.highlighted_code == "caseload" and underlined(app, view) == ["caseload"]
            panel.focus()
            await pilot.press("down")
            await pilot.pause()
            assert panel.highlighted_code == "it_systems" and underlined(app, view) == ["computer"]
            await pilot.press("up")
            await pilot.pause()
            assert underlined(app, view) == ["caseload"]
            # q0002's best suggestion has no evidence: nothing is underlined, not the second one's "Res"
            await pilot.press("j")
            await pilot.pause()
            assert (view.response_id, panel.highlighted_code) == ("q0002", "time_pressure")
            assert underlined(app, view) == []
            panel.focus()
            await pilot.press("down")
            await pilot.pause()
            assert underlined(app, view) == ["Res"]
            await pilot.press("j")   # no suggestions: nothing to underline
            await pilot.pause()
            assert (view.response_id, panel.suggestions, underlined(app, view)) == ("q0003", [], [])
    run(scenario)


def test_moving_the_highlight_scrolls_the_text_to_evidence_below_the_view(tmp_path):
    """At 80x24 the text shows a few lines: a suggestion's evidence further down was underlined out of sight."""
    path = make_project(tmp_path / "long.coder", n=1)
    text = demo_rows(1)[0][1]
    end = len(text.rstrip())
    write_run(path, [kw("q0001", "it_systems", 0.9, 15, 23, "computer"),
                     kw("q0001", "caseload", 0.6, end - 9, end, "overnight")])

    async def scenario():
        async with running(path, size=(80, 24)) as (app, pilot, screen):
            panel, view = screen.query_one(SuggestionsPanel), screen.query_one(ResponseView)
            view.styles.height = 2   # room for the id line and one line of the text
            await pilot.pause()
            assert underlined(app, view) == ["computer"]
            panel.focus()
            await pilot.press("down")
            await pilot.pause()
            assert view.scroll_offset.y > 0 and underlined(app, view) == ["overnight"]
    run(scenario)


def test_rules_never_say_suggested_on_a_response_without_that_suggestion(tmp_path):
    """Moving from a response with suggestions to one without, the rules box shows the code under
    the codebook cursor, or says there is no suggestion: it kept the last response's suggestion (or
    one just accepted), titled "suggested", over a panel that said "Suggestions (none)"."""
    path = make_project(tmp_path / "stale.coder", n=10)
    write_run(path, [kw("q0001", "staffing", 0.9), kw("q0003", "it_systems", 0.8)])

    async def scenario():
        async with running(path, size=(110, 40)) as (app, pilot, screen):
            rules = screen.query_one(CodeRules)
            assert rules.title.endswith(f"{screen.codes['staffing'].label} — suggested")
            await pilot.press("j")   # q0002: no suggestions
            await pilot.pause()
            assert "Suggestions (none)" in screen_text(app)
            assert rules.title == "No suggestion here"
            assert "Highlight a code in the codebook" in screen_text(app)
            await pilot.press("j")   # q0003: its own suggestion
            await pilot.pause()
            assert rules.title.endswith(f"{screen.codes['it_systems'].label} — suggested")
            codebook = screen.query_one(CodebookPanel)
            codebook.focus()   # the cursor on the first code
            await pilot.pause()
            await pilot.press("down")   # the codebook cursor onto a code: its rules, from now on
            await pilot.pause()
            under_cursor = screen.codes[codebook.highlighted_code]
            await pilot.press("k")   # q0002 again
            await pilot.pause()
            assert screen.response_list.current == "q0002"
            assert rules.title == f"{under_cursor.index} {under_cursor.label} — under the cursor"
            await pilot.press("k")   # q0001: its suggestion, accepted, is no longer one
            await pilot.pause()
            assert rules.title.endswith(f"{screen.codes['staffing'].label} — suggested")
            await pilot.press("A")
            await pilot.pause()
            assert origins(path, "q0001") == [("staffing", "accepted")] and screen.response_list.current == "q0001"
            assert rules.title.endswith(f"{screen.codes['staffing'].label} — just accepted")   # as a code key would
            await pilot.press("j")
            await pilot.pause()
            assert rules.title == f"{under_cursor.index} {under_cursor.label} — under the cursor"
    run(scenario)


def test_room_is_what_most_responses_with_suggestions_have(tmp_path):
    path = make_project(tmp_path / "fit.coder", n=40)
    conn = open_project(path)
    assert suggestions_to_fit(conn) == 0   # no run yet
    conn.close()
    many = [kw(f"q{n:04d}", "caseload", 0.9) for n in range(1, 21)]
    many += [kw("q0001", code, 0.9) for code in ("it_systems", "staffing", "time_pressure", "paperwork")]
    many.append(kw("q0002", "staffing", 0.1))   # under its threshold: not shown, not counted
    write_run(path, many)
    conn = open_project(path)
    assert suggestions_to_fit(conn) == 1   # 19 of 20 have one; q0001's five scroll
    conn.close()


def test_a_suggestion_cut_off_by_the_panel_is_cleared_on_the_next_response(tmp_path):
    """At 80x24 the panel is capped with room for two suggestions and the first line of a third:
    moving to a response with one suggestion leaves nothing of the last response's third."""
    path = make_project(tmp_path / "cut.coder", n=10)
    write_run(path, [kw("q0001", "caseload", 0.9), kw("q0001", "it_systems", 0.8), kw("q0001", "staffing", 0.7),
                     kw("q0002", "time_pressure", 0.6)])

    async def scenario():
        async with running(path, size=(80, 24)) as (app, pilot, screen):
            panel = screen.query_one(SuggestionsPanel)
            await pilot.pause()
            assert panel.size.height % 2 == 0 and panel.in_view == 2   # a third suggestion half shown
            assert screen.codes["staffing"].label[:20] in screen_text(app).split("Suggestions (3, 2 in view)")[1]
            await pilot.press("j")
            await pilot.pause()
            below = screen_text(app).split("Suggestions (1)")[1]
            assert screen.codes["time_pressure"].label[:20] in below
            assert not any(screen.codes[c].label[:20] in below for c in ("caseload", "it_systems", "staffing"))
    run(scenario)


def test_the_list_mark_goes_when_no_suggestion_is_left_to_decide(project):
    """◆ in the list means suggestions are waiting: rejecting the last one clears it (also after
    reopening), undoing brings it back; another coder's rejections change nothing for this one."""
    def mark(app, rid):
        return next(line[:1] for line in screen_text(app).splitlines() if line[2:7] == rid)

    async def scenario():
        async with running(project) as (app, pilot, screen):
            await pilot.press("j")   # q0002: time_pressure 0.9 and caseload 0.5 (at its threshold)
            await pilot.pause()
            assert [s.code_id for s in screen.query_one(SuggestionsPanel).suggestions] == ["time_pressure", "caseload"]
            await pilot.press("x")
            await pilot.pause()
            assert mark(app, "q0002") == "◆"   # caseload is still waiting
            await pilot.press("x")
            await pilot.pause()
            assert mark(app, "q0002") == "○"
            await pilot.press("u")
            await pilot.pause()
            assert mark(app, "q0002") == "◆"
            await pilot.press("x")
        async with running(project) as (app, pilot, screen):
            await pilot.pause()
            assert mark(app, "q0002") == "○" and mark(app, "q0001") == "◆"
        async with running(project, coder="bob") as (app, pilot, screen):
            await pilot.pause()
            assert mark(app, "q0002") == "◆"
    run(scenario)


def test_the_list_mark_leaves_out_retired_codes(project):
    """A retired code's suggestions are not offered, so they do not keep ◆ on a response; neither
    do those of a code whose theme is retired. Unretiring brings the mark back."""
    from coder.store.browse import row_summaries
    from coder.store.codebook import set_code_retired, set_theme_retired
    from coder.store.codebook_read import get_code

    conn = open_project(project)
    try:
        def suggested(rid):
            return row_summaries(conn, [rid], "alice", "alice")[rid].suggested

        assert suggested("q0002")   # time_pressure 0.9, caseload 0.5
        set_code_retired(conn, "time_pressure", True, "lead")
        assert suggested("q0002")
        set_code_retired(conn, "caseload", True, "lead")
        assert not suggested("q0002")
        assert row_summaries(conn, ["q0002"], "alice")["q0002"].suggested   # without a coder: every stored suggestion
        set_code_retired(conn, "caseload", False, "lead")
        assert suggested("q0002")
        set_theme_retired(conn, get_code(conn, "caseload").theme_id, True, "lead")
        assert not suggested("q0002")
    finally:
        conn.close()


def test_a_wide_panel_keeps_the_score_bar_and_a_narrow_one_shortens_the_engine_for_the_terms(tmp_path):
    """At 160 columns a suggestion with many evidence terms lost its score bar (the bar went
    wherever the whole line did not fit, not only where it left the terms no room)."""
    path = make_project(tmp_path / "wide.coder", n=1)
    text = demo_rows(1)[0][1]
    words = ["Turning", "computer", "crisis", "occurred", "caseload", "overnight"]
    terms = [{"term": w.lower(), "start": text.index(w), "end": text.index(w) + len(w), "weight": 1.0 - k / 10}
             for k, w in enumerate(words)]
    write_run(path, [Suggestion("q0001", "caseload", 0.75, 0.5, "model + keywords", {"terms": terms})])
    conn = open_project(path)
    save_evaluation(conn, coder=None, engine="auto", folds=5, texts=10, overall={}, curve=[],
                    codes=[("caseload", 4, 0.8, 0.7, 0.62, "model + keywords")])
    conn.close()

    async def scenario():
        # At 80 columns "0.75 model + keywords F1 0.62" left the terms one cell.
        for size, bar, shown in (((160, 45), True, "0.75 model + keywords f1 0.62  tur"),
                                 ((80, 24), False, "0.75 model+kw f1 .62  turning,")):
            async with running(path, size=size) as (app, pilot, screen):
                panel = screen.query_one(SuggestionsPanel)
                line = "".join(segment.text for segment in panel.render_line(2)).rstrip()
                assert shown in line.lower(), line
                assert ("│" in line) is bar, (size, line)
                assert line.endswith("…")   # the terms cut, not the score, engine or bar
    run(scenario)
