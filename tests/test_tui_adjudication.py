"""The adjudication screen (F5) under the pilot: two coders code 30 demo responses blind in
the real UI, the lead settles their differences there, and `coder agreement` (the real
CLI) against `consensus` gives what a hand calculation gives. Plus its snapshot.

Update the snapshot after an intended change with
`pytest tests/test_tui_adjudication.py --snapshot-update`.
"""

from __future__ import annotations

import csv

import pytest
from helpers import run_cli
from textual.widgets import Select
from tui_driver import run, running, screen_text, stored_codings
from tui_project import CODES, make_project

from coder.adjudication import settle
from coder.coding import toggle_code
from coder.records import Code
from coder.store import open_project, transaction
from coder.store.codebook import add_code
from coder.tui.app import CoderApp
from coder.tui.screens.coding_screen import CodingScreen
from coder.tui.session import Session
from coder.tui.widgets.key_bar import KeyBar

pytestmark = pytest.mark.slow  # the full UI and a real CLI process

N = 30
KEY = {code.id: str(i) for i, code in enumerate(CODES, start=1)}   # the code keys: 1-5 in framework order
IDS = [c.id for c in CODES]
SPAN_AT = 9   # alice codes the first sentence of q0010, not all of it; the lead takes her codings


def _alice(i: int) -> list[str]:
    return [IDS[i % 5]] + ([IDS[(i + 1) % 5]] if i % 3 == 0 else [])


def _bob(i: int) -> list[str]:
    return _alice(i) if i % 2 == 0 else [IDS[(i + 2) % 5]] + ([IDS[i % 5]] if i % 4 == 1 else [])


async def _code_blind(pilot, plan, span_at: int | None = None) -> None:
    """Code the responses in list order with the code keys (a span: `]` selects a sentence first)."""
    for i in range(N):
        for code_id in plan(i):
            await pilot.press(*(["right_square_bracket"] if i == span_at else []), KEY[code_id])
        await pilot.press("j")


