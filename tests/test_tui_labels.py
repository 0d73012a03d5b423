"""Labels at 80 columns: shortened after a whole word, and the rules box's title line whole."""

from __future__ import annotations

import pytest
from team_projects import new_project
from tui_driver import run, running, screen_text

from coder.tui.widgets.code_rules import CodeRules
from coder.wording import shorten

pytestmark = pytest.mark.slow  # the full UI


@pytest.mark.parametrize("text, room, shortened", [
    ("1.2 Staff shortages and vacancies", 18, "1.2 Staff…"),   # was "1.2 Staff shortag…"
    ("1.1 Caseload size and allocation", 18, "1.1 Caseload size…"),
    ("3.2 Administrative support", 18, "3.2 Administrativ…"),   # the first word alone does not fit
    ("4 Management, supervision and development", 26, "4 Management, supervision…"),
    ("Supervision", 20, "Supervision"),
    ("Supervision", 0, "Supervision"),
    ("漢字漢字漢字", 7, "漢字漢…"),
])
def test_a_label_is_shortened_after_a_whole_word(text, room, shortened):
    assert shorten(text, room) == shortened


def _whole_words(shown: str, full: str) -> bool:
    """Whether `shown` is `full`, or its start to a word's end and "…" (or to its first word, cut)."""
    kept = shown.removesuffix("…")
    if kept == shown:
        return shown == full
    return full.startswith(kept) and (full[len(kept)] in " ,;" or kept.count(" ") == 1)


def test_at_80_columns_labels_end_with_whole_words_and_the_rules_title_fits(tmp_path):
    """The codebook panel cut labels mid-word ("1.2 Staff shortag…"), and the rules box's title
    line ran off its end ("1.1 Caseload size and alloca…", the reason for showing it gone)."""
    path = new_project(tmp_path / "labels.coder")

    async def scenario():
        async with running(path, "me", size=(80, 24)) as (app, pilot, screen):
            names = {f"{c.index} {c.label}": c for c in screen.codebook.codes}
            text = screen_text(app)
            shown = [line.split("▏")[-1][6:].rstrip(" ▆▂▃▄▅▇█") for line in text.splitlines()
                     if line.split("▏")[-1][:1] in "├└"]
            assert len(shown) > 10
            for label in shown:
                full = next(name for name in names if name.startswith(label.split(" ")[0] + " "))
                assert _whole_words(label, full), (label, full)
            await pilot.press("2")   # 1.2 Staff shortages and vacancies
            await pilot.pause()
            rules = screen.query_one(CodeRules)
            text = screen_text(app)
            assert "─ 1.2 — just applied/removed ─" in text   # the reason, whole
            body = " ".join(line.split("▏")[1].strip() for line in text.splitlines()[14:20])
            assert "1.2 Staff shortages and vacancies" in body   # the label heads the rules, wrapped
            assert rules.title == "1.2 Staff shortages and vacancies — just applied/removed"
        async with running(path, "me", size=(160, 45)) as (app, pilot, screen):
            await pilot.press("2")
            await pilot.pause()
            assert "─ 1.2 Staff shortages and vacancies — just applied/removed ─" in screen_text(app)
    run(scenario)


def test_at_80_columns_the_charts_labels_end_with_whole_words(tmp_path):
    """F3's chart cut theme labels mid-word ("3 Resources and working …", "4 Management, supervisio…")."""
    from team_projects import import_codes

    path = new_project(tmp_path / "chart.coder")
    import_codes(path, "alice", [("R1", "caseload"), ("R2", "paperwork"), ("R3", "cuts"), ("R4", "supervision")])

    async def scenario():
        async with running(path, "me", size=(80, 24)) as (app, pilot, screen):
            themes = {f"{t.index} {t.label}" for t in screen.codebook.themes}
            await pilot.press("f3", "2")
            await pilot.pause()
            rows = [line.strip("│ ") for line in screen_text(app).splitlines() if line.startswith("│ ")]
            labels = [row.split(" █")[0].split("  ")[0].rstrip() for row in rows if row[:1].isdigit()]
            assert len(labels) == len(themes)
            for label in labels:
                full = next(name for name in themes if name.startswith(label.split(" ")[0] + " "))
                assert _whole_words(label, full), (label, full)
    run(scenario)


def test_at_80_columns_the_progress_line_cuts_whole_theme_counts(tmp_path):
    """With a sample filter the line read "themes 1:4 2:1 3:0 4:2 5:5 6…": a count cut short."""
    from coder.tui.widgets.progress import ProgressLine

    path = new_project(tmp_path / "progress.coder")

    async def scenario():
        async with running(path, "alice", size=(80, 24)) as (app, pilot, screen):
            line = screen.query_one(ProgressLine)
            counts = {t.id: 12 for t in screen.codebook.themes}
            line.show("alice", False, 10, 371, counts, screen.codebook, 20, "sample pilot, coded with 1.1")
            await pilot.pause()
            text = line.text.rstrip()
            assert "list 20 [sample pilot, coded with 1.1]" in text, text
            shown = text.split("themes ")[1].split(" ")
            assert shown[-1] == "…" and all(entry.endswith(":12") for entry in shown[:-1]), text
    run(scenario)


def test_at_80_columns_a_suggestions_score_and_engine_stay_in_view(tmp_path):
    """At 80x24 the line under a suggestion was cut before its figures ("███│░░░░░░ 0.42 keywords F1 …");
    where the bar leaves no room it goes, and the score, engine and terms stay."""
    from tui_project import kw, make_project, write_run

    path = make_project(tmp_path / "suggested.coder", n=3)
    write_run(path, [kw("q0001", "staffing", 0.83, 0, 7, "Turning"), kw("q0001", "paperwork", 0.61)])

    async def scenario():
        for size, bar in (((80, 24), False), ((160, 45), True)):
            async with running(path, "me", size=size) as (app, pilot, screen):
                lines = [line.split("▏")[1] for line in screen_text(app).splitlines() if line.count("▏") >= 2]
                evidence = [line for line in lines if "0.83 keywords" in line]
                assert evidence and ("│" in evidence[0]) == bar, lines
                assert any("0.61 keywords" in line for line in lines), lines
    run(scenario)
