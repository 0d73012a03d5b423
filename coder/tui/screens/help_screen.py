"""The key reference (`?`): every key of a screen (the coding screen's by default) and the code keys."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from coder.records import Code
from coder.tui.widgets.key_bar import KeyBar

KEYS = [
    ("j / k, ↓ / ↑", "next / previous response"),
    ("n", "next uncoded response"),
    ("ctrl+n", "auto-advance on / off: after a whole-response code or accepted suggestions, "
               "go to the next uncoded response"),
    ("1-9, letters", "toggle the code bound to that key (on the selected text only, if any)"),
    ("] / [", "select the next / previous sentence (then a code key codes just it)"),
    ("} / {", "add the next / previous sentence to the selection"),
    ("c", "code picker: apply any code by typing part of its label or index"),
    ("+", "new code in the highlighted theme, applied to the selected text (or the response)"),
    ("enter", "accept the highlighted suggestion (in the codebook tree: toggle that code)"),
    ("A", "accept all suggestions"),
    ("x", "reject the highlighted suggestion"),
    ("u / ctrl+r", "undo / redo your own changes (also codebook edits, and from earlier sessions)"),
    (".", "show all of the response's attributes / fold them to one line"),
    ("shift+↓ / shift+↑", "scroll the response text"),
    ("m", "memo on the response"),
    ("M", "memo on the highlighted code (or theme)"),
    ("s", "chart summary: the response under the highlighted code's theme"),
    ("/", "search the text and ids"),
    ("f", "filter: uncoded or coded, coded with, suggested, sample, attribute, text, everyone's coding, "
          "most uncertain first"),
    ("ctrl+o", "show everyone's coding / only mine"),
    ("escape", "drop the text selection, else clear the filter and search"),
    ("tab / shift+tab", "move between panels"),
    ("F2 / F3 / F4 / F5", "codebook / stats / segments / adjudication screen"),
    ("ctrl+p", "command palette"),
    ("?", "this help"),
    ("q", "quit (everything is already saved)"),
]


class HelpScreen(ModalScreen[None]):
    """Lists the keys; any of escape, q or ? closes it."""

    # Two columns, so a description that wraps stays in its column (at 80 wide several do).
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 100%; height: 90%;
                                  border: thick $primary; background: $surface; padding: 0 1; }
    HelpScreen .heading { text-style: bold; }
    HelpScreen Grid { grid-size: 2; grid-columns: 17 1fr; grid-rows: auto; grid-gutter: 0 2;
                      height: auto; margin-bottom: 1; }
    HelpScreen .key { text-style: bold; text-align: right; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, code_keys: list[tuple[str, Code]], keys: list[tuple[str, str]] = KEYS) -> None:
        super().__init__()
        self.code_keys = code_keys
        self.keys = keys

    def compose(self):
        sections = [("Keys", self.keys),
                    ("Code keys", [(key, f"{code.index} {code.label}") for key, code in self.code_keys])]
        with VerticalScroll() as scroll:
            scroll.border_subtitle = "escape, q or ? closes"
            for heading, rows in (section for section in sections if section[1]):
                yield Static(heading, classes="heading")
                with Grid():
                    for key, what in rows:
                        yield Static(Content(key), classes="key")
                        yield Static(Content(what))
        yield KeyBar()
