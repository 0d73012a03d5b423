"""Training a `Suggester` from coded texts, and scoring new texts with it.

Every code gets a decision, its `CodeModel.engine`:
- "model": a linear model per code on the sparse text features (logistic
  regression; the code's codebook entry, when it has more than a label, is one
  more positive training example; once the code has enough coded texts with it
  and without it, each feature is weighted by how well it tells the two apart,
  `coder.suggest.features.feature_weights`), then a Platt calibration over four inputs: its decision value,
  its keyword evidence, the text's similarity to its codebook entry (label,
  definition, include rules, keywords) and whether the text has no known word,
  fitted on out-of-fold decision values; the threshold is half the best F1
  reached on out-of-fold calibrated scores (the F1-optimal threshold for
  calibrated probabilities). Nothing is tuned on the texts it is scored on.
  A code with keywords scores the mean of that calibrated score and its keyword
  score (`CodeModel.with_keywords`) where the mean did at least as well out of
  fold as either alone: two calibrated guesses from different evidence, so the
  model adds recall where the keywords miss and the keywords hold up where a
  few coded texts leave the model unsure.
- "keywords": the code's keyword evidence, trusted as far as the coding shows
  (`coder.suggest.keyword_trust`). For codes with fewer than `min_positives`
  coded examples, with the keywords engine, and (auto) where neither the model
  nor its mean with the keyword score does as well: the mean at least as well
  as the keywords, or the model alone better by `KEYWORD_MARGIN`, in
  out-of-fold F1.
- "base rate": a code on (nearly) every coded text, with fewer than
  `MIN_NEGATIVES` coded texts without it. No model can learn what it is not;
  its score is its smoothed share of the coded texts, so it is suggested
  everywhere.
- "none": not suggested, and `CodeModel.note` says why (too few coded
  examples and no keywords, or a model too weak to trust and no keywords).

Small data is the normal case, so the features carry what generalises from few
examples: TF-IDF fitted on the whole corpus (coded and uncoded), keyword
evidence and codebook similarity.
How much the text features' character n-gram block weighs against the word
block, and how far features are weighted by how well they tell a code's texts
apart, are chosen per project by out-of-fold log loss (`CHAR_WEIGHTS`): answers
of a few words carry more in their word parts than long comments do.

A trained Suggester lives in memory only (never pickled); `score` is a
pure function of the tokens, so a batch run can fork workers that share it.
Scoring folds each model code's calibration into one linear map over the text
features (`Suggester._plan`): the same scores, for one sparse product.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from coder.nlp import Tokens, shared_lexicon, tokenize
from coder.records import Code
from coder.suggest import ENGINES
from coder.suggest.features import WEIGHTED_FROM, WEIGHTING_SHARE, Featurizer, feature_weights, weighted_columns
from coder.suggest.keyword_trust import KeywordTrust, learn_keyword_trust, rejected_pairs
from coder.suggest.keywords import KeywordMatcher, KeywordMatches
from coder.suggest.thresholds import calibrate, fit_platt, half_best_f1_threshold, sigmoid

MIN_POSITIVES = 5
MIN_NEGATIVES = 2       # fewer coded texts without a code than this: its base rate decides
INNER_FOLDS = 5         # out-of-fold values for calibration and thresholds ...
LARGE_TRAINING_SET = 2_000
LARGE_INNER_FOLDS = 3   # ... fewer folds once there is plenty of coding (each fold is large already)
REGULARISATION_C = 4.0
CALIBRATION_C = 1.0     # regularisation of the calibration over the four inputs
KEYWORD_MARGIN = 0.05   # auto: how much better than keywords a model must do (its own F1 is optimistic)
# A model whose best out-of-fold F1 is below this is not used. Rare codes can
# otherwise get a threshold near 0 (their few positives scored low out of fold) and
# be suggested for a large share of new texts.
MIN_MODEL_F1 = 0.2
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

# Per code measured: `_out_of_fold_scores` (calibration inputs, out-of-fold calibrated scores).
OutOfFold = dict[int, tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class CodeModel:
    """How one code is scored: engine, threshold, calibration, and why when it is not suggested."""

    code_id: str
    engine: str            # "model", "keywords", "base rate" or "none"
    threshold: float
    positives: int
    calibration: tuple[float, ...] = ()  # model: weights on `Suggester.stack_inputs`, then the bias
    base_rate: float = 0.0               # base rate: the score of every text
    note: str = ""                       # none: why the code is not suggested
    with_keywords: bool = False          # model: the score is the mean of the model's and the keyword score


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
        self.trust: KeywordTrust | None = None
        self.weighting_share: float | None = None   # chosen in training, where some code is weighted
        self.models: list[CodeModel] = []
        # Model codes' text weights only: a dense matrix over every code would take
        # features x codes (gigabytes with thousands of codes, most of them not on a model).
        self.coef: dict[int, np.ndarray] = {}
        self.intercept = np.zeros(len(self.codes))

    def similarity(self, text: sp.csr_matrix) -> np.ndarray:
        """Each text's similarity to each code's codebook entry (of the word block)."""
        return (text @ self.codebook_columns).toarray()

    def score(self, tokens: Tokens) -> Scored:
        """Calibrated scores for tokenized texts (one row per text, one column per code), with their features."""
        text = self.featurizer.transform(tokens)
        matches = self.keywords.matches(tokens)
        evidence = self.trust.evidence(matches)
        plan = self._plan
        scores = np.zeros(evidence.shape)
        scores[:, plan.keyword_codes] = self.trust.scores(evidence[:, plan.keyword_codes])
        scores[:, plan.base_codes] = plan.base_rates
        if len(plan.model_codes):
            logits = (text @ plan.text + evidence[:, plan.model_codes] * plan.keyword
                      + np.outer(np.diff(text.indptr) == 0, plan.unknown) + plan.bias)
            scores[:, plan.model_codes] = sigmoid(logits)
            both = plan.with_keywords
            scores[:, both] = (scores[:, both] + self.trust.scores(evidence[:, both])) / 2
        return Scored(scores, tokens, text, matches)

    @cached_property
    def _plan(self) -> "_ScoringPlan":
        """Which codes each engine scores, with each model code's calibration folded in (set once trained).

        A model code's calibrated logit is linear in its decision value and its
        codebook similarity, both linear in the text features, so scoring
        multiplies the text features by one column per model code.
        """
        def codes_of(engine: str) -> np.ndarray:
            return np.array([j for j, m in enumerate(self.models) if m.engine == engine], dtype=np.int64)

        model_codes = codes_of("model")
        # Rows: weights on `stack_inputs` (decision, keyword evidence, similarity, no known word), then the bias.
        weights = np.array([self.models[j].calibration for j in model_codes.tolist()], dtype=float).reshape(-1, 5).T
        base_codes = codes_of("base rate")
        return _ScoringPlan(
            model_codes,
            self.coefficients(model_codes) * weights[0] + self.codebook_columns[:, model_codes].toarray() * weights[2],
            weights[1], weights[3], self.intercept[model_codes] * weights[0] + weights[4],
            codes_of("keywords"), base_codes, np.array([self.models[j].base_rate for j in base_codes.tolist()]),
            np.array([j for j in model_codes.tolist() if self.models[j].with_keywords], dtype=np.int64))

    def coefficients(self, columns: Sequence[int] | np.ndarray) -> np.ndarray:
        """The text weights of the codes in `columns` (features x codes; zero for a code not on a model)."""
        weights = np.zeros((self.featurizer.n_features, len(columns)))
        for k, j in enumerate(np.asarray(columns, dtype=np.int64).tolist()):
            if j in self.coef:
                weights[:, k] = self.coef[j]
        return weights

    def score_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated scores, one row per text and one column per code."""
        return self.score(tokenize(texts)).scores

    @staticmethod
    def stack_inputs(decision: np.ndarray, evidence: np.ndarray, similarity: np.ndarray,
                     unknown: np.ndarray) -> np.ndarray:
        """What a model code's score is calibrated from, one row per text: its model's decision
        value, its keyword evidence, its codebook similarity, and whether the text has no known
        word at all (its decision value is then just the intercept, which class-balanced weights
        raise: this lets calibration hold such texts down)."""
        return np.column_stack([decision, evidence, similarity, np.asarray(unknown, dtype=float)])

    @property
    def thresholds(self) -> np.ndarray:
        """Per-code decision thresholds, in code order."""
        return np.array([m.threshold for m in self.models])