def _kappa(a: list[bool], b: list[bool]) -> float:
    """Cohen's kappa worked out by hand: (observed - chance) / (1 - chance)."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return (observed - chance) / (1 - chance)


def test_round_trip_blind_coding_adjudication_and_agreement(tmp_path):
    path = make_project(tmp_path / "team.coder", n=N)
    rids = [f"q{i + 1:04d}" for i in range(N)]
    differing = [i for i in range(N) if set(_alice(i)) != set(_bob(i))]
    ways = ["A", "B", "U", "edit"]
    consensus: dict[str, set[str]] = {}
    edits = {}

    async def scenario():
        for coder, plan in (("alice", _alice), ("bob", _bob)):
            async with running(path, coder) as (app, pilot, screen):
                await _code_blind(pilot, plan, SPAN_AT if coder == "alice" else None)
        async with running(path, "lead") as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            assert f"0 of {len(differing)} settled (differing)" in screen_text(app)
            assert "A: alice" in screen_text(app) and "B: bob" in screen_text(app)
            for n, i in enumerate(differing):   # the list holds the differing responses in order
                way = ways[n % 4]
                if way == "edit":   # toggle two codes into the consensus with their keys
                    edits[rids[i]] = [IDS[(i + 3) % 5], IDS[i % 5]]
                    await pilot.press(*(KEY[c] for c in edits[rids[i]]))
                    consensus[rids[i]] = set(edits[rids[i]])
                else:
                    await pilot.press(way)
                    consensus[rids[i]] = {"A": set(_alice(i)), "B": set(_bob(i)),
                                          "U": set(_alice(i)) | set(_bob(i))}[way]
                await pilot.press("n")
            await pilot.pause()
            assert f"{len(differing)} of {len(differing)} settled" in screen_text(app)
            await pilot.press("u")   # undo takes back the last settlement as a whole, redo restores it
            await pilot.pause()
            assert f"{len(differing) - 1} of {len(differing)} settled" in screen_text(app)
            await pilot.press("ctrl+r")
            await pilot.press("f")   # all double-coded responses: the agreed ones are settled as coded
            await pilot.pause()
            assert f"{len(differing)} of {N} settled (double-coded)" in screen_text(app)
            for _ in range(N - len(differing)):
                await pilot.press("n", "A")
            await pilot.pause()
            assert f"{N} of {N} settled (double-coded)" in screen_text(app)
        for i in range(N):
            consensus.setdefault(rids[i], set(_alice(i)))

    run(scenario)
    for rid in rids:
        assert {c[0] for c in stored_codings(path, rid, "consensus")} == consensus[rid]
        assert {c[3] for c in stored_codings(path, rid, "consensus")} == {"consensus"}
    spans = [c[:3] for c in stored_codings(path, rids[SPAN_AT], "alice")]
    assert len(spans) == 2 and all(start is not None for _, start, _ in spans)   # taken as she coded them
    assert [c[:3] for c in stored_codings(path, rids[SPAN_AT], "consensus")] == spans

    out = tmp_path / "agreement.csv"
    result = run_cli("agreement", path, "--coders", "alice", "consensus", "--out", out)
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {row["code id"]: row for row in csv.DictReader(handle)}
    alice = {rids[i]: set(_alice(i)) for i in range(N)}
    for code in IDS:
        a = [code in alice[r] for r in rids]
        c = [code in consensus[r] for r in rids]
        assert int(rows[code]["applied by consensus"]) == sum(c)
        assert float(rows[code]["agreement %"]) == round(100 * sum(x == y for x, y in zip(a, c)) / N, 1)
        assert float(rows[code]["kappa"]) == round(_kappa(a, c), 3)
    pooled = _kappa([k in alice[r] for r in rids for k in IDS], [k in consensus[r] for r in rids for k in IDS])
    assert f"pooled kappa: {pooled:.2f}" in result.stdout
    assert f"Responses coded by all of alice, consensus: {N}" in result.stdout


@pytest.fixture
def app(tmp_path):
    path = make_project(tmp_path / "snap.coder", n=8)
    conn = open_project(path)
    for rid, coder, code, span in [("q0001", "alice", "caseload", None), ("q0001", "bob", "staffing", None),
                                   ("q0001", "bob", "caseload", (0, 24)), ("q0002", "alice", "paperwork", None),
                                   ("q0002", "bob", "it_systems", None), ("q0003", "alice", "paperwork", None),
                                   ("q0003", "bob", "paperwork", None)]:
        toggle_code(conn, rid, code, coder, start=span and span[0], end=span and span[1])
    yield CoderApp(Session(conn, "lead", path))
    conn.close()


def test_snapshot_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), press=["f5", "U"])


def test_default_coders_and_a_project_with_nothing_to_settle(tmp_path):
    path = make_project(tmp_path / "pairs.coder", n=4)
    conn = open_project(path)
    for rid in ("q0001", "q0002"):
        toggle_code(conn, rid, "caseload", "alice")
        toggle_code(conn, rid, "staffing", "carol")
    toggle_code(conn, "q0001", "caseload", "bob")
    conn.close()

    async def scenario():
        async with running(path, "lead") as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            text = screen_text(app)
            assert "A: alice" in text and "B: carol" in text and "0 of 2 settled (differing)" in text
            app.screen.notify("a consensus needs at least one code", title="Not saved", severity="error", timeout=15)
            app.screen.query_one("#coder-b", Select).value = "bob"   # as `s` and the list would
            await pilot.pause()
            assert not app._notifications   # what was said of the last pair's response is gone
            assert "B: bob" in screen_text(app) and "0 of 0 settled (differing)" in screen_text(app)
            await pilot.press("f")
            await pilot.pause()
            assert "0 of 1 settled (double-coded)" in screen_text(app)
            other = open_project(path)   # bob codes on in another window: the screen picks it up
            toggle_code(other, "q0002", "staffing", "bob")
            other.close()
            app.screen.poll_changes()
            await pilot.pause()
            assert "0 of 2 settled (double-coded)" in screen_text(app)
            await pilot.press("escape")
            assert isinstance(app.screen, CodingScreen)
        async with running(make_project(tmp_path / "empty.coder", n=2), "lead") as (app, pilot, screen):
            await pilot.press("f5", "A", "u")
            await pilot.pause()
            assert "No two coders have coded the same responses yet." in screen_text(app)

    run(scenario)


def test_the_coders_memos_and_whole_names_are_shown_at_80x24(tmp_path):
    """A usage test found 'A alic' in the chooser and the coders' memos nowhere on the screen."""
    from coder.store.memos import set_memo

    path = make_project(tmp_path / "memos.coder", n=3)
    conn = open_project(path)
    toggle_code(conn, "q0001", "caseload", "alice")
    toggle_code(conn, "q0001", "staffing", "bob_the_second_coder")
    set_memo(conn, "response", "q0001", "bob_the_second_coder", "staffing, as the team is short")
    conn.close()

    async def scenario():
        async with running(path, "lead", size=(80, 24)) as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            text = screen_text(app)
            assert "A alice" in text and "B bob_the_second_coder" in text, text
            assert "0 of 1 settled (differing)" in text
            assert "memo: staffing" in text and "short" in text
            await pilot.press("s")   # the list of coders is as wide as its longest name: "alice"'s
            await pilot.pause()      # width wrapped "bob_the_sec" over "ond_coder"
            listed = app.screen.query_one("#coder-a").query_one("SelectOverlay")
            assert listed.size.width >= len("bob_the_second_coder") + 2 and "bob_the_second_coder" in screen_text(app)

    run(scenario)


