"""Counts in messages: "1 theme", "2 themes"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for one ("1 code", "0 codes", "3 codings"); `plural` for a noun
    that does not just take an s."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
