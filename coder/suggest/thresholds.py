"""Calibration of classifier outputs and per-code decision thresholds.

Both are fitted on out-of-fold decision values (each text scored by a model
that did not see it), so they reflect how the model does on new text.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def fit_platt(inputs: np.ndarray, labels: np.ndarray, *, c: float = 100.0) -> tuple[float, ...]:
    """Platt scaling: weights and bias so sigmoid(inputs @ w + b) estimates P(code | inputs).

    `inputs` is one decision value per text, or several columns (the decision
    value and other evidence, such as keyword matches). Uses Platt's smoothed
    targets, which keep the fit finite when the classes separate perfectly
    (common with a handful of positives); an L2 penalty of 1 / c on the
    weights (not the bias) keeps many inputs from overfitting. Returns (*w, b).
    """
    z = np.asarray(inputs, dtype=float)
    z = np.column_stack([z.reshape(len(z), -1), np.ones(len(z))])
    y = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    target = np.where(y, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
    penalty = np.full(z.shape[1], 1.0 / c)
    penalty[-1] = 0.0  # the bias is not shrunk
    w = np.zeros(z.shape[1])
    w[-1] = np.log((n_pos + 1.0) / (n_neg + 1.0))
    loss = _platt_loss(z, target, w, penalty)
    for _ in range(50):  # Newton's method with step halving: a small, convex problem
        p = sigmoid(z @ w)
        gradient = z.T @ (p - target) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        for _ in range(30):
            new_loss = _platt_loss(z, target, w - step, penalty)
            if new_loss <= loss:
                break
            step = step / 2
        w, improvement, loss = w - step, loss - new_loss, new_loss
        if improvement < 1e-10 * max(1.0, abs(loss)):
            break
    return tuple(float(v) for v in w)


def _platt_loss(z: np.ndarray, target: np.ndarray, w: np.ndarray, penalty: np.ndarray) -> float:
    margin = z @ w
    # cross-entropy with soft targets: log(1 + e^m) - t * m, computed stably
    return float(np.sum(np.logaddexp(0.0, margin) - target * margin) + 0.5 * np.sum(penalty * w * w))


def calibrate(inputs: np.ndarray, calibration: Sequence[float] | np.ndarray) -> np.ndarray:
    """Calibrated scores in [0, 1] from the inputs `fit_platt` was fitted on.

    `calibration` is one (*w, b) from `fit_platt`, or a matrix with one such
    column per code (then one score column per code).
    """
    z = np.asarray(inputs, dtype=float)
    z = z.reshape(len(z), -1)
    weights = np.asarray(calibration, dtype=float)
    return sigmoid(z @ weights[:-1] + weights[-1])


def best_f1_threshold(scores: np.ndarray, labels: np.ndarray, *, positives: int | None = None) -> float:
    """The threshold on `scores` that maximises F1 for these labels.

    Placed half-way between the last score kept and the next one below it, so a
    new text that scores like a borderline positive still clears it. With no
    positives, returns 1.0 (never suggest). `positives` counts every positive,
    also those not among `scores` (which no threshold can find); default: the
    positives among `labels`.
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    if not y.any():
        return 1.0
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    tp = np.cumsum(y_sorted)
    predicted = np.arange(1, len(s) + 1)
    f1 = 2 * tp / (predicted + (y.sum() if positives is None else positives))
    # Only cut where the score changes, so ties fall on the same side.
    cut_ok = np.append(s_sorted[1:] < s_sorted[:-1], True)
    f1 = np.where(cut_ok, f1, -1.0)
    k = int(np.argmax(f1))
    below = s_sorted[k + 1] if k + 1 < len(s) else 0.0
    return float((s_sorted[k] + below) / 2.0)


def half_best_f1_threshold(scores: np.ndarray, labels: np.ndarray, *, positives: int | None = None) -> float:
    """For calibrated scores: half the best F1 any threshold reaches on them.

    With calibrated probabilities the F1-optimal threshold is half the optimal F1
    (Lipton, Elkan and Naryanaswamy 2014, "Thresholding classifiers to maximize F1
    score"). The best F1 is a stable figure; where the best cut falls is not when
    the classes separate well (it can sit anywhere in a wide gap), so this rule
    places thresholds better on new text. With no positives, returns 1.0.
    `positives` as for `best_f1_threshold`.
    """
    y = np.asarray(labels, dtype=bool)
    if not y.any():
        return 1.0
    positives = int(y.sum()) if positives is None else positives
    predicted = np.asarray(scores, dtype=float) >= best_f1_threshold(scores, y, positives=positives)
    return float((predicted & y).sum() / (predicted.sum() + positives))


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, clipped so large inputs do not overflow."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
