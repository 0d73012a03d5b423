"""`coder sample`: reproducible, stratified samples for double coding, and agreement on one."""

from __future__ import annotations

import pytest
from helpers import file_digest, run_cli
from team_projects import ANSWERS, cli, import_codes, new_project

from coder.cli import main
from coder.sample import allocate, draw
from coder.store import open_project
from coder.store.samples import list_samples, sample_response_ids, samples


def test_allocation_is_proportional_with_largest_remainders():
    # 20 of 371: shares 7.87, 5.98, 0.65, 0.16, 5.34 -> whole parts 7, 5, 0, 0, 5 and the
    # three left over to the largest fractions (.98, .87, .65)
    sizes = {"adults": 146, "children": 111, "mixed": 12, "pvi": 3, "unknown": 99}
    assert allocate(sizes, 20) == {"adults": 8, "children": 6, "mixed": 1, "pvi": 0, "unknown": 5}


def test_allocation_ties_go_to_the_larger_stratum_then_by_value():
    assert allocate({"a": 1, "b": 3}, 2) == {"a": 0, "b": 2}      # 0.5 and 1.5: b is larger
    assert allocate({"y": 1, "x": 1, "z": 1}, 2) == {"y": 1, "x": 1, "z": 0}
    assert allocate({None: 2, "a": 2}, 1) == {None: 0, "a": 1}    # no value sorts last


def test_the_same_seed_draws_the_same_sample():
    rows = [(f"r{i}", "a" if i % 3 else "b") for i in range(100)]
    first = draw(rows, 10, seed=7)
    assert first == draw(rows, 10, seed=7)
    assert first != draw(rows, 10, seed=8)
    assert [r for r in rows if r in first] == first                   # in import order
    assert sum(1 for _, s in first if s == "b") == 3                   # 34 of 100 -> 3.4 -> 3


@pytest.fixture
def project(tmp_path):
    """A project of the eight answers in two settings, made by `coder init` and `coder import`."""
    return new_project(tmp_path / "study.coder")


def test_a_stratified_sample_is_stored_by_name(project, capsys):
    cli("sample", project, "--n", 4, "--by", "setting", "--seed", 1, "--name", "pilot")
    out = capsys.readouterr().out
    # 4 of 8: adults 2.5, children 1.5 -> 2 and 1, the one left to the larger stratum
    assert "adults: 3 of 5" in out and "children: 1 of 3" in out
    conn = open_project(project)
    try:
        ids = sample_response_ids(conn, "pilot")
        [info] = list_samples(conn)
        assert (info.name, info.size, info.by, info.seed) == ("pilot", 4, "setting", 1)
        assert samples(conn) == {"pilot": ids}
        settings = {row[0]: row[1] for row in ANSWERS[1:]}
        assert sorted(settings[i] for i in ids) == ["adults"] * 3 + ["children"]
    finally:
        conn.close()


def test_a_name_in_use_is_refused_unless_replaced(project, capsys):
    cli("sample", project, "--n", 3, "--seed", 1)
    before = file_digest(project)
    assert main(["sample", str(project), "--n", "5", "--seed", "2"]) == 1
    assert "exists already" in capsys.readouterr().err
    assert file_digest(project) == before
    cli("sample", project, "--n", 5, "--seed", 2, "--replace")
    conn = open_project(project)
    try:
        assert len(sample_response_ids(conn, "sample")) == 5
    finally:
        conn.close()


@pytest.mark.parametrize("options, message", [
    (["--n", "9"], "a sample needs 1 to 8 responses"),
    (["--n", "0"], "a sample needs 1 to 8 responses"),
    (["--n", "2", "--by", "region"], "no response has the attribute 'region' (attributes: setting)"),
])
def test_bad_options_are_one_line_and_change_nothing(project, capsys, options, message):
    before = file_digest(project)
    assert main(["sample", str(project), "--seed", "1", *options]) == 1
    assert message in capsys.readouterr().err
    assert file_digest(project) == before


def test_agreement_on_a_sample_uses_its_responses_only(project, capsys):
    both = [(f"R{i}", "caseload") for i in range(1, 9)]
    import_codes(project, "alice", both)
    import_codes(project, "bob", both)
    cli("sample", project, "--n", 3, "--seed", 4, "--name", "double")
    capsys.readouterr()
    for unit in ("response", "span"):
        cli("agreement", project, "--sample", "double", "--unit", unit)
        assert "Responses coded by all of alice, bob: 3" in capsys.readouterr().out
    assert main(["agreement", str(project), "--sample", "nope"]) == 1
    assert "no sample named 'nope' in this project (samples: double)" in capsys.readouterr().err


@pytest.mark.slow
def test_sample_as_the_real_cli_is_reproducible(project, tmp_path):
    other = new_project(tmp_path / "other.coder")
    for path in (project, other):
        result = run_cli("sample", path, "--n", 5, "--by", "setting", "--seed", 42, "--name", "pilot")
        assert result.returncode == 0, result.stderr
    drawn = []
    for path in (project, other):
        conn = open_project(path, readonly=True)
        drawn.append(sample_response_ids(conn, "pilot"))
        conn.close()
    assert drawn[0] == drawn[1] and len(drawn[0]) == 5


def test_stratifying_by_an_attribute_nearly_as_varied_as_the_responses_says_so(tmp_path, capsys):
    from import_files import write_csv
    rows = [["id", "role", "comment"]] + [[f"r{i}", f"role {i}", f"answer {i}"] for i in range(10)]
    project = tmp_path / "roles.coder"
    cli("init", project)
    cli("import", project, write_csv(tmp_path / "roles.csv", rows))
    capsys.readouterr()
    cli("sample", project, "--n", 3, "--by", "role", "--seed", 1)
    assert "note: 7 of the 10 values of role got no response drawn" in capsys.readouterr().out
    cli("sample", project, "--n", 6, "--by", "role", "--seed", 1, "--name", "bigger")
    assert "note:" not in capsys.readouterr().out
