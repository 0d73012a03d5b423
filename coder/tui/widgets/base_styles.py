"""The styles a line-API widget draws its lines with, looked up once per change of style.

`rich_style`, `visual_style` and `get_component_rich_style` walk the widget's
ancestors to blend their backgrounds: about a millisecond each time on the
coding screen, so a widget that drew every line with them paid it per line and
per key.
"""

from __future__ import annotations

from rich.style import Style as RichStyle


class KeepsBaseStyles:
    """Mixin for a Widget: `base_styles()` gives (rich style, visual style) and
    `component_style(name)` a component class's rich style, each kept until the
    styles change (a theme, a pseudo-class); put it before the widget class."""

    _base_styles: tuple | None = None
    _kept_component_styles: dict[str, RichStyle] | None = None

    def notify_style_update(self) -> None:
        self._base_styles = self._kept_component_styles = None
        super().notify_style_update()

    def base_styles(self) -> tuple:
        """(rich style, visual style) of the widget, as Textual computes them."""
        if self._base_styles is None:
            self._base_styles = (self.rich_style, self.visual_style)
        return self._base_styles

    def component_style(self, name: str) -> RichStyle:
        """The rich style of one of the widget's component classes."""
        if self._kept_component_styles is None:
            self._kept_component_styles = {}
        if name not in self._kept_component_styles:
            self._kept_component_styles[name] = self.get_component_rich_style(name)
        return self._kept_component_styles[name]
