"""Training a `Suggester` from coded texts, and scoring new texts with it.

Two stages. First, one linear model per code (logistic regression on the
sparse text features plus codebook-derived features). Second, per code, a
Platt-style calibration over every code's first-stage decision value and
keyword and codebook features (so codes that go together inform each other),
fitted on out-of-fold first-stage values; its threshold maximises F1 on
out-of-fold second-stage scores. Nothing is tuned on the texts it is scored
on. A code with fewer than `MIN_POSITIVES` human-coded positives uses the
keyword engine instead, and so does one whose model does not beat its
keywords by `KEYWORD_MARGIN` in F1, or whose out-of-fold F1 is below
`MIN_MODEL_F1` (with engine "auto"; a code without keywords is then never
suggested rather than suggested mostly wrongly).

Small data is the normal case, so the features carry what generalises from few
examples: TF-IDF fitted on the whole corpus (coded and uncoded), each code's
keyword matches, and each text's similarity to each code's codebook entry
(label, definition, include rules and keywords).

A trained Suggester lives in memory only (never pickled); `score` is a
pure function of the tokens, so a batch run can fork workers that share it.
Scoring folds the two stages into one linear map per model-engine code
(`Suggester._folded_stages`): the same scores, for a fraction of the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from coder.nlp import Tokens, shared_lexicon, tokenize
from coder.records import Code
from coder.suggest import ENGINES
from coder.suggest.features import Featurizer
from coder.suggest.keywords import KEYWORD_THRESHOLD, KeywordMatcher, KeywordMatches, keyword_scores
from coder.suggest.thresholds import best_f1_threshold, calibrate, fit_platt, sigmoid

MIN_POSITIVES = 5
INNER_FOLDS = 5         # 5 rather than 3: steadier out-of-fold values for calibration and thresholds
REGULARISATION_C = 4.0
STACK_C = 0.3           # regularisation of the second stage (calibration over all codes)
CODEBOOK_WEIGHT = 1.0   # scale of the keyword and codebook-similarity columns
KEYWORD_MARGIN = 0.05   # auto: how much better than keywords a model must do (its own F1 is optimistic)
# auto: a model whose best out-of-fold F1 is below this is not used. Rare codes can
# otherwise get a threshold near 0 (their few positives scored low out of fold) and
# be suggested for a large share of new texts.
MIN_MODEL_F1 = 0.2


@dataclass(frozen=True)
class CodeModel:
    """How one code is scored: engine, coefficients' column, calibration, threshold."""

    code_id: str
    engine: str            # "model" or "keywords"
    threshold: float
    positives: int
    calibration: tuple[float, ...] = ()  # weights on `Suggester.stack_inputs`, then the bias


@dataclass(frozen=True)
class Scored:
    """A chunk's calibrated scores and what explaining them needs."""

    scores: np.ndarray                                # docs x codes
    tokens: Tokens                                    # the chunk's tokens
    text: sp.csr_matrix                               # text features, [words | chars]
    keyword_matches: KeywordMatches                   # the chunk's keyword spans


