"""The adjudication screen (F5): settle the differences between two coders.

Lists the responses both chosen coders coded (those where they differ, or all
of them), shows each coder's codes and spans side by side and records the
agreed codes as the coder `consensus` through coder.adjudication: take coder
A's, B's or the union with one key, or toggle codes with the code keys or the
picker. Undo and redo step through the consensus's history. The pair chosen is
shown first again in the next session. A coder of the pair still coding blind is
kept from the other's coding (adjudication_blind).
"""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from coder.adjudication import (CONSENSUS, TAKE_A, TAKE_B, UNION, DoubleCoded, coder_pairs, double_coded,
                                double_coded_response, first_pair, remember_pair, settle, toggle_consensus_code)
from coder.codebook.keys import assign_keys
from coder.colours import code_colours
from coder.errors import CoderError
from coder.history import History, known_names
from coder.records import Code, Codebook, Coding
from coder.store.browse import change_marker
from coder.store.codebook_read import load_codebook
from coder.store.events import Event
from coder.store.memos import get_memo
from coder.store.responses import get_response
from coder.tui.code_picker import CodeKeyActions, CodePicker
from coder.tui.screens.adjudication_blind import BlindCoding
from coder.tui.screens.coding_screen import POLL_SECONDS
from coder.tui.screens.coding_history import HistoryActions
from coder.tui.screens.help_screen import HelpScreen
from coder.tui.screens.side_screen import SideScreen
from coder.tui.session import Session, UsesSession
from coder.tui.typing_ahead import OpensFields
from coder.tui.widgets.response_view import ResponseView
from coder.tui.widgets.key_bar import KeyBar
from coder.tui.widgets.response_list import shortened_id

KEYS = [
    ("j / k, ↓ / ↑", "next / previous response"),
    ("n", "next response not settled for these two coders (○: the consensus was settled for others), "
          "or settled before a coder changed their codings (!)"),
    ("] / [", "scroll both texts down / up (a long response)"),
    (".", "show all of the response's attributes / fold them to one line"),
    ("A / B", "settle: take coder A's / coder B's codings"),
    ("U", "settle: take the union of both coders' codings"),
    ("1-9, letters", "edit the consensus: add or take out the code bound to that key"),
    ("c", "edit the consensus with the code picker (type a label or an index)"),
    ("u / ctrl+r", "undo / redo a settlement or an edit"),
    ("s", "choose the two coders"),
    ("f", "list the responses where the coders differ / all they both coded"),
    ("escape", "back to coding"),
    ("?", "this help"),
]
LISTED_ID = 12   # the cells an id has in the list (16 wide, less its marks and a scrollbar)
MARKS = "✓ whole response · ~ spans of it · ≠ the coders differ"
ELSEWHERE = "○"   # in the list: the response's consensus was settled comparing another pair


def _mark(codings: list[Coding], code_id: str) -> str:
    """✓ when the code is on the whole response, ~ when only on spans (with how many), else nothing."""
    mine = [c for c in codings if c.code_id == code_id]
    spans = sum(c.start is not None for c in mine)
    whole = "✓" if len(mine) > spans else ""
    return whole + (f"~{spans}" if spans > 1 else "~" if spans else "")


