"""The codebook screen's tree (F2): every theme and code, retired ones dimmed, each code with
its colour, its key and how many responses it is on; labels shortened at a word to the
tree's width, so a count or "(retired)" is never cut off."""

from __future__ import annotations

from rich.style import Style
from rich.text import Span, Text
from textual.binding import Binding
from textual.widgets import Tree

from coder.records import Code, Codebook, Theme
from coder.wording import shorten

UNDIMMED = Style(dim=False)

THEME_PREFIX = "theme:"
GUIDE = 2   # cells the tree's guide takes before a code's label ("├ ")


class CodebookTree(Tree[str]):
    """Themes and their codes; a node's data is a code id or `theme:<id>`. j and k move as the
    arrows do, as they step through responses on the coding screen; enter opens the highlighted
    code or theme's form (the screen's `e`), and says so in the list of keys."""

    BINDINGS = [Binding("j", "cursor_down", "Down", show=False), Binding("k", "cursor_up", "Up", show=False),
                Binding("enter", "select_cursor", "Edit", show=False)]

    # Text on the cursor in the colour that reads on it (as the coding screen's codebook has it);
    # counts and retired codes muted in a colour that still reads ($muted-text; see render_label).
    DEFAULT_CSS = """
    CodebookTree > .tree--cursor { color: auto 100%; }
    CodebookTree:focus > .tree--cursor { color: $cursor-text; }
    CodebookTree > .codebook-tree--muted { color: $muted-text; }
    """
    COMPONENT_CLASSES = {"codebook-tree--muted"}

    def __init__(self, **kwargs) -> None:
        super().__init__("Codebook", **kwargs)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = GUIDE
        self._codebook = Codebook("", (), ())
        self._used: dict[str, int] = {}
        self._keys: dict[str, str] = {}
        self._colours: dict[str, str] = {}
        self._room = 0   # cells a line may take (0: not laid out yet, labels whole)

    def show(self, codebook: Codebook, used: dict[str, int], keys: dict[str, str],
             colours: dict[str, str]) -> list[str]:
        """Draw the codebook (`used`: code id -> responses coded; `keys`: code id -> key);
        return the nodes' data in line order."""
        self._codebook, self._used, self._keys, self._colours = codebook, used, keys, colours
        self.clear()
        order = []
        for theme in codebook.themes:
            node = self.root.add(self._theme_label(theme), data=THEME_PREFIX + theme.id, expand=True)
            order.append(THEME_PREFIX + theme.id)
            for code in codebook.codes_of(theme.id):
                node.add_leaf(self._code_label(code, theme), data=code.id)
                order.append(code.id)
        return order

    def on_resize(self) -> None:
        room = max(8, self.scrollable_content_region.width - GUIDE)
        if room == self._room:
            return
        self._room = room
        themes = {THEME_PREFIX + t.id: t for t in self._codebook.themes}
        codes = {c.id: c for c in self._codebook.codes}
        for theme_node in self.root.children:
            theme = themes[theme_node.data]
            theme_node.set_label(self._theme_label(theme))
            for node in theme_node.children:
                node.set_label(self._code_label(codes[node.data], theme))

    def _theme_label(self, theme: Theme) -> Text:
        retired = " (retired)" if theme.retired else ""
        text = Text(self._fit(f"{theme.index} {theme.label}", len(retired)), style="bold")
        if theme.retired:
            text.stylize("dim strike")
            text.append(retired, style="italic")
        return text

    def _code_label(self, code: Code, theme: Theme) -> Text:
        key = self._keys.get(code.id, " ")
        count = f" ({self._used.get(code.id, 0)})"
        retired = " (retired)" if code.retired or theme.retired else ""
        text = Text.assemble(("● ", self._colours.get(code.id, "") + (" dim" if retired else "")), (key, "bold reverse" if key != " " else ""),
                             " " + self._fit(f"{code.index} {code.label}", 4 + len(count) + len(retired)))
        text.append(count, style="dim")
        if retired:
            text.stylize("dim")
            text.append(retired, style="italic")
        return text

    def render_label(self, node, base_style: Style, style: Style) -> Text:
        """As Tree draws it, but without dimming: dim grey on the cursor's blue reads at about
        2.4:1 (the counts, retired codes), and off it at 4.4:1 in textual-light. The cursor's line
        takes its own colour; the others the muted colour, which reads at 4.5:1 or more."""
        label = super().render_label(node, base_style, style)
        if node is self.cursor_node:
            label.spans = [Span(span.start, span.end, _style(span.style) + UNDIMMED) for span in label.spans]
        else:
            try:
                muted = self.get_component_rich_style("codebook-tree--muted", partial=True) + UNDIMMED
            except KeyError:   # measured for width before the styles are in place
                return label
            # Dimmed text in the muted colour, underneath the spans with colours of their own: a
            # retired code's dot keeps its colour, dimmed (a mark, not text).
            text = [span for span in label.spans if _style(span.style).dim and _style(span.style).color is None]
            label.spans = ([Span(span.start, span.end, _style(span.style) + muted) for span in text]
                           + [span for span in label.spans if span not in text])
        return label

    def _fit(self, name: str, beside: int) -> str:
        """`name` shortened so that it and `beside` more cells fit a line (whole before layout)."""
        return shorten(name, max(1, self._room - beside)) if self._room else name


def _style(style: str | Style) -> Style:
    return style if isinstance(style, Style) else Style.parse(style)
