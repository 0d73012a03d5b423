"""Agreement statistics against hand-computed values and scikit-learn."""

from __future__ import annotations

import math

import pytest
from sklearn.metrics import cohen_kappa_score

from coder.reliability import (cohen_kappa, gwet_ac1, krippendorff_alpha_binary, measure_agreement,
                               shared_units)

A = [True, False, True, False]
B = [True, False, False, False]


def test_cohen_kappa_matches_scikit_learn():
    assert cohen_kappa(A, B) == pytest.approx(cohen_kappa_score(A, B))
    a = [i % 3 == 0 for i in range(30)]
    b = [i % 3 == 0 or i % 7 == 0 for i in range(30)]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_krippendorff_alpha_by_hand():
    # Coincidences: o00 = 4, o11 = 2, o01 = o10 = 1; n0 = 5, n1 = 3, n = 8.
    # alpha = 1 - D_o / D_e = 1 - 2 / (2 * 5 * 3 / 7) = 1 - 7 / 15
    assert krippendorff_alpha_binary(list(zip(A, B))) == pytest.approx(8 / 15)


def test_gwet_ac1_by_hand():
    # pi = (1 + 0 + 0.5 + 0) / 4; pe = 2 pi (1 - pi); po = 0.75
    pi = 0.375
    pe = 2 * pi * (1 - pi)
    assert gwet_ac1(list(zip(A, B))) == pytest.approx((0.75 - pe) / (1 - pe))


def test_rare_code_kappa_paradox_is_visible_through_ac1():
    a = [False] * 100
    b = [False] * 99 + [True]
    assert cohen_kappa(a, b) == pytest.approx(0.0)
    assert gwet_ac1(list(zip(a, b))) > 0.98


def test_undefined_statistics_are_nan_not_perfect():
    same = [(False, False)] * 10
    assert math.isnan(cohen_kappa([False] * 10, [False] * 10))
    assert math.isnan(krippendorff_alpha_binary(same))


def test_measure_agreement_uses_only_responses_both_coded():
    sets = {
        "alice": {"r1": {"x"}, "r2": {"x", "y"}, "r3": {"y"}, "r4": {"x"}},
        "bob": {"r1": {"x"}, "r2": {"x"}, "r3": {"x"}, "r5": {"y"}},
    }
    assert shared_units(sets, ["alice", "bob"]) == ["r1", "r2", "r3"]
    result = measure_agreement(sets, ["alice", "bob"], ["x", "y"])
    x, y = result.codes
    assert x.applied == {"alice": 2, "bob": 3}
    assert x.agreement == pytest.approx(2 / 3)
    assert y.agreement == pytest.approx(1 / 3)
    assert result.exact_match == pytest.approx(1 / 3)
    assert x.kappa == pytest.approx(cohen_kappa_score([1, 1, 0], [1, 1, 1]))
    assert result.disagreements(sets) == [("r2", "y", ("alice",)), ("r3", "x", ("bob",)),
                                          ("r3", "y", ("alice",))]


def test_three_coders_get_alpha_and_ac1_but_no_kappa():
    sets = {c: {"r1": {"x"}, "r2": {"y"}} for c in ("a", "b", "c")}
    sets["c"]["r2"] = {"x"}
    result = measure_agreement(sets, ["a", "b", "c"], ["x", "y"])
    assert math.isnan(result.codes[0].kappa)
    assert not math.isnan(result.codes[0].alpha)