class Suggester:
    """Everything needed to score texts for every code, trained once, held in memory."""

    def __init__(self, codes: Sequence[Code], featurizer: Featurizer, keywords: KeywordMatcher,
                 codebook_rows: sp.csr_matrix):
        self.codes = list(codes)
        self.featurizer = featurizer
        self.keywords = keywords
        # Each code's codebook entry as word features (a column per code; the n-gram rows are empty).
        self.codebook_columns = sp.vstack([codebook_rows.T, sp.csr_matrix(
            (featurizer.n_features - codebook_rows.shape[1], len(self.codes)))], format="csr")
        self.models: list[CodeModel] = []
        self.coef = np.zeros((0, len(self.codes)))
        self.intercept = np.zeros(len(self.codes))

    def codebook_features(self, text: sp.csr_matrix, counts: np.ndarray) -> np.ndarray:
        """The last feature columns: each code's keyword matches and codebook similarity (of the word block)."""
        similarity = (text @ self.codebook_columns).toarray()
        return np.hstack([np.log1p(counts), similarity]) * CODEBOOK_WEIGHT

    def features(self, tokens: Tokens) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        """Text features, codebook features (see `codebook_features`) and raw keyword match counts."""
        text = self.featurizer.transform(tokens)
        counts = self.keywords.counts(tokens)
        return text, self.codebook_features(text, counts), counts

    def score(self, tokens: Tokens) -> Scored:
        """Calibrated scores for tokenized texts (one row per text, one column per code), with their features."""
        text = self.featurizer.transform(tokens)
        matches = self.keywords.matches(tokens)
        counts = matches.counts()
        scores = keyword_scores(counts)
        folded = self._folded_stages
        if folded.codes:
            logits = (text @ folded.text + np.log1p(counts) @ folded.keywords
                      + np.outer(np.diff(text.indptr) == 0, folded.unknown) + folded.bias)
            scores[:, folded.codes] = sigmoid(logits)
        return Scored(scores, tokens, text, matches)

    @cached_property
    def _folded_stages(self) -> "_FoldedStages":
        """The two stages of the model-engine codes folded into one linear map (set once trained).

        A code's calibrated logit is linear in the first-stage decision values
        and the codebook features, which are linear in the text features and
        log keyword counts, so scoring multiplies the text features by one
        column per model-engine code (instead of one per trainable code, plus
        the codebook similarities): the same scores, for a fraction of the work.
        """
        codes = [j for j, m in enumerate(self.models) if m.engine == "model"]
        if not codes:
            return _FoldedStages([], np.zeros((0, 0)), np.zeros((0, 0)), np.zeros(0), np.zeros(0))
        n_codes, n_text = len(self.codes), self.featurizer.n_features
        # Rows: weights on `stack_inputs` (decisions, codebook features, no known word), then the bias.
        weights = np.array([self.models[j].calibration for j in codes], dtype=float).T
        on_decisions = weights[:n_codes]
        # On the codebook features (see `codebook_features`): log keyword counts, then similarities.
        on_codebook = (self.coef[n_text:] @ on_decisions + weights[n_codes:3 * n_codes]) * CODEBOOK_WEIGHT
        return _FoldedStages(codes, self.coef[:n_text] @ on_decisions + self.codebook_columns @ on_codebook[n_codes:],
                             on_codebook[:n_codes], weights[3 * n_codes],
                             self.intercept @ on_decisions + weights[3 * n_codes + 1])

    def score_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated scores, one row per text and one column per code."""
        return self.score(tokenize(texts)).scores

    @staticmethod
    def stack_inputs(decisions: np.ndarray, codebook: np.ndarray, unknown: np.ndarray) -> np.ndarray:
        """What each code's score is calibrated from: every code's model decision value
        (so codes that go together inform each other), every code's keyword matches
        and codebook similarity, and whether the text has no known word at all (its
        decision values are then just the intercepts, which class-balanced weights
        raise: this lets calibration hold such texts down)."""
        return np.hstack([decisions, codebook, unknown[:, None].astype(float)])

    @property
    def thresholds(self) -> np.ndarray:
        """Per-code decision thresholds, in code order."""
        return np.array([m.threshold for m in self.models])


@dataclass(frozen=True)
class _FoldedStages:
    """Model-engine codes' logits: text @ text + log1p(keyword counts) @ keywords + unknown * unknown + bias."""

    codes: list[int]
    text: np.ndarray       # text features x codes
    keywords: np.ndarray   # all codes' log keyword counts x codes
    unknown: np.ndarray    # per code, the weight of "no known word"
    bias: np.ndarray


def decide(scores: np.ndarray, thresholds: np.ndarray, *, at_least_one: bool = False) -> np.ndarray:
    """Which codes are suggested: score >= threshold; with `at_least_one`, each row's best too."""
    chosen = scores >= thresholds
    if at_least_one and len(scores):
        empty = ~chosen.any(axis=1)
        chosen[np.flatnonzero(empty), np.argmax(scores[empty], axis=1)] = True
    return chosen


