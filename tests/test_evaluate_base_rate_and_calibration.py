"""A code on every coded response, decided apart from each response's expected F1.

A usage test's hospital survey put "General praise" on every coded response: evaluate read it
1.000 1.000 1.000 with no word that this was its base rate, overall F1 rose with it, and other codes
lost suggestions to it.
"""

import numpy as np
import pytest

from coder.records import Code
from coder.suggest.decide import decide
from coder.suggest.model import train
from coder.suggest.scoring import suggest_texts
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