class AdjudicationScreen(UsesSession, OpensFields, BlindCoding, HistoryActions, CodeKeyActions, SideScreen):
    """Two coders' codings side by side; the lead records the consensus."""

    DEFAULT_CSS = """
    AdjudicationScreen #choices { height: 1; margin: 0 0 1 0; }   /* no blank first line: rows are few at 80x24 */
    AdjudicationScreen #choices Label { padding: 0 1; width: auto; }
    AdjudicationScreen #progress { padding: 0 1 0 2; width: 1fr; }
    AdjudicationScreen #responses { width: 16; height: 1fr; border: none; padding: 0; }
    AdjudicationScreen #right { width: 1fr; border-left: vkey $primary-muted; }
    AdjudicationScreen #texts { height: 1fr; }
    AdjudicationScreen .coder { width: 1fr; height: 1fr; }
    AdjudicationScreen .coder Label { width: 1fr; background: $panel; padding: 0 1; text-style: bold; }
    AdjudicationScreen #view-b { border-left: vkey $primary-muted; }
    AdjudicationScreen #codes { height: auto; max-height: 50%; border-top: hkey $primary-muted; }
    AdjudicationScreen #codes.blind { padding: 0 1; }
    """
    BINDINGS = [
        Binding("question_mark", "keys", "Keys"),
        Binding("A", f"settle('{TAKE_A}')", "Take A"),
        Binding("B", f"settle('{TAKE_B}')", "Take B"),
        Binding("U", f"settle('{UNION}')", "Union"),
        Binding("c", "pick_code", "Edit…", priority=True),   # what is typed next goes in (OpensFields)
        Binding("u", "undo", "Undo"),
        Binding("ctrl+r", "redo", "Redo"),
        Binding("n", "next_open", "Unsettled"),
        Binding("f", "toggle_all", "All"),
        Binding("s", "choose", "Coders"),
        Binding("j", "step(1)", "Next", show=False),
        Binding("k", "step(-1)", "Prev", show=False),
        Binding("right_square_bracket", "scroll_texts(1)", "Scroll down", show=False),
        Binding("left_square_bracket", "scroll_texts(-1)", "Scroll up", show=False),
        Binding("full_stop", "details", "Attributes", show=False),
    ]
    COMMANDS = {CodePicker}
    PICK_PROMPT = "Consensus: type part of a label or an index…"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.history = History(session.conn, CONSENSUS)
        self.differing = True
        self.items: list[DoubleCoded] = []
        pairs = coder_pairs(session.conn)
        self.pair: tuple[str, str] | None = first_pair(session.conn, session.coder, pairs)
        self.coders = sorted({name for a, b, _ in pairs for name in (a, b)})
        self.start_blind_coding()

    def compose(self):
        with Horizontal(id="choices"):
            for side, name in zip("AB", self.pair or ("", "")):
                yield Label(side)
                select = CoderSelect(self.coders, value=name or Select.NULL, allow_blank=not name,
                                     id=f"coder-{side.lower()}", prompt="(none)", compact=True)
                _fit_to_choice(select)
                yield select
            yield Label("", id="progress")
        with Horizontal():
            yield OptionList(id="responses")
            with Vertical(id="right"):
                with Horizontal(id="texts"):
                    for side in "ab":
                        with Vertical(classes="coder"):
                            yield Label("", id=f"name-{side}")
                            yield ResponseView(id=f"view-{side}")
                with VerticalScroll(id="codes"):
                    yield Static("", id="table")
        yield KeyBar(palette=True)

    def on_mount(self) -> None:
        self._bind_codebook(load_codebook(self.conn))
        self.query_one(OptionList).focus()
        self.call_after_refresh(self.open_pair)   # once laid out: the views wrap to their width
        self._marker = change_marker(self.conn)
        self.set_interval(POLL_SECONDS, self.poll_changes)

    def _bind_codebook(self, codebook: Codebook) -> None:
        """Take the codebook's codes, colours and keys (each code key toggles its code in the consensus)."""
        self.codebook = codebook
        self.codes: dict[str, Code] = {c.id: c for c in codebook.codes}
        self.order = {c.id: i for i, c in enumerate(codebook.codes)}
        self.colours = code_colours(codebook)
        self.names = known_names(codebook)
        own = {b.key for b in self.BINDINGS} | {"escape"}
        self.keys = {k: code_id for k, code_id in assign_keys(codebook).items() if k not in own}
        self.active = [self.codes[code_id] for code_id in self.keys.values()]
        self.bind_code_keys(self.keys)

    async def on_screen_resume(self) -> None:
        """Opened again (the screen is kept, see CoderApp.action_open_screen), on the response it was
        left on: with coders who have coded since to choose from, codes added since bound to
        their keys, and coding done meanwhile listed."""
        keep = self.current.response_id if self.current else None
        pairs = coder_pairs(self.conn)
        names = sorted({name for a, b, _ in pairs for name in (a, b)})
        codebook = load_codebook(self.conn)
        new_codes = codebook != self.codebook
        if new_codes:
            self._bind_codebook(codebook)
        if names != self.coders:
            self.coders = names
            self.pair = self.pair or first_pair(self.conn, self.coder, pairs)
            await self.recompose()
            self.query_one(OptionList).focus()
            self.call_after_refresh(self.open_pair, keep)
        elif new_codes or change_marker(self.conn) != self._marker or self.blind:
            self.open_pair(keep)
        self._marker = change_marker(self.conn)

    def poll_changes(self) -> None:
        """Pick up coding by another process (a coder still at work, a merge) and list it."""
        marker = change_marker(self.conn)
        if marker != self._marker:
            self._marker = marker
            self.load(keep=self.current.response_id if self.current else None)

    # ----- what is shown

    @property
    def current(self) -> DoubleCoded | None:
        """The response under the cursor."""
        index = self.query_one(OptionList).highlighted
        return self.items[index] if self.items and index is not None else None

    def load(self, keep: str | None = None) -> None:
        """Read the responses the chosen coders both coded and list them (cursor on `keep`); none while
        the session's coder is one of them, still coding blind, and has not chosen to see them."""
        self.blind = self.still_blind()
        self.items = double_coded(self.conn, *self.pair, differing=self.differing) if self.pair and not self.blind \
            else []
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options([self._option(item) for item in self.items])
        ids = [item.response_id for item in self.items]
        listing.highlighted = ids.index(keep) if keep in ids else (0 if ids else None)
        self.refresh_bindings()
        self.show_current()

    def _option(self, item: DoubleCoded) -> Option:
        settled = "!" if item.outdated else "✓" if item.settled else ELSEWHERE if item.settled_elsewhere else " "
        # on one line: an id wider than the list wrapped under its marks
        return Option(f"{settled}{'≠' if item.differs else ' '} {shortened_id(item.response_id, LISTED_ID)}")

    def refresh_item(self, response_id: str) -> None:
        """Read one response again after a change to its consensus, and redraw it."""
        for index, item in enumerate(self.items):
            if item.response_id == response_id:
                self.items[index] = double_coded_response(self.conn, response_id, *self.pair)
                self.query_one(OptionList).replace_option_prompt_at_index(
                    index, self._option(self.items[index]).prompt)
        self.show_current()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_current()

    def show_current(self) -> None:
        """Draw the progress, both coders' views and the codes side by side."""
        settled = sum(item.settled for item in self.items)
        outdated = sum(item.outdated for item in self.items)
        elsewhere = sum(item.settled_elsewhere for item in self.items)
        what = "differing" if self.differing else "double-coded"
        self.query_one("#codes").set_class(bool(self.blind), "blind")
        if self.blind:
            self.show_blind(*self.blind)
            return
        self.query_one("#progress", Label).update(
            f"{settled} of {len(self.items)} settled ({what})"
            + (f", {outdated} changed since (!)" if outdated else "")   # fits 80 columns
            + (f", {elsewhere} for other coders ({ELSEWHERE})" if elsewhere else "") if self.pair
            else "No two coders have coded the same responses yet.")
        item = self.current
        response = get_response(self.conn, item.response_id) if item else None
        nothing = ("Nothing to settle: the coders agree on every response they both coded (f lists all)."
                   if self.pair else "Two coders have to code the same responses first.")
        for side, name, codings in zip("ab", self.pair or ("", ""), (item.a, item.b) if item else ([], [])):
            self.query_one(f"#name-{side}", Label).update(f"{side.upper()}: {name}")
            # Each coder's memo on the response: their reasons are what the lead settles by.
            memo = get_memo(self.conn, "response", item.response_id, name) if item and name else None
            self.query_one(f"#view-{side}", ResponseView).show(
                response, codings, self.codes, self.colours, [], memo, {}, name, nothing)
        self.query_one("#table", Static).update(self._codes_table(item) if item else MARKS)

    def _codes_table(self, item: DoubleCoded) -> Group:
        table = Table(box=None, padding=(0, 1))
        for header in ("key", "code", *self.pair, CONSENSUS):
            table.add_column(header, no_wrap=header != "code")
        key_of = {code_id: key for key, code_id in self.keys.items()}
        for code_id in sorted(item.code_ids(), key=lambda c: self.order.get(c, len(self.order))):
            a, b = _mark(item.a, code_id), _mark(item.b, code_id)
            table.add_row(key_of.get(code_id, ""), ("≠ " if a != b else "  ") + self.names.get(code_id, code_id),
                          a, b, _mark(item.consensus, code_id), style="bold" if a != b else None)
        if not item.settled_elsewhere:
            return Group(table, Text(f" {MARKS}", style="dim"))
        note = Text(f"{ELSEWHERE} This consensus was settled comparing {' and '.join(sorted(item.basis))}: "
                    "settling here replaces it.", style="bold")
        return Group(table, Padding(note, (0, 0, 0, 1)), Text(f" {MARKS}", style="dim"))

    # ----- keys

    def _write(self, write) -> None:
        """Run one settlement of the current response through the library; say why if it fails."""
        item = self.current
        if item is None:
            return
        try:
            write(item.response_id)
        except CoderError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=15)
            return
        self.refresh_item(item.response_id)
        self._marker = change_marker(self.conn)

    def action_settle(self, how: str) -> None:
        self._write(lambda rid: settle(self.conn, rid, *self.pair, how, self.coder))

    @property
    def coding_target(self) -> str | None:
        """The response a code key edits the consensus of: the one shown."""
        return self.current.response_id if self.current else None

    def applied_codes(self) -> dict[str, str]:
        """How each code is in the consensus of the response shown (code id -> 'whole' or 'span'):
        the picker marks those, as choosing one takes it out. (The default read the coding
        screen's panel: its coder's codes, not the consensus.)"""
        found: dict[str, str] = {}
        for coding in self.current.consensus if self.current else ():
            if found.get(coding.code_id) != "whole":
                found[coding.code_id] = "whole" if coding.start is None else "span"
        return found

    def toggle_code(self, code_id: str) -> None:
        """Add a code to the consensus on the current response, or take it out."""
        self._write(lambda rid: toggle_consensus_code(self.conn, rid, *self.pair, code_id, self.coder))

    def action_step(self, delta: int) -> None:
        listing = self.query_one(OptionList)
        if delta > 0:
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()

    def action_scroll_texts(self, delta: int) -> None:
        for view in self.query(ResponseView):
            if delta > 0:
                view.scroll_page_down(animate=False)
            else:
                view.scroll_page_up(animate=False)

    def action_details(self) -> None:
        for view in self.query(ResponseView):
            view.toggle_details()

    def action_next_open(self) -> None:
        at = self.query_one(OptionList).highlighted or 0
        order = list(range(at + 1, len(self.items))) + list(range(at + 1))
        index = next((i for i in order if not self.items[i].settled or self.items[i].outdated), None)
        if index is None:
            self.notify("Every response in the list is settled.")
        else:
            self.query_one(OptionList).highlighted = index

    def action_toggle_all(self) -> None:
        self.differing = not self.differing
        self.load(keep=self.current.response_id if self.current else None)

    def action_choose(self) -> None:
        select = self.query_one("#coder-a", Select)
        select.focus()
        select.action_show_overlay()

    def on_select_changed(self, event: Select.Changed) -> None:
        _fit_to_choice(event.select)
        a, b = (self.query_one(f"#coder-{side}", Select).value for side in "ab")
        if Select.NULL in (a, b) or (a, b) == self.pair:
            return
        if a == b:
            self.notify("Choose two different coders.", severity="warning")
            return
        self.pair = (a, b)
        self.app.clear_notifications()   # a "Not saved" about the last pair's response no longer applies
        self.open_pair()
        try:
            remember_pair(self.conn, self.coder, a, b)
        except CoderError as exc:   # a full disk, say: the pair holds for this session
            self.notify(f"The pair is not kept for next time: {exc}", severity="warning")

    def history_names(self) -> dict[str, str]:
        return self.names

    def after_history_step(self, event: Event) -> None:
        """Highlight the response the step changed and redraw its row."""
        rid = event.data.get("response_id")
        ids = [item.response_id for item in self.items]
        if rid in ids:
            self.query_one(OptionList).highlighted = ids.index(rid)
            self.refresh_item(rid)

    def action_keys(self) -> None:
        self.app.push_screen(HelpScreen([(k, self.codes[c]) for k, c in self.keys.items()], KEYS))


class CoderSelect(Select):
    """A coder chooser whose list is as wide as its longest name: it took the chooser's width, that
    of the name shown, and wrapped longer ones ("referen" over "ce")."""

    def __init__(self, names: list[str], **kwargs) -> None:
        super().__init__([(name, name) for name in names], **kwargs)
        self._list_width = min(max(map(len, names), default=0), 40) + 4

    def on_mount(self) -> None:
        self.query_one("SelectOverlay").styles.min_width = self._list_width


def _fit_to_choice(select: Select) -> None:
    """A coder chooser as wide as the name it shows (and its arrow): no name is cut short, and
    the progress beside the two takes the rest of the line."""
    shown = "(none)" if select.value == Select.NULL else str(select.value)
    select.styles.width = min(len(shown), 40) + 4
