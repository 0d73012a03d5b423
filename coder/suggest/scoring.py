"""Scoring a chunk of texts: the suggestions to store and what active learning needs.

`suggest_texts` is a pure function of a trained Suggester and a chunk of
texts, so a batch run can call it chunk by chunk (and in forked workers).
Only suggestions at or above their code's threshold are returned, plus, with
`at_least_one`, each text's best code when none clears its threshold; per text
it also returns one uncertainty figure and the best code, not every score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from coder.nlp import parse
from coder.records import Suggestion
from coder.suggest.evidence import model_evidence, token_contributions
from coder.suggest.keywords import span_evidence
from coder.suggest.model import Scored, Suggester, decide


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


def suggest_texts(suggester: Suggester, ids: Sequence[str], texts: Sequence[str], *,
                  at_least_one: bool = False) -> list[ScoredText]:
    """Suggestions with evidence for a chunk of texts (ids and texts aligned)."""
    docs = list(parse(texts))
    if not docs:
        return []
    scored = suggester.score(docs)
    scores, thresholds = scored.scores, suggester.thresholds
    cleared = scores >= thresholds
    chosen = decide(scores, thresholds, at_least_one=at_least_one)
    unsure = uncertainty(scores, thresholds).tolist()
    n, n_codes = scores.shape
    best = np.argmax(scores, axis=1) if n_codes else np.zeros(n, dtype=int)
    best_scores = scores[np.arange(n), best].tolist() if n_codes else [0.0] * n
    best_codes = [suggester.models[j].code_id for j in best.tolist()] if n_codes else [None] * n
    explained = _model_evidence(suggester, scored, chosen)
    engines = [m.engine for m in suggester.models]
    found = {}
    for i in np.flatnonzero(chosen.any(axis=1)).tolist():  # only texts with suggestions need evidence
        columns = np.flatnonzero(chosen[i])
        suggestions = []
        for j in columns[np.argsort(-scores[i, columns], kind="stable")].tolist():
            evidence = {"keywords": span_evidence(texts[i], scored.tokens, i, scored.keyword_matches[i].get(j, []))}
            evidence.update(explained.get((i, j), {}))
            threshold = float(thresholds[j])
            if not cleared[i, j]:  # the best code given by --at-least-one
                evidence["best_code"] = {"code_threshold": round(threshold, 4)}
                threshold = float(scores[i, j])
            suggestions.append(Suggestion(ids[i], suggester.models[j].code_id, float(scores[i, j]), threshold,
                                          engines[j], evidence))
        found[i] = tuple(suggestions)
    return [ScoredText(rid, found.get(i, ()), unsure[i], best_codes[i], best_scores[i]) for i, rid in enumerate(ids)]


def _model_evidence(suggester: Suggester, scored: Scored, chosen: np.ndarray) -> dict[tuple[int, int], dict]:
    """Terms and best sentence for each chosen (doc, code) pair scored by a model."""
    is_model = np.array([m.engine == "model" for m in suggester.models], dtype=bool)
    pair_docs, pair_codes = np.nonzero(chosen & is_model)
    if not len(pair_docs):
        return {}
    docs, pairs = np.unique(pair_docs, return_inverse=True)
    contributions = token_contributions(suggester.featurizer, scored.tokens, scored.text, docs,
                                        suggester.coef[:scored.text.shape[1]])
    explained = model_evidence(scored.tokens, docs, contributions, pairs.reshape(-1), pair_codes)
    return dict(zip(zip(pair_docs.tolist(), pair_codes.tolist()), explained))
