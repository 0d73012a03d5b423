"""A code on every coded response: the engine, and `coder evaluate` run as the real CLI on real
projects.

A usage test's hospital survey put "General praise" on every coded response: evaluate read it
1.000 1.000 1.000 with no word that this was its base rate, overall F1 rose with it, and other codes
lost suggestions to it.
"""

import re

import numpy as np
import pytest

from coder.records import Code, Theme
from coder.store import create_project
from coder.store.codebook import add_code, add_theme
from coder.store.codings import import_codings
from coder.store.responses import insert_responses
from coder.suggest.decide import decide
from coder.suggest.evaluate import evaluate
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
