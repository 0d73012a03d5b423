"""The coding screen: response list, response view, suggestions and codebook panel.

Every decision is committed through the library the moment a key is pressed.
Key handlers stay cheap: they update the one list row and the panels, never
reload the list. Writes by another process (a batch suggestion run) are picked
up by polling a change marker every two seconds.
"""

from __future__ import annotations

from typing import Callable

from textual import events
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input

from coder.coding import toggle_code
from coder.codebook.edit import settle_keys
from coder.codebook.keys import assign_keys
from coder.colours import code_colours
from coder.errors import CoderError
from coder.history import History
from coder.records import Code
from coder.store.browse import (ListFilter, change_marker, coded_counts, first_uncoded, last_worked_on,
                                row_summaries)
from coder.store.charts import charts_for_response
from coder.store.codebook_read import load_codebook
from coder.store.codings import codings_for_response
from coder.store.memos import memos_of, memos_on
from coder.store.responses import count_responses, get_response
from coder.store.suggestions import latest_code_f1, not_suggested_codes
from coder.suggest.queue import QueuedResponse
from coder.text_search import find
from coder.tui.code_picker import CodeKeyActions, CodePicker
from coder.tui.screens.coding_advance import AdvanceActions
from coder.tui.screens.coding_filters import FilterActions, SearchField
from coder.tui.screens.coding_history import CodingHistoryActions
from coder.tui.screens.coding_notes import NoteActions
from coder.tui.screens.coding_suggestions import SuggestionActions
from coder.tui.screens.help_screen import HelpScreen
from coder.tui.session import Session, UsesSession
from coder.tui.suggestions import suggestions_to_fit, visible_suggestions
from coder.tui.typing_ahead import OpensFields
from coder.tui.widgets.code_rules import SUGGESTED, CodeRules
from coder.tui.widgets.codebook_panel import CodebookPanel
from coder.tui.widgets.progress import ProgressLine
from coder.tui.widgets.response_list import ResponseList
from coder.tui.widgets.response_view import ResponseView
from coder.tui.widgets.suggestions_panel import SuggestionsPanel
from coder.tui.widgets.key_bar import KeyBar

POLL_SECONDS = 2.0
_NOTHING_SHOWN = object()


