"""The coding screen's "most uncertain first" is the queue `coder suggest --queue` prints: the same
responses in the same order on the same project, after the coder has rejected suggestions, each
named with the code it is queued for."""

from __future__ import annotations

import re

import pytest
from helpers import run_cli
from textual.widgets import Checkbox
from tui_driver import run, running, screen_text

from coder.store import open_project
from coder.store.rejections import rejected_codes_of
from coder.tui.widgets.response_view import ResponseView

pytestmark = pytest.mark.slow  # real processes and the full UI

QUEUED = re.compile(r"^  (q\d{4})  (\d\.\d) .*  (\d\.\d+ [≥<] \d\.\d+)([* ])  ", re.MULTILINE)


async def show_queue(app, pilot, screen) -> None:
    await pilot.press("f")
    app.screen.query_one("#queue", Checkbox).value = True
    await pilot.click("#apply")
    await pilot.pause()


def test_the_screens_queue_is_the_clis_after_rejections(tmp_path):
    assert run_cli("demo", "--dir", tmp_path, "--no-ui").returncode == 0
    project = tmp_path / "demo.coder"
    assert run_cli("suggest", project).returncode == 0

    async def reject_on_the_first_queued():
        async with running(project, coder="me") as (app, pilot, screen):
            await show_queue(app, pilot, screen)
            for _ in range(6):
                await pilot.press("x", "j")
    run(reject_on_the_first_queued)
    conn = open_project(project)
    assert len(rejected_codes_of(conn, [f"q{i:04d}" for i in range(1, 400)], "me")) >= 3
    conn.close()

    done = run_cli("suggest", project, "--queue", "20")   # a new run, trained with the rejections too
    assert done.returncode == 0, done.stderr
    printed = QUEUED.findall(done.stdout)
    assert len(printed) == 20

    async def compare():
        async with running(project, coder="me") as (app, pilot, screen):
            await show_queue(app, pilot, screen)
            assert screen.response_list.ids[:20] == [rid for rid, _, _, _ in printed]
            text = screen_text(app)
            for rid, index, _, _ in printed[:10]:   # the rows in view name the code each is queued for
                assert f"{rid} {index}? " in text
            rid, index, call, star = printed[0]
            header = " ".join(line for line, offset in screen.query_one(ResponseView).rows if offset is None)
            said = "suggested" if star == "*" else "not suggested"   # as the CLI marks it
            assert re.search(rf"Queued for {re.escape(index)} [^:]+: {call}, {said}\b", " ".join(header.split()))
    run(compare)
