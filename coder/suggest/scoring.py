"""Scoring a chunk of texts: the suggestions to store and what active learning needs.

`score_chunk` is a pure function of a trained Suggester and a chunk of
texts, so a batch run can call it chunk by chunk (and in forked workers).
Only suggestions at or above their code's threshold are kept (and of those, on
each text, the best ones that keep its expected F1 up: `decide.keep_expected_f1`),
plus, with `at_least_one`, each text's best code when none is kept; per text
it also keeps one uncertainty figure, the call it is measured on (code, score,
threshold) and the best code, not every score.
The result is columns of numbers and one list of evidence texts, which cost
little to send between processes; the response ids stay with the caller.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from coder.nlp import tokenize
from coder.records import Suggestion
from coder.suggest import engine_name
from coder.suggest.evidence import evidence_json, model_evidence, token_contributions
from coder.suggest.model import Scored, Suggester


@dataclass(frozen=True)
class ScoredText:
    """The outcome for one text: its suggestions and how unsure the engine was."""

    response_id: str
    suggestions: tuple[Suggestion, ...]
    uncertainty: float
    best_code: str | None
    best_score: float
    unsure_code: str | None    # the code of the closest call, the one `uncertainty` is measured on
    unsure_score: float        # that code's score (0 where no code is scored)
    unsure_threshold: float    # and its threshold (1 where no code is scored)


@dataclass(frozen=True)
class ChunkScores:
    """A scored chunk: its suggestions (best first within each text) and a few figures per text."""

    doc: np.ndarray             # per suggestion: the index of its text in the chunk
    code: np.ndarray            # per suggestion: the code's column
    score: np.ndarray
    threshold: np.ndarray       # the code's threshold, or the score for a best code given by --at-least-one
    evidence: list[str]         # per suggestion: evidence as JSON text
    uncertainty: np.ndarray     # per text
    best_code: np.ndarray       # per text: the best code's column (-1 when there are no codes)
    best_score: np.ndarray      # per text
    unsure_code: np.ndarray     # per text: the column of the code whose call is closest (-1: no codes)
    unsure_score: np.ndarray    # per text: that code's score (0: no codes)
    unsure_threshold: np.ndarray   # per text: that code's threshold (1: no codes)
    code_ids: tuple[str, ...]
    engines: tuple[str, ...]

    def suggestion_rows(self, ids: Sequence[str]) -> Iterator[tuple[str, str, float, float, str, str]]:
        """(response id, code id, score, threshold, engine, evidence) per suggestion, `ids` naming the texts."""
        codes = self.code.tolist()
        return zip([ids[i] for i in self.doc.tolist()], [self.code_ids[j] for j in codes], self.score.tolist(),
                   self.threshold.tolist(), [self.engines[j] for j in codes], self.evidence)

    def score_rows(self, ids: Sequence[str]) -> Iterator[tuple[str, float, str | None, float, str | None,
                                                               float, float]]:
        """(response id, uncertainty, best code, best score, unsure code, its score, its threshold) per text."""
        names = self.code_ids + (None,)   # column -1: no codes
        return zip(ids, self.uncertainty.tolist(), [names[j] for j in self.best_code.tolist()],
                   self.best_score.tolist(), [names[j] for j in self.unsure_code.tolist()],
                   self.unsure_score.tolist(), self.unsure_threshold.tolist())


def closeness(scores: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per text and code, how close a call it is: 1 at the code's threshold, 0 at 0 or 1 far from it."""
    scale = np.maximum(thresholds, 1.0 - thresholds)
    return np.clip(1.0 - np.abs(scores - thresholds) / np.where(scale > 0, scale, 1.0), 0.0, 1.0)


def uncertainty(scores: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per text, how close its closest call is (`closeness`) and that call's code column (-1: no codes)."""
    if scores.shape[1] == 0:
        return np.zeros(len(scores)), np.full(len(scores), -1)
    close = closeness(scores, thresholds)
    column = close.argmax(axis=1)
    return close[np.arange(len(scores)), column], column


def score_chunk(suggester: Suggester, texts: Sequence[str], *, at_least_one: bool = False) -> ChunkScores:
    """Suggestions with evidence, uncertainty and best code for a chunk of texts."""
    code_ids = tuple(m.code_id for m in suggester.models)
    engines = tuple(engine_name(m.engine, m.with_keywords) for m in suggester.models)
    if not len(texts):
        empty = np.zeros(0)
        return ChunkScores(empty.astype(np.int64), empty.astype(np.int64), empty, empty, [], empty,
                           empty.astype(np.int64), empty, empty.astype(np.int64), empty, empty, code_ids, engines)
    scored = suggester.score(tokenize(texts))
    scores, thresholds = scored.scores, suggester.thresholds
    n, n_codes = scores.shape
    best = np.argmax(scores, axis=1) if n_codes else np.full(n, -1)
    best_score = scores[np.arange(n), best] if n_codes else np.zeros(n)
    chosen = suggester.suggested(scores, at_least_one=at_least_one)
    docs, codes = np.nonzero(chosen)   # only texts with suggestions need evidence
    values = scores[docs, codes]
    order = np.lexsort((-values, docs))    # per text, best first
    docs, codes, values = docs[order], codes[order], values[order]
    code_thresholds = thresholds[codes]
    fallback = values < code_thresholds    # the best code given by --at-least-one
    evidence = evidence_json(texts, scored.tokens, scored.keyword_matches, docs, codes,
                             _model_evidence(suggester, scored, chosen),
                             np.where(fallback, code_thresholds, np.nan))
    unsure, unsure_code = uncertainty(scores, thresholds)
    unsure_score = scores[np.arange(n), unsure_code] if n_codes else np.zeros(n)
    unsure_threshold = thresholds[unsure_code] if n_codes else np.ones(n)
    return ChunkScores(docs, codes, values, np.where(fallback, values, code_thresholds), evidence,
                       unsure, best, best_score, unsure_code, unsure_score, unsure_threshold, code_ids, engines)


def suggest_texts(suggester: Suggester, ids: Sequence[str], texts: Sequence[str], *,
                  at_least_one: bool = False) -> list[ScoredText]:
    """`score_chunk` as one ScoredText per text, holding its Suggestions."""
    result = score_chunk(suggester, texts, at_least_one=at_least_one)
    by_text: dict[str, list[Suggestion]] = {}
    for row in result.suggestion_rows(ids):
        by_text.setdefault(row[0], []).append(Suggestion(*row[:5], json.loads(row[5])))
    return [ScoredText(rid, tuple(by_text.get(rid, ())), *figures) for rid, *figures in result.score_rows(ids)]


def _model_evidence(suggester: Suggester, scored: Scored, chosen: np.ndarray) -> dict[tuple[int, int], str]:
    """Terms and best sentence (JSON members) for each chosen (doc, code) pair scored by a model."""
    is_model = np.array([m.engine == "model" for m in suggester.models], dtype=bool)
    pair_docs, pair_codes = np.nonzero(chosen & is_model)
    if not len(pair_docs):
        return {}
    docs, pairs = np.unique(pair_docs, return_inverse=True)
    codes, columns = np.unique(pair_codes, return_inverse=True)   # only the codes asked about
    contributions = token_contributions(suggester.featurizer, scored.tokens, docs, scored.scales[docs],
                                        suggester.coefficients(codes))
    explained = model_evidence(scored.tokens, docs, contributions, pairs.reshape(-1), columns.reshape(-1))
    return dict(zip(zip(pair_docs.tolist(), pair_codes.tolist()), explained))
