"""The base styles a line-API widget draws its lines on, looked up once per change of style.

`rich_style` and `visual_style` walk the widget's ancestors to blend their
backgrounds: about a millisecond each time on the coding screen, so a widget that
drew every line with them paid it per line and per key.
"""

from __future__ import annotations


class KeepsBaseStyles:
    """Mixin for a Widget: `base_styles()` gives (rich style, visual style), kept until
    the styles change (a theme, a pseudo-class); put it before the widget class."""

    _base_styles: tuple | None = None

    def notify_style_update(self) -> None:
        self._base_styles = None
        super().notify_style_update()

    def base_styles(self) -> tuple:
        """(rich style, visual style) of the widget, as Textual computes them."""
        if self._base_styles is None:
            self._base_styles = (self.rich_style, self.visual_style)
        return self._base_styles
