"""A code on every coded response, and calibration where the suggestions are: the engine, and
`coder evaluate` run as the real CLI on real projects.

A usage test's hospital survey put "General praise" on every coded response: evaluate read it
1.000 1.000 1.000 with no word that this was its base rate, overall F1 rose with it, and other codes
lost suggestions to it. With 2,000 codes and random coding, micro F1 0.000 came with an expected
calibration error of 0.001, every pair but 18 scored under 0.1.
"""

import random
import re

import numpy as np
import pytest

from coder.cli.evaluate import overall_lines
from coder.records import Code, Theme
from coder.store import create_project
from coder.store.codebook import add_code, add_theme
from coder.store.codings import import_codings
from coder.store.responses import insert_responses
from coder.suggest.decide import decide
from coder.suggest.evaluate import FEW_PAIRS, SCORED_FROM, evaluate
from coder.suggest.model import train
from coder.suggest.scoring import suggest_texts
from helpers import run_cli
from suggest_fixtures import PRINTER, codes, corpus

EVERYWHERE = Code("any", "t", "1.3", "General praise", "On every answer")


def noisier_coding() -> tuple[list[str], np.ndarray]:
    """The tiny corpus coded less cleanly, so the codes' thresholds are under 0.5: where a code
    over its threshold can be crowded out of a text's expected F1 (at 0.5 and above it never is)."""
    texts, labels = corpus()
    labels[-3:, 0] = True                                 # printer on three texts not about printers
    labels[len(PRINTER):len(PRINTER) + 2, 1] = False      # two lunch texts left uncoded,
    labels[-6:-4, 1] = True                               # two others coded lunch
    return texts, labels


def everywhere_too(labels: np.ndarray) -> np.ndarray:
    """`labels` with a third column: a code on every coded text."""
    return np.column_stack([labels, np.ones(len(labels), dtype=bool)])


def test_a_code_decided_apart_takes_no_share_of_a_texts_expected_f1():
    scores, thresholds = np.array([[0.97, 0.35]]), np.array([0.5, 0.3])
    # Expected F1 with the first code alone 2(.97)/(1 + 1.32) = .84; .35 is under half of it.
    assert decide(scores, thresholds).tolist() == [[True, False]]
    assert decide(scores, thresholds, apart=np.array([True, False])).tolist() == [[True, True]]
    assert decide(scores, thresholds, apart=np.array([False, False])).tolist() == [[True, False]]


def test_at_least_one_means_a_code_that_tells_texts_apart_where_there_is_one():
    """A base-rate code over its threshold on every text made --at-least-one do nothing."""
    scores, thresholds = np.array([[0.97, 0.10, 0.20], [0.97, 0.60, 0.10]]), np.array([0.5, 0.3, 0.3])
    apart = np.array([True, False, False])
    assert decide(scores, thresholds, apart=apart).tolist() == [[True, False, False], [True, True, False]]
    assert decide(scores, thresholds, apart=apart, at_least_one=True).tolist() == [[True, False, True],
                                                                                  [True, True, False]]
    # Every code on its base rate: the best one, as without marks.
    assert decide(scores[:, :1], thresholds[:1], apart=apart[:1], at_least_one=True).tolist() == [[True], [True]]
    assert decide(np.array([[0.1, 0.2]]), thresholds[1:], at_least_one=True).tolist() == [[False, True]]


def test_a_code_on_every_coded_text_does_not_crowd_out_the_codes_that_tell_texts_apart():
    """Scored 0.97 on every text, it filled the text's expected F1: "a cafe" lost its lunch suggestion."""
    texts, labels = noisier_coding()
    alone = train(texts, labels, codes())
    both = train(texts, everywhere_too(labels), [*codes(), EVERYWHERE])
    new = ["a cafe", "visited a family at home", "ate with the team", "lunch?", "the park", "soup"]
    ids = [str(i) for i in range(len(new))]
    assert both.models[2].engine == "base rate"
    assert both.score_texts(new)[:, :2] == pytest.approx(alone.score_texts(new))
    without = [[s.code_id for s in r.suggestions] for r in suggest_texts(alone, ids, new)]
    assert without[0] == ["lunch"]
    with_it = [[s.code_id for s in r.suggestions] for r in suggest_texts(both, ids, new)]
    assert [[c for c in found if c != "any"] for found in with_it] == without
    assert all("any" in found for found in with_it)


def test_evaluate_gives_the_overall_figures_without_a_code_on_every_coded_text():
    texts, labels = noisier_coding()
    alone = evaluate(texts, labels, codes(), folds=3, curve=(1.0,))
    both = evaluate(texts, everywhere_too(labels), [*codes(), EVERYWHERE], folds=3, curve=(1.0,))
    assert alone.without_base_rate is None
    assert [(c.engine, c.f1) for c in both.codes][2] == ("base rate", 1.0)
    assert both.without_base_rate == pytest.approx({k: alone.overall[k] for k in both.without_base_rate})
    # The other codes' figures are what they are without it.
    assert [(c.precision, c.recall) for c in both.codes[:2]] == [(c.precision, c.recall) for c in alone.codes]
    # Every code on its base rate: no figures "without" them (over no code they read a perfect 1.000).
    only = evaluate(texts, everywhere_too(labels)[:, 2:], [EVERYWHERE], folds=3, curve=(1.0,))
    assert only.without_base_rate == {}
    assert "without base-rate codes: none is left" in "\n".join(overall_lines(only))


