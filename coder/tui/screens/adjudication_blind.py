"""Blind coding on the adjudication screen (F5): a coder of the pair does not see the other's coding
until they have coded the responses the other coded, unless they say (with `y`) they mean to.

A mixin of AdjudicationScreen: `still_blind` tells `load` whether to hide the comparison,
`open_pair` asks once per pair shown, `show_blind` draws what is shown instead, and
`check_action` leaves only the keys that choose coders, go back or list the keys.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from coder.adjudication import blind_to
from coder.tui.screens.codebook_forms import DeliberateConfirmDialog
from coder.tui.widgets.response_view import ResponseView

# The keys that work while the other coder's coding is hidden: settling, editing, undoing and
# moving through a list would act on (or show) what the session's coder must not see yet.
BLIND_ACTIONS = {"keys", "choose", "close"}


class BlindCoding:
    """The blind-coding guard of the adjudication screen (see the module docstring)."""

    def start_blind_coding(self) -> None:
        """Nothing seen or asked yet (called once, from the screen's __init__)."""
        # When the session's coder is one of the pair and the other has coded responses
        # they have not, (the other, how many); the other's coding is hidden unless they chose to see it.
        self.blind: tuple[str, int] | None = None
        self.seen: set[frozenset[str]] = set()   # pairs the session's coder confirmed they mean to see
        self._asked: frozenset[str] | None = None   # the pair they were asked about since F5 was opened

    def still_blind(self) -> tuple[str, int] | None:
        """(the other coder, how many responses they coded that the session's coder has not) while
        the session's coder is one of the pair, still coding blind, and has not chosen to see; else None."""
        return (blind_to(self.conn, self.coder, *self.pair)
                if self.pair and frozenset(self.pair) not in self.seen else None)

    def open_pair(self, keep: str | None = None) -> None:
        """Show the chosen pair (a pair chosen or the screen opened): `load`, then, if the session's
        coder is one of them and still coding blind, ask whether they mean to see the other's coding."""
        self.load(keep)
        if self.blind is None or self._asked == frozenset(self.pair):
            return
        other, left = self.blind
        pair = self._asked = frozenset(self.pair)

        def answered(yes: bool | None) -> None:
            if yes and self.pair is not None and frozenset(self.pair) == pair:
                self.seen.add(pair)
                self.load(keep)
        self.app.push_screen(DeliberateConfirmDialog(
            "Blind coding", f"You are {self.coder}, one of the two coders compared here, and {other} has coded "
            f"{left:,} response{'s' if left != 1 else ''} you have not coded yet. Seeing {other}'s coding now "
            f"ends your blind coding of them: what you code after it is no longer independent, and the "
            f"agreement measured on it overstates how far you agree. Code them first (F5 then shows "
            f"{other}'s coding), or have someone else settle your differences "
            f"(coder code PROJECT --coder NAME).\n\nSee {other}'s coding anyway?"), answered)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """While the other coder's coding is hidden (blind coding), only the keys that choose coders,
        go elsewhere or list the keys work, and the key bar lists only those."""
        return not self.blind or action in BLIND_ACTIONS

    def on_screen_suspend(self) -> None:
        """Left for another screen (not a dialog over this one): opened again, F5 asks again."""
        if not isinstance(self.app.screen, ModalScreen):
            self._asked = None

    def show_blind(self, other: str, left: int) -> None:
        """The pair's names and why the other's coding is not shown, in place of the comparison."""
        self.query_one("#progress", Label).update(f"Blind coding: {other}'s coding is hidden from you")
        why = (f"{other} has coded {left:,} response{'s' if left != 1 else ''} you have not coded yet: "
               f"{other}'s coding is shown once you have coded them, so that your coding stays blind.")
        for side, name in zip("ab", self.pair):
            self.query_one(f"#name-{side}", Label).update(f"{side.upper()}: {name}")
            self.query_one(f"#view-{side}", ResponseView).show(
                None, [], self.codes, self.colours, [], None, {}, name, why if name == self.coder else
                f"{other}'s coding: hidden")
        self.query_one("#table", Static).update(
            Text("s chooses other coders; escape goes back to coding, and F5 then asks again whether to show it."))
