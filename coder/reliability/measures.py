"""Agreement between coders who coded the same responses blind.

Pure functions: they take each coder's code sets per response and return
statistics. Agreement is measured per code at the level of the whole response
(was the code applied anywhere in it, by span or whole), which is how framework
analysis uses codes; spans are not compared.

The sample is the responses every compared coder has coded (applied at least
one code to): a response one coder has not reached is not a disagreement.

Per code: observed agreement, Cohen's kappa (two coders), Krippendorff's alpha
(nominal, any number of coders) and Gwet's AC1, which stays meaningful when a
code is rare and kappa collapses (the "kappa paradox"); each code's prevalence is
reported so readers can judge which figure to trust. Kappa and alpha come with
95% bootstrap intervals over the responses (as Krippendorff recommends for
alpha): on a sample of 40 responses, 0.7 can mean anything from 0.4 to 0.9.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from coder.reliability.bootstrap import Interval, bootstrap_intervals

CodeSets = Mapping[str, Mapping[str, frozenset[str] | set[str]]]  # coder -> response -> codes


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code over the shared sample."""

    code_id: str
    units: int              # responses in the shared sample
    applied: dict           # coder -> how many sample responses they applied the code to
    agreement: float        # share of responses where all coders agree (present or absent)
    kappa: float            # Cohen's kappa for two coders (Fleiss-free), NaN if undefined
    alpha: float            # Krippendorff's alpha, nominal; NaN if undefined
    ac1: float              # Gwet's AC1; NaN if undefined
    kappa_interval: Interval = (math.nan, math.nan)   # 95% bootstrap interval
    alpha_interval: Interval = (math.nan, math.nan)

    @property
    def prevalence(self) -> float:
        """Share of all coder-response judgements that applied the code."""
        total = self.units * len(self.applied)
        return sum(self.applied.values()) / total if total else math.nan


@dataclass(frozen=True)
class Agreement:
    """Agreement between coders: per code, and summarised over codes."""

    coders: tuple[str, ...]
    units: tuple[str, ...]
    codes: tuple[CodeAgreement, ...]
    exact_match: float      # share of responses where the coders' whole code sets are equal
    pooled_kappa: float     # kappa over every (response, code) judgement pooled
    mean_alpha: float       # mean of the defined per-code alphas

    def disagreements(self, code_sets: CodeSets) -> list[tuple[str, str, tuple[str, ...]]]:
        """(response, code, coders who applied it) wherever the coders differ."""
        rows = []
        for unit in self.units:
            sets = {coder: code_sets[coder][unit] for coder in self.coders}
            for code in sorted(set().union(*sets.values())):
                appliers = tuple(c for c in self.coders if code in sets[c])
                if len(appliers) != len(self.coders):
                    rows.append((unit, code, appliers))
        return rows


def shared_units(code_sets: CodeSets, coders: Sequence[str]) -> list[str]:
    """Responses every one of `coders` has coded, in a stable order."""
    common = set.intersection(*(set(k for k, v in code_sets.get(c, {}).items() if v) for c in coders))
    return sorted(common)


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float:
    """Cohen's kappa for two coders' binary judgements; NaN when chance agreement is 1."""
    n = len(a)
    if n == 0:
        return math.nan
    observed = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return math.nan if expected == 1 else (observed - expected) / (1 - expected)


def krippendorff_alpha_binary(units: Sequence[Sequence[bool]]) -> float:
    """Krippendorff's alpha (nominal) for binary values; each unit lists its coders' values.

    Units with fewer than two values are not pairable and are ignored. NaN when
    every value is the same (no variation to agree on).
    """
    pairs = [[0.0, 0.0], [0.0, 0.0]]  # coincidence matrix o[c][k]
    for values in units:
        m = len(values)
        if m < 2:
            continue
        ones = sum(values)
        zeros = m - ones
        pairs[1][1] += ones * (ones - 1) / (m - 1)
        pairs[0][0] += zeros * (zeros - 1) / (m - 1)
        pairs[0][1] += ones * zeros / (m - 1)
        pairs[1][0] += ones * zeros / (m - 1)
    n0, n1 = sum(pairs[0]), sum(pairs[1])
    n = n0 + n1
    if n <= 1 or n0 == 0 or n1 == 0:
        return math.nan
    observed_disagreement = pairs[0][1] + pairs[1][0]
    expected_disagreement = 2 * n0 * n1 / (n - 1)
    return 1 - observed_disagreement / expected_disagreement


def gwet_ac1(units: Sequence[Sequence[bool]]) -> float:
    """Gwet's AC1 for binary values and any number of coders (all coders rate every unit)."""
    scored = [values for values in units if len(values) >= 2]
    if not scored:
        return math.nan
    observed = 0.0
    prevalence = 0.0
    for values in scored:
        m, ones = len(values), sum(values)
        observed += (ones * (ones - 1) + (m - ones) * (m - ones - 1)) / (m * (m - 1))
        prevalence += ones / m
    observed /= len(scored)
    pi = prevalence / len(scored)
    expected = 2 * pi * (1 - pi)
    return math.nan if expected == 1 else (observed - expected) / (1 - expected)


def measure_agreement(code_sets: CodeSets, coders: Sequence[str], code_ids: Sequence[str]) -> Agreement:
    """Agreement of `coders` on `code_ids` over the responses they all coded."""
    if len(coders) < 2:
        raise ValueError("agreement needs at least two coders")
    units = shared_units(code_sets, coders)
    judgements = np.array([[[code in code_sets[c][u] for code in code_ids] for c in coders] for u in units],
                          dtype=bool).reshape(len(units), len(coders), len(code_ids))
    kappa_intervals, alpha_intervals = bootstrap_intervals(judgements)
    per_code = []
    for j, code in enumerate(code_ids):
        matrix = judgements[:, :, j].tolist()
        applied = {c: sum(row[i] for row in matrix) for i, c in enumerate(coders)}
        agree = sum(len(set(row)) == 1 for row in matrix) / len(units) if units else math.nan
        kappa = cohen_kappa([r[0] for r in matrix], [r[1] for r in matrix]) if len(coders) == 2 else math.nan
        per_code.append(CodeAgreement(code, len(units), applied, agree, kappa,
                                      krippendorff_alpha_binary(matrix), gwet_ac1(matrix),
                                      kappa_intervals[j], alpha_intervals[j]))
    exact = (sum(len({frozenset(code_sets[c][u]) for c in coders}) == 1 for u in units) / len(units)
             if units else math.nan)
    pooled = math.nan
    if len(coders) == 2:
        a = [code in code_sets[coders[0]][u] for u in units for code in code_ids]
        b = [code in code_sets[coders[1]][u] for u in units for code in code_ids]
        pooled = cohen_kappa(a, b)
    alphas = [c.alpha for c in per_code if not math.isnan(c.alpha)]
    return Agreement(tuple(coders), tuple(units), tuple(per_code), exact, pooled,
                     sum(alphas) / len(alphas) if alphas else math.nan)