def test_the_calibration_error_is_also_given_over_the_pairs_scored_from_0_1():
    texts, labels = corpus()
    result = evaluate(texts, labels, codes(lunch_keywords=["lunch"]), folds=3, curve=(1.0,))
    scored = [row for row in result.reliability if row["low"] >= SCORED_FROM and row["pairs"]]
    pairs = sum(row["pairs"] for row in scored)
    assert result.overall["scored_pairs"] == pairs > 0
    assert result.overall["ece_scored"] == pytest.approx(
        sum(row["pairs"] * abs(row["mean_score"] - row["observed"]) for row in scored) / pairs)


def _project(path, book: list[Code], texts: list[str], coded: list[tuple[int, str]]):
    """A project with the codes of `book`, `texts` as responses r0, r1 ... and `coded` (text, code id) by ann."""
    def setup(conn):
        add_theme(conn, Theme("t", "1", "Things"), "tester")
        for code in book:
            add_code(conn, code, "tester")
        insert_responses(conn, [(f"r{i}", text, {}) for i, text in enumerate(texts)])
        import_codings(conn, [(f"r{i}", code) for i, code in coded], "ann")

    create_project(path, setup=setup).close()
    return path


def _evaluated(path) -> str:
    done = run_cli("evaluate", path, "--folds", "3", columns=80)
    assert done.returncode == 0, done.stderr
    assert max(map(len, done.stdout.splitlines())) <= 80
    return done.stdout


@pytest.mark.slow
def test_cli_names_a_code_on_every_response_and_gives_the_figures_without_it(tmp_path):
    texts, labels = noisier_coding()
    coded = [(i, code.id) for i in range(len(texts)) for j, code in enumerate(codes()) if labels[i, j]]
    responses = sorted({i for i, _ in coded})    # the coded responses: "any" goes on each of them
    plain = _evaluated(_project(tmp_path / "plain.coder", codes(), texts, coded))
    praised = _evaluated(_project(tmp_path / "praised.coder", [*codes(), EVERYWHERE], texts,
                                  coded + [(i, "any") for i in responses]))
    assert "base rate" not in plain and "without base-rate codes" not in plain
    assert re.search(rf"^1\.3 General praise +{len(responses)} +1\.000 +1\.000 +1\.000 +base rate$", praised, re.M)
    named = praised.split("On their base rate (coded on all but at most 1 of the coded responses")[1]
    assert named.split(":\n", 1)[1].startswith("  1.3 General praise\n")
    micro, macro = re.search(r"^micro F1 (\S+)   macro F1 (\S+) ", plain, re.M).groups()
    sample = re.search(r"^sample F1 (\S+) ", plain, re.M).group(1)
    assert f"without base-rate codes: micro F1 {micro}   macro F1 {macro}   sample F1 {sample}" in praised
    # The other codes' lines are the same with it as without it.
    assert plain.splitlines()[1:3] == praised.splitlines()[1:3]


@pytest.mark.slow
def test_cli_marks_rows_with_few_pairs_and_gives_the_calibration_error_where_suggestions_are(tmp_path):
    texts, labels = corpus()
    book = [*codes(lunch_keywords=["lunch"]), Code("work", "t", "1.3", "Other work")]
    coded = [(i, book[j].id) for i in range(len(texts)) for j in range(2) if labels[i, j]]
    coded += [(i, "work") for i in range(len(texts)) if not labels[i].any()]   # every text coded: 90 pairs
    out = _evaluated(_project(tmp_path / "tiny.coder", book, texts, coded))
    rows = re.findall(r"^  (\d\.\d)-\d\.\d +(\d+) +\S+ +\S+(.*)$", out, re.M)
    assert sum(int(pairs) for _, pairs, _ in rows) == 3 * len(texts)    # the table adds up
    for _, pairs, mark in rows:
        assert (mark == "   few pairs: read loosely") == (int(pairs) < FEW_PAIRS), (pairs, mark)
    assert any(mark for *_, mark in rows) and any(not mark for *_, mark in rows)
    scored = sum(int(pairs) for low, pairs, _ in rows if float(low) >= SCORED_FROM)
    said = " ".join(out.split())
    assert re.search(rf"over the {scored} pairs scored 0\.1 and above, where the suggestions are: \d\.\d{{3}}", said)
    assert "Most pairs score near 0, where being right is easy, so the error over every pair is small" in said


@pytest.mark.slow
def test_cli_says_no_pair_scored_where_suggestions_are_when_random_coding_teaches_nothing(tmp_path):
    """The 2,000-code case in small: useless suggestions, and an error over every pair of 0.00x."""
    rng = random.Random(0)
    book = [Code(f"c{k}", "t", f"1.{k + 1}", f"Code {k}") for k in range(300)]
    texts = [f"answer {i} about the ward" for i in range(40)]
    out = _evaluated(_project(tmp_path / "random.coder", book, texts,
                              [(i, f"c{k}") for i in range(len(texts)) for k in rng.sample(range(300), 2)]))
    assert "micro F1 0.000" in out
    assert re.search(r"^expected calibration error: 0\.00\d over every pair", out, re.M)
    assert "  no pair scored 0.1 or above\n" in out
    assert "read the error from 0.1 and the rows above 0.3." in " ".join(out.split())
