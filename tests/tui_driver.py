"""Running the real coding UI under Textual's pilot for the UI tests."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path

from coder.store import open_project
from coder.store.codings import codings_for_response
from coder.tui.app import CoderApp
from coder.tui.session import Session


@asynccontextmanager
async def running(path: Path, coder: str = "alice", size: tuple[int, int] = (110, 32), notifications: bool = False):
    """Open the project in the app under the pilot; yields (app, pilot, coding screen). Notes
    (notify) are drawn only with `notifications`, as under Textual's pilot by default."""
    conn = open_project(path)
    app = CoderApp(Session(conn, coder, path))
    try:
        async with app.run_test(size=size, notifications=notifications) as pilot:
            await pilot.pause()
            yield app, pilot, app.screen
    finally:
        conn.close()


def screen_text(app) -> str:
    """The screen as plain text, one line per terminal row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def underlined(app, widget) -> list[str]:
    """The runs of underlined text a widget shows on the screen, top to bottom."""
    region, runs = widget.region, []
    for strip in app.screen._compositor.render_strips()[region.y:region.bottom]:
        run_text = ""
        for segment in strip.crop(region.x, region.right):
            if segment.style is not None and segment.style.underline:
                run_text += segment.text
            elif run_text:
                runs.append(run_text)
                run_text = ""
        runs += [run_text] if run_text else []
    return runs


def run(scenario) -> None:
    """Run an async pilot scenario (a coroutine function) to the end."""
    asyncio.run(scenario())


def stored_codings(path: Path, rid: str, coder: str = "alice") -> list[tuple]:
    """(code, start, end, origin) of a coder's codings of a response, read from the file."""
    conn = open_project(path)
    try:
        return sorted(((c.code_id, c.start, c.end, c.origin) for c in codings_for_response(conn, rid, coder)),
                      key=lambda t: (t[0], -1 if t[1] is None else t[1]))
    finally:
        conn.close()
