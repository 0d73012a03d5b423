"""Why a code was suggested: evidence with character offsets the UI can underline.

Evidence is a JSON object:
- `keywords`: the code's keywords found in the text, `{start, end, text}` each;
- `terms` (model engine): the words that pushed the score up most,
  `{term, start, end, weight}` each, strongest first;
- `sentence` (model engine): `[start, end]` of the sentence whose words
  contributed most.
Offsets are Unicode code points into the response text.
"""

from __future__ import annotations

import numpy as np
from spacy.tokens import Doc

from coder.nlp import sentences
from coder.suggest.features import Featurizer

TOP_TERMS = 5


def token_contributions(featurizer: Featurizer, doc: Doc, row: dict[int, float],
                        weights: np.ndarray) -> np.ndarray:
    """How much each token adds to the model's decision value for one code.

    A feature's contribution (value x weight) is shared equally among the
    tokens that produce it, so the token contributions add up to the text
    features' part of the decision value.
    """
    tokens, columns = featurizer.token_incidence(doc)
    unique, inverse, shares = np.unique(columns, return_inverse=True, return_counts=True)
    values = np.fromiter((row.get(col, 0.0) for col in unique.tolist()), dtype=float, count=len(unique))
    per_column = values * weights[unique] / shares
    return np.bincount(tokens, weights=per_column[inverse], minlength=len(doc))


def model_evidence(featurizer: Featurizer, doc: Doc, row: dict[int, float],
                   weights: np.ndarray, keywords: list[dict]) -> dict:
    """Evidence for a model-engine suggestion: keywords, top terms and best sentence."""
    contributions = token_contributions(featurizer, doc, row, weights)
    evidence: dict = {"keywords": keywords}
    if not len(contributions):
        return evidence
    order = [k for k in np.argsort(-contributions, kind="stable")[:TOP_TERMS] if contributions[k] > 0]
    evidence["terms"] = [{"term": doc[k].norm_, "start": doc[k].idx, "end": doc[k].idx + len(doc[k].text),
                          "weight": round(float(contributions[k]), 4)} for k in order]
    best = max(sentences(doc), key=lambda s: contributions[s.start:s.end].sum())
    evidence["sentence"] = [best.start_char, best.end_char]
    return evidence
