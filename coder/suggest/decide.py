"""Which codes are suggested for a text, from its calibrated scores and the codes' thresholds."""

from __future__ import annotations

import numpy as np


def decide(scores: np.ndarray, thresholds: np.ndarray, *, apart: np.ndarray | None = None,
           at_least_one: bool = False) -> np.ndarray:
    """Which codes are suggested: those over their thresholds that the text's expected F1 keeps
    (`keep_expected_f1`); with `at_least_one`, each row's best code too (its best code not
    marked `apart`, where a row has none of those chosen).

    `apart` (one flag per code) marks codes suggested on a rule of their own, the base-rate
    codes (on nearly every coded text): over their thresholds they are suggested, and they are
    left out of the text's expected F1, so a code on every text does not crowd out the codes
    that tell texts apart. With none marked, the expected F1 alone chooses."""
    over = scores >= thresholds
    if apart is None or not np.any(apart):   # the usual case: no copy of a chunk's scores
        chosen = keep_expected_f1(scores, over)
    else:
        chosen = keep_expected_f1(np.where(apart, 0.0, scores), over & ~apart) | (over & apart)
    if at_least_one and len(scores):
        # At least one code that tells texts apart, where there is one: a base-rate code is no answer.
        telling = np.ones(scores.shape[1], dtype=bool) if apart is None or np.all(apart) else ~np.asarray(apart)
        empty = ~(chosen & telling).any(axis=1)
        chosen[np.flatnonzero(empty), np.argmax(np.where(telling, scores[empty], -1.0), axis=1)] = True
    return chosen


def keep_expected_f1(scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Of each text's `candidates`, the best-scored k that maximise the text's expected F1.

    Scores are calibrated probabilities, so a text's expected number of codes is
    the sum of its scores P, and the k best candidates (score sum S_k) have an
    expected F1 of about 2 S_k / (k + P) (Jansche 2007; Lipton et al. 2014 for
    one code). A further code is worth suggesting only while its score exceeds
    half the F1 already expected: a code that clears its own threshold (set for
    that code's F1 over all texts) is dropped on a text where stronger codes
    already account for what the text is likely to carry. Costs one pass over
    the scores and a sort of the candidates.
    """
    chosen = np.zeros_like(candidates, dtype=bool)
    rows, columns = np.nonzero(candidates)
    if not len(rows):
        return chosen
    values = scores[rows, columns]
    order = np.lexsort((-values, rows))          # per text, best first
    rows, columns, values = rows[order], columns[order], values[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    counts = np.diff(np.r_[starts, len(rows)])
    before = np.repeat(np.cumsum(values)[starts] - values[starts], counts)
    rank = np.arange(len(rows)) - np.repeat(starts, counts) + 1           # k: 1, 2, ... within a text
    expected = 2 * (np.cumsum(values) - before) / (rank + scores.sum(axis=1)[rows])
    best = np.maximum.reduceat(expected, starts)
    # keep up to the first rank reaching the text's best expected F1
    reached = expected >= np.repeat(best, counts)
    first = np.minimum.reduceat(np.where(reached, rank, len(rows) + 1), starts)
    keep = rank <= np.repeat(first, counts)
    chosen[rows[keep], columns[keep]] = True
    return chosen
