"""The filter dialog (`f`): status, code applied, code suggested, attribute value, sample
for double coding, text, the active-learning order, and whether to show everyone's coding
or only the coder's own."""

from __future__ import annotations

from typing import Callable

from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from coder.records import Codebook
from coder.store.browse import ListFilter
from coder.tui.widgets.key_bar import KeyBar


class TickBox(Checkbox):
    """A checkbox whose box is empty until ticked: Textual draws its X in both states, told apart by
    colour alone, which read the same (a grey X on grey, or no X at all where a colour's alpha is 0)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.BUTTON_INNER = "X" if self.value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()


class FilterDialog(ModalScreen[tuple[ListFilter, bool] | None]):
    """Dismisses with (filter, show everyone's coding), or None when cancelled."""

    DEFAULT_CSS = """
    FilterDialog { align: center middle; }
    FilterDialog > VerticalScroll { width: 70; max-width: 100%; height: auto; max-height: 100%;
                              border: thick $primary; background: $surface; padding: 0 1; }
    FilterDialog Horizontal { height: auto; }
    FilterDialog Horizontal Label { padding: 0 1 0 0; width: 12; }
    FilterDialog Select, FilterDialog Input { width: 1fr; }
    FilterDialog Checkbox { margin-top: 1; }
    FilterDialog #buttons Button { margin-right: 2; }
    /* A box that shows on the dialog, empty until ticked. */
    FilterDialog Checkbox > .toggle--button { background: $foreground 30%; color: $foreground; }
    """
    # Shown in the key bar: how to move between the fields and apply without the mouse.
    BINDINGS = [Binding("ctrl+s", "apply", "Apply"), Binding("tab", "app.focus_next", "Next field"),
                Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#status"   # the first field: enter and the arrows work at once

    def __init__(self, current: ListFilter, everyone: bool, codebook: Codebook, attributes: list[str],
                 values_of: Callable[[str], tuple[list[tuple[str, int]], int]],
                 samples: list[tuple[str, int]] = ()) -> None:
        """`values_of(name)` gives an attribute's values with their counts, and how many there are;
        `samples` are the samples drawn for double coding, (name, size) each."""
        super().__init__()
        self.current = current
        self.everyone = everyone
        self.codebook = codebook
        self.attributes = attributes
        self.values_of = values_of
        self.samples = list(samples)
        self._values_for: str | None = current.attribute[0] if current.attribute else None   # whose values are offered

    def _value_options(self, name: str | None) -> list[tuple[str, str]]:
        if not name:
            return []
        values, total = self.values_of(name)
        options = [(f"{value} ({n})", value) for value, n in values]
        if total > len(values):
            self.notify(f"{name}: the {len(values)} most common of {total} values are offered; "
                        "the text filter finds the others.")
        return options

    def compose(self):
        codes = [(f"{c.index} {c.label}", c.id) for c in self.codebook.codes if not c.retired]
        cur = self.current
        attr_name, attr_value = cur.attribute or (Select.NULL, "")
        with VerticalScroll():
            yield Label("[b]Filter the response list[/b]", id="title")
            with Horizontal():
                yield Label("Status")
                yield Select([("all", "all"), ("uncoded", "uncoded"), ("coded", "coded")],
                             value=cur.status, allow_blank=False, id="status", compact=True)
            with Horizontal():
                yield Label("Coded with")
                yield Select(codes, value=cur.coded_with or Select.NULL, id="coded_with", compact=True)
            with Horizontal():
                yield Label("Suggested")
                yield Select(codes, value=cur.suggested or Select.NULL, id="suggested", compact=True)
            with Horizontal():
                yield Label("Attribute")
                yield Select([(a, a) for a in self.attributes], value=attr_name, id="attr_name", compact=True,
                             prompt="attribute")
                options = self._value_options(cur.attribute[0] if cur.attribute else None)
                yield Select(options, value=attr_value if any(v == attr_value for _, v in options) else Select.NULL,
                             id="attr_value", prompt="value", compact=True)
            with Horizontal():
                yield Label("Sample")
                yield Select([(f"{name} ({size:,} responses)", name) for name, size in self.samples],
                             value=cur.sample or Select.NULL,
                             id="sample", prompt="any response" if self.samples else "none drawn (coder sample)",
                             disabled=not self.samples, compact=True)
            with Horizontal():
                yield Label("Text")
                yield Input(cur.text, placeholder="words in the text or id", id="text", compact=True)
            yield TickBox("Most uncertain first (uncoded; latest suggestion run)", cur.queue, id="queue",
                           compact=True)
            yield TickBox("Show everyone's coding (not only mine)", self.everyone, id="everyone", compact=True)
            with Horizontal(id="buttons"):
                yield Button("Apply", variant="primary", id="apply", compact=True)
                yield Button("Clear", id="clear", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeyBar()   # its own: the screen's below is dimmed by the dialog's backdrop

    def _value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else value

    def on_select_changed(self, event: Select.Changed) -> None:
        """Another attribute chosen: offer its values. (Its first Changed, on mounting, names the
        attribute in force, whose values and chosen value are offered already: setting them again
        dropped the value.)"""
        if event.select.id == "attr_name":
            name = event.value if event.value is not Select.NULL else None
            if name != self._values_for:
                self._values_for = name
                self.query_one("#attr_value", Select).set_options(self._value_options(name))

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
        value = self._value("#attr_value")
        status = self._value("#status") or "all"
        if status == "coded" and self.query_one("#queue", Checkbox).value:
            self.notify("Most uncertain first lists uncoded responses: set the status to all or uncoded, "
                        "or untick it.", severity="warning")
            return   # an empty list, with no word of why, is what applying would give
        self.dismiss((ListFilter(
            status=status,
            coded_with=self._value("#coded_with"),
            suggested=self._value("#suggested"),
            attribute=(name, value) if name and value else None,
            text=self.query_one("#text", Input).value.strip(),
            sample=self._value("#sample"),
            queue=self.query_one("#queue", Checkbox).value),
            self.query_one("#everyone", Checkbox).value))

    def action_apply(self) -> None:
        self._apply()

    def action_cancel(self) -> None:
        self.dismiss(None)
