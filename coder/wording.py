"""Counts in messages ("1 theme", "2 themes"), and text padded to a width in terminal cells."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for one ("1 code", "0 codes", "3 codings"); `plural` for a noun
    that does not just take an s."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def fitted(text: str, width: int) -> str:
    """`text` cut or padded to `width` terminal cells: a Chinese character or an emoji takes two,
    so padding by characters put every column after it out of line."""
    return set_cell_size(text, width) if cell_len(text) != width else text
