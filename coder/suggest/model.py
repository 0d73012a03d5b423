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
  everywhere, outside the texts' expected F1 (`Suggester.suggested`): it tells
  no text from another, so it does not take the place of a code that does.
- "none": not suggested, and `CodeModel.note` says why (too few coded
  examples and no keywords, or a model too weak to trust and no keywords).

Small data is the normal case, so the features carry what generalises from few
examples: TF-IDF fitted on the whole corpus (coded and uncoded), keyword
evidence and codebook similarity.
How much the text features' character n-gram block weighs against the word
block, and how far features are weighted by how well they tell a code's texts
apart, are chosen per project by out-of-fold log loss (`coder.suggest.fitting`): answers
of a few words carry more in their word parts than long comments do.

A trained Suggester lives in memory only (never pickled); `score` is a
pure function of the tokens, so a batch run can fork workers that share it.
Scoring folds each model code's calibration into one linear map over the text
features (`Suggester._plan`): the same scores, for one sparse product.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from coder.nlp import Tokens, shared_lexicon, tokenize
from coder.records import Code
from coder.suggest import ENGINES
from coder.suggest.decide import decide
from coder.suggest.features import Featurizer
from coder.suggest.fitting import (CodeInputs, binary_f1, choose_features, fit_code_models, inner_folds,
                                   stack_inputs, with_keywords_if_better)
from coder.suggest.keyword_trust import (KeywordTrust, learn_keyword_trust, matched_codes_per_response,
                                        rejected_pairs)
from coder.suggest.keywords import KeywordMatcher, KeywordMatches
from coder.suggest.thresholds import sigmoid
from coder.wording import counted

MIN_POSITIVES = 5
MIN_NEGATIVES = 2       # fewer coded texts without a code than this: its base rate decides
KEYWORD_MARGIN = 0.05   # auto: how much better than keywords a model must do (its own F1 is optimistic)
# A model whose best out-of-fold F1 is below this is not used. Rare codes can
# otherwise get a threshold near 0 (their few positives scored low out of fold) and
# be suggested for a large share of new texts.
MIN_MODEL_F1 = 0.2


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
    with_keywords: bool = False          # model: the score is the mean of the model's and the keyword score; its
                                         # suggestions store the engine as "model + keywords" (`engine_name`)


@dataclass(frozen=True)
class Scored:
    """A chunk's calibrated scores and what explaining them needs."""

    scores: np.ndarray                                # docs x codes
    tokens: Tokens                                    # the chunk's tokens
    text: sp.csr_matrix                               # text features, [words | chars]
    scales: np.ndarray                                # per text, its word and n-gram blocks' scale factors
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
        text, scales = self.featurizer.transform_with_scales(tokens)
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
        return Scored(scores, tokens, text, scales, matches)

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

    stack_inputs = staticmethod(stack_inputs)

    @property
    def thresholds(self) -> np.ndarray:
        """Per-code decision thresholds, in code order."""
        return np.array([m.threshold for m in self.models])

    @property
    def on_base_rate(self) -> np.ndarray:
        """Per code, in code order, whether its base rate decides it (engine "base rate")."""
        return np.array([m.engine == "base rate" for m in self.models], dtype=bool)

    def suggested(self, scores: np.ndarray, *, at_least_one: bool = False) -> np.ndarray:
        """Which codes are suggested for texts of these `scores` (texts x codes, 0/1): `decide` with
        the codes' thresholds, the base-rate codes decided apart from each text's expected F1."""
        return decide(scores, self.thresholds, apart=self.on_base_rate, at_least_one=at_least_one)


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
          min_positives: int = MIN_POSITIVES, seed: int = 0, workers: int = 1) -> Suggester:
    """Train a Suggester from coded texts.

    `labels` is a 0/1 matrix (texts x codes, in `codes` order); `corpus` is
    further uncoded text used only to learn vocabulary and word weights;
    `rejected` (text, code column) pairs are uncoded texts the researcher
    turned that code down on, which lower the trust in its keywords that match them.
    `engine` "keywords" skips the models; "model" uses a model for every code
    with at least `min_positives` positives and `MIN_NEGATIVES` negatives;
    "auto" does too unless the code's keywords did as well or its model did
    poorly (see the module docstring). `workers` forked processes fit codes side by side
    where there is enough to fit (`coder.suggest.fitting.PARALLEL_FROM`); the model is the same
    for any number.
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
        everywhere = suggester.keywords.matches(tokens)
        matches = everywhere.head(len(texts))
        misses = rejected_pairs(suggester.keywords.matches(turned_down), [j for _, j in rejected],
                                suggester.keywords.entry_code)
    folds = inner_folds(len(texts), seed)
    suggester.trust, evidence = learn_keyword_trust(matches, labels, suggester.keywords.entry_code, folds, misses,
                                                    matched_codes_per_response(everywhere))
    keyword_scores = suggester.trust.scores(evidence)
    has_entry = described & (np.diff(codebook_rows.indptr) > 0)
    if has_entry.any():         # sorted once here, not in every fit on a stacked matrix
        text.sort_indices()
        codebook_rows.sort_indices()
    inputs = CodeInputs(text, folds, evidence, suggester.similarity(text), np.diff(text.indptr) == 0,
                        codebook_rows, has_entry)
    has_keywords = np.bincount(suggester.keywords.entry_code, minlength=len(codes)) > 0
    fitted_codes = {}
    if engine != "keywords":
        coded_with = labels.sum(axis=0)
        trainable = np.flatnonzero((coded_with >= min_positives) & (len(labels) - coded_with >= MIN_NEGATIVES))
        inputs, measured, suggester.weighting_share = choose_features(inputs, labels, trainable, featurizer, workers)
        fitted_codes = fit_code_models(inputs, labels, trainable, measured, workers)
    for j, code in enumerate(codes):
        y = labels[:, j]
        positives = int(y.sum())
        keywords = CodeModel(code.id, "keywords", suggester.trust.threshold, positives) if has_keywords[j] else None
        if engine == "keywords":
            model = keywords or CodeModel(code.id, "none", 1.0, positives, note="no keywords")
        elif positives < min_positives:
            model = keywords or CodeModel(code.id, "none", 1.0, positives, note=(
                f"not enough coding: {counted(min_positives - positives, 'more coded example')} needed"))
        elif len(y) - positives < MIN_NEGATIVES:
            model = CodeModel(code.id, "base rate", 0.5, positives, base_rate=(positives + 1) / (len(y) + 2))
        else:
            fitted = fitted_codes[j]
            keyword_f1 = binary_f1(keyword_scores[:, j] >= suggester.trust.threshold, y)
            if keywords is not None and fitted.f1 >= MIN_MODEL_F1:
                fitted = with_keywords_if_better(fitted, keyword_scores[:, j], keyword_f1, y)
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


def codebook_text(code: Code) -> str:
    """A code's codebook entry as one text: label, definition, include rules, keywords."""
    return ". ".join([code.label, code.definition, *code.include, ", ".join(code.keywords)])


