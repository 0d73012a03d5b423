"""The progress line: who is coding, coded / total, and per theme; the active filter."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from coder.records import Codebook


class ProgressLine(Static):
    """One line at the top of the coding screen (fixed height: updates need no layout pass)."""

    DEFAULT_CSS = "ProgressLine { height: 1; background: $panel; color: $foreground; padding: 0 1; }"

    # Textual repaints the box around everything changed in a frame, so a repaint of this
    # top line alongside one at the bottom of the screen redraws every panel in between.
    _shown: tuple | None = None

    def show(self, coder: str, everyone: bool, coded: int, total: int, per_theme: dict[str, int],
             codebook: Codebook, listed: int, filter_text: str, auto_advance: bool = False) -> None:
        pct = 100.0 * coded / total if total else 0.0
        themes = " ".join(f"{t.index}:{per_theme.get(t.id, 0)}" for t in codebook.themes if not t.retired)
        who = f"{coder} (showing everyone)" if everyone else coder
        shown = f"  │ list {listed:,}" + (f" [{filter_text}]" if filter_text else "")
        content = (who, auto_advance, coded, total, themes, shown)
        if content == self._shown:
            return  # an unchanged line is not repainted (it spans the screen: see the class doc)
        self._shown = content
        # Auto-advance right after the coder: the line is cut at the terminal's width.
        self.update(Content.assemble((who, "bold"), ("  auto-advance" if auto_advance else "", "bold"),
                                     f"  coded {coded:,}/{total:,} ({pct:.0f}%)",
                                     f"  │ themes {themes}", shown), layout=False)
