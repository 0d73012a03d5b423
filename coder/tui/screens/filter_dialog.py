"""The filter dialog (`f`): status, code applied, code suggested, attribute value,
text, the active-learning order, and whether to show everyone's coding or only
the coder's own."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from coder.records import Codebook
from coder.store.browse import ListFilter


class FilterDialog(ModalScreen[tuple[ListFilter, bool] | None]):
    """Dismisses with (filter, show everyone's coding), or None when cancelled."""

    DEFAULT_CSS = """
    FilterDialog { align: center middle; }
    FilterDialog > Vertical { width: 70; max-width: 100%; height: auto; max-height: 100%;
                              border: thick $primary; background: $surface; padding: 0 1; }
    FilterDialog Horizontal { height: auto; }
    FilterDialog Label { padding: 1 1 0 0; width: 14; }
    FilterDialog Select, FilterDialog Input { width: 1fr; }
    FilterDialog #buttons { padding-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: ListFilter, everyone: bool, codebook: Codebook,
                 attributes: list[str]) -> None:
        super().__init__()
        self.current = current
        self.everyone = everyone
        self.codebook = codebook
        self.attributes = attributes

    def compose(self):
        codes = [(f"{c.index} {c.label}", c.id) for c in self.codebook.codes if not c.retired]
        cur = self.current
        attr_name, attr_value = cur.attribute or (Select.NULL, "")
        with Vertical():
            yield Label("[b]Filter the response list[/b]")
            with Horizontal():
                yield Label("Status")
                yield Select([("all", "all"), ("uncoded", "uncoded"), ("coded", "coded")],
                             value=cur.status, allow_blank=False, id="status")
            with Horizontal():
                yield Label("Coded with")
                yield Select(codes, value=cur.coded_with or Select.NULL, id="coded_with")
            with Horizontal():
                yield Label("Suggested")
                yield Select(codes, value=cur.suggested or Select.NULL, id="suggested")
            with Horizontal():
                yield Label("Attribute")
                yield Select([(a, a) for a in self.attributes], value=attr_name, id="attr_name")
                yield Input(attr_value, placeholder="value", id="attr_value")
            with Horizontal():
                yield Label("Text")
                yield Input(cur.text, placeholder="words in the text or id", id="text")
            yield Checkbox("Most uncertain first: the active-learning queue of the latest "
                           "suggestion run (uncoded responses only)", cur.queue, id="queue")
            yield Checkbox("Show everyone's coding (not only mine)", self.everyone, id="everyone")
            with Horizontal(id="buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear", id="clear")
                yield Button("Cancel", id="cancel")

    def _value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else value

    def on_input_submitted(self) -> None:
        self._apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self._apply()
        elif event.button.id == "clear":
            self.dismiss((ListFilter(), self.query_one("#everyone", Checkbox).value))
        else:
            self.dismiss(None)

    def _apply(self) -> None:
        name = self._value("#attr_name")
        value = self.query_one("#attr_value", Input).value.strip()
        self.dismiss((ListFilter(
            status=self._value("#status") or "all",
            coded_with=self._value("#coded_with"),
            suggested=self._value("#suggested"),
            attribute=(name, value) if name and value else None,
            text=self.query_one("#text", Input).value.strip(),
            queue=self.query_one("#queue", Checkbox).value),
            self.query_one("#everyone", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
