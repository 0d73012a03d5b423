"""Scoring a file without importing it (`coder suggest --input/--output`), locally and on Dask."""

import csv

import pytest

from batch_fixtures import make_project, uncoded_texts
from coder.store import open_project
from coder.suggest.batch import run_batch
from coder.suggest.file_rows import OUTPUT_COLUMNS
from coder.suggest.headless import score_file
from coder.suggest.project import project_suggester
from helpers import file_digest, run_cli
from suggest_fixtures import OTHER, PRINTER

pytestmark = pytest.mark.slow  # real processes or the full UI: `pytest -m "not slow"` skips them


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "p.coder", 0)


def _write_input(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["respondent", "answer", "region"])
        writer.writerows([rid, text, "north"] for rid, text in rows)
    return path


def _read_output(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_a_file_round_trips_one_row_per_response_with_the_runs_codes_and_the_project_unchanged(tmp_path):
    project = make_project(tmp_path / "p.coder", 45)   # holds the same texts as u0 ... u44
    texts = uncoded_texts(45)
    rows = [(f"x{i}", t) for i, t in enumerate(texts)] + [("=cmd()", "the printer jammed at lunch"), ("blank", "")]
    source = _write_input(tmp_path / "in.csv", rows)
    before = file_digest(project)
    done = run_cli("suggest", project, "--input", source, "--output", tmp_path / "out.csv",
                   "--id-col", "respondent", "--text-col", "answer", "--chunk-size", "10", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "Scored 47 responses (1 of them blank: nothing to suggest from) from" in done.stdout
    assert file_digest(project) == before
    header, *out = _read_output(tmp_path / "out.csv")
    assert tuple(header) == OUTPUT_COLUMNS
    assert [row[0] for row in out] == [rid for rid, _ in rows[:-2]] + ["'=cmd()", "blank"]
    assert out[-1][1:] == ["", "", "", "0.0000", "0.0000", ""]   # a blank answer: nothing suggested, nothing unsure
    assert set(out[-2][1].split(";")) == {"printer", "lunch"}
    for row in out[:-1]:
        codes, scores = row[1].split(";") if row[1] else [], row[2].split(";") if row[2] else []
        assert len(codes) == len(scores) and scores == sorted(scores, reverse=True)
        assert all(float(s) >= 0 for s in scores) and row[3] in ("printer", "lunch") and row[6] in ("printer", "lunch")

    # A run on the project gives its copies of the texts the same codes (the same model scores them).
    conn = open_project(project)
    run_batch(conn, workers=1)
    stored = {}
    for rid, code in conn.execute("SELECT response_id, code_id FROM suggestions WHERE response_id LIKE 'u%'"):
        stored.setdefault(rid, set()).add(code)
    conn.close()
    assert {f"x{rid[1:]}": codes for rid, codes in stored.items()} == \
        {row[0]: set(row[1].split(";")) for row in out[:-2] if row[1]}


def test_bad_input_files_are_one_line_errors_and_write_nothing(tmp_path, project):
    source = _write_input(tmp_path / "in.csv", [("a", "printer")])
    before = file_digest(project)
    for args, message in [(["--text-col", "nope"], "no column 'nope'"),
                          (["--input", tmp_path / "missing.csv"], "no such file")]:
        done = run_cli("suggest", project, "--input", source, "--output", tmp_path / "out.csv", *args)
        assert done.returncode == 1 and message in done.stderr and done.stderr.count("\n") == 1
    done = run_cli("suggest", project, "--input", source, "--output", tmp_path / "no" / "out.csv")
    assert done.returncode == 1 and "output folder does not exist" in done.stderr
    assert not (tmp_path / "out.csv").exists() and file_digest(project) == before
    assert list(tmp_path.glob(".out.csv.*")) == []


def test_the_dask_path_gives_the_local_result_on_a_two_worker_cluster(tmp_path, project):
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    source = _write_input(tmp_path / "in.csv", [(f"x{i}", t) for i, t in enumerate(uncoded_texts(60))])
    conn = open_project(project, readonly=True)
    local = score_file(conn, source, tmp_path / "local.csv", chunk_size=7, workers=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = score_file(conn, source, tmp_path / "dask.csv", chunk_size=7, scheduler=cluster.scheduler_address)
        workers_used = len(cluster.workers)
    conn.close()
    assert workers_used == 2
    assert (remote.scored, remote.with_suggestions, remote.unsuggested) == \
        (local.scored, local.with_suggestions, local.unsuggested)
    assert local.scored == 60
    assert _read_output(tmp_path / "dask.csv") == _read_output(tmp_path / "local.csv")


def test_scoring_a_file_of_one_row_says_response_in_the_singular(tmp_path, project):
    source = _write_input(tmp_path / "in.csv", [("x1", PRINTER[0])])
    done = run_cli("suggest", project, "--input", source, "--output", tmp_path / "out.csv", "--workers", "1")
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"Scored 1 response from {source} (id: respondent, text: answer) in ")
    assert first.endswith("; 1 has suggestions")


def test_scoring_a_file_names_the_codes_suggested_for_no_row_and_why(tmp_path, project):
    source = _write_input(tmp_path / "in.csv", [(f"x{i}", t) for i, t in enumerate(PRINTER + OTHER)])
    done = run_cli("suggest", project, "--input", source, "--output", tmp_path / "out.csv", "--workers", "1")
    assert done.returncode == 0, done.stderr
    conn = open_project(project, readonly=True)
    threshold = next(m.threshold for m in project_suggester(conn).models if m.code_id == "lunch")
    conn.close()
    assert done.stdout.splitlines()[-2:] == [
        "Codes with no suggestion in the whole run (1):",
        f"  lunch: its model (8 coded examples) scored no response over its threshold {threshold:.2f}, "
        "or only on answers that a stronger code already carries"]
    assert not any("lunch" in row[1] for row in _read_output(tmp_path / "out.csv"))
