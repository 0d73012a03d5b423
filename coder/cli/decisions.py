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


def _named(code_ids: list[str]) -> str:
    shown = ", ".join(code_ids[:NAMED]) or "none"
    return shown + (f" and {len(code_ids) - NAMED} more" if len(code_ids) > NAMED else "")


def decision_lines(decisions: Iterable[Decision]) -> list[str]:
    """One line per engine in use (model and keywords always), the model codes scored with their
    keywords too, and one line per code not suggested, with why."""
    decisions = list(decisions)
    lines = []
    for engine, title in TITLES.items():
        codes = [d for d in decisions if d.engine == engine]
        if engine == "none":
            lines += [f"{title} ({len(codes)}):"] * bool(codes) + [f"  {d.code_id}: {d.note}" for d in codes[:NAMED]]
            lines += [f"  and {len(codes) - NAMED} more"] * (len(codes) > NAMED)
        elif codes or engine in ("model", "keywords"):
            lines.append(f"{title} ({len(codes)}): {_named([d.code_id for d in codes])}")
            both = [d.code_id for d in codes if d.with_keywords]
            lines += [f"  of which scored with their keywords too ({len(both)}): {_named(both)}"] * bool(both)
    return lines