class CodingScreen(UsesSession, OpensFields, CodeKeyActions, NoteActions, FilterActions, CodingHistoryActions,
                   SuggestionActions, AdvanceActions, Screen):
    """The default screen: read, code, accept or reject suggestions."""

    DEFAULT_CSS = """
    CodingScreen { layout: horizontal; }
    ProgressLine { dock: top; }
    #left { width: 1fr; min-width: 20; max-width: 25%; }
    #center { width: 2fr; border-left: vkey $primary-muted; }
    CodebookPanel { min-width: 26; max-width: 34%; border-left: vkey $primary-muted; }
    #search { display: none; }
    #search.visible { display: block; }
    """
    BINDINGS = [
        # "? Keys" first: the footer is cut at the terminal's width, and the help it opens lists every key.
        Binding("question_mark", "help", "Keys"),
        Binding("j", "step(1)", "Next"),
        Binding("k", "step(-1)", "Prev", show=False),
        Binding("n", "next_uncoded", "Uncoded"),
        # Keys that open a field run as they arrive, so what is typed next goes in (OpensFields).
        Binding("c", "pick_code", "Code…", priority=True),
        Binding("enter", "accept", "Accept", show=False),
        Binding("A", "accept_all", "Accept all"),
        Binding("x", "reject", "Reject"),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+r", "redo", "Redo", show=False),
        Binding("m", "memo", "Memo", priority=True),
        Binding("M", "code_memo", "Code memo", show=False, priority=True),
        Binding("s", "chart", "Chart", priority=True),
        Binding("right_square_bracket", "sentence(1)", "Next sentence", show=False),
        Binding("left_square_bracket", "sentence(-1)", "Previous sentence", show=False),
        Binding("right_curly_bracket", "sentence(1, True)", "Add the next sentence", show=False),
        Binding("left_curly_bracket", "sentence(-1, True)", "Add the previous sentence", show=False),
        Binding("slash", "search", "Search", priority=True),
        Binding("f", "filter", "Filter"),
        Binding("ctrl+o", "toggle_everyone", "Everyone", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("full_stop", "details", "More about the response", show=False),
        Binding("shift+down", "scroll_text(3)", "Scroll the text down", show=False),
        Binding("shift+up", "scroll_text(-3)", "Scroll the text up", show=False),
        Binding("plus", "new_code", "New code", show=False, priority=True),
        Binding("ctrl+n", "toggle_auto_advance", "Auto-advance", show=False),
        Binding("q", "app.quit", "Quit"),
    ]
    COMMANDS = {CodePicker}

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.filter = ListFilter()
        self.everyone = False
        self.history = History(session.conn, session.coder)
        self._displayed: str | None | object = _NOTHING_SHOWN   # the response the view shows
        self._left_on: str | None = None   # the last response the list had under its cursor
        self.total = count_responses(session.conn)
        self.coded = 0
        self.per_theme: dict[str, int] = {}
        self.shown_suggestions: list = []
        self.queued: dict[str, QueuedResponse] = {}   # with "most uncertain first": the queue, in order
        self._marker: tuple = ()

    # ----- layout and loading

    def compose(self):
        # The three columns are the screen's own children, the top and bottom lines docked:
        # Textual draws every widget on the screen, all its rows, in every frame, so a
        # container costs each keypress a column of rows.
        yield ProgressLine(id="progress")
        yield KeyBar(palette=True)
        with Vertical(id="left"):
            yield ResponseList(self._rows, self._code_indexes, id="list")
            yield SearchField(placeholder="search text (enter)", id="search")
        with Vertical(id="center"):
            yield ResponseView(id="view")
            yield CodeRules(id="rules")
            yield SuggestionsPanel(id="suggestions")
        yield CodebookPanel(id="codebook")

    @property
    def scope(self) -> str | None:
        """Whose coding is shown: the coder's own (blind coding) or everyone's (None)."""
        return None if self.everyone else self.coder

    @property
    def coding_target(self) -> str | None:
        """The response a code key codes: the one under the list's cursor."""
        return self.response_list.current

    @property
    def response_list(self) -> ResponseList:
        return self.query_one(ResponseList)

    def on_mount(self) -> None:
        self.load_codebook()
        self.load_suggestion_figures()
        self.load_auto_advance()
        self.reload_list()
        self.resume_where_left_off()
        self.refresh_progress()
        self.response_list.focus()
        self._marker = change_marker(self.conn)
        self.set_interval(POLL_SECONDS, self.poll_changes)
        self.notify_drafts()
        self.notify_unfinished_run()

    def on_screen_resume(self) -> None:
        if self._marker and change_marker(self.conn) != self._marker:
            self.poll_changes()

    def load_codebook(self) -> None:
        """Read the codebook (keys settled on codes that had none), bind keys, draw the codebook panel."""
        self.codebook = settle_keys(self.conn)
        self.codes: dict[str, Code] = {c.id: c for c in self.codebook.codes}
        retired_themes = {t.id for t in self.codebook.themes if t.retired}
        self.active = [c for c in self.codebook.codes
                       if not c.retired and c.theme_id not in retired_themes]
        self.keys = assign_keys(self.codebook)
        self.bind_code_keys(self.keys)
        self.colours = code_colours(self.codebook)
        self.query_one(CodebookPanel).set_codebook(self.codebook, self.keys,
                                                   memos_of(self.conn, "code", self.coder))

    def load_suggestion_figures(self) -> None:
        """Each code's F1 from the latest evaluation, why the latest run left codes out,
        and the room the suggestions panel keeps."""
        self.f1 = latest_code_f1(self.conn)
        self.not_suggested = not_suggested_codes(self.conn)
        self.query_one(SuggestionsPanel).make_room(suggestions_to_fit(self.conn))

    def resume_where_left_off(self) -> None:
        """Put the cursor on the response this coder last worked on (the first one otherwise)."""
        rid = last_worked_on(self.conn, self.coder)
        if rid is not None and rid in self.response_list.ids:
            self.response_list.move_to(self.response_list.ids.index(rid))
            self.call_after_refresh(self.response_list.show_cursor)   # the list is laid out by then

    def refresh_progress(self, recount: bool = True) -> None:
        if recount:
            self.coded, self.per_theme = coded_counts(self.conn, self.coder)
        self.query_one(ProgressLine).show(self.coder, self.everyone, self.coded, self.total,
                                          self.per_theme, self.codebook,
                                          len(self.response_list.ids), self.filter.describe(),
                                          self.auto_advance)

    def _rows(self, ids: list[str]):
        return row_summaries(self.conn, ids, self.scope, self.coder)

    def _code_indexes(self, code_ids: tuple[str, ...]) -> str:
        return ",".join(self.codes[c].index if c in self.codes else c for c in code_ids)

    # ----- showing the current response

    def on_response_list_highlighted(self, event: ResponseList.Highlighted) -> None:
        if event.response_id != self._displayed:
            self.show_current()

    def show_current(self) -> None:
        """Draw the response under the cursor in the view, codebook and suggestions panels."""
        rid = self.response_list.current
        moved, self._displayed = rid != self._displayed, rid
        view = self.query_one(ResponseView)
        panel = self.query_one(SuggestionsPanel)
        if rid is None:
            view.show(None, [], self.codes, self.colours, [], None, {}, self.coder,
                      "No response matches the filter (escape clears it)." if self.total else
                      "This project has no responses yet: add them with `coder import`.")
            self.query_one(CodebookPanel).set_applied({})
            panel.show([], self.codes, self.colours, "", self.f1)
            return
        response = get_response(self.conn, rid)
        codings = codings_for_response(self.conn, rid, self.scope)
        state: dict[str, str] = {}
        for c in codings:
            if c.coder == self.coder:
                state[c.code_id] = "whole" if c.start is None or state.get(c.code_id) == "whole" else "span"
            else:
                state.setdefault(c.code_id, "others")
        self.shown_suggestions = visible_suggestions(self.conn, rid, self.coder, state, self.active)
        panel.show(self.shown_suggestions, self.codes, self.colours, response.text, self.f1)
        charts = {self._theme_index(t): text
                  for t, text in charts_for_response(self.conn, rid, self.coder).items()}
        matches = find(self.filter.text, response.text) if self.filter.text else []
        memos = memos_on(self.conn, "response", rid)
        own = memos.pop(self.coder, None)
        view.show(response, codings, self.codes, self.colours, self.highlighted_evidence(), own, charts, self.coder,
                  matches=matches, queued=self._queued_call(rid), others_memos=memos if self.everyone else None)
        self.query_one(CodebookPanel).set_applied(state)
        if panel.highlighted_code:
            # The top suggestion's rules in this frame: the panel's highlight message comes
            # after the frame is drawn, and showing them then took a second frame.
            self.show_rules(panel.highlighted_code, SUGGESTED)
        elif moved or self.query_one(CodeRules).why == SUGGESTED:
            # Never a suggestion of the last response (or one just accepted), titled "suggested",
            # over "Suggestions (none)"; a code just toggled here keeps its rules.
            under_cursor = self.query_one(CodebookPanel).highlighted_code
            if under_cursor:
                self.show_rules(under_cursor, "under the cursor")
            else:
                self.query_one(CodeRules).show_nothing("No suggestion here")

    def go_to(self, rid: str) -> None:
        """Put the cursor on response `rid` (for other screens), clearing a filter that hides it."""
        if rid not in self.response_list.ids:
            self._set_filter(ListFilter(), self.everyone)
        self.response_list.move_to(self.response_list.ids.index(rid))

    def _theme_index(self, theme_id: str) -> str:
        theme = next((t for t in self.codebook.themes if t.id == theme_id), None)
        return f"{theme.index} {theme.label}" if theme else theme_id

    def _own_codes(self, rid: str) -> set[str]:
        return {c.code_id for c in codings_for_response(self.conn, rid, self.coder)}

    def after_change(self, rid: str, before: set[str]) -> set[str]:
        """Update the list row, the panels and the progress after a write to one response;
        return the coder's codes on it now."""
        after = self._own_codes(rid)
        self.coded += bool(after) - bool(before)
        themes_before = {self.codes[c].theme_id for c in before if c in self.codes}
        themes_after = {self.codes[c].theme_id for c in after if c in self.codes}
        for theme in themes_before ^ themes_after:
            self.per_theme[theme] = self.per_theme.get(theme, 0) + (1 if theme in themes_after else -1)
        self.settle_queued(rid)
        self.response_list.invalidate([rid])
        if rid == self.response_list.current:
            self.show_current()
        self.refresh_progress(recount=False)
        self._marker = change_marker(self.conn)
        return after

    # ----- coding

    def on_codebook_panel_code_chosen(self, event: CodebookPanel.CodeChosen) -> None:
        self.toggle_code(event.code_id)

    def toggle_code(self, code_id: str) -> None:
        """Toggle a code on the current response, or on the selected text only."""
        rid = self.coding_target
        if rid is None:
            return
        view = self.query_one(ResponseView)
        span = view.selected_span()
        all_selected = span is None and view.has_selection()
        before = self._own_codes(rid)
        if not self.saved(lambda: toggle_code(self.conn, rid, code_id, self.coder,
                                              start=span[0] if span else None, end=span[1] if span else None)):
            return
        if span:
            self.clear_selection()
        if all_selected:
            self.notify("All of the text was selected, so the code went on the whole response.")
        applied = code_id in self.after_change(rid, before)
        # One reason either way (the chip line and the tree say which): a title that
        # alternated with every press of the same key repainted the bottom of the screen too.
        self.show_rules(code_id, "just applied/removed")
        if applied and not span and not all_selected:
            self.advance()

    def on_key(self, event: events.Key) -> None:
        """A key that does nothing here says so, and where the keys are listed."""
        # The screen's own bindings are looked up first: `active_bindings` gathers every
        # binding up the focus chain, a cost worth paying only for a key that may be unbound.
        if (event.is_printable and event.character and event.key not in self._bindings.key_to_bindings
                and event.key not in self.active_bindings and not isinstance(self.focused, Input)):
            self.notify(f"{event.character!r} does nothing here: ? lists the keys.", timeout=3)

    def action_details(self) -> None:
        """Unfold (or fold) the response's attributes line."""
        self.query_one(ResponseView).toggle_details()

    def action_scroll_text(self, lines: int) -> None:
        """Scroll the response text (when chips and a small terminal leave it a few lines)."""
        self.query_one(ResponseView).scroll_relative(y=lines, animate=False)

    def action_sentence(self, delta: int, extend: bool = False) -> None:
        """Select a sentence of the response (a code key then codes just it)."""
        self.query_one(ResponseView).step_sentence(delta, extend)

    def action_step(self, delta: int) -> None:
        self.response_list.action_move(delta)
        self._show_moved()

    def _show_moved(self) -> None:
        # Show the response now rather than on the list's Highlighted message, so the
        # list and the view are redrawn in one frame instead of two.
        if self.response_list.current != self._displayed:
            self.show_current()

    def action_next_uncoded(self) -> None:
        at = self.response_list.cursor
        position = first_uncoded(self.conn, self.response_list.ids, self.coder, start=at + 1)
        if position is None:
            self.notify("Every response in the list is coded.")
        elif position == at:
            self.notify("This is the only uncoded response in the list.")
        else:
            self.response_list.move_to(position)
            self._show_moved()

    def saved(self, write: Callable[[], object]) -> bool:
        """Run one write to the project; if it fails (a full disk, say), say why and return False.

        The project is then as it was: the decision was not made, and the coder
        can make it again once the cause is fixed.
        """
        try:
            write()
        except CoderError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=15)
            return False
        return True

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen([(k, self.codes[c]) for k, c in self.keys.items()]))

    # ----- another process writing

    def poll_changes(self) -> None:
        """Pick up writes by another process (suggestion runs, a second window)."""
        marker = change_marker(self.conn)
        if marker == self._marker:
            return
        self._marker = marker
        if load_codebook(self.conn) != self.codebook:
            self.load_codebook()
        else:
            self.query_one(CodebookPanel).set_code_memos(memos_of(self.conn, "code", self.coder))
        self.total = count_responses(self.conn)
        self.load_suggestion_figures()
        self.response_list.invalidate()
        self.show_current()
        self.refresh_progress()
