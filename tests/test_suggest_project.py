"""Suggestion runs and evaluation on real project files, and the CLI end to end."""

import csv
import json
import re

import pandas as pd
import pytest

from coder.errors import CoderError
from coder.demo import build_demo
from coder.store import create_project, open_project
from coder.store.codebook import add_code, add_theme
from coder.store.codebook_read import load_codebook
from coder.coding import reject_suggestion
from coder.store.codings import import_codings, list_codings
from coder.store.rejections import set_rejected
from coder.store.responses import insert_responses
from coder.store.suggestions import latest_code_f1, latest_run, queue_candidates, suggestions_for_response
from coder.records import Code, Theme
from coder.suggest.batch import run_batch
from coder.suggest.evaluate import evaluate
from coder.suggest.project import CORPUS_SAMPLE, evaluate_project, project_suggester, sample_texts, training_set
from coder.suggest.queue import coding_queue
from coder.suggest.scoring import suggest_texts
from helpers import CODEBOOK, DEMO_CORPUS, DEMO_REFERENCE, file_digest, run_cli
from suggest_fixtures import corpus, tiny_project


@pytest.fixture
def tiny(tmp_path):
    """A project with the tiny printer/lunch corpus, coded by `ann`, plus three uncoded texts."""
    conn = open_project(tiny_project(tmp_path / "tiny.coder"))
    yield conn
    conn.close()


def test_a_run_stores_suggestions_for_uncoded_responses_and_leaves_codings(tiny):
    before = list_codings(tiny)
    summary = run_batch(tiny, workers=1)
    assert summary.scored == 3 + 12  # the uncoded: three new texts and the OTHER texts
    assert summary.codes_on("model") == ["printer", "lunch"]
    assert [s.code_id for s in suggestions_for_response(tiny, "new1")] == ["printer"]
    assert [s.code_id for s in suggestions_for_response(tiny, "new3")] == ["lunch"]
    assert suggestions_for_response(tiny, "r0") == []  # coded: out of scope
    assert list_codings(tiny) == before
    assert latest_run(tiny)["status"] == "done" and latest_run(tiny)["done"] == 15
    (suggestion,) = suggestions_for_response(tiny, "new1")
    assert suggestion.score >= suggestion.threshold and suggestion.run_id == summary.run_id


def test_a_model_code_scored_with_its_keywords_is_stored_and_exported_as_model_plus_keywords(tmp_path):
    """Such a suggestion was stored (and so shown and exported) as "model", as if the keywords had no part in it."""
    project = tiny_project(tmp_path / "both.coder", lunch_keywords=("lunch",))
    conn = open_project(project)
    summary = run_batch(conn, workers=1)
    assert [(m.engine, m.with_keywords) for m in summary.decisions] == [("model", False), ("model", True)]
    assert summary.codes_on("model") == ["printer", "lunch"]   # still a model code wherever engines are counted
    (printer,) = suggestions_for_response(conn, "new1")
    (lunch,) = suggestions_for_response(conn, "new3")
    conn.close()
    assert (printer.engine, lunch.engine) == ("model", "model + keywords")
    # Explained as a model code is, with its matched keywords too.
    assert lunch.evidence["terms"] and lunch.evidence["sentence"] and lunch.evidence["keywords"]
    out = tmp_path / "codings.csv"
    assert run_cli("export", project, "codings", "--source", "suggestions", "--out", out).returncode == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    engines = {(r.response_id, r.code_id): r.engine for r in table.itertuples()}
    assert (engines["new1", "printer"], engines["new3", "lunch"]) == ("model", "model + keywords")