def test_a_long_response_scrolls_by_key_and_the_picker_edits_the_consensus(tmp_path):
    path = make_project(tmp_path / "long.coder", n=18)
    conn = open_project(path)
    toggle_code(conn, "q0018", "caseload", "alice")   # 384 characters: more than the views hold at 80x24
    toggle_code(conn, "q0018", "staffing", "bob")
    conn.close()

    async def scenario():
        async with running(path, "lead", size=(80, 24)) as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            assert "reduced or avoided." not in screen_text(app)
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert screen_text(app).count("reduced or avoided.") == 2
            await pilot.press("c", *"time", "enter")   # the picker puts a code no coder gave into the consensus
            await pilot.pause()
            assert "1 of 1 settled" in screen_text(app)

    run(scenario)
    assert stored_codings(path, "q0018", "consensus") == [("time_pressure", None, None, "consensus")]


def test_opened_again_it_keeps_its_place_and_picks_up_coders_codes_and_coding_since(tmp_path):
    path = make_project(tmp_path / "kept.coder", n=6)
    conn = open_project(path)
    for rid in ("q0001", "q0002", "q0003"):
        toggle_code(conn, rid, "caseload", "alice")
        toggle_code(conn, rid, "staffing", "bob")
    conn.close()

    async def scenario():
        async with running(path, "lead") as (app, pilot, coding):
            await pilot.press("f5")
            await pilot.pause()
            screen = app.screen
            await pilot.press("j")
            await pilot.pause()
            assert screen.current.response_id == "q0002"
            await pilot.press("escape")
            await pilot.pause()
            other = open_project(path)   # meanwhile: alice and bob differ on one more, carol codes
            toggle_code(other, "q0004", "caseload", "alice")
            toggle_code(other, "q0004", "paperwork", "bob")
            toggle_code(other, "q0001", "caseload", "carol")
            with transaction(other):
                add_code(other, Code("new_code", "workload", "1.9", "New code"), "lead")
            other.close()
            await pilot.press("f5")
            await pilot.pause()
            assert app.screen is screen and screen.current.response_id == "q0002"   # kept, in place
            assert [item.response_id for item in screen.items] == ["q0001", "q0002", "q0003", "q0004"]
            assert "carol" in screen.coders
            key = next(k for k, code_id in screen.keys.items() if code_id == "new_code")
            await pilot.press(key)   # the new code's key edits the consensus
            await pilot.pause()
            assert ("new_code", None, None, "consensus") in stored_codings(path, "q0002", "consensus")
    run(scenario)


