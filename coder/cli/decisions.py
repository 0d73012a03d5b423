"""How each code is suggested, as lines for the terminal (`coder suggest` and `coder evaluate`)."""

from __future__ import annotations

from typing import Iterable, Protocol


class Decision(Protocol):
    code_id: str
    engine: str
    note: str
    with_keywords: bool


TITLES = {"model": "Codes on the model", "keywords": "Codes on keywords",
          "base rate": "Codes on their base rate (on nearly every coded response, suggested for all)",
          "none": "Codes not suggested"}


NAMED = 40   # codes named per line; the rest are counted (`coder evaluate --out` lists every code)
REASONS_SHOWN = 20     # reasons given for codes not suggested; codes past them are counted
SAME_REASON_NAMED = 5  # codes named on a line of codes sharing one reason


def named(code_ids: list[str]) -> str:
    """The first `NAMED` codes, comma-separated, and how many more ("none" for no codes)."""
    shown = ", ".join(code_ids[:NAMED]) or "none"
    return shown + (f" and {len(code_ids) - NAMED:,} more" if len(code_ids) > NAMED else "")


def decision_lines(decisions: Iterable[Decision]) -> list[str]:
    """One line per engine in use (model and keywords always), the model codes scored with their
    keywords too, and one line per code not suggested, with why."""
    decisions = list(decisions)
    lines = []
    for engine, title in TITLES.items():
        codes = [d for d in decisions if d.engine == engine]
        if engine == "none":
            lines += [f"{title} ({len(codes)}):"] * bool(codes) + reason_lines([(d.code_id, d.note) for d in codes])
        elif codes or engine in ("model", "keywords"):
            lines.append(f"{title} ({len(codes)}): {named([d.code_id for d in codes])}")
            both = [d.code_id for d in codes if d.with_keywords]
            lines += [f"  of which scored with their keywords too ({len(both)}): {named(both)}"] * bool(both)
    return lines


def reason_lines(reasons: list[tuple[str, str]]) -> list[str]:
    """(code id, why) pairs as indented lines, codes with the same reason on one line (a large
    codebook before any coding gives hundreds alike); past `REASONS_SHOWN` reasons, codes are counted."""
    by_reason: dict[str, list[str]] = {}
    for code_id, why in reasons:
        by_reason.setdefault(why, []).append(code_id)
    shown = list(by_reason.items())[:REASONS_SHOWN]
    left = len(reasons) - sum(len(ids) for _, ids in shown)
    return [f"  {_some_of(ids)}: {why}" for why, ids in shown] + [f"  and {left:,} more"] * (left > 0)


def _some_of(code_ids: list[str]) -> str:
    if len(code_ids) <= SAME_REASON_NAMED:
        return ", ".join(code_ids)
    return f"{', '.join(code_ids[:SAME_REASON_NAMED])} and {len(code_ids) - SAME_REASON_NAMED:,} more"
