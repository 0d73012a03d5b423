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

A code no coder applied anywhere in the sample is not assessable: there was
nothing to agree on, so it gets no figures (not AC1 1.0 or 100% agreement) and is
left out of the pooled kappa and the mean alpha. Every statistic is computed
from a code's counts (how many units k of the m coders marked), so the same
functions serve units that are responses and units that are characters
(`coder.reliability.spans`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from coder.reliability.bootstrap import Interval, bootstrap_intervals

CodeSets = Mapping[str, Mapping[str, frozenset[str] | set[str]]]  # coder -> response -> codes


NOT_ASSESSABLE = "not assessable: no coder applied it in the sample"
NO_VARIATION = "kappa and alpha undefined: every coder applied it to every unit"
# The kappa paradox is named where agreement is this high and the chance-corrected figure this low.
PARADOX_AGREEMENT = 0.8
PARADOX_KAPPA = 0.4


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code over the shared sample (units: responses, or characters for spans)."""

    code_id: str
    units: int              # units in the shared sample
    applied: dict           # coder -> how many sample units they applied the code to
    agreement: float        # share of units where all coders agree (present or absent); NaN if not assessable
    kappa: float            # Cohen's kappa for two coders (Fleiss-free), NaN if undefined
    alpha: float            # Krippendorff's alpha, nominal; NaN if undefined
    ac1: float              # Gwet's AC1; NaN if undefined
    kappa_interval: Interval = (math.nan, math.nan)   # 95% bootstrap interval
    alpha_interval: Interval = (math.nan, math.nan)
    marked: tuple[int, ...] = ()   # marked[k]: units that k of the coders applied the code to

    @property
    def prevalence(self) -> float:
        """Share of all coder-unit judgements that applied the code."""
        total = self.units * len(self.applied)
        return sum(self.applied.values()) / total if total else math.nan

    @property
    def assessable(self) -> bool:
        """False when no coder applied the code in the sample: agreement on it cannot be judged."""
        return any(self.applied.values())

    @property
    def note(self) -> str:
        """Why figures are missing, or why kappa (alpha beyond two coders) is low where the coders
        mostly agree ("" when nothing needs saying)."""
        if not self.assessable:
            return NOT_ASSESSABLE
        if all(n == self.units for n in self.applied.values()):
            return NO_VARIATION
        name, corrected = ("kappa", self.kappa) if len(self.applied) == 2 else ("alpha", self.alpha)
        # Judged as printed (three decimals): a kappa shown as 0.400 was noted as under 0.4.
        if round(self.agreement, 3) >= PARADOX_AGREEMENT and round(corrected, 3) < PARADOX_KAPPA:
            share, on = (self.prevalence, "absence") if self.prevalence < 0.5 else (1 - self.prevalence, "presence")
            how = "applied" if on == "absence" else "left off"
            together = self.marked[-1 if on == "absence" else 0] if self.marked and len(self.applied) == 2 else None
            if together == 0:   # no agreement at all on the rare side: a real disagreement, not a paradox
                both = "both applied it to" if on == "absence" else "both left it off"
                return (f"low {name}: the coders never {both} one unit, so each time it was {how} they "
                        f"disagreed; the high agreement (and AC1) is on its {on} alone")
            return (f"high agreement but low {name}: the code is {how} in only {share:.0%} of the judgements, "
                    f"so most agreement is on its {on}, which chance alone would give (the kappa paradox); "
                    "AC1 allows for that")
        return ""


@dataclass(frozen=True)
class Agreement:
    """Agreement between coders: per code, and summarised over the assessable codes."""

    coders: tuple[str, ...]
    units: tuple[str, ...]
    codes: tuple[CodeAgreement, ...]
    exact_match: float      # share of units where the coders' whole code sets are equal
    pooled_kappa: float     # kappa over every (unit, assessable code) judgement pooled
    mean_alpha: float       # mean of the defined alphas of the assessable codes

    @property
    def left_out(self) -> tuple[str, ...]:
        """The codes not assessable (no coder applied them), left out of the pooled and mean figures."""
        return tuple(c.code_id for c in self.codes if not c.assessable)

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
    both = sum(x and y for x, y in zip(a, b))
    return kappa_from_table(both, sum(a) - both, sum(b) - both, len(a) - sum(a) - sum(b) + both)


def kappa_from_table(both: float, only_a: float, only_b: float, neither: float) -> float:
    """Cohen's kappa from the 2x2 table of two coders' binary judgements; NaN when undefined."""
    n = both + only_a + only_b + neither
    if n == 0:
        return math.nan
    observed = (both + neither) / n
    pa, pb = (both + only_a) / n, (both + only_b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return math.nan if expected == 1 else (observed - expected) / (1 - expected)


def _groups(units: Sequence[Sequence[bool]]) -> list[tuple[int, int, int]]:
    """Units as (coders m, of whom applied k, how many units) groups."""
    return [(len(values), sum(values), 1) for values in units]


def krippendorff_alpha_binary(units: Sequence[Sequence[bool]]) -> float:
    """Krippendorff's alpha (nominal) for binary values; each unit lists its coders' values.

    Units with fewer than two values are not pairable and are ignored. NaN when
    every value is the same (no variation to agree on).
    """
    return alpha_from_groups(_groups(units))


def alpha_from_groups(groups: Iterable[tuple[int, int, int]]) -> float:
    """Krippendorff's alpha (nominal, binary) from (m values, k ones, count of such units) groups."""
    mixed = n0 = n1 = 0.0   # coincidences of a 1 with a 0 (o01 + o10), and the pairable values
    for m, ones, count in groups:
        if m < 2:
            continue
        mixed += count * 2 * ones * (m - ones) / (m - 1)
        n1 += count * ones
        n0 += count * (m - ones)
    n = n0 + n1
    if n <= 1 or n0 == 0 or n1 == 0:
        return math.nan
    return 1 - mixed / (2 * n0 * n1 / (n - 1))


def gwet_ac1(units: Sequence[Sequence[bool]]) -> float:
    """Gwet's AC1 for binary values and any number of coders (all coders rate every unit)."""
    return ac1_from_groups(_groups(units))


def ac1_from_groups(groups: Iterable[tuple[int, int, int]]) -> float:
    """Gwet's AC1 (binary) from (m values, k ones, count of such units) groups; units with m < 2 ignored."""
    observed = prevalence = scored = 0.0
    for m, ones, count in groups:
        if m < 2:
            continue
        observed += count * (ones * (ones - 1) + (m - ones) * (m - ones - 1)) / (m * (m - 1))
        prevalence += count * ones / m
        scored += count
    if not scored:
        return math.nan
    observed /= scored
    pi = prevalence / scored
    expected = 2 * pi * (1 - pi)
    return math.nan if expected == 1 else (observed - expected) / (1 - expected)


def code_agreement(code_id: str, applied: dict[str, int], marked: Sequence[int],
                   intervals: tuple[Interval, Interval] = ((math.nan, math.nan), (math.nan, math.nan))
                   ) -> CodeAgreement:
    """One code's figures from its counts: `applied` per coder, and `marked[k]` = units k coders marked.

    Every coder judged every unit (len(marked) = coders + 1). A code no coder
    applied is not assessable and gets NaN throughout.
    """
    m, units, marked = len(applied), sum(marked), tuple(marked)
    if not any(applied.values()):
        return CodeAgreement(code_id, units, applied, math.nan, math.nan, math.nan, math.nan, marked=marked)
    groups = [(m, k, count) for k, count in enumerate(marked)]
    agree = (marked[0] + marked[m]) / units if units else math.nan
    kappa = kappa_from_table(*_table(applied, marked)) if m == 2 else math.nan
    return CodeAgreement(code_id, units, applied, agree, kappa, alpha_from_groups(groups),
                         ac1_from_groups(groups), *intervals, marked=marked)


def _table(applied: dict[str, int], marked: Sequence[int]) -> tuple[int, int, int, int]:
    """Two coders' 2x2 table (both, only the first, only the second, neither) from their counts."""
    a, b = applied.values()
    return marked[2], a - marked[2], b - marked[2], marked[0]


def summarise(coders: Sequence[str], units: Sequence[str], per_code: Sequence[CodeAgreement],
              exact_match: float) -> Agreement:
    """The Agreement: per-code figures with the pooled kappa and the mean alpha of the assessable codes."""
    assessable = [c for c in per_code if c.assessable]
    pooled = math.nan
    if len(coders) == 2 and assessable:
        pooled = kappa_from_table(*np.sum([_table(c.applied, c.marked) for c in assessable], axis=0).tolist())
    alphas = [c.alpha for c in assessable if not math.isnan(c.alpha)]
    return Agreement(tuple(coders), tuple(units), tuple(per_code), exact_match, pooled,
                     sum(alphas) / len(alphas) if alphas else math.nan)


def measure_agreement(code_sets: CodeSets, coders: Sequence[str], code_ids: Sequence[str]) -> Agreement:
    """Agreement of `coders` on `code_ids` over the responses they all coded."""
    if len(coders) < 2:
        raise ValueError("agreement needs at least two coders")
    units = shared_units(code_sets, coders)
    judgements = np.array([[[code in code_sets[c][u] for code in code_ids] for c in coders] for u in units],
                          dtype=bool).reshape(len(units), len(coders), len(code_ids))
    kappa_intervals, alpha_intervals = bootstrap_intervals(judgements)
    applied = judgements.sum(axis=0)          # coders x codes
    marking = judgements.sum(axis=1)          # units x codes: how many coders applied each code
    per_code = [code_agreement(code, dict(zip(coders, applied[:, j].tolist())),
                               np.bincount(marking[:, j], minlength=len(coders) + 1).tolist(),
                               (kappa_intervals[j], alpha_intervals[j]))
                for j, code in enumerate(code_ids)]
    exact = (sum(len({frozenset(code_sets[c][u]) for c in coders}) == 1 for u in units) / len(units)
             if units else math.nan)
    return summarise(coders, units, per_code, exact)
