"""How far to trust suggestions: k-fold cross-validation on the human coding.

Each fold's texts are suggested by a Suggester trained on the other folds only;
that training chooses its own calibration and thresholds by an inner
cross-validation on its own texts, so nothing is tuned on the texts being
scored (nested cross-validation). Metrics are pure functions of 0/1 matrices.
Each code's engine is what training on all the coding decides, as `coder
suggest` would now; a code never suggested out of fold is given why, as that
training tells (`coder.suggest.unsuggested`).

Every training here, each fold's and that one, counts the codes the researcher
turned down on uncoded texts (`rejected`), as `coder suggest`'s does: without
them, a code whose suggestions were turned down would be reported with the
engine, thresholds and F1 of a training `coder suggest` no longer does. They are
no coded text's, so no fold holds them out; a response coded since it was turned
down is a coded text only (`coder.store.rejections.rejected_examples` leaves it
out), scored in its own fold by a training that has not seen it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from sklearn.model_selection import KFold

from coder.records import Code
from coder.suggest.model import train
from coder.suggest.unsuggested import unsuggested_codes

CURVE_FRACTIONS = (0.25, 0.5, 0.75, 1.0)
CALIBRATION_BINS = 10
# Most (text, code) pairs score near 0 and are easy to get right, so the calibration error over
# every pair is small whatever the suggestions are worth; it is also given over the pairs scored
# this or more, where the suggestions are.
SCORED_FROM = 0.1
FEW_PAIRS = 30   # a reliability row with fewer pairs than this is a rough figure


@dataclass(frozen=True)
class CodeScore:
    """Cross-validated figures for one code."""

    code_id: str
    positives: int
    precision: float
    recall: float
    f1: float
    engine: str
    note: str = ""      # why the code is not suggested (engine "none"), or was not out of fold
    with_keywords: bool = False   # engine "model": scored with its keywords too (CodeModel.with_keywords)
    suggested: int = 0  # out-of-fold suggestions of the code (none: its precision is undefined)


@dataclass(frozen=True)
class Evaluation:
    """Per-code and overall figures, F1 by share of the training data used, and calibration.

    `overall` counts every code, as benchmarks do; `without_base_rate` is the same figures over
    the codes not on their base rate (None where no code is, empty where every code is): a code on every coded text is
    suggested for every text and scores about 1 out of fold for that alone, not for any skill."""

    codes: tuple[CodeScore, ...]
    overall: dict
    texts: int
    folds: int
    learning_curve: tuple[dict, ...] = field(default=())
    reliability: tuple[dict, ...] = field(default=())   # see `reliability_table`
    char_weight: float = 1.0    # the char n-gram block's weight training on all the coding chose
    weighting_share: float | None = None   # the feature weighting's share it chose (None: no code weighted)
    without_base_rate: dict | None = None


@dataclass(frozen=True)
class CrossValidated:
    """Out-of-fold scores and suggestions for every coded text."""

    scores: np.ndarray          # texts x codes
    predicted: np.ndarray       # texts x codes, 0/1


def per_code_metrics(truth: np.ndarray, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 per column (0 where undefined)."""
    t, p = np.asarray(truth, dtype=bool), np.asarray(predicted, dtype=bool)
    tp = (t & p).sum(axis=0).astype(float)
    precision = np.divide(tp, p.sum(axis=0), out=np.zeros_like(tp), where=p.sum(axis=0) > 0)
    recall = np.divide(tp, t.sum(axis=0), out=np.zeros_like(tp), where=t.sum(axis=0) > 0)
    denominator = t.sum(axis=0) + p.sum(axis=0)
    f1 = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    return precision, recall, f1


def overall_metrics(truth: np.ndarray, predicted: np.ndarray) -> dict:
    """Micro, macro and sample-based F1, and the exact-match rate.

    Macro F1 averages over codes with at least one true or predicted text;
    sample-based F1 counts a text with no codes, true or predicted, as 1.
    """
    t, p = np.asarray(truth, dtype=bool), np.asarray(predicted, dtype=bool)
    tp = (t & p).sum()
    denominator = t.sum() + p.sum()
    _, _, f1 = per_code_metrics(t, p)
    used = (t.sum(axis=0) + p.sum(axis=0)) > 0
    row_tp = (t & p).sum(axis=1)
    row_denominator = t.sum(axis=1) + p.sum(axis=1)
    samples = np.where(row_denominator > 0, 2 * row_tp / np.maximum(row_denominator, 1), 1.0)
    return {
        "micro_f1": float(2 * tp / denominator) if denominator else 1.0,
        "macro_f1": float(f1[used].mean()) if used.any() else 1.0,
        "samples_f1": float(samples.mean()) if len(samples) else 1.0,
        "exact_match": float((t == p).all(axis=1).mean()) if len(t) else 1.0,
    }


def reliability_table(scores: np.ndarray, labels: np.ndarray, bins: int = CALIBRATION_BINS) -> tuple[dict, ...]:
    """Scores against how often they were right: one row per score bin of equal width.

    Every (text, code) pair falls in one bin (a score of 1 in the last): `pairs`
    in it, their `mean_score`, and `observed`, the share that carried the code
    (None for an empty bin).
    """
    s, y = np.asarray(scores, dtype=float).ravel(), np.asarray(labels, dtype=bool).ravel()
    which = np.minimum((s * bins).astype(np.int64), bins - 1)
    pairs = np.bincount(which, minlength=bins)
    score_sums = np.bincount(which, weights=s, minlength=bins)
    hits = np.bincount(which, weights=y.astype(float), minlength=bins)
    return tuple({"low": b / bins, "high": (b + 1) / bins, "pairs": int(pairs[b]),
                  "mean_score": float(score_sums[b] / pairs[b]) if pairs[b] else None,
                  "observed": float(hits[b] / pairs[b]) if pairs[b] else None} for b in range(bins))


