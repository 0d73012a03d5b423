"""The suggestions panel: suggested codes with a score bar, the engine and the evidence.

Enter (or a click) on a suggestion posts `OptionList.OptionSelected` with the
code id as option id; the screen accepts it.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from coder.records import Code, Suggestion
from coder.tui.colours import chip_style
from coder.tui.evidence import evidence_terms

BAR = 10


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
    SuggestionsPanel { height: auto; max-height: 45%; border: none; border-top: solid $primary-muted;
                       padding: 0; }
    SuggestionsPanel:focus { border: none; border-top: solid $primary; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "Suggestions (none)"
        self.suggestions: list[Suggestion] = []

    def show(self, suggestions: list[Suggestion], codes: dict[str, Code], colours: dict[str, str],
             text: str, f1: dict[str, tuple[float, str]]) -> None:
        """List the suggestions (already without applied or rejected codes), with each
        code's F1 from the latest evaluation when there is one."""
        ranked = sorted(suggestions, key=lambda s: -s.score)
        if not ranked and not self.suggestions and self.option_count == 0:
            return  # nothing before, nothing now: spare the redraw (most keypresses)
        self.suggestions = ranked
        self.clear_options()
        for s in self.suggestions:
            code = codes[s.code_id]
            terms = ", ".join(evidence_terms(s.evidence, text))
            quality = f" F1 {f1[s.code_id][0]:.2f}" if s.code_id in f1 else ""
            prompt = Content.assemble(
                (f" {code.index} ", chip_style(colours[code.id])), f" {code.label}\n",
                f"   {score_bar(s.score, s.threshold)} {s.score:.2f} ",
                (f"{s.engine}{quality}", "italic"), (f"  {terms}" if terms else "", "dim"))
            self.add_option(Option(prompt, id=s.code_id))
        self.border_title = f"Suggestions ({len(self.suggestions)})" if self.suggestions else \
            "Suggestions (none)"
        if self.suggestions:
            self.highlighted = 0

    @property
    def highlighted_code(self) -> str | None:
        if self.highlighted is None or not self.suggestions:
            return None
        return self.get_option_at_index(self.highlighted).id
