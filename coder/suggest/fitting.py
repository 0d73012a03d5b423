"""Fitting one code's model on a project's coded texts, and the feature choices made per project.

Every figure a fit is judged by is out of fold: each coded text's decision value
comes from a classifier fitted without it, and its calibrated score from a
calibration fitted without it (`_out_of_fold_scores`). The same figures choose,
once per project, how the text features are made (`choose_features`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from coder.suggest.features import WEIGHTED_FROM, WEIGHTING_SHARE, Featurizer, feature_weights, weighted_columns
from coder.suggest.thresholds import calibrate, fit_platt, half_best_f1_threshold
from coder.suggest.workers import map_chunks

INNER_FOLDS = 5         # out-of-fold values for calibration and thresholds ...
LARGE_TRAINING_SET = 2_000
LARGE_INNER_FOLDS = 3   # ... fewer folds once there is plenty of coding (each fold is large already)
REGULARISATION_C = 4.0
# liblinear's stopping tolerance (scikit-learn's default is 1e-4): on the demo and both ANES
# datasets 1e-3 gives the same suggestions to within one label in ten demo seeds, and cuts
# training by 15-30% where answers are long and coding plentiful (tests/bench/RESULTS.md).
SOLVER_TOLERANCE = 1e-3
CALIBRATION_C = 1.0     # regularisation of the calibration over the four inputs
# A code's codebook entry (label, definition, include rules, keywords) joins its
# model's training texts as one more positive example of this weight: a prior that
# counts while coded examples are few and fades as coding grows. Codes with only a
# label (nothing the codebook says about them) get none.
CODEBOOK_WEIGHT = 1.0
# Two choices are made per project, each by the log loss of out-of-fold calibrated scores
# (a proper score over every (text, code) pair, steadier than F1 on the same folds) on the
# `CHOICE_CODES` trainable codes with the most coded texts (`_least_log_loss`):
# - how much the text features' character n-gram block weighs against the word block (each
#   has length 1 before this weight), of `CHAR_WEIGHTS`: on answers of a few words the
#   n-grams carry more of what tells codes apart. Codes with few coded texts are measured
#   too, so another weight replaces the default (the first) only where it lowers the loss by
#   `CLEARLY_BETTER_Z` standard errors of the mean difference: a small coding keeps it.
# - how far features are weighted by how well they tell a code's texts apart, of
#   `WEIGHTING_SHARES` (`coder.suggest.features.feature_weights`), measured on the codes that
#   weighting applies to (`WEIGHTED_FROM` coded texts on each side): the lower loss decides.
CHAR_WEIGHTS = (1.0, 2.0)
WEIGHTING_SHARES = (WEIGHTING_SHARE, 0.5)
CLEARLY_BETTER_Z = 2.0
CHOICE_CODES = 8
# Fits go to forked workers only where there is this much to fit: the coded texts' feature entries
# times the codes fitted (about a second on one core, at 0.25 us each). Below it, starting the
# pool costs more than it saves: `coder evaluate` on the demo (150 coded comments a fold, 1.1-1.3
# million) took 17-22 s on two workers against 13 s on one.
PARALLEL_FROM = 4_000_000

# Per code measured: `_out_of_fold_scores` (calibration inputs, out-of-fold calibrated scores).
OutOfFold = dict[int, tuple[np.ndarray, np.ndarray]]


def stack_inputs(decision: np.ndarray, evidence: np.ndarray, similarity: np.ndarray,
                 unknown: np.ndarray) -> np.ndarray:
    """What a model code's score is calibrated from, one row per text: its model's decision
    value, its keyword evidence, its codebook similarity, and whether the text has no known
    word at all (its decision value is then just the intercept, which class-balanced weights
    raise: this lets calibration hold such texts down)."""
    return np.column_stack([decision, evidence, similarity, np.asarray(unknown, dtype=float)])


@dataclass(frozen=True)
class CodeInputs:
    """What every code's model is fitted from: the coded texts' features and the folds."""

    text: sp.csr_matrix
    folds: list[tuple[np.ndarray, np.ndarray]]
    evidence: np.ndarray        # out-of-fold keyword evidence, texts x codes
    similarity: np.ndarray      # texts x codes
    unknown: np.ndarray         # per text: no known word
    entries: sp.csr_matrix      # each code's codebook entry as a row of text features
    has_entry: np.ndarray       # per code: its entry says something beyond the label and has known words
    weighting_share: float = WEIGHTING_SHARE   # `feature_weights`' share


@dataclass(frozen=True)
class FittedCode:
    """A code's fitted classifier (weights folded in), calibration, threshold and out-of-fold figures."""

    coef: np.ndarray
    intercept: float
    calibration: tuple[float, ...]
    threshold: float
    f1: float                   # out of fold, at the threshold
    scores: np.ndarray          # out-of-fold calibrated scores of the coded texts
    with_keywords: bool = False # scored as the mean of the model's and the keyword score


