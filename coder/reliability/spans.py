"""Agreement over characters: did the coders code the same stretches of text with a code?

As NVivo's coding comparison reports it: every character of the responses all
compared coders coded is a unit, and a coder "applied" a code to a character if
one of their codings of that code covers it (a coding of the whole response covers
every character; overlapping codings count once). Characters are Unicode code
points, the unit of the offsets in `codings.start`/`end`. Per code: percent
agreement over the characters, Cohen's kappa over them (two coders), and
Krippendorff's alpha and Gwet's AC1 over the same units.

NVivo gives one kappa per code and source (file); here the characters of every
shared response are pooled into one table per code, which is NVivo's figure when
the responses are read as one source. No bootstrap intervals: the characters of a
response are not independent draws, so resampling them would overstate the
precision.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Mapping, Sequence

import numpy as np

from coder.reliability.measures import Agreement, code_agreement, shared_units, summarise

Extent = tuple[int | None, int | None]   # (start, end) in code points; (None, None) for the whole response
SpanSets = Mapping[str, Mapping[str, Mapping[str, Sequence[Extent]]]]   # coder -> response -> code -> extents


def character_mask(length: int, extents: Sequence[Extent]) -> np.ndarray:
    """Which of a response's `length` characters the extents cover (a whole-response extent covers all)."""
    mask = np.zeros(length, dtype=bool)
    for start, end in extents:
        mask[0 if start is None else max(start, 0):length if end is None else min(end, length)] = True
    return mask


def measure_span_agreement(spans: SpanSets, lengths: Mapping[str, int], coders: Sequence[str],
                           code_ids: Sequence[str]) -> Agreement:
    """Agreement of `coders` on `code_ids` over the characters of the responses they all coded.

    `lengths` gives each response's length in characters. The Agreement's units
    are those responses; each code's `units` and `applied` count characters, and
    `exact_match` is the share of characters where the coders' code sets are equal.
    """
    if len(coders) < 2:
        raise ValueError("agreement needs at least two coders")
    units = shared_units(spans, coders)
    offsets = dict(zip(units, np.cumsum([0] + [lengths[u] for u in units]).tolist()))
    total = sum(lengths[u] for u in units)
    by_code: dict[str, list[tuple[int, str]]] = defaultdict(list)   # code -> (coder's place, response)
    for i, coder in enumerate(coders):
        for unit in units:
            for code in spans[coder][unit]:
                by_code[code].append((i, unit))
    all_agree = np.ones(total, dtype=bool)
    per_code = []
    for code in code_ids:
        masks = np.zeros((len(coders), total), dtype=bool)
        for i, unit in by_code.get(code, ()):
            masks[i, offsets[unit]:offsets[unit] + lengths[unit]] = character_mask(lengths[unit],
                                                                                  spans[coders[i]][unit][code])
        marking = masks.sum(axis=0)
        all_agree &= (marking == 0) | (marking == len(coders))
        per_code.append(code_agreement(code, dict(zip(coders, masks.sum(axis=1).tolist())),
                                       np.bincount(marking, minlength=len(coders) + 1).tolist()))
    exact = float(all_agree.mean()) if total else float("nan")
    return summarise(coders, units, per_code, exact)


def span_disagreements(spans: SpanSets, lengths: Mapping[str, int], coders: Sequence[str],
                       units: Sequence[str]) -> list[tuple[str, str, tuple[str, ...], int]]:
    """(response, code, coders who applied it anywhere, characters not all coders coded alike)
    wherever the coders' characters differ for a code."""
    rows = []
    for unit in units:
        applied = {c: spans[c][unit] for c in coders}
        for code in sorted(set().union(*applied.values())):
            masks = [character_mask(lengths[unit], applied[c].get(code, ())) for c in coders]
            differing = int(np.sum(np.any(masks, axis=0) & ~np.all(masks, axis=0)))
            if differing:
                rows.append((unit, code, tuple(c for c in coders if code in applied[c]), differing))
    return rows
