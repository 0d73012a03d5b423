"""Agreement statistics against hand-computed values and scikit-learn."""

from __future__ import annotations

import math
import random

import pytest
from sklearn.metrics import cohen_kappa_score

from coder.reliability.measures import (cohen_kappa, gwet_ac1, krippendorff_alpha_binary, measure_agreement,
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


def _pairs(n: int, seed: int = 3) -> dict:
    """Two coders on n responses: the code on about 30% of them, and they differ on about 10%."""
    rng = random.Random(seed)
    sets = {"a": {}, "b": {}}
    for i in range(n):
        a = rng.random() < 0.3
        b = a if rng.random() < 0.9 else not a
        sets["a"][f"r{i}"] = {"x"} if a else {"other"}
        sets["b"][f"r{i}"] = {"x"} if b else {"other"}
    return sets


def test_bootstrap_intervals_hold_the_estimate_and_narrow_with_more_responses():
    widths = {}
    for n in (60, 2000):
        (x,) = measure_agreement(_pairs(n), ["a", "b"], ["x"]).codes
        for value, (low, high) in ((x.kappa, x.kappa_interval), (x.alpha, x.alpha_interval)):
            assert low < value < high
        widths[n] = x.alpha_interval[1] - x.alpha_interval[0]
    assert widths[2000] < widths[60] / 3   # about 1/sqrt(n): 5.8x narrower
    assert measure_agreement(_pairs(60), ["a", "b"], ["x"]).codes[0].alpha_interval == \
        measure_agreement(_pairs(60), ["a", "b"], ["x"]).codes[0].alpha_interval   # same figures every time


def test_bootstrap_matches_the_point_statistics_on_a_large_sample():
    (x,) = measure_agreement(_pairs(5000), ["a", "b"], ["x"]).codes
    # The resamples' statistics centre on the sample's own: the vectorised formulas are the same ones.
    assert sum(x.alpha_interval) / 2 == pytest.approx(x.alpha, abs=0.01)
    assert sum(x.kappa_interval) / 2 == pytest.approx(x.kappa, abs=0.01)


def test_no_interval_for_a_code_too_rare_to_tell_or_kappa_with_three_coders():
    sets = {c: {f"r{i}": {"y"} for i in range(40)} for c in ("a", "b")}
    sets["a"]["r0"] = {"x", "y"}   # one application of x in 40 responses
    (x, y) = measure_agreement(sets, ["a", "b"], ["x", "y"]).codes
    assert all(math.isnan(v) for v in x.alpha_interval + x.kappa_interval + y.alpha_interval)
    three = {c: dict(_pairs(100)["a"]) for c in ("a", "b", "c")}
    three["c"].update(_pairs(100, seed=4)["b"])
    (x,) = measure_agreement(three, ["a", "b", "c"], ["x"]).codes
    assert math.isnan(x.kappa_interval[0]) and x.alpha_interval[0] < x.alpha < x.alpha_interval[1]