@dataclass(frozen=True)
class _ScoringPlan:
    """Model codes' logits: text @ text + evidence * keyword + unknown * unknown + bias; the other engines' codes."""

    model_codes: np.ndarray
    text: np.ndarray       # text features x model codes
    keyword: np.ndarray    # per model code, the weight of its keyword evidence
    unknown: np.ndarray    # per model code, the weight of "no known word"
    bias: np.ndarray
    keyword_codes: np.ndarray
    base_codes: np.ndarray
    base_rates: np.ndarray
    with_keywords: np.ndarray   # model codes whose score is the mean of the model's and the keyword score


def train(texts: Sequence[str], labels: np.ndarray, codes: Sequence[Code], *,
          corpus: Sequence[str] = (), rejected: Sequence[tuple[str, int]] = (), engine: str = "auto",
          min_positives: int = MIN_POSITIVES, seed: int = 0) -> Suggester:
    """Train a Suggester from coded texts.

    `labels` is a 0/1 matrix (texts x codes, in `codes` order); `corpus` is
    further uncoded text used only to learn vocabulary and word weights;
    `rejected` (text, code column) pairs are uncoded texts the researcher
    turned that code down on, which lower the trust in its keywords that match them.
    `engine` "keywords" skips the models; "model" uses a model for every code
    with at least `min_positives` positives and `MIN_NEGATIVES` negatives;
    "auto" does too unless the code's keywords did as well or its model did
    poorly (see the module docstring).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}")
    labels = np.asarray(labels, dtype=bool).reshape(len(texts), len(codes))
    with shared_lexicon().hold():
        tokens = tokenize(list(texts) + list(corpus))
        turned_down = tokenize([text for text, _ in rejected])
        featurizer = Featurizer().fit(tokens)
        codebook_rows = featurizer.transform(tokenize([codebook_text(code) for code in codes]))
        suggester = Suggester(codes, featurizer, KeywordMatcher(codes), codebook_rows[:, :featurizer.n_word_features])
        described = np.array([bool(code.definition or code.include or code.keywords) for code in codes], dtype=bool)
        coded = tokens.head(len(texts))
        text = featurizer.transform(coded)
        matches = suggester.keywords.matches(coded)
        misses = rejected_pairs(suggester.keywords.matches(turned_down), [j for _, j in rejected],
                                suggester.keywords.entry_code)
    folds = _folds(len(texts), seed)
    suggester.trust, evidence = learn_keyword_trust(matches, labels, suggester.keywords.entry_code, folds, misses)
    keyword_scores = suggester.trust.scores(evidence)
    has_entry = described & (np.diff(codebook_rows.indptr) > 0)
    if has_entry.any():         # sorted once here, not in every fit on a stacked matrix
        text.sort_indices()
        codebook_rows.sort_indices()
    inputs = _CodeInputs(text, folds, evidence, suggester.similarity(text), np.diff(text.indptr) == 0,
                         codebook_rows, has_entry)
    has_keywords = np.bincount(suggester.keywords.entry_code, minlength=len(codes)) > 0
    inputs, measured = (inputs, {}) if engine == "keywords" else _choose_features(
        inputs, labels, min_positives, suggester)
    for j, code in enumerate(codes):
        y = labels[:, j]
        positives = int(y.sum())
        keywords = CodeModel(code.id, "keywords", suggester.trust.threshold, positives) if has_keywords[j] else None
        if engine == "keywords":
            model = keywords or CodeModel(code.id, "none", 1.0, positives, note="no keywords")
        elif positives < min_positives:
            model = keywords or CodeModel(code.id, "none", 1.0, positives, note=(
                f"not enough coding: {min_positives - positives} more coded examples needed"))
        elif len(y) - positives < MIN_NEGATIVES:
            model = CodeModel(code.id, "base rate", 0.5, positives, base_rate=(positives + 1) / (len(y) + 2))
        else:
            fitted = _fit_code_model(inputs, j, y, measured.get(j))
            keyword_f1 = _f1(keyword_scores[:, j] >= suggester.trust.threshold, y)
            if keywords is not None and fitted.f1 >= MIN_MODEL_F1:
                fitted = _with_keywords_if_better(fitted, keyword_scores[:, j], keyword_f1, y)
            if engine == "model" or (fitted.f1 >= MIN_MODEL_F1 and (
                    keywords is None or fitted.with_keywords or fitted.f1 >= keyword_f1 + KEYWORD_MARGIN)):
                model = CodeModel(code.id, "model", fitted.threshold, positives, fitted.calibration,
                                  with_keywords=fitted.with_keywords)
                suggester.coef[j], suggester.intercept[j] = fitted.coef, fitted.intercept
            else:
                model = keywords or CodeModel(code.id, "none", 1.0, positives, note=(
                    f"model too weak to trust (cross-validated F1 {fitted.f1:.2f})"))
        suggester.models.append(model)
    return suggester


@dataclass(frozen=True)
class _CodeInputs:
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
class _FittedCode:
    coef: np.ndarray
    intercept: float
    calibration: tuple[float, ...]
    threshold: float
    f1: float                   # out of fold, at the threshold
    scores: np.ndarray          # out-of-fold calibrated scores of the coded texts
    with_keywords: bool = False # scored as the mean of the model's and the keyword score


def _choose_features(inputs: _CodeInputs, labels: np.ndarray, min_positives: int,
                     suggester: Suggester) -> tuple[_CodeInputs, OutOfFold]:
    """The char block weight and the weighting share for this coding (see `CHAR_WEIGHTS`), set
    on `suggester` (its featurizer makes new texts' features with that weight); the inputs with
    both, and the out-of-fold figures of the codes measured (so their fits need not repeat them)."""
    coded_with = labels.sum(axis=0)
    trainable = np.flatnonzero((coded_with >= min_positives) & (len(labels) - coded_with >= MIN_NEGATIVES))
    measured = trainable[np.argsort(-coded_with[trainable], kind="stable")[:CHOICE_CODES]]
    if not len(measured) or not inputs.folds:
        return inputs, {}
    featurizer = suggester.featurizer
    options = [_with_char_weight(inputs, weight / featurizer.char_weight, featurizer.n_word_features)
               for weight in CHAR_WEIGHTS]
    k, figures = _least_log_loss(options, labels, measured, CLEARLY_BETTER_Z)
    inputs, featurizer.char_weight = options[k], CHAR_WEIGHTS[k]
    weighted = [j for j in measured.tolist() if min(coded_with[j], len(labels) - coded_with[j]) >= WEIGHTED_FROM]
    if weighted:
        options = [replace(inputs, weighting_share=share) for share in WEIGHTING_SHARES]
        k, shared = _least_log_loss(options, labels, np.array(weighted), 0.0, {j: figures[j] for j in weighted})
        inputs, suggester.weighting_share = options[k], WEIGHTING_SHARES[k]
        figures.update(shared)
    return inputs, figures


def _least_log_loss(options: Sequence[_CodeInputs], labels: np.ndarray, codes: np.ndarray, z: float,
                    first: OutOfFold | None = None) -> tuple[int, OutOfFold]:
    """Which of `options` (the same coded texts' inputs, made differently) gives the out-of-fold
    scores with the least log loss on `codes`, and its figures. The first, unless another lowers
    the loss by at least `z` standard errors of the mean difference over the (text, code) pairs.
    `first`: the first option's figures, where already worked out."""
    figures = [first if k == 0 and first is not None else
               {j: _out_of_fold_scores(option, j, labels[:, j]) for j in codes.tolist()}
               for k, option in enumerate(options)]
    losses = [np.concatenate([_log_losses(scores, labels[:, j]) for j, (_, scores) in f.items()]) for f in figures]
    best = 0
    for k in range(1, len(options)):
        gain = losses[0] - losses[k]
        spread = gain.std()
        clear = gain.mean() / spread * np.sqrt(len(gain)) >= z if spread > 0 else False
        if clear and gain.sum() > (losses[0] - losses[best]).sum():
            best = k
    return best, figures[best]


def _with_char_weight(inputs: _CodeInputs, factor: float, n_words: int) -> _CodeInputs:
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


def _out_of_fold_scores(inputs: _CodeInputs, j: int, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code j's calibration inputs (`Suggester.stack_inputs`) for the coded texts, each text's decision
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
    stacked = Suggester.stack_inputs(decisions, inputs.evidence[:, j], inputs.similarity[:, j], inputs.unknown)
    scores = np.zeros(len(y))
    for fit_rows, held_rows in inputs.folds:
        scores[held_rows] = calibrate(stacked[held_rows], fit_platt(stacked[fit_rows], y[fit_rows], c=CALIBRATION_C))
    return stacked, scores


def _fit_code_model(inputs: _CodeInputs, j: int, y: np.ndarray,
                    out_of_fold: tuple[np.ndarray, np.ndarray] | None = None) -> _FittedCode:
    """A code's classifier, its calibration and threshold from out-of-fold decision values
    (`_out_of_fold_scores`, worked out here unless given)."""
    stacked, scores = out_of_fold or _out_of_fold_scores(inputs, j, y)
    threshold = half_best_f1_threshold(scores, y)
    weights = feature_weights(inputs.text, y, inputs.weighting_share)
    classifier = _fit_classifier(inputs, j, inputs.text, y, weights)
    # Weighting the features is weighting the coefficients: scoring needs no weighted copy.
    coef = classifier.coef_[0] if weights is None else classifier.coef_[0] * weights
    return _FittedCode(coef, float(classifier.intercept_[0]),
                       fit_platt(stacked, y, c=CALIBRATION_C), threshold, _f1(scores >= threshold, y), scores)


def _with_keywords_if_better(fitted: _FittedCode, keyword_scores: np.ndarray, keyword_f1: float,
                             y: np.ndarray) -> _FittedCode:
    """The model scored as the mean of its calibrated score and the code's keyword score, with the
    threshold for that mean, where it reaches at least the out-of-fold F1 of the model and of the
    keywords alone; otherwise the model as fitted. Both scores are out of fold, so the mean is too."""
    mean = (fitted.scores + keyword_scores) / 2
    threshold = half_best_f1_threshold(mean, y)
    f1 = _f1(mean >= threshold, y)
    if f1 < max(fitted.f1, keyword_f1):
        return fitted
    return replace(fitted, threshold=threshold, f1=f1, scores=mean, with_keywords=True)


def _fit_classifier(inputs: _CodeInputs, j: int, text: sp.csr_matrix, y: np.ndarray,
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


def _folds(n: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (fit rows, held rows) pairs every out-of-fold figure uses; none below two texts."""
    if n < 2:
        return []
    k = min(LARGE_INNER_FOLDS if n >= LARGE_TRAINING_SET else INNER_FOLDS, n)
    return list(KFold(n_splits=k, shuffle=True, random_state=seed).split(np.arange(n)))


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
