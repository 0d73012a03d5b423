"""Why a code got no suggestion, as far as its trained engine tells without the scores.

Said at the end of a run on the project (`coder.suggest.batch`) or on a file
(`coder.suggest.headless`), and beside a code cross-validation never suggested
(`coder.suggest.evaluate`).
"""

from __future__ import annotations

import numpy as np

from coder.suggest.model import Suggester

BEHIND = "or only on answers that a stronger code already carries"


def unsuggested_codes(suggester: Suggester, per_code: dict[str, int]) -> dict[str, str]:
    """The codes with no suggestion in `per_code` (suggestions per code id), each with why."""
    return {m.code_id: why_unsuggested(suggester, j) for j, m in enumerate(suggester.models)
            if not per_code.get(m.code_id)}


def why_unsuggested(suggester: Suggester, column: int) -> str:
    """Why the code in `column` may have gone unsuggested on a whole corpus, as far as its
    trained engine tells without the scores: its keywords' trust, its threshold, its coding."""
    model = suggester.models[column]
    threshold = model.threshold
    if model.engine == "none":
        return model.note
    if model.engine == "model":
        return (f"its model ({model.positives:,} coded examples) scored no response over its "
                f"threshold {threshold:.2f}, {BEHIND}")
    if model.engine == "base rate":
        return "suggested only where a stronger code was suggested instead"
    trust = suggester.trust
    precision = trust.precision[trust.entry_code == column]
    alone, together = trust.scores(np.array([[precision.max(), 1 - np.prod(1 - precision)]]))[0]
    if together < threshold and not trust.learned:
        return (f"before any coding a keyword match is trusted at {trust.prior:.2f} (under the threshold "
                f"{threshold:.2f}): the codebook's keywords match {trust.codes_per_response:.1f} codes per "
                "response on average, and a response carries only a few; code some responses to learn "
                "which keywords to trust")
    if together < threshold:
        return (f"its keywords' learned trust is under the threshold: all {len(precision)} matching together "
                f"would score {together:.2f}, under {threshold:.2f}" if len(precision) > 1 else
                f"its keyword's learned trust is under the threshold: a match scores {alone:.2f}, "
                f"under {threshold:.2f}")
    if alone < threshold:
        return (f"one keyword match scores {alone:.2f} at most, under the threshold {threshold:.2f}, and no "
                f"response matched enough of its keywords, {BEHIND}")
    return f"no response matched its keywords, {BEHIND}"
