"""A small real project for the UI and history tests: a two-theme codebook and
demo-corpus responses with attributes. Import with `from tui_project import ...`."""

from __future__ import annotations

from pathlib import Path

from helpers import demo_comments

from coder.records import Code, Theme
from coder.store import create_project
from coder.store.codebook import add_code, add_theme
from coder.store.responses import insert_responses

THEMES = [Theme("workload", "1", "Workload and caseloads"),
          Theme("recording", "2", "Paperwork and systems")]
CODES = [
    Code("caseload", "workload", "1.1", "Caseload size", "The number or mix of cases held.",
         include=("high caseloads",), exclude=("vacancies (use staffing)",),
         keywords=("caseload", "cases")),
    Code("staffing", "workload", "1.2", "Staff shortages", "Too few staff.",
         keywords=("vacancy", "short staffed")),
    Code("time_pressure", "workload", "1.3", "Time pressure", "Not enough time.",
         keywords=("time", "hours", "late")),
    Code("paperwork", "recording", "2.1", "Paperwork burden", "Too much recording.",
         keywords=("paperwork", "forms")),
    Code("it_systems", "recording", "2.2", "IT systems", "Case management systems.",
         keywords=("computer", "system")),
]


def demo_rows(n: int) -> list[tuple[str, str, dict]]:
    """The first n demo comments as (id, text, attributes)."""
    return [(item["id"], item["text"], {"setting": item["setting"], "year": item["year"]})
            for item in demo_comments()[:n]]


def make_project(path: Path, n: int = 30) -> Path:
    """Create the project at `path` with the small codebook and n responses."""
    def setup(conn):
        for theme in THEMES:
            add_theme(conn, theme, "setup")
        for code in CODES:
            add_code(conn, code, "setup")
        insert_responses(conn, demo_rows(n), source="demo")
    create_project(path, setup=setup).close()
    return path