def test_a_settlement_changed_since_is_marked_and_counted(tmp_path):
    path = make_project(tmp_path / "stale.coder", n=4)
    conn = open_project(path)
    toggle_code(conn, "q0001", "caseload", "alice")
    toggle_code(conn, "q0001", "staffing", "bob")
    settle(conn, "q0001", "alice", "bob", "a", "lead")
    toggle_code(conn, "q0001", "paperwork", "alice")   # alice changes her coding after the settlement
    conn.close()

    async def scenario():
        async with running(path, "lead") as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            text = screen_text(app)
            assert "1 of 1 settled (differing), 1 changed since (!)" in text
            assert any(line.lstrip("▏ ").startswith("!≠ q0001") for line in text.splitlines()), text
    run(scenario)


def test_the_picker_marks_the_consensus_codes_not_the_leads_own(tmp_path):
    """The F5 picker ticked the codes the lead had applied on the coding screen: codes already in the
    consensus showed ☐, and choosing one to add took it out."""
    from coder.adjudication import UNION

    path = make_project(tmp_path / "picker.coder", n=4)
    conn = open_project(path)
    toggle_code(conn, "q0001", "caseload", "alice")
    toggle_code(conn, "q0001", "staffing", "bob")
    toggle_code(conn, "q0001", "time_pressure", "lead")   # the lead's own coding, not the consensus
    settle(conn, "q0001", "alice", "bob", UNION, "lead")
    conn.close()

    async def scenario():
        async with running(path, "lead", size=(100, 30)) as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            for typed, mark in (("staff", "☑"), ("time", "☐")):
                await pilot.press("c", *typed)
                await pilot.pause(0.3)
                entry = next(line for line in screen_text(app).splitlines() if typed.title()[:4] in line and "1." in line)
                assert f"{mark} 1." in entry, entry
                await pilot.press("escape")
                await pilot.pause()
            await pilot.press("c", *"staff", "enter")   # marked: choosing it takes it out
            await pilot.pause()

    run(scenario)
    assert [c[0] for c in stored_codings(path, "q0001", "consensus")] == ["caseload"]


def _row(text: str, rid: str) -> str:
    """The list's row of `rid`: its marks and id."""
    return next(line.split("▏")[0].strip() for line in text.splitlines() if rid in line.split("▏")[0])


def test_each_pair_shows_its_own_settlements(tmp_path):
    """Settled for alice and bob, a response showed settled (✓, counted) for alice and carol too:
    a response has one consensus, but carol's coding was never weighed in it."""
    path = make_project(tmp_path / "pairs.coder", n=4)
    conn = open_project(path)
    for coder, code in (("alice", "caseload"), ("bob", "staffing"), ("carol", "paperwork")):
        toggle_code(conn, "q0001", code, coder)
        toggle_code(conn, "q0002", code, coder)
    conn.close()

    async def scenario():
        async with running(path, "lead") as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            assert "A: alice" in screen_text(app) and "B: bob" in screen_text(app)
            await pilot.press("A")
            await pilot.pause()
            text = screen_text(app)
            assert "1 of 2 settled (differing)" in text and _row(text, "q0001") == "✓≠ q0001"
            app.screen.query_one("#coder-b", Select).value = "carol"
            await pilot.pause()
            text = screen_text(app)
            assert "0 of 2 settled (differing), 1 for other coders (○)" in text, text
            assert _row(text, "q0001") == "○≠ q0001" and _row(text, "q0002") == "≠ q0002"
            assert "settled comparing alice and bob" in text
            await pilot.press("B")   # carol's codes: now theirs, no longer alice and bob's
            await pilot.pause()
            text = screen_text(app)
            assert "1 of 2 settled (differing)" in text and _row(text, "q0001") == "✓≠ q0001"
            app.screen.query_one("#coder-b", Select).value = "bob"
            await pilot.pause()
            text = screen_text(app)
            assert "0 of 2 settled (differing), 1 for other coders (○)" in text and "alice and carol" in text
    run(scenario)