def test_a_new_run_replaces_the_previous_one_and_at_least_one_fills_every_response(tiny):
    first = run_batch(tiny, workers=1)
    second = run_batch(tiny, engine="keywords", scope="all", at_least_one=True, workers=1)
    assert second.run_id > first.run_id
    rows = tiny.execute("SELECT DISTINCT run_id FROM suggestions").fetchall()
    assert rows == [(second.run_id,)]
    assert second.with_suggestions == second.scored == 33
    marked = 0
    for rid in [f"r{i}" for i in range(30)] + ["new1", "new2", "new3"]:
        found = suggestions_for_response(tiny, rid)
        best = [s for s in found if "best_code" in s.evidence]
        assert found and all(s.score >= s.threshold for s in found)
        if best:  # no code cleared its own threshold: only the best code, marked so
            assert found == best and best[0].evidence["best_code"]["code_threshold"] > best[0].score
            marked += 1
    assert marked == 33 - 1  # only "no toner in the printer" has a keyword


def test_queue_lists_uncoded_responses_once(tiny):
    run_batch(tiny, workers=1)
    queue = [queued.response_id for queued in coding_queue(tiny, 5)]
    assert len(queue) == len(set(queue)) == 5
    assert not set(queue) & {f"r{i}" for i in range(18)}


def test_each_scored_response_keeps_the_code_its_uncertainty_is_measured_on(tiny):
    run_batch(tiny, workers=1)
    stored = tiny.execute("SELECT s.response_id, r.text, s.unsure_code, s.unsure_score, s.unsure_threshold "
                          "FROM suggestion_scores s JOIN responses r ON r.id = s.response_id "
                          "ORDER BY r.position").fetchall()
    again = suggest_texts(project_suggester(tiny), [rid for rid, *_ in stored], [text for _, text, *_ in stored])
    assert [tuple(call) for _, _, *call in stored] == [
        (r.unsure_code, pytest.approx(r.unsure_score), pytest.approx(r.unsure_threshold)) for r in again]
    queued = {rid: (code, score, threshold) for rid, _, code, score, threshold in queue_candidates(tiny)}
    assert {"new1", "new2", "new3"} <= set(queued)
    assert queued == {rid: tuple(call) for rid, _, *call in stored if rid in queued}


@pytest.mark.slow
def test_evaluation_is_stored_with_per_code_f1(tiny):
    result = evaluate_project(tiny, folds=3)
    stored = latest_code_f1(tiny)
    assert set(stored) == {"printer", "lunch"}
    assert stored["printer"] == (pytest.approx(result.codes[0].f1), result.codes[0].engine)


@pytest.mark.slow
def test_evaluate_with_one_coded_response_says_so_in_the_singular(tiny):
    import_codings(tiny, [("new1", "printer")], "cy")
    with pytest.raises(CoderError, match=r"^only 1 coded response by cy; 5-fold evaluation needs at least 10 "):
        evaluate_project(tiny, coder="cy")


def test_cli_evaluate_refuses_too_little_coding_and_leaves_the_project_as_it_was(tmp_path):
    path = tmp_path / "uncoded.coder"
    assert run_cli("init", path, "--codebook", CODEBOOK).returncode == 0
    digest = file_digest(path)
    done = run_cli("evaluate", path)
    assert done.returncode == 1 and "only 0 coded responses" in done.stderr
    done = run_cli("evaluate", path, "--out", tmp_path / "x.txt")
    assert done.returncode == 1 and ".csv or .xlsx" in done.stderr
    assert file_digest(path) == digest


