"""Percentile-bootstrap intervals of per-code kappa and alpha, resampling the responses.

Vectorised: every statistic is a function of a few sums over the responses, so a
resample's statistics are its draw counts times per-response values, for all codes
at once.
"""

from __future__ import annotations

import math

import numpy as np

Interval = tuple[float, float]   # (low, high); NaN, NaN when undefined

RESAMPLES = 2000        # bootstrap resamples of the responses
LEVEL = 0.95
MAX_UNDEFINED = 0.05    # share of resamples with no variation past which an interval is not given
_WEIGHTS_PER_BLOCK = 2_000_000   # resample weights held at once (bounds memory for large samples)


def bootstrap_intervals(judgements: np.ndarray, *, resamples: int = RESAMPLES,
                        seed: int = 0) -> tuple[list[Interval], list[Interval]]:
    """95% percentile-bootstrap intervals of each code's kappa and alpha.

    `judgements` is (responses x coders x codes), True where a coder applied
    the code. The responses are resampled with replacement, the same resamples
    for every code, from a fixed seed (a report gives the same figures every
    time). Kappa intervals are for two coders only. An interval is NaN when more
    than 5% of the resamples leave the statistic undefined (too few applications
    of the code to tell).
    """
    units, coders, codes = judgements.shape
    undefined = [(math.nan, math.nan)] * codes
    if units < 2:
        return undefined, list(undefined)
    # Every statistic is a function of sums over the responses: of each response's count of
    # coders applying the code (k) and its square, and for kappa of the two coders' values and
    # their product. A resample's sums are its weights (how often it drew each response) times these.
    if coders == 2:
        a, b = judgements[:, 0, :], judgements[:, 1, :]
        per_unit = np.concatenate([a, b, a & b], axis=1).astype(np.float32)
    else:
        k = judgements.sum(axis=1)
        per_unit = np.concatenate([k, k * k], axis=1).astype(np.float32)
    rng = np.random.default_rng(seed)
    block = max(1, _WEIGHTS_PER_BLOCK // units)
    sums = np.concatenate([rng.multinomial(units, np.full(units, 1 / units), size=min(block, resamples - done))
                           .astype(np.float32) @ per_unit for done in range(0, resamples, block)])
    sums = sums.astype(np.float64).reshape(resamples, -1, codes)
    if coders == 2:
        sum_a, sum_b, sum_ab = sums[:, 0], sums[:, 1], sums[:, 2]
        sum_k, sum_k2 = sum_a + sum_b, sum_a + sum_b + 2 * sum_ab
    else:
        sum_k, sum_k2 = sums[:, 0], sums[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        n = units * coders                              # values per resample
        mixed = (coders * sum_k - sum_k2) / (coders - 1)   # coincidences of a 1 with a 0
        n1, n0 = sum_k, n - sum_k
        alpha = np.where((n0 > 0) & (n1 > 0), 1 - mixed * (n - 1) / (n0 * n1), np.nan)
        if coders != 2:
            return list(undefined), _percentiles(alpha)
        pa, pb = sum_a / units, sum_b / units
        observed = 1 - (sum_a + sum_b - 2 * sum_ab) / units
        expected = pa * pb + (1 - pa) * (1 - pb)
        kappa = np.where(expected < 1, (observed - expected) / (1 - expected), np.nan)
    return _percentiles(kappa), _percentiles(alpha)


def _percentiles(values: np.ndarray) -> list[Interval]:
    """Each column's central LEVEL interval, or NaN where too many resamples were undefined."""
    tail = 100 * (1 - LEVEL) / 2
    out = []
    for column in values.T:
        defined = column[~np.isnan(column)]
        if len(defined) < (1 - MAX_UNDEFINED) * len(column):
            out.append((math.nan, math.nan))
        else:
            low, high = np.percentile(defined, [tail, 100 - tail])
            out.append((float(low), float(high)))
    return out
