"""The suggestions panel: suggested codes with a score bar, the engine and the evidence.

Enter (or a click) on a suggestion posts `OptionList.OptionSelected` with the
code id as option id; the screen accepts it.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from coder.records import Code, Suggestion
from coder.tui.colours import chip_style
from coder.tui.evidence import evidence_terms

BAR = 10
LINES_PER_SUGGESTION = 2   # the code, then its score bar, engine and evidence


def score_bar(score: float, threshold: float) -> str:
    """Ten cells filled in proportion to the score, with the threshold marked '│'."""
    filled = round(max(0.0, min(1.0, score)) * BAR)
    cells = ["█" if i < filled else "░" for i in range(BAR)]
    mark = min(BAR - 1, round(threshold * BAR))
    if cells[mark] == "░":
        cells[mark] = "│"
    return "".join(cells)


class SuggestionsPanel(OptionList):
    """Suggestions for the current response, best first."""

    DEFAULT_CSS = """
    SuggestionsPanel { height: 1; max-height: 30%; border: none; border-top: solid $primary-muted;
                       padding: 0; overflow-y: hidden; }
    SuggestionsPanel:focus { border: none; border-top: solid $primary; }
    """

    # The panel's height is fixed (`make_room`), so the length of its list does not change
    # the screen's layout: Textual's default (layout=True) laid the whole screen out again
    # on every move to a response with other suggestions, about 17 ms a key. Scrollbars
    # still come and go through OptionList's own scroll update.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "Suggestions (none)"
        self.suggestions: list[Suggestion] = []
        self._shown: tuple | None = None   # what `show` was given, to draw again at another width

    def make_room(self, suggestions: int) -> None:
        """Keep room for this many suggestions (two lines each, under the title line, up
        to 30% of the column); more scroll. A fixed height: a panel sized to each
        response's suggestions made every move to another response lay the whole
        screen out again."""
        self.styles.height = 1 + LINES_PER_SUGGESTION * suggestions

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, suggestions: list[Suggestion], codes: dict[str, Code], colours: dict[str, str],
             text: str, f1: dict[str, tuple[float, str]]) -> None:
        """List the suggestions (already without applied or rejected codes), with each
        code's F1 from the latest evaluation when there is one."""
        ranked = sorted(suggestions, key=lambda s: -s.score)
        if not ranked and not self.suggestions and self.option_count == 0:
            return  # nothing before, nothing now: spare the redraw (most keypresses)
        self._shown = (suggestions, codes, colours, text, f1)
        self.suggestions = ranked
        self.clear_options()
        width = self.scrollable_content_region.width
        for s in self.suggestions:
            code = codes[s.code_id]
            terms = ", ".join(evidence_terms(s.evidence, text))
            quality = f" F1 {f1[s.code_id][0]:.2f}" if s.code_id in f1 else ""
            lines = [Content.assemble((f" {code.index} ", chip_style(colours[code.id])), f" {code.label}"),
                     Content.assemble(f"   {score_bar(s.score, s.threshold)} {s.score:.2f} ",
                                      (f"{s.engine}{quality}", "italic"), (f"  {terms}" if terms else "", "dim"))]
            # Each line cut to the panel, not wrapped: two lines a suggestion, as the room is counted.
            self.add_option(Option(Content("\n").join(line.truncate(width, ellipsis=True) if width else line
                                                        for line in lines), id=s.code_id))
        # No scrollbar (one coming and going would lay the screen out again): the title says
        # when there are more than the panel shows; tab, then the arrows, reach them.
        in_view = self.scrollable_content_region.height // LINES_PER_SUGGESTION
        more = f", {in_view} in view" if len(self.suggestions) > in_view else ""
        self.border_title = f"Suggestions ({len(self.suggestions)}{more})" if self.suggestions else \
            "Suggestions (none)"
        if self.suggestions:
            self.highlighted = 0

    @property
    def highlighted_code(self) -> str | None:
        if self.highlighted is None or not self.suggestions:
            return None
        return self.get_option_at_index(self.highlighted).id