def expected_calibration_error(table: Sequence[dict]) -> float:
    """The pair-weighted mean gap between a bin's mean score and how often it was right."""
    total = sum(row["pairs"] for row in table)
    return float(sum(row["pairs"] * abs(row["mean_score"] - row["observed"]) for row in table
                     if row["pairs"]) / total) if total else 0.0


def cross_validated_predictions(texts: Sequence[str], labels: np.ndarray, codes: Sequence[Code], *,
                                corpus: Sequence[str] = (), rejected: Sequence[tuple[str, int]] = (),
                                folds: int = 5, engine: str = "auto", at_least_one: bool = False,
                                fraction: float = 1.0, seed: int = 0, workers: int = 1) -> CrossValidated:
    """Out-of-fold scores and 0/1 suggestions for every text (`rejected`, `workers`: see `train`;
    every fold trains with all of `rejected`, uncoded texts that no fold holds out).

    With `fraction` < 1, each fold trains on that share of its training texts
    (a point on the learning curve); the held-out texts are the same.
    """
    labels = np.asarray(labels, dtype=bool)
    predicted = np.zeros_like(labels)
    scores = np.zeros(labels.shape)
    rng = np.random.default_rng(seed)
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_rows, test_rows in splitter.split(np.arange(len(texts))):
        if fraction < 1.0:
            keep = max(2, int(round(len(train_rows) * fraction)))
            train_rows = np.sort(rng.choice(train_rows, size=keep, replace=False))
        suggester = train([texts[i] for i in train_rows], labels[train_rows], codes,
                          corpus=corpus, rejected=rejected, engine=engine, seed=seed, workers=workers)
        scores[test_rows] = suggester.score_texts([texts[i] for i in test_rows])
        predicted[test_rows] = suggester.suggested(scores[test_rows], at_least_one=at_least_one)
    return CrossValidated(scores, predicted)


def evaluate(texts: Sequence[str], labels: np.ndarray, codes: Sequence[Code], *,
             corpus: Sequence[str] = (), rejected: Sequence[tuple[str, int]] = (), folds: int = 5,
             engine: str = "auto", at_least_one: bool = False, curve: Sequence[float] = CURVE_FRACTIONS,
             seed: int = 0, workers: int = 1) -> Evaluation:
    """Cross-validate suggestions against the human coding: per code, overall, learning curve
    (`rejected`: (uncoded text, code column) pairs turned down, as `train` takes them; `workers`:
    processes fitting codes side by side, see `train`)."""
    if len(texts) < folds or folds < 2:
        raise ValueError(f"need at least {max(folds, 2)} coded texts for {folds}-fold cross-validation")
    labels = np.asarray(labels, dtype=bool)
    options = dict(corpus=corpus, rejected=rejected, folds=folds, engine=engine, at_least_one=at_least_one,
                   seed=seed, workers=workers)
    full = cross_validated_predictions(texts, labels, codes, **options)
    # How each code is decided on all the coding: what `coder suggest` would do now, so trained
    # as it trains (its own seed, not the folds'): the engine a code gets can turn on the seed.
    final = train(texts, labels, codes, corpus=corpus, rejected=rejected, engine=engine, workers=workers)
    decided = final.models
    precision, recall, f1 = per_code_metrics(labels, full.predicted)
    suggested = full.predicted.sum(axis=0)
    why = unsuggested_codes(final, {code.id: int(n) for code, n in zip(codes, suggested)})
    per_code = tuple(CodeScore(code.id, int(labels[:, j].sum()), float(precision[j]), float(recall[j]),
                               float(f1[j]), decided[j].engine, why.get(code.id, decided[j].note),
                               decided[j].with_keywords, int(suggested[j]))
                     for j, code in enumerate(codes))
    reliability = reliability_table(full.scores, labels)
    scored = [row for row in reliability if row["low"] >= SCORED_FROM]
    scored_pairs = sum(row["pairs"] for row in scored)
    # "ece_scored": over the "scored_pairs", those scored SCORED_FROM or more (None: no pair was).
    overall = {**overall_metrics(labels, full.predicted), "ece": expected_calibration_error(reliability),
               "ece_scored": expected_calibration_error(scored) if scored_pairs else None, "scored_pairs": scored_pairs}
    telling = ~final.on_base_rate
    without_base_rate = (None if telling.all() else
                         overall_metrics(labels[:, telling], full.predicted[:, telling]) if telling.any() else {})
    points = []
    for fraction in curve:
        curve_predicted = full.predicted if fraction >= 1.0 else cross_validated_predictions(
            texts, labels, codes, fraction=fraction, **options).predicted
        points.append({"fraction": fraction, "texts": int(round(len(texts) * (folds - 1) / folds * fraction)),
                       **overall_metrics(labels, curve_predicted)})
    return Evaluation(per_code, overall, len(texts), folds, tuple(points), reliability,
                      final.featurizer.char_weight, final.weighting_share, without_base_rate)
