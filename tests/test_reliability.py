"""Agreement statistics against hand-computed values, scikit-learn and the krippendorff package."""

from __future__ import annotations

import math
import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from coder.reliability.bootstrap import bootstrap_intervals
from coder.reliability.measures import (NO_VARIATION, NOT_ASSESSABLE, CodeAgreement, cohen_kappa, gwet_ac1,
                                        krippendorff_alpha_binary, measure_agreement, shared_units)

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


def _fixed_coding(coders: int, seed: int = 11) -> dict:
    """`coders` coders on 60 responses and codes a, b, c: shared habits plus each coder's own slips."""
    rng = random.Random(seed)
    sets: dict = {f"c{i}": {} for i in range(coders)}
    for r in range(60):
        truth = {code for code, p in (("a", 0.4), ("b", 0.15), ("c", 0.7)) if rng.random() < p}
        for coder in sets:
            sets[coder][f"r{r}"] = {code for code in "abc" if (code in truth) != (rng.random() < 0.12)} | {"z"}
    return sets


def _ac1_two_coders(a: list[bool], b: list[bool]) -> float:
    """Gwet (2008), two raters: pa = agreement; pe = 2 q (1 - q), q = mean of the raters' 'yes' shares."""
    n = len(a)
    pa = sum(x == y for x, y in zip(a, b)) / n
    q = (sum(a) + sum(b)) / (2 * n)
    pe = 2 * q * (1 - q)
    return (pa - pe) / (1 - pe)


@pytest.mark.parametrize("coders", [2, 3])
def test_every_statistic_equals_an_independent_computation(coders):
    sets = _fixed_coding(coders)
    names = list(sets)
    result = measure_agreement(sets, names, ["a", "b", "c"])
    units = result.units
    for code in result.codes:
        values = [[code.code_id in sets[c][u] for u in units] for c in names]
        assert code.applied == {c: sum(v) for c, v in zip(names, values)}
        assert code.agreement == pytest.approx(sum(len(set(col)) == 1 for col in zip(*values)) / len(units))
        assert code.alpha == pytest.approx(krippendorff.alpha(reliability_data=np.array(values, dtype=float),
                                                              level_of_measurement="nominal"))
        if coders == 2:
            assert code.kappa == pytest.approx(cohen_kappa_score(*values))
            assert code.ac1 == pytest.approx(_ac1_two_coders(*values))
    if coders == 2:
        pooled = [[code in sets[c][u] for u in units for code in "abc"] for c in names]
        assert result.pooled_kappa == pytest.approx(cohen_kappa_score(*pooled))
    assert result.mean_alpha == pytest.approx(sum(c.alpha for c in result.codes) / 3)


def test_a_code_nobody_applied_is_not_assessable_and_left_out_of_pooled_and_mean_figures():
    sets = _fixed_coding(2)
    names = list(sets)
    with_unused = measure_agreement(sets, names, ["a", "unused", "b", "c"])
    without = measure_agreement(sets, names, ["a", "b", "c"])
    unused = with_unused.codes[1]
    assert not unused.assessable and unused.note == NOT_ASSESSABLE
    assert all(math.isnan(v) for v in (unused.agreement, unused.kappa, unused.alpha, unused.ac1))
    assert unused.applied == {"c0": 0, "c1": 0} and unused.prevalence == 0
    assert with_unused.left_out == ("unused",) and without.left_out == ()
    assert with_unused.pooled_kappa == pytest.approx(without.pooled_kappa)   # not counted as agreement
    assert with_unused.mean_alpha == pytest.approx(without.mean_alpha)


def test_a_code_every_coder_applied_everywhere_has_no_kappa_or_alpha_and_says_why():
    # Degenerate the other way: assessable (the coders did apply it), but with no variation
    # kappa's and alpha's chance terms are 1 - 1 = 0; AC1 and the agreement are 1 by their formulas.
    sets = {c: {f"r{i}": {"z"} for i in range(5)} for c in ("a", "b")}
    (z,) = measure_agreement(sets, ["a", "b"], ["z"]).codes
    assert z.assessable and z.note == NO_VARIATION
    assert math.isnan(z.kappa) and math.isnan(z.alpha)
    assert z.agreement == 1 and z.ac1 == 1


