"""A small real project for the UI and history tests: a two-theme codebook and
demo-corpus responses with attributes. Import with `from tui_project import ...`."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import demo_comments

from coder.records import Code, Suggestion, Theme
from coder.store import create_project, open_project
from coder.store.codebook import add_code, add_theme
from coder.store.responses import insert_responses
from coder.store.suggestions import finish_run, start_run, write_chunk

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


def write_run(path, suggestions: list[Suggestion], scored=()) -> None:
    """Store one finished keyword run, as `coder suggest` would (through its store module).

    `scored` rows are (response id, uncertainty, best code, best score, unsure code, its score, its
    threshold) for active learning.
    """
    conn = open_project(path)
    run_id = start_run(conn, engine="keywords", scope="all", coder=None, params={},
                       total=len({s.response_id for s in suggestions}))
    rows = [(s.response_id, s.code_id, s.score, s.threshold, s.engine, json.dumps(s.evidence)) for s in suggestions]
    write_chunk(conn, run_id, rows, list(scored), done=len({s.response_id for s in suggestions}))
    finish_run(conn, run_id)
    conn.close()


def kw(rid, code, score, start=None, end=None, text=""):
    """A keyword suggestion (threshold 0.5), with one matched span when `start` is given."""
    evidence = {"matches": [{"start": start, "end": end, "text": text}]} if start is not None else {}
    return Suggestion(rid, code, score, 0.5, "keywords", evidence)
