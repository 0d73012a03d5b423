"""The suggestions panel: suggested codes with a score bar, the engine and the evidence.

Two lines a suggestion under a title line, drawn with the line API so that moving
to another response repaints only the lines whose suggestion changed (most
responses share their top suggestions, or have none). Textual's OptionList drew
the panel anew on every move: 2-9 ms of a `j` on a 100,000-response project.

Up/down (with focus) or a click move the highlight and post `Highlighted`; a
click also posts `Selected`, which the screen takes as accepting the code, as it
takes enter.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from coder.records import Code, Suggestion
from coder.tui.colours import chip_style
from coder.tui.evidence import evidence_terms
from coder.tui.widgets.base_styles import KeepsBaseStyles
from coder.tui.widgets.title_line import DrawsTitleLine
from coder.wording import shorten

BAR = 10
LINES_PER_SUGGESTION = 2   # the code, then its score bar, engine and evidence
TERMS_BESIDE_BAR = 12      # cells of evidence terms the score bar must leave room for


def score_bar(score: float, threshold: float) -> str:
    """Ten cells filled in proportion to the score, with the threshold marked '│' (inside the
    filled part too: a suggested code's score is over its threshold, so that is where it is)."""
    filled = round(max(0.0, min(1.0, score)) * BAR)
    cells = ["█" if i < filled else "░" for i in range(BAR)]
    cells[min(BAR - 1, round(threshold * BAR))] = "│"
    return "".join(cells)


class SuggestionsPanel(DrawsTitleLine, KeepsBaseStyles, Widget, can_focus=True):
    """Suggestions for the current response, best first, one highlighted."""

    TITLE_COMPONENTS = "suggestions-panel"
    COMPONENT_CLASSES = {"suggestions-panel--rule", "suggestions-panel--title", "suggestions-panel--cursor"}
    DEFAULT_CSS = """
    SuggestionsPanel { height: 1; max-height: 30%; }
    SuggestionsPanel > .suggestions-panel--rule { color: $primary-muted; }
    SuggestionsPanel:focus > .suggestions-panel--rule { color: $primary; }
    SuggestionsPanel > .suggestions-panel--title { color: $foreground; text-style: bold; }
    SuggestionsPanel > .suggestions-panel--cursor { background: $block-cursor-blurred-background;
                                                   color: auto 100%; }
    SuggestionsPanel:focus > .suggestions-panel--cursor { background: $block-cursor-background;
                                                          color: $cursor-text; }
    """
    BINDINGS = [
        Binding("down", "move(1)", "Next suggestion", show=False),
        Binding("up", "move(-1)", "Previous suggestion", show=False),
        Binding("home", "move_to(0)", "First suggestion", show=False),
        Binding("end", "move_to(-1)", "Last suggestion", show=False),
    ]

    class Highlighted(Message):
        """The researcher moved the highlight onto a suggested code."""

        def __init__(self, code_id: str) -> None:
            super().__init__()
            self.code_id = code_id

    class Selected(Message):
        """The researcher clicked a suggested code (to accept it)."""

        def __init__(self, code_id: str) -> None:
            super().__init__()
            self.code_id = code_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.suggestions: list[Suggestion] = []
        self.title = "Suggestions (none)"
        self.cursor = 0
        self._top = 0   # the first suggestion in view
        # Each suggestion's lines, uncut: its code, and the forms of its evidence line with the
        # width each needs; every suggestion is drawn in the same form, `_form`.
        self._lines: list[tuple[Content, tuple[tuple[Content, int], ...]]] = []
        self._form = 0
        self._drawn_as: list[tuple] = []   # and what decides their look, to compare with the next response's
        self._strips: dict[tuple[int, bool], tuple[Strip, Strip]] = {}   # drawn, by (suggestion, highlighted)
        self._title_strip: Strip | None = None

    @property
    def highlighted(self) -> Suggestion | None:
        """The highlighted suggestion (the best until the highlight moves), if any."""
        return self.suggestions[self.cursor] if self.suggestions else None

    @property
    def highlighted_code(self) -> str | None:
        """The code of the highlighted suggestion, if any."""
        highlighted = self.highlighted
        return highlighted.code_id if highlighted else None

    @property
    def in_view(self) -> int:
        """How many suggestions the panel shows at once."""
        return max(0, (self.size.height - 1) // LINES_PER_SUGGESTION)

    @property
    def codes_in_view(self) -> list[str]:
        """The codes of the suggestions the panel shows now (it may have scrolled)."""
        return [s.code_id for s in self.suggestions[self._top:self._top + self.in_view]]

    def make_room(self, suggestions: int) -> None:
        """Keep room for this many suggestions (two lines each, under the title line, up
        to 30% of the column); the title counts those that do not fit. A fixed height: a
        panel sized to each response's suggestions made every move to another response
        lay the whole screen out again."""
        self.styles.height = 1 + LINES_PER_SUGGESTION * suggestions

    def show(self, suggestions: list[Suggestion], codes: dict[str, Code], colours: dict[str, str],
             text: str, f1: dict[str, tuple[float, str]]) -> None:
        """List the suggestions (already without applied or rejected codes), with each
        code's F1 from the latest evaluation when there is one; highlight the best."""
        ranked = sorted(suggestions, key=lambda s: -s.score)
        lines = [self._suggestion_lines(s, codes[s.code_id], colours, text, f1) for s in ranked]
        drawn = [_drawn_as(pair) for pair in lines]
        old_drawn, old_cursor, old_top = self._drawn_as, self.cursor, self._top
        self.suggestions, self._lines, self._drawn_as, self.cursor, self._top = ranked, lines, drawn, 0, 0
        if drawn == old_drawn and old_cursor == old_top == 0:
            return   # the same lines again (most often: none before, none now)
        old_form, self._form = self._form, self._shared_form(self.size.width)
        self._strips.clear()
        self._set_title()
        # Every suggestion the panel draws, the last one maybe cut off by its height: a row
        # left unpainted would show the last response's suggestion under this one's title.
        for at in range(-(-max(0, self.size.height - 1) // LINES_PER_SUGGESTION)):
            was = old_drawn[old_top + at] if old_top + at < len(old_drawn) else None
            now = drawn[at] if at < len(drawn) else None
            if was != now or self._form != old_form or (old_top + at == old_cursor) != (at == 0):
                self._refresh_suggestion(at)

    def _suggestion_lines(self, s: Suggestion, code: Code, colours: dict[str, str], text: str,
                          f1: dict[str, tuple[float, str]]) -> tuple[Content, tuple[tuple[Content, int], ...]]:
        terms = ", ".join(evidence_terms(s.evidence, text))
        f1_value = f1[s.code_id][0] if s.code_id in f1 else None

        def evidence(lead: str, engine: str, quality: str) -> Content:   # not dim: 3.5:1 on the panel
            return Content.assemble(f"{lead}{s.score:.2f} ", (f"{engine}{quality}", "italic"),
                                    f"  {terms}" if terms else "")

        # The second line's forms, the first that leaves the terms TERMS_BESIDE_BAR cells drawn: with
        # the score bar; without it (80 columns); then with the engine and F1 in short ("model+kw
        # F1 .62"), which a narrow panel draws whatever its room, the terms as far as they go.
        bar = f"   {score_bar(s.score, s.threshold)} "
        quality = f" F1 {f1_value:.2f}" if f1_value is not None else ""
        short_quality = f" F1 {f1_value:.2f}".replace(" 0.", " .") if f1_value is not None else ""
        cut = max(0, Content(terms).cell_length - TERMS_BESIDE_BAR)
        forms = (evidence(bar, s.engine, quality), evidence(" ", s.engine, quality),
                 evidence(" ", short_engine(s.engine), short_quality))
        return (Content.assemble((f" {code.index} ", chip_style(colours[code.id])), f" {code.label}"),
                tuple((line, line.cell_length - cut) for line in forms))

    def _shared_form(self, width: int) -> int:
        """The first form of the evidence line that leaves every suggestion's terms their room at
        `width` (the last form where none does), so the panel's lines read alike."""
        return max((next((at for at, (_, needs) in enumerate(forms) if needs <= width), len(forms) - 1)
                    for _, forms in self._lines), default=0)

    def _set_title(self) -> None:
        count = len(self.suggestions)
        more = f", {self.in_view} in view" if count > self.in_view else ""
        title = f"Suggestions ({count}{more})" if count else "Suggestions (none)"
        if title != self.title:
            self.title, self._title_strip = title, None
            self.refresh(Region(0, 0, self.size.width, 1))

    def _refresh_suggestion(self, at: int) -> None:
        """Repaint the two lines of the suggestion `at` places below the top of the view."""
        self.refresh(Region(0, 1 + LINES_PER_SUGGESTION * at, self.size.width, LINES_PER_SUGGESTION))

    def action_move(self, delta: int) -> None:
        self.action_move_to(max(0, min(self.cursor + delta, len(self.suggestions) - 1)))

    def action_move_to(self, index: int) -> None:
        """Highlight suggestion `index` (-1: the last), scrolling it into view."""
        if not self.suggestions:
            return
        index = index % len(self.suggestions)
        if index == self.cursor:
            return
        old, self.cursor = self.cursor, index
        top = self._top_showing(index)
        if top != self._top:
            self._top = top
            self.refresh()
        else:
            self._refresh_suggestion(old - top)
            self._refresh_suggestion(index - top)
        self.post_message(self.Highlighted(self.suggestions[index].code_id))

    def _top_showing(self, index: int) -> int:
        """The first suggestion in view once suggestion `index` is in view, scrolling as little as possible."""
        return min(index, max(self._top, index - self.in_view + 1))

    def on_click(self, event) -> None:
        index = self._top + (event.y - 1) // LINES_PER_SUGGESTION
        if event.y >= 1 and index < len(self.suggestions):
            self.action_move_to(index)
            self.post_message(self.Selected(self.suggestions[index].code_id))

    def on_resize(self) -> None:
        self._form = self._shared_form(self.size.width)
        self._strips.clear()
        self._title_strip = None
        self._top = self._top_showing(self.cursor)
        self._set_title()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._title_strip = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self.title_strip(width)
        index = self._top + (y - 1) // LINES_PER_SUGGESTION
        if index >= len(self._lines):
            return Strip.blank(width, self.base_styles()[0])
        key = (index, index == self.cursor)
        if key not in self._strips:
            self._strips[key] = self._draw(self._lines[index], width, highlighted=key[1])
        return self._strips[key][(y - 1) % LINES_PER_SUGGESTION]

    def _draw(self, lines: tuple[Content, tuple[tuple[Content, int], ...]], width: int, *,
              highlighted: bool) -> tuple[Strip, Strip]:
        """A suggestion's two lines, each cut to the panel (not wrapped: the room is counted in lines)."""
        base, visual = self.base_styles()
        if highlighted:
            cursor = self.component_style("suggestions-panel--cursor")
            base, visual = base + cursor, visual + Style.from_rich_style(cursor)
        label, forms = lines
        evidence = forms[self._form][0]
        first, second = (Strip(line.render_segments(visual)).adjust_cell_length(width, base)
                         for line in (_cut_after_word(label, width), evidence.truncate(width, ellipsis=True)))
        return first, second


def short_engine(engine: str) -> str:
    """The engine's name for a narrow panel: "model+kw" for "model + keywords"."""
    return engine.replace(" + keywords", "+kw")


def _cut_after_word(line: Content, width: int) -> Content:
    """`line` cut to `width` cells after a whole word, with "…", its styles kept (`shorten`)."""
    if line.cell_length <= width:
        return line
    plain = line.plain
    lead = len(plain) - len(plain.lstrip())
    return line[:lead + len(shorten(plain[lead:], width - lead)) - 1] + "…"


def _drawn_as(lines: tuple[Content, tuple[tuple[Content, int], ...]]) -> tuple:
    """What decides how a suggestion's lines look: their text and styles (Content's own
    equality compares the text alone)."""
    label, forms = lines
    return tuple((line.plain, tuple(line.spans)) for line in (label, *(form for form, _ in forms)))