def test_the_pair_chosen_is_remembered_for_the_next_session(tmp_path):
    path = make_project(tmp_path / "kept_pair.coder", n=4)
    conn = open_project(path)
    for coder, code in (("alice", "caseload"), ("bob", "staffing"), ("carol", "paperwork")):
        toggle_code(conn, "q0001", code, coder)
    toggle_code(conn, "q0002", "caseload", "alice")
    toggle_code(conn, "q0002", "staffing", "bob")   # alice and bob share most: the first pair shown
    conn.close()

    async def opened(coder: str) -> str:
        async with running(path, coder) as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            return screen_text(app)

    async def scenario():
        async with running(path, "lead") as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            app.screen.query_one("#coder-a", Select).value = "carol"
            await pilot.pause()
            app.screen.query_one("#coder-b", Select).value = "alice"
            await pilot.pause()
        text = await opened("lead")
        assert "A: carol" in text and "B: alice" in text and "0 of 1 settled" in text
        text = await opened("lead2")   # another lead's own choice: none yet
        assert "A: alice" in text and "B: bob" in text
    run(scenario)


def test_a_coder_of_the_pair_sees_the_others_coding_only_once_done_or_on_purpose(tmp_path):
    """alice could open F5 on herself and bob and read bob's coding of responses she had yet to code."""
    from coder.tui.screens.codebook_forms import DeliberateConfirmDialog

    path = make_project(tmp_path / "blind.coder", n=4)
    conn = open_project(path)
    for rid in ("q0001", "q0002"):
        toggle_code(conn, rid, "caseload", "alice")
    for rid in ("q0001", "q0002", "q0003"):
        toggle_code(conn, rid, "staffing", "bob")   # q0003: bob's, not coded by alice yet
    conn.close()

    async def scenario():
        async with running(path, "alice") as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            assert isinstance(app.screen, DeliberateConfirmDialog)
            assert "bob has coded 1 response you have not coded yet" in app.screen.question
            await pilot.press("enter")   # out of habit: no
            await pilot.pause()
            text = screen_text(app)
            assert "Blind coding: bob's coding is hidden from you" in text and "bob's coding: hidden" in text
            assert "Staff shortages" not in text and "q0001" not in text and " settled (" not in text
            shown = {key.description for key in app.screen.query_one(KeyBar).shown_keys()}
            assert {"Coders", "Back", "Keys"} <= shown and not shown & {"Take A", "Take B", "Union", "Edit…", "Undo"}
            await pilot.press("A", "escape", "f5")   # nothing to settle; opened again, it asks again
            await pilot.pause()
            assert isinstance(app.screen, DeliberateConfirmDialog)
            await pilot.press("y")
            await pilot.pause()
            text = screen_text(app)
            assert "0 of 2 settled (differing)" in text and "Staff shortages" in text
            assert "Take A" in {key.description for key in app.screen.query_one(KeyBar).shown_keys()}
        async with running(path, "bob") as (app, pilot, screen):   # done with alice's responses: shown
            await pilot.press("f5")
            await pilot.pause()
            assert "0 of 2 settled (differing)" in screen_text(app)
        async with running(path, "lead") as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            assert "0 of 2 settled (differing)" in screen_text(app)
        other = open_project(path)
        toggle_code(other, "q0003", "caseload", "alice")   # alice is done: bob's coding is shown
        other.close()
        async with running(path, "alice") as (app, pilot, screen):
            await pilot.press("f5")
            await pilot.pause()
            assert "0 of 3 settled (differing)" in screen_text(app)
    run(scenario)
    assert stored_codings(path, "q0001", "consensus") == []
