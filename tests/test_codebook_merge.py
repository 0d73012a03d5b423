"""Merging a codebook file into a project: by id, retiring (never deleting) what is gone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers import file_digest

from coder.codebook.files import read_codebook
from coder.codebook.merge import merge_codebook
from coder.errors import CoderError, InputError
from coder.store import open_project
from coder.store.codebook import update_code
from coder.store.codebook_read import get_code, get_theme, load_codebook
from coder.store.codings import add_coding, codings_for_response
from coder.store.events import list_events
from coder.store.responses import insert_responses

SHIPPED = Path(__file__).resolve().parents[1] / "codebooks" / "social_work_framework.yaml"

EDITED = """\
name: Edited framework
version: 2
themes:
  - id: workload
    index: "1"
    label: Workload
    codes:
      - id: caseload
        index: "1.1"
        label: Caseloads
        keywords: [caseload]
      - id: stress
        index: "1.2"
        label: Stress, wellbeing and work-life balance
  - id: newtheme
    index: "9"
    label: Something new
    codes:
      - id: novel
        index: "9.1"
        label: A new code
"""


@pytest.fixture
def project(codebook_project):
    conn = open_project(codebook_project)
    insert_responses(conn, [("r1", "Too many cases and I am stressed.", {})])
    add_coding(conn, "r1", "staffing", "alice")
    add_coding(conn, "r1", "stress", "alice")
    yield conn
    conn.close()


def test_fixture_has_the_shipped_framework(project):
    book = load_codebook(project)
    assert book.name == "Social work workload and practice" and book.version == "1"
    assert len(book.themes) == 6 and len(book.codes) == 23 and not any(c.retired for c in book.codes)


def test_merge_adds_updates_moves_and_retires(project, tmp_path):
    path = tmp_path / "edited.yaml"
    path.write_text(EDITED, encoding="utf-8")
    report = merge_codebook(project, read_codebook(path), "bob", source=str(path))
    assert report.added == ["newtheme", "novel"]
    assert set(report.updated) == {"workload", "caseload", "stress"}
    assert report.moved == ["stress"]
    assert "staffing" in report.retired_in_use and "stress" not in report.retired
    assert len([r for r in report.retired if get_code(project, r)]) == 23 - 2  # codes gone from the file
    assert {"recording", "resources", "support", "practice", "wellbeing"} == {
        r for r in report.retired if get_theme(project, r)}
    assert report.summary() == "2 added, 3 updated, 1 moved, 26 retired (1 with codings, kept)"

    caseload = get_code(project, "caseload")
    assert (caseload.label, caseload.keywords, caseload.include) == ("Caseloads", ("caseload",), ())
    assert get_code(project, "stress").theme_id == "workload"
    staffing = get_code(project, "staffing")
    assert staffing.retired  # had codings: retired and kept, codings intact
    assert {c.code_id for c in codings_for_response(project, "r1")} == {"staffing", "stress"}
    assert get_code(project, "ics").retired  # no codings: retired too (nothing is deleted)
    assert get_theme(project, "wellbeing").retired
    book = load_codebook(project)
    assert (book.name, book.version) == ("Edited framework", "2")
    assert len(book.codes) == 24  # 23 kept (some retired) + 1 new
    last = list_events(project, newest_first=True, limit=1)[0]
    assert last.action == "codebook.import" and last.coder == "bob" and last.data["added"] == report.added


def test_importing_the_old_file_again_brings_codes_back(project, tmp_path):
    path = tmp_path / "edited.yaml"
    path.write_text(EDITED, encoding="utf-8")
    merge_codebook(project, read_codebook(path), "bob")
    report = merge_codebook(project, read_codebook(SHIPPED), "bob")
    assert "staffing" in report.unretired and "wellbeing" in report.unretired
    assert "novel" in report.retired and "newtheme" in report.retired
    assert get_code(project, "stress").theme_id == "wellbeing"
    assert get_code(project, "caseload").label == "Caseload size and allocation"


def test_merge_follows_the_file_order(project, tmp_path):
    path = tmp_path / "edited.yaml"
    path.write_text(EDITED.replace("  - id: newtheme", "  - id: zero\n    label: Z\n  - id: newtheme"),
                    encoding="utf-8")
    merge_codebook(project, read_codebook(path), "bob")
    book = load_codebook(project)
    assert [t.id for t in book.themes][:3] == ["workload", "zero", "newtheme"]
    assert [c.id for c in book.codes_of("workload")] == ["caseload", "stress", "staffing",
                                                         "time_pressure"]


def test_merging_the_same_codebook_changes_nothing(project):
    before = len(list_events(project))
    report = merge_codebook(project, read_codebook(SHIPPED), "bob")
    assert report.summary() == "0 added, 0 updated, 0 retired"
    assert len(list_events(project)) == before + 1  # only the codebook.import record


def test_keys_the_ui_gave_stay_when_the_file_gives_none(project):
    """The file has no keys: the codes keep theirs, and nothing counts as updated; a key the
    file does give is taken."""
    update_code(project, "caseload", "bob", key="1")
    update_code(project, "paperwork", "bob", key="p")
    report = merge_codebook(project, read_codebook(SHIPPED), "bob")
    assert report.summary() == "0 added, 0 updated, 0 retired"
    assert (get_code(project, "caseload").key, get_code(project, "paperwork").key) == ("1", "p")
    book = read_codebook(SHIPPED)
    book = dataclasses.replace(book, codes=tuple(dataclasses.replace(c, key="z") if c.id == "caseload" else c
                                                 for c in book.codes))
    assert merge_codebook(project, book, "bob").updated == ["caseload"]
    assert get_code(project, "caseload").key == "z"


def test_a_failed_merge_leaves_the_project_byte_identical(codebook_project, tmp_path):
    # id 'workload' is a theme in the project; as a code id it clashes, failing mid-merge.
    path = tmp_path / "clash.yaml"
    path.write_text("themes:\n  - id: t\n    label: T\n    codes:\n      - id: new\n        label: N\n"
                    "      - id: workload_x\n        label: W\n", encoding="utf-8")
    book = read_codebook(path)
    book = dataclasses.replace(book, codes=tuple(
        dataclasses.replace(c, id="workload") if c.id == "workload_x" else c for c in book.codes))
    digest = file_digest(codebook_project)
    conn = open_project(codebook_project)
    with pytest.raises(CoderError, match="already used"):
        merge_codebook(conn, book, "bob")
    conn.close()
    assert file_digest(codebook_project) == digest


def test_bad_file_is_rejected_before_the_project_is_touched(codebook_project, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("themes:\n  - id: a\n    lable: A\n", encoding="utf-8")
    digest = file_digest(codebook_project)
    with pytest.raises(InputError, match="line 3"):
        read_codebook(path)
    assert file_digest(codebook_project) == digest
