"""Calibration of classifier outputs and per-code decision thresholds.

Both are fitted on out-of-fold decision values (each text scored by a model
that did not see it), so they reflect how the model does on new text.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression


def fit_platt(inputs: np.ndarray, labels: np.ndarray, *, c: float = 100.0) -> tuple[float, ...]:
    """Platt scaling: weights and bias so sigmoid(inputs @ w + b) estimates P(code | inputs).

    `inputs` is one decision value per text, or several columns (the decision
    value and other evidence, such as keyword matches). Uses Platt's smoothed
    targets, which keep the fit finite when the classes separate perfectly
    (common with a handful of positives): each text counts as a positive with
    weight `target` and as a negative with `1 - target`. Returns (*w, b).
    """
    z = np.asarray(inputs, dtype=float)
    z = z.reshape(len(z), -1)
    y = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    target = np.where(y, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
    both = np.concatenate([np.ones(len(z)), np.zeros(len(z))])
    fit = LogisticRegression(C=c, max_iter=1000).fit(
        np.vstack([z, z]), both, sample_weight=np.concatenate([target, 1 - target]))
    return (*map(float, fit.coef_[0]), float(fit.intercept_[0]))


def calibrate(inputs: np.ndarray, calibration: Sequence[float]) -> np.ndarray:
    """Calibrated scores in [0, 1] from the inputs `fit_platt` was fitted on."""
    z = np.asarray(inputs, dtype=float)
    z = z.reshape(len(z), -1)
    return _sigmoid(z @ np.asarray(calibration[:-1]) + calibration[-1])


def best_f1_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The threshold on `scores` that maximises F1 for these labels.

    Placed half-way between the last score kept and the next one below it, so a
    new text that scores like a borderline positive still clears it. With no
    positives, returns 1.0 (never suggest).
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    if not y.any():
        return 1.0
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    tp = np.cumsum(y_sorted)
    predicted = np.arange(1, len(s) + 1)
    f1 = 2 * tp / (predicted + y.sum())
    # Only cut where the score changes, so ties fall on the same side.
    cut_ok = np.append(s_sorted[1:] < s_sorted[:-1], True)
    f1 = np.where(cut_ok, f1, -1.0)
    k = int(np.argmax(f1))
    below = s_sorted[k + 1] if k + 1 < len(s) else 0.0
    return float((s_sorted[k] + below) / 2.0)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