def test_a_rare_code_with_high_agreement_and_low_kappa_names_the_paradox():
    # 30 responses, y in all of them; x by both on r0, by a alone on r1 and r2, by b alone on r3 and
    # r4: 26 of 30 agree, kappa (0.867 - 0.82) / 0.18 = 0.26, AC1 high.
    alone = {"a": {1, 2}, "b": {3, 4}}
    sets = {c: {f"r{i}": {"y"} | ({"x"} if i == 0 or i in alone[c] else set()) for i in range(30)} for c in "ab"}
    x, _ = measure_agreement(sets, ["a", "b"], ["x", "y"]).codes
    assert x.agreement == pytest.approx(26 / 30) and x.kappa == pytest.approx(0.26, abs=0.005) and x.ac1 > 0.8
    assert x.note.startswith("high agreement but low kappa: the code is applied in only 10% of the judgements, "
                             "so most agreement is on its absence")
    # Nearly always applied, the other way round; three coders are judged by alpha.
    everywhere = {c: {u: {"y"} | ({"x"} - codes) for u, codes in per.items()} for c, per in sets.items()}
    assert measure_agreement(everywhere, ["a", "b"], ["x"]).codes[0].note.startswith(
        "high agreement but low kappa: the code is left off in only 10% of the judgements, so most agreement "
        "is on its presence")
    alone["c"] = {5, 6}   # 40 responses, a third coder the same way: 34 of 40 agree, alpha 0.29
    three = {c: {f"r{i}": {"y"} | ({"x"} if i == 0 or i in alone[c] else set()) for i in range(40)} for c in "abc"}
    assert measure_agreement(three, ["a", "b", "c"], ["x"]).codes[0].note.startswith("high agreement but low alpha")
    # Where the coders disagree often, a low kappa needs no such note.
    often = {"a": sets["a"], "b": {u: {"y"} | ({"x"} if i < 12 else set()) for i, u in enumerate(sets["b"])}}
    assert measure_agreement(often, ["a", "b"], ["x"]).codes[0].note == ""


def test_a_rare_code_the_coders_never_applied_together_is_a_disagreement_not_a_paradox():
    """Each coder applied it once, on different responses: kappa below 0 and AC1 0.89, and the note
    called it the kappa paradox ("AC1 allows for that"), inviting the researcher to dismiss it."""
    sets = {c: {f"r{i}": {"y"} | ({"x"} if (c, i) in {("a", 0), ("b", 1)} else set()) for i in range(20)}
            for c in "ab"}
    x = measure_agreement(sets, ["a", "b"], ["x"]).codes[0]
    assert x.kappa < 0 and x.ac1 > 0.85
    assert x.note == ("low kappa: the coders never both applied it to one unit, so each time it was applied "
                      "they disagreed; the high agreement (and AC1) is on its absence alone")
    everywhere = {c: {u: {"y"} | ({"x"} - codes) for u, codes in per.items()} for c, per in sets.items()}
    assert measure_agreement(everywhere, ["a", "b"], ["x"]).codes[0].note.startswith(
        "low kappa: the coders never both left it off one unit, so each time it was left off")


def test_one_disagreement_in_four_by_hand_through_measure_agreement():
    # Coder a: x on r1, r3; coder b: x on r1 only (A and B above). 2x2 table: both 1, a only 1,
    # neither 2; po = 3/4, pe = (2/4)(1/4) + (2/4)(3/4) = 1/2, kappa = (3/4 - 1/2) / (1/2) = 1/2.
    sets = {"a": {f"r{i}": ({"x"} if v else set()) | {"y"} for i, v in enumerate(A, 1)},
            "b": {f"r{i}": ({"x"} if v else set()) | {"y"} for i, v in enumerate(B, 1)}}
    x, y = measure_agreement(sets, ["a", "b"], ["x", "y"]).codes
    assert (x.agreement, x.kappa, x.alpha) == (pytest.approx(3 / 4), pytest.approx(1 / 2), pytest.approx(8 / 15))
    assert x.marked == (2, 1, 1)
    assert y.note == NO_VARIATION


def test_bootstrap_intervals_equal_a_resample_by_resample_computation():
    # The same draws (seed 0, one multinomial draw of response counts per resample), with each
    # resample's kappa from scikit-learn and alpha from the krippendorff package.
    sets, resamples = _pairs(60), 400
    units = sorted(sets["a"])
    values = np.array([["x" in sets[c][u] for u in units] for c in ("a", "b")])
    ((kappa_interval,), (alpha_interval,)) = bootstrap_intervals(values.T[:, :, None], resamples=resamples)
    draws = np.random.default_rng(0).multinomial(len(units), np.full(len(units), 1 / len(units)), size=resamples)
    kappas, alphas = [], []
    for counts in draws:
        sample = np.repeat(values, counts, axis=1)
        kappas.append(cohen_kappa_score(*sample))
        alphas.append(krippendorff.alpha(reliability_data=sample.astype(float), level_of_measurement="nominal"))
    assert kappa_interval == pytest.approx(tuple(np.percentile(kappas, [2.5, 97.5])))
    assert alpha_interval == pytest.approx(tuple(np.percentile(alphas, [2.5, 97.5])))


def test_the_paradox_note_judges_kappa_as_printed():
    """A kappa printed as 0.400 (0.39999999999999997 in floating point) was noted as under 0.4."""
    def note(kappa: float) -> str:
        return CodeAgreement("x", 30, {"a": 5, "b": 6}, agreement=0.9, kappa=kappa, alpha=kappa, ac1=0.8).note
    assert note(0.4 - 1e-16) == "" and note(0.3994).startswith("high agreement but low kappa")