def choose_features(inputs: CodeInputs, labels: np.ndarray, trainable: np.ndarray,
                    featurizer: Featurizer, workers: int = 1) -> tuple[CodeInputs, OutOfFold, float | None]:
    """The char block weight and the weighting share for this coding (see `CHAR_WEIGHTS`): the
    weight is set on `featurizer` (so new texts' features are made with it); returns the inputs
    with both, the out-of-fold figures of the codes measured (so their fits need not repeat
    them), and the share (None where no measured code is weighted). `trainable`: the codes that
    get a model, by column; `workers`: processes fitting codes side by side (`fit_code_models`)."""
    coded_with = labels.sum(axis=0)
    measured = trainable[np.argsort(-coded_with[trainable], kind="stable")[:CHOICE_CODES]]
    if not len(measured) or not inputs.folds:
        return inputs, {}, None
    options = [_with_char_weight(inputs, weight / featurizer.char_weight, featurizer.n_word_features)
               for weight in CHAR_WEIGHTS]
    k, figures = _least_log_loss(options, labels, measured, CLEARLY_BETTER_Z, workers)
    inputs, featurizer.char_weight = options[k], CHAR_WEIGHTS[k]
    weighted = [j for j in measured.tolist() if min(coded_with[j], len(labels) - coded_with[j]) >= WEIGHTED_FROM]
    if not weighted:
        return inputs, figures, None
    options = [replace(inputs, weighting_share=share) for share in WEIGHTING_SHARES]
    k, shared = _least_log_loss(options, labels, np.array(weighted), 0.0, workers, {j: figures[j] for j in weighted})
    return options[k], {**figures, **shared}, WEIGHTING_SHARES[k]


def _least_log_loss(options: Sequence[CodeInputs], labels: np.ndarray, codes: np.ndarray, z: float,
                    workers: int, first: OutOfFold | None = None) -> tuple[int, OutOfFold]:
    """Which of `options` (the same coded texts' inputs, made differently) gives the out-of-fold
    scores with the least log loss on `codes`, and its figures. The first, unless another lowers
    the loss by at least `z` standard errors of the mean difference over the (text, code) pairs.
    `first`: the first option's figures, where already worked out."""
    wanted = [(k, j) for k in range(len(options)) if k or first is None for j in codes.tolist()]
    worked = dict(zip(wanted, _map_codes(_option_scores, (options, labels), wanted, workers, options[0].text.nnz)))
    figures = [first if k == 0 and first is not None else {j: worked[k, j] for j in codes.tolist()}
               for k in range(len(options))]
    losses = [np.concatenate([_log_losses(scores, labels[:, j]) for j, (_, scores) in f.items()]) for f in figures]
    best = 0
    for k in range(1, len(options)):
        gain = losses[0] - losses[k]
        spread = gain.std()
        clear = gain.mean() / spread * np.sqrt(len(gain)) >= z if spread > 0 else False
        if clear and gain.sum() > (losses[0] - losses[best]).sum():
            best = k
    return best, figures[best]


def _with_char_weight(inputs: CodeInputs, factor: float, n_words: int) -> CodeInputs:
    """`inputs` with the char block of the texts and codebook entries multiplied by `factor`."""
    if factor == 1.0:
        return inputs
    return replace(inputs, text=_scale_chars(inputs.text, factor, n_words),
                   entries=_scale_chars(inputs.entries, factor, n_words))


def _scale_chars(rows: sp.csr_matrix, factor: float, n_words: int) -> sp.csr_matrix:
    scaled = rows.copy()
    scaled.data[scaled.indices >= n_words] *= factor
    return scaled