@pytest.mark.slow
def test_cli_suggest_and_evaluate_on_the_demo_corpus(tmp_path):
    path = tmp_path / "demo.coder"
    assert run_cli("init", path, "--codebook", CODEBOOK).returncode == 0
    done = run_cli("import", path, DEMO_CORPUS)
    assert done.returncode == 0, done.stderr
    with open(DEMO_REFERENCE, newline="") as handle:
        pairs = [(row["id"], row["code"]) for row in csv.DictReader(handle)]
    first_coded = sorted({rid for rid, _ in pairs})[:60]  # keeps the test quick
    pairs = [(rid, code) for rid, code in pairs if rid in first_coded]
    conn = open_project(path)
    import_codings(conn, pairs, "gold")
    conn.close()
    done = run_cli("suggest", path, "--queue", "3", columns=80)
    assert done.returncode == 0, done.stderr
    assert max(map(len, done.stdout.splitlines())) <= 80   # lists of codes wrapped, queue texts cut
    assert "Codes on the model" in done.stdout and "Most worth coding next" in done.stdout
    queued = done.stdout.split("Most worth coding next")[1].splitlines()[2:5]
    conn = open_project(path)
    unsure = dict(conn.execute("SELECT response_id, uncertainty FROM suggestion_scores"))
    code_of = dict(conn.execute("SELECT \"index\", id FROM codes"))
    suggested = set(conn.execute("SELECT response_id, code_id FROM suggestions"))
    unsure_code = dict(conn.execute("SELECT response_id, unsure_code FROM suggestion_scores"))
    best_code = dict(conn.execute("SELECT response_id, best_code FROM suggestion_scores"))
    conn.close()
    for line in queued:   # each with the code whose call is closest: index and label, score ≥ or < threshold, * if suggested
        rid, index = line.split()[:2]
        score, side, threshold, mark = re.search(r"  (\d\.\d{3}) ([≥<]) (\d\.\d{3})([* ])  ", line).groups()
        score, threshold = float(score), float(threshold)
        assert side == ("≥" if score > threshold else "<" if score < threshold else side)   # the unrounded side
        assert mark == " " or side == "≥"
        # That code's closeness to its threshold is the response's stored uncertainty (to rounding).
        closeness = 1 - abs(score - threshold) / max(threshold, 1 - threshold)
        assert closeness == pytest.approx(unsure[rid], abs=0.005)
        assert (mark == "*") == ((rid, code_of[index]) in suggested)
        # The queue varies its picks by that code, which the run stored.
        assert unsure_code[rid] == code_of[index]
    assert any(unsure_code[rid] != best_code[rid] for rid in unsure_code)   # so that varying by it differs
    conn = open_project(path)
    stored = conn.execute("SELECT evidence FROM suggestions").fetchall()
    assert stored and all("keywords" in json.loads(e) for (e,) in stored)
    conn.close()
    out = tmp_path / "evaluation.csv"
    done = run_cli("evaluate", path, "--folds", "3", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "micro F1" in done.stdout and "learning curve" in done.stdout
    # The curve's rows say how many responses each fold trained on, up to all of its training part (2/3).
    curve = re.findall(r"^ +(\d+)% +(\d+) responses +micro F1", done.stdout, re.M)
    assert [int(share) for share, _ in curve] == [25, 50, 75, 100] and int(curve[-1][1]) == 40
    few = next(line for line in done.stdout.splitlines() if line.startswith("Coded on fewer than 5"))
    conn = open_project(path, readonly=True)
    rare = {index for index, n in conn.execute(
        'SELECT c."index", count(g.id) FROM codes c LEFT JOIN codings g ON g.code_id = c.id GROUP BY c.id') if n < 5}
    conn.close()
    assert rare and set(few.split(": ")[1].split(", ")) == rare
    assert "character n-grams weigh 1 against words' 1" in done.stdout
    assert "tells them apart" not in done.stdout   # no code has 50 coded responses with it and without
    with open(out, newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["index", "code id", "code", "positives", "precision", "recall", "F1", "engine", "note"]
    # Notes with commas ("coded responses: 30, 3-fold ...") stay comments to readers that skip "#" lines.
    conn = open_project(path, readonly=True)
    codes = len(load_codebook(conn).codes)
    conn.close()
    assert len(pd.read_csv(out, comment="#")) == codes
    assert "# coded responses: " in out.read_text() and '"#' not in out.read_text()


@pytest.mark.slow
def test_cli_says_which_codes_are_not_suggested_and_how_well_scores_are_calibrated(tmp_path):
    path = tmp_path / "few.coder"

    def setup(conn):
        add_theme(conn, Theme("t", "1", "Things"), "tester")
        add_code(conn, Code("printer", "t", "1.1", "Printer trouble", keywords=("toner",)), "tester")
        add_code(conn, Code("lunch", "t", "1.2", "Lunch"), "tester")
        texts, labels = corpus()
        insert_responses(conn, [(f"r{i}", t, {}) for i, t in enumerate(texts)] + [("new", "lunch at noon", {})])
        lunch = [i for i in range(len(texts)) if labels[i, 1]][:2]   # only two lunch texts coded lunch
        import_codings(conn, [(f"r{i}", "printer") for i in range(len(texts)) if labels[i, 0]]
                       + [(f"r{i}", "lunch") for i in lunch] + [("r29", "printer")], "ann")

    create_project(path, setup=setup).close()
    done = run_cli("suggest", path)
    assert done.returncode == 0, done.stderr
    assert "Codes on the model (1): printer" in done.stdout
    assert "Codes not suggested (1):\n  lunch: not enough coding: 3 more coded examples needed" in done.stdout
    done = run_cli("evaluate", path, "--folds", "3")
    assert done.returncode == 0, done.stderr
    assert "not enough coding: 3 more coded examples needed" in done.stdout
    lunch = next(line.split() for line in done.stdout.splitlines() if " Lunch " in line)
    assert lunch[4] == "n/a" and float(lunch[5]) == float(lunch[6]) == 0   # never suggested: no precision
    assert "calibration:" in done.stdout and "expected calibration error:" in done.stdout


def test_a_response_coded_after_the_run_started_is_not_scored_and_the_summary_says_so(tiny):
    summary = run_batch(tiny, workers=1, started=lambda run: import_codings(tiny, [("new3", "lunch")], "ann"))
    assert (summary.total, summary.scored) == (15, 14)
    assert latest_run(tiny)["status"] == "done" and suggestions_for_response(tiny, "new3") == []


def test_a_keyword_whose_suggestions_are_turned_down_again_and_again_stops_being_suggested(tmp_path):
    path = tmp_path / "rejected.coder"
    texts, labels = corpus()
    lunch = [i for i in range(len(texts)) if labels[i, 1]]
    cakes = [f"cake for the team meeting number {i}" for i in range(6)]

    def setup(conn):
        add_theme(conn, Theme("t", "1", "Things"), "tester")
        add_code(conn, Code("printer", "t", "1.1", "Printer trouble", keywords=("printer",)), "tester")
        add_code(conn, Code("lunch", "t", "1.2", "Lunch", keywords=("lunch", "cake")), "tester")
        insert_responses(conn, [(f"r{i}", t, {}) for i, t in enumerate(texts)]
                         + [(f"cake{i}", t, {}) for i, t in enumerate(cakes)])
        # Four lunch texts coded lunch: too few for a model, so lunch is on its keywords.
        import_codings(conn, [(f"r{i}", "printer") for i in range(len(texts)) if labels[i, 0]]
                       + [(f"r{i}", "lunch") for i in lunch[:4]]
                       + [(f"r{i}", "printer") for i in range(len(texts)) if not labels[i].any()], "ann")

    create_project(path, setup=setup).close()
    conn = open_project(path)
    probes = ["cake at noon", "lunch at noon"]
    before = project_suggester(conn, coder="ann")
    assert before.models[1].engine == "keywords"
    cake_before, lunch_before = before.score_texts(probes)[:, 1]
    assert cake_before >= before.thresholds[1]           # one keyword match is suggested
    for i in range(len(cakes)):                          # the coder turns lunch down on every cake text
        assert reject_suggestion(conn, f"cake{i}", "lunch", "ann")
    after = project_suggester(conn, coder="ann")
    cake_after, lunch_after = after.score_texts(probes)[:, 1]
    assert cake_after < after.thresholds[1] and cake_after < cake_before - 0.1
    assert lunch_before - lunch_after < cake_before - cake_after   # "lunch" loses less: only through its code
    for i in range(len(cakes)):                          # withdrawn rejections count no more
        set_rejected(conn, f"cake{i}", "lunch", "ann", False)
    assert project_suggester(conn, coder="ann").score_texts(probes)[0, 1] == pytest.approx(cake_before)
    conn.close()


@pytest.fixture
def cake_turned_down(tmp_path):
    """A project where ann coded five lunch texts, then turned lunch down on twelve uncoded cake texts.

    On the coding alone lunch is on the model (scored with its keywords too); the rejections lower
    the trust in lunch's keywords far enough that the model and keywords together no longer do as
    well as the keywords alone, so `coder suggest` puts lunch on its keywords."""
    from suggest_fixtures import LUNCH, OTHER, PRINTER

    path = tmp_path / "cake.coder"
    cakes = [f"cake for the team meeting number {i}" for i in range(12)]

    def setup(conn):
        add_theme(conn, Theme("t", "1", "Things"), "tester")
        add_code(conn, Code("printer", "t", "1.1", "Printer trouble", keywords=("printer",)), "tester")
        add_code(conn, Code("lunch", "t", "1.2", "Lunch", keywords=("lunch", "cake")), "tester")
        add_code(conn, Code("work", "t", "1.3", "Other work"), "tester")
        groups = (("p", PRINTER, "printer"), ("l", LUNCH[:5], "lunch"), ("o", OTHER, "work"))
        insert_responses(conn, [(f"{key}{i}", text, {}) for key, texts, _ in groups for i, text in enumerate(texts)]
                         + [(f"cake{i}", text, {}) for i, text in enumerate(cakes)])
        import_codings(conn, [(f"{key}{i}", code) for key, texts, code in groups for i in range(len(texts))], "ann")

    create_project(path, setup=setup).close()
    conn = open_project(path)
    before = project_suggester(conn, coder="ann").models[1]
    assert (before.engine, before.with_keywords) == ("model", True)
    for i in range(len(cakes)):
        assert reject_suggestion(conn, f"cake{i}", "lunch", "ann")
    conn.close()
    return path


def test_evaluate_reports_the_engine_suggest_uses_for_a_code_turned_down_again_and_again(cake_turned_down):
    done = run_cli("suggest", cake_turned_down, "--coder", "ann")
    assert done.returncode == 0, done.stderr
    assert "Codes on keywords (1): lunch" in done.stdout
    done = run_cli("evaluate", cake_turned_down, "--coder", "ann", "--folds", "3")
    assert done.returncode == 0, done.stderr
    lunch = next(line.split() for line in done.stdout.splitlines() if " Lunch " in line)
    assert " ".join(lunch[6:]) == "keywords"


def test_evaluation_trains_on_rejections_but_a_response_coded_since_is_only_held_out(cake_turned_down):
    conn = open_project(cake_turned_down)
    import_codings(conn, [("cake0", "lunch")], "ann")   # ann changed her mind: cake0 is coded now
    data = training_set(conn, "ann")
    turned_down = {text for text, _ in data.rejected}
    assert "cake for the team meeting number 0" in data.texts
    assert "cake for the team meeting number 0" not in turned_down and len(turned_down) == 11
    result = evaluate_project(conn, coder="ann", folds=3)
    decided = project_suggester(conn, coder="ann")
    assert [(c.engine, c.with_keywords) for c in result.codes] == [(m.engine, m.with_keywords) for m in decided.models]
    conn.close()


def test_evaluate_reports_for_every_seed_the_engines_suggest_uses(tmp_path):
    """The engine column said what training on all the coding with the folds' seed chose: on the
    demo, 5 and 7 of 23 codes under seeds 1 and 2 named an engine `coder suggest` did not use."""
    build_demo(tmp_path / "demo.coder")
    conn = open_project(tmp_path / "demo.coder")
    data = training_set(conn, "reference")
    used = [(m.engine, m.with_keywords) for m in project_suggester(conn, coder="reference").models]
    for seed in (1, 2):
        evaluation = evaluate(data.texts, data.labels, data.codes, rejected=data.rejected, folds=2,
                              corpus=sample_texts(conn, CORPUS_SAMPLE, "reference"), curve=(1.0,), seed=seed)
        assert [(c.engine, c.with_keywords) for c in evaluation.codes] == used
    conn.close()