def train(texts: Sequence[str], labels: np.ndarray, codes: Sequence[Code], *,
          corpus: Sequence[str] = (), engine: str = "auto", min_positives: int = MIN_POSITIVES,
          seed: int = 0) -> Suggester:
    """Train a Suggester from coded texts.

    `labels` is a 0/1 matrix (texts x codes, in `codes` order); `corpus` is
    further uncoded text used only to learn vocabulary and word weights.
    `engine` "keywords" skips the models; "model" uses a model for every code
    with at least `min_positives` positives (and two negatives); "auto" does
    too unless the code's keywords did as well or its model did poorly (see the
    module docstring).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}")
    labels = np.asarray(labels, dtype=bool).reshape(len(texts), len(codes))
    with shared_lexicon().hold():
        tokens = tokenize(list(texts) + list(corpus))
        featurizer = Featurizer().fit(tokens)
        codebook_rows = featurizer.transform(tokenize([codebook_text(code) for code in codes]))
        suggester = Suggester(codes, featurizer, KeywordMatcher(codes), codebook_rows[:, :featurizer.n_word_features])
        text, codebook, counts = suggester.features(tokens.head(len(texts)))
    x = sp.hstack([text, sp.csr_matrix(codebook)], format="csr")
    positives = labels.sum(axis=0)
    trainable = [j for j in range(len(codes)) if engine != "keywords" and positives[j] >= min_positives
                 and len(texts) - positives[j] >= 2]
    suggester.coef = np.zeros((x.shape[1], len(codes)))
    decisions = np.zeros((len(texts), len(codes)))
    for j in trainable:  # first stage: a linear model per code on the text features
        decisions[:, j] = _out_of_fold_decisions(x, labels[:, j], seed)
        classifier = _classifier().fit(x, labels[:, j])
        suggester.coef[:, j] = classifier.coef_[0]
        suggester.intercept[j] = classifier.intercept_[0]
    stacked = suggester.stack_inputs(decisions, codebook, np.diff(text.indptr) == 0)
    for j, code in enumerate(codes):  # second stage: calibrated score and threshold per code
        y = labels[:, j]
        model = CodeModel(code.id, "keywords", KEYWORD_THRESHOLD, int(positives[j]))
        if j in trainable:
            scores = _out_of_fold_scores(stacked, y, seed)
            threshold = best_f1_threshold(scores, y)
            model_f1, keyword_f1 = _f1(scores >= threshold, y), _f1(counts[:, j] >= 1, y)
            if engine == "model" or (model_f1 >= MIN_MODEL_F1 and (
                    not code.keywords or model_f1 >= keyword_f1 + KEYWORD_MARGIN)):
                calibration = fit_platt(stacked, y, c=STACK_C)
                model = CodeModel(code.id, "model", threshold, int(positives[j]), calibration)
        suggester.models.append(model)
    return suggester


def _f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    denominator = predicted.sum() + truth.sum()
    return float(2 * (predicted & truth).sum() / denominator) if denominator else 0.0


def codebook_text(code: Code) -> str:
    """A code's codebook entry as one text: label, definition, include rules, keywords."""
    return ". ".join([code.label, code.definition, *code.include, ", ".join(code.keywords)])


def _classifier() -> LogisticRegression:
    # A fixed random_state: liblinear's dual solver shuffles, and a resumed batch
    # run must retrain exactly the model it started with. Balanced class weights:
    # most codes are rare, and unweighted fits rank their few positives too low.
    return LogisticRegression(C=REGULARISATION_C, solver="liblinear", dual=True,
                              max_iter=1000, random_state=0, class_weight="balanced")


def _out_of_fold_decisions(x: sp.csr_matrix, y: np.ndarray, seed: int) -> np.ndarray:
    """Decision values for each training text from a model trained without it."""
    folds = KFold(n_splits=min(INNER_FOLDS, len(y)), shuffle=True, random_state=seed)
    out = np.zeros(len(y))
    for fit_rows, held_rows in folds.split(x):
        y_fit = y[fit_rows]
        if y_fit.all() or not y_fit.any():
            out[held_rows] = 1.0 if y_fit.all() else -1.0
            continue
        out[held_rows] = _classifier().fit(x[fit_rows], y_fit).decision_function(x[held_rows])
    return out


def _out_of_fold_scores(stacked: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """Second-stage calibrated scores for each training text from a fit without it."""
    folds = KFold(n_splits=min(INNER_FOLDS, len(y)), shuffle=True, random_state=seed + 1)
    out = np.zeros(len(y))
    for fit_rows, held_rows in folds.split(stacked):
        out[held_rows] = calibrate(stacked[held_rows], fit_platt(stacked[fit_rows], y[fit_rows], c=STACK_C))
    return out
