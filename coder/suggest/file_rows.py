"""One output row per scored response: the shape of a headless run's CSV.

Shared by local scoring (`headless`) and cluster scoring (`distributed`), so
both write the same columns from the same function.
"""

from __future__ import annotations

from typing import Sequence

from coder.importers.values import is_blank
from coder.suggest.model import Suggester
from coder.suggest.scoring import uncertainty

OUTPUT_COLUMNS = ("id", "codes", "scores", "best_code", "best_score", "uncertainty", "unsure_code")
SCORE_DIGITS = 4   # every score and uncertainty of the CSV, as one text ("0.3760")


def score_rows(suggester: Suggester, rows: Sequence[tuple[str, str]], *,
               at_least_one: bool = False) -> list[tuple[str, str, str, str, str, str, str]]:
    """Output rows (see OUTPUT_COLUMNS) for (id, text) rows: scores and decisions, no evidence.

    A blank answer (empty, or only white space and invisible characters: what `coder import`
    skips, `is_blank`) keeps its row, with no codes, no best code and nothing to be unsure of:
    there is nothing in it to suggest from."""
    if not len(rows):
        return []
    scores = suggester.score_texts([text for _, text in rows])
    chosen = suggester.suggested(scores, at_least_one=at_least_one)
    unsure, unsure_column = uncertainty(scores, suggester.thresholds)
    code_ids = [m.code_id for m in suggester.models]
    out = []
    for i, (rid, text) in enumerate(rows):
        if is_blank(text):
            out.append((rid, "", "", "", _score(0), _score(0), ""))
            continue
        columns = sorted(chosen[i].nonzero()[0], key=lambda j: -scores[i, j])
        best = int(scores[i].argmax()) if code_ids else -1
        out.append((rid, ";".join(code_ids[j] for j in columns), ";".join(_score(scores[i, j]) for j in columns),
                    code_ids[best] if best >= 0 else "", _score(scores[i, best] if best >= 0 else 0),
                    _score(unsure[i]), code_ids[unsure_column[i]] if unsure_column[i] >= 0 else ""))
    return out


def _score(value: float) -> str:
    return f"{value:.{SCORE_DIGITS}f}"
