"""Running the real coding UI under Textual's pilot for the UI tests."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from coder.store import open_project
from coder.tui.app import CoderApp
from coder.tui.session import Session


@asynccontextmanager
async def running(path: Path, coder: str = "alice", size: tuple[int, int] = (110, 32)):
    """Open the project in the app under the pilot; yields (app, pilot, coding screen)."""
    conn = open_project(path)
    app = CoderApp(Session(conn, coder, path))
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            yield app, pilot, app.screen
    finally:
        conn.close()


def screen_text(app) -> str:
    """The screen as plain text, one line per terminal row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
