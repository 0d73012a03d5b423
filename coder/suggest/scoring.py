"""Scoring a chunk of texts: the suggestions to store and what active learning needs.

`chunk_rows` is a pure function of a trained Suggester and a chunk of
texts, so a batch run can call it chunk by chunk (and in forked workers).
Only suggestions at or above their code's threshold are returned, plus, with
`at_least_one`, each text's best code when none clears its threshold; per text
it also returns one uncertainty figure and the best code, not every score.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from coder.nlp import tokenize
from coder.records import Suggestion
from coder.suggest.evidence import evidence_json, model_evidence, token_contributions
from coder.suggest.model import Scored, Suggester, decide


SuggestionRow = tuple[str, str, float, float, str, str]
ScoreRow = tuple[str, float, "str | None", float]


@dataclass(frozen=True)
class ScoredText:
    """The outcome for one text: its suggestions and how unsure the engine was."""

    response_id: str
    suggestions: tuple[Suggestion, ...]
    uncertainty: float
    best_code: str | None
    best_score: float


def uncertainty(scores: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per text, how close its closest call is: 1 at a threshold, 0 at 0 or 1 far from it."""
    if scores.shape[1] == 0:
        return np.zeros(len(scores))
    scale = np.maximum(thresholds, 1.0 - thresholds)
    closeness = 1.0 - np.abs(scores - thresholds) / np.where(scale > 0, scale, 1.0)
    return np.clip(closeness, 0.0, 1.0).max(axis=1)


def chunk_rows(suggester: Suggester, ids: Sequence[str], texts: Sequence[str], *,
               at_least_one: bool = False) -> tuple[list[SuggestionRow], list[ScoreRow]]:
    """Suggestions with evidence for a chunk of texts (ids and texts aligned), as plain rows.

    Suggestion rows are (response id, code id, score, threshold, engine,
    evidence as JSON text), best first within each response; score rows are
    (response id, uncertainty, best code, best score), one per text. Plain
    tuples, as a batch run makes millions of them.
    """
    if not len(texts):
        return [], []
    scored = suggester.score(tokenize(texts))
    scores, thresholds = scored.scores, suggester.thresholds
    n, n_codes = scores.shape
    code_ids = [m.code_id for m in suggester.models]
    engines = [m.engine for m in suggester.models]
    unsure = uncertainty(scores, thresholds).tolist()
    if n_codes:
        best = np.argmax(scores, axis=1)
        score_rows = list(zip(ids, unsure, [code_ids[j] for j in best.tolist()],
                              scores[np.arange(n), best].tolist()))
    else:
        score_rows = [(rid, u, None, 0.0) for rid, u in zip(ids, unsure)]
    chosen = decide(scores, thresholds, at_least_one=at_least_one)
    docs_with, codes_with = np.nonzero(chosen)  # only texts with suggestions need evidence
    values = scores[docs_with, codes_with]
    order = np.lexsort((-values, docs_with))    # per text, best first
    docs_with, codes_with, values = docs_with[order], codes_with[order], values[order]
    code_thresholds = thresholds[codes_with]
    fallback = values < code_thresholds         # the best code given by --at-least-one
    evidence = evidence_json(texts, scored.tokens, scored.keyword_matches, docs_with, codes_with,
                             _model_evidence(suggester, scored, chosen),
                             np.where(fallback, code_thresholds, np.nan))
    rows = list(zip([ids[i] for i in docs_with.tolist()], [code_ids[j] for j in codes_with.tolist()],
                    values.tolist(), np.where(fallback, values, code_thresholds).tolist(),
                    [engines[j] for j in codes_with.tolist()], evidence))
    return rows, score_rows


def suggest_texts(suggester: Suggester, ids: Sequence[str], texts: Sequence[str], *,
                  at_least_one: bool = False) -> list[ScoredText]:
    """`chunk_rows` as one ScoredText per text, holding its Suggestions."""
    rows, score_rows = chunk_rows(suggester, ids, texts, at_least_one=at_least_one)
    by_text: dict[str, list[Suggestion]] = {}
    for row in rows:
        by_text.setdefault(row[0], []).append(Suggestion(*row[:5], json.loads(row[5])))
    return [ScoredText(rid, tuple(by_text.get(rid, ())), u, best, score) for rid, u, best, score in score_rows]


def _model_evidence(suggester: Suggester, scored: Scored, chosen: np.ndarray) -> dict[tuple[int, int], dict]:
    """Terms and best sentence for each chosen (doc, code) pair scored by a model."""
    is_model = np.array([m.engine == "model" for m in suggester.models], dtype=bool)
    pair_docs, pair_codes = np.nonzero(chosen & is_model)
    if not len(pair_docs):
        return {}
    docs, pairs = np.unique(pair_docs, return_inverse=True)
    rows = scored.text(docs)
    contributions = token_contributions(suggester.featurizer, scored.tokens, rows, docs,
                                        suggester.coef[:rows.shape[1]])
    explained = model_evidence(scored.tokens, docs, contributions, pairs.reshape(-1), pair_codes)
    return dict(zip(zip(pair_docs.tolist(), pair_codes.tolist()), explained))
