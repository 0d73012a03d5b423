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
from coder.suggest.evidence import model_evidence
from coder.suggest.keywords import span_evidence
from coder.suggest.model import Suggester, decide


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
    scores, x = suggester.score_docs(docs)
    thresholds = suggester.thresholds
    cleared = scores >= thresholds
    chosen = decide(scores, thresholds, at_least_one=at_least_one)
    unsure = uncertainty(scores, thresholds).tolist()
    n, n_codes = scores.shape
    best = np.argmax(scores, axis=1) if n_codes else np.zeros(n, dtype=int)
    best_scores = scores[np.arange(n), best].tolist() if n_codes else [0.0] * n
    best_codes = [suggester.models[j].code_id for j in best.tolist()] if n_codes else [None] * n
    found = {i: _explain(suggester, docs[i], ids[i], x, i, scores[i], thresholds, cleared[i], chosen[i])
             for i in np.flatnonzero(chosen.any(axis=1)).tolist()}  # only texts with suggestions need evidence
    return [ScoredText(rid, found.get(i, ()), unsure[i], best_codes[i], best_scores[i]) for i, rid in enumerate(ids)]


def _explain(suggester: Suggester, doc, rid: str, x, i: int, scores: np.ndarray, thresholds: np.ndarray,
             cleared: np.ndarray, chosen: np.ndarray) -> tuple[Suggestion, ...]:
    """One text's suggestions, best first, each with its evidence."""
    columns = np.flatnonzero(chosen)
    row = dict(zip(x.indices[x.indptr[i]:x.indptr[i + 1]].tolist(), x.data[x.indptr[i]:x.indptr[i + 1]].tolist()))
    matched = suggester.keywords.spans(doc)
    found = []
    for j in columns[np.argsort(-scores[columns], kind="stable")].tolist():
        model = suggester.models[j]
        keywords = span_evidence(doc, matched[j])
        if model.engine == "model":
            evidence = model_evidence(suggester.featurizer, doc, row, suggester.coef[:, j], keywords)
        else:
            evidence = {"keywords": keywords}
        threshold = float(thresholds[j])
        if not cleared[j]:  # the best code given by --at-least-one
            evidence["best_code"] = {"code_threshold": round(threshold, 4)}
            threshold = float(scores[j])
        found.append(Suggestion(rid, model.code_id, float(scores[j]), threshold, model.engine, evidence))
    return tuple(found)
