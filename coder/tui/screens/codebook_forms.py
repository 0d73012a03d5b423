"""Dialogs of the codebook screen: a form for a theme or code, a filtered choice, a yes/no
(and one that only y answers yes, which F5 asks before it ends a coder's blind coding).

The form hands its values to a `save` callback and closes only when saving
worked; a CoderError from the library is shown in the form, so nothing typed
is lost to a bad colour or an empty label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from coder.errors import CoderError
from coder.text_search import fold
from coder.tui.typing_ahead import TypedInput, TypedTextArea
from coder.tui.widgets.key_bar import KeyBar

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 84; max-width: 100%; height: auto; max-height: 100%;
                    border: thick $primary; background: $surface; padding: 0 1; }}
{name} .title {{ text-style: bold; }}
{name} .hint {{ color: $text-muted; }}
{name} .error {{ color: $error; text-style: bold; }}
"""


@dataclass(frozen=True)
class Field:
    """One field of a form: `kind` is line (one line of text), text (free text),
    lines (a list, one item per line) or words (a list, comma-separated)."""

    name: str
    caption: str
    kind: str = "line"
    value: object = ""
    placeholder: str = ""
    max_length: int = 0


class RecordForm(ModalScreen[bool]):
    """Edit the fields of a theme or code; dismisses True once `save(values)` succeeded."""

    TAKES_TYPING = True   # what is typed before its first field has focus goes in (coder.tui.typing_ahead)

    DEFAULT_CSS = DIALOG_CSS.format(name="RecordForm") + """
    RecordForm VerticalScroll { height: auto; max-height: 18; margin: 1 0; }
    RecordForm Horizontal { height: auto; margin-bottom: 0; }
    RecordForm .caption { width: 12; }
    RecordForm Input { width: 1fr; }
    /* No left padding (a compact text area keeps one column of it): its text starts in the
       column a one-line field's does. The right one keeps the cursor in view at a line's end. */
    RecordForm TextArea { width: 1fr; height: 3; margin-bottom: 0; padding: 0 1 0 0; }
    RecordForm #error { height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, fields: list[Field], save: Callable[[dict], None]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.save = save

    def compose(self):
        with Vertical():
            yield Label(self.title_text, classes="title")
            with VerticalScroll():
                for field in self.fields:
                    with Horizontal():
                        yield Label(field.caption, classes="caption")
                        yield self._editor(field)
            yield Static("", id="error", classes="error")
            yield Label("ctrl+s (or enter on a one-line field): save · escape: cancel · "
                        "tab: next", classes="hint")
        yield KeyBar()

    @staticmethod
    def _editor(field: Field):
        if field.kind in ("text", "lines"):
            value = "\n".join(field.value) if field.kind == "lines" else str(field.value or "")
            return TypedTextArea(value, soft_wrap=True, compact=True, id=f"field-{field.name}")
        value = ", ".join(field.value) if field.kind == "words" else str(field.value or "")
        return TypedInput(value, placeholder=field.placeholder, id=f"field-{field.name}",
                     max_length=field.max_length, compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#field-{self.fields[0].name}").focus()

    def values(self) -> dict:
        """The fields' values: strings stripped, lists as tuples without empty items."""
        out = {}
        for field in self.fields:
            editor = self.query_one(f"#field-{field.name}")
            raw = editor.text if isinstance(editor, TextArea) else editor.value
            if field.kind == "lines":
                out[field.name] = tuple(s.strip() for s in raw.splitlines() if s.strip())
            elif field.kind == "words":
                out[field.name] = tuple(s.strip() for s in raw.split(",") if s.strip())
            else:
                out[field.name] = raw.strip()
        return out

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        try:
            self.save(self.values())
        except CoderError as exc:
            self.query_one("#error", Static).update(str(exc))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ChoiceDialog(ModalScreen[str | None]):
    """Pick one of many (a theme, a code): type to filter, arrows to move, enter to choose."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ChoiceDialog") + """
    ChoiceDialog OptionList { height: auto; max-height: 14; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, title: str, note: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.note = note
        self.choices = choices

    def compose(self):
        with Vertical():
            yield Label(self.title_text, classes="title")
            if self.note:
                yield Static(self.note, classes="hint")
            yield Input(placeholder="type to filter", id="filter")
            yield OptionList(*self._options(""), id="choices")
            yield Label("enter: choose · escape: cancel", classes="hint")
        yield KeyBar()

    def _options(self, text: str) -> list[Option]:
        words = fold(text).split()
        return [Option(label, id=value) for label, value in self.choices
                if all(w in fold(label) for w in words)]

    @property
    def option_list(self) -> OptionList:
        return self.query_one(OptionList)

    def on_mount(self) -> None:
        self.query_one("#filter", Input).focus()
        if self.choices:
            self.option_list.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self.option_list.set_options(self._options(event.value))
        if self.option_list.option_count:
            self.option_list.highlighted = 0

    def action_move(self, delta: int) -> None:
        options = self.option_list
        if options.option_count:
            at = 0 if options.highlighted is None else options.highlighted + delta
            options.highlighted = max(0, min(at, options.option_count - 1))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.option_list.highlighted_option
        if option is not None:
            self.dismiss(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y or enter says yes, n or escape says no."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    HINT = "y / enter: yes · n / escape: no"

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self):
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Static(self.question)
            yield Label(self.HINT, classes="hint")
        yield KeyBar()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class DeliberateConfirmDialog(ConfirmDialog, inherit_bindings=False):
    """A yes/no question that only y answers yes: enter, pressed out of habit, says no."""

    DEFAULT_CSS = DIALOG_CSS.format(name="DeliberateConfirmDialog")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape,enter", "answer(False)", "No"),
    ]
    HINT = "y: yes · n / escape / enter: no"