def _log_losses(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each text's log loss of its score for a code (`y`: whether it has the code)."""
    p = np.clip(scores, 1e-6, 1 - 1e-6)
    return -np.where(y, np.log(p), np.log1p(-p))


def _out_of_fold_scores(inputs: CodeInputs, j: int, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code j's calibration inputs (`stack_inputs`) for the coded texts, each text's decision
    value from a model fitted without it, and its calibrated score from a calibration fitted without it."""
    decisions = np.zeros(len(y))
    for fit_rows, held_rows in inputs.folds:
        y_fit = y[fit_rows]
        if y_fit.all() or not y_fit.any():
            decisions[held_rows] = 1.0 if y_fit.all() else -1.0
            continue
        fit_text = inputs.text[fit_rows]
        weights = feature_weights(fit_text, y_fit, inputs.weighting_share)
        decisions[held_rows] = _fit_classifier(inputs, j, fit_text, y_fit, weights).decision_function(
            weighted_columns(inputs.text[held_rows], weights))
    stacked = stack_inputs(decisions, inputs.evidence[:, j], inputs.similarity[:, j], inputs.unknown)
    scores = np.zeros(len(y))
    for fit_rows, held_rows in inputs.folds:
        scores[held_rows] = calibrate(stacked[held_rows], fit_platt(stacked[fit_rows], y[fit_rows], c=CALIBRATION_C))
    return stacked, scores


def _option_scores(shared: tuple[Sequence[CodeInputs], np.ndarray], item: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """`_out_of_fold_scores` of code j on option k, for `item` (k, j)."""
    (options, labels), (k, j) = shared, item
    return _out_of_fold_scores(options[k], j, labels[:, j])


def fit_code_models(inputs: CodeInputs, labels: np.ndarray, codes: np.ndarray, out_of_fold: OutOfFold,
                    workers: int = 1) -> dict[int, FittedCode]:
    """`fit_code_model` for each of `codes` (by column), on `workers` processes side by side.
    `out_of_fold`: codes' figures already worked out (`choose_features`)."""
    fitted = _map_codes(_fit_one, (inputs, labels, out_of_fold), codes.tolist(), workers, inputs.text.nnz)
    return dict(zip(codes.tolist(), fitted))


def _fit_one(shared: tuple[CodeInputs, np.ndarray, OutOfFold], j: int) -> FittedCode:
    inputs, labels, out_of_fold = shared
    return fit_code_model(inputs, j, labels[:, j], out_of_fold.get(j))


def _map_codes(work, shared, items: list, workers: int, entries: int) -> list:
    """`work(shared, item)` for each item, in order: in this process, or on forked workers
    (`coder.suggest.workers`) where the items, each a fit over `entries` feature entries, come to
    `PARALLEL_FROM`. Every fit seeds its own solver, so the results are the same either way."""
    if workers <= 1 or len(items) <= 1 or entries * len(items) < PARALLEL_FROM:
        return [work(shared, item) for item in items]
    return list(map_chunks(work, shared, items, workers=min(workers, len(items))))


def fit_code_model(inputs: CodeInputs, j: int, y: np.ndarray,
                    out_of_fold: tuple[np.ndarray, np.ndarray] | None = None) -> FittedCode:
    """A code's classifier, its calibration and threshold from out-of-fold decision values
    (`_out_of_fold_scores`, worked out here unless given)."""
    stacked, scores = out_of_fold or _out_of_fold_scores(inputs, j, y)
    threshold = half_best_f1_threshold(scores, y)
    weights = feature_weights(inputs.text, y, inputs.weighting_share)
    classifier = _fit_classifier(inputs, j, inputs.text, y, weights)
    # Weighting the features is weighting the coefficients: scoring needs no weighted copy.
    coef = classifier.coef_[0] if weights is None else classifier.coef_[0] * weights
    return FittedCode(coef, float(classifier.intercept_[0]),
                       fit_platt(stacked, y, c=CALIBRATION_C), threshold, binary_f1(scores >= threshold, y), scores)


def with_keywords_if_better(fitted: FittedCode, keyword_scores: np.ndarray, keyword_f1: float,
                             y: np.ndarray) -> FittedCode:
    """The model scored as the mean of its calibrated score and the code's keyword score, with the
    threshold for that mean, where it reaches at least the out-of-fold F1 of the model and of the
    keywords alone; otherwise the model as fitted. Both scores are out of fold, so the mean is too."""
    mean = (fitted.scores + keyword_scores) / 2
    threshold = half_best_f1_threshold(mean, y)
    f1 = binary_f1(mean >= threshold, y)
    if f1 < max(fitted.f1, keyword_f1):
        return fitted
    return replace(fitted, threshold=threshold, f1=f1, scores=mean, with_keywords=True)


def _fit_classifier(inputs: CodeInputs, j: int, text: sp.csr_matrix, y: np.ndarray,
                    weights: np.ndarray | None = None) -> LogisticRegression:
    """Code j's classifier on coded texts (features weighted by `weights`, if any), with its
    codebook entry as one more (weighted) positive."""
    text = weighted_columns(text, weights)
    if CODEBOOK_WEIGHT <= 0 or not inputs.has_entry[j]:
        return _classifier().fit(text, y)
    entry = weighted_columns(inputs.entries[j], weights)
    stacked = sp.vstack([text, entry], format="csr")
    # Stacking keeps each row's columns sorted and distinct; saying so spares the fit a pass
    # that would sort the whole matrix (a third of the training time on the demo).
    stacked.has_canonical_format = text.has_canonical_format and entry.has_canonical_format
    return _classifier().fit(stacked, np.r_[y, True], sample_weight=np.r_[np.ones(len(y)), CODEBOOK_WEIGHT])


def inner_folds(n: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (fit rows, held rows) pairs every out-of-fold figure uses; none below two texts."""
    if n < 2:
        return []
    k = min(LARGE_INNER_FOLDS if n >= LARGE_TRAINING_SET else INNER_FOLDS, n)
    return list(KFold(n_splits=k, shuffle=True, random_state=seed).split(np.arange(n)))


def binary_f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    denominator = predicted.sum() + truth.sum()
    return float(2 * (predicted & truth).sum() / denominator) if denominator else 0.0


def _classifier() -> LogisticRegression:
    # A fixed random_state: liblinear's dual solver shuffles, and a resumed batch
    # run must retrain exactly the model it started with. Balanced class weights:
    # most codes are rare, and unweighted fits rank their few positives too low.
    return LogisticRegression(C=REGULARISATION_C, solver="liblinear", dual=True, tol=SOLVER_TOLERANCE,
                              max_iter=1000, random_state=0, class_weight="balanced")
