"""The codebook screen (F2): browse the framework and change it from the keyboard.

Every change goes through `coder.codebook.edit` (the codebook store), which
writes it in one transaction and logs it as a `codebook.*` event; the coding
screen picks the new codebook up (panel and keys) when it is shown again.
`u` / `ctrl+r` undo and redo the coder's changes here as on the coding screen.
"""

from __future__ import annotations

from typing import Callable

from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Static, Tree

from coder.codebook.edit import (check_index_free, move_code_to_theme, new_code, new_theme, next_code_index,
                                 next_theme_index)
from coder.errors import CoderError
from coder.history import History, known_names
from coder.notes import memo_note, read_note
from coder.records import Code, Codebook, Theme
from coder.store.code_merge import merge_codes
from coder.store.codebook import (delete_unused_code, move_code, reorder_themes, set_code_retired,
                                  set_theme_retired, update_code, update_theme)
from coder.store.browse import change_marker
from coder.store.codebook_read import load_codebook, responses_per_code
from coder.store.codings import code_use
from coder.store.events import Event
from coder.wording import counted
from coder.colours import code_colours
from coder.codebook.keys import assign_keys
from coder.tui.screens.codebook_forms import ChoiceDialog, ConfirmDialog, RecordForm
from coder.tui.screens.record_fields import checked_code_values, code_fields, theme_fields
from coder.tui.screens.coding_history import HistoryActions
from coder.tui.screens.note_editing import NoteEditing
from coder.tui.screens.side_screen import SideScreen
from coder.tui.session import Session, UsesSession
from coder.tui.typing_ahead import OpensFields
from coder.tui.widgets.codebook_tree import THEME_PREFIX, CodebookTree
from coder.tui.widgets.key_bar import KeyBar


class CodebookScreen(UsesSession, OpensFields, HistoryActions, NoteEditing, SideScreen):
    """Themes and codes (retired ones dimmed) with the highlighted one's full record."""

    DEFAULT_CSS = """
    CodebookScreen #codebook-main { height: 1fr; }
    CodebookScreen #codebook-tree { width: 1fr; min-width: 30; overflow-x: hidden;
                                    scrollbar-size-vertical: 1; }
    CodebookScreen #details { width: 1fr; border-left: vkey $primary-muted; padding: 0 1; }
    CodebookScreen.-wide #codebook-tree { max-width: 80; }
    CodebookScreen #codebook-summary { height: auto; max-height: 2; background: $panel; color: $foreground;
                                        padding: 0 1; }
    """
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        # Keys that open a field run as they arrive, so what is typed next goes in (OpensFields).
        # A tooltip is what `?` says of the key (the bar's word alone said little: "v Move").
        Binding("a", "add_code", "Add code", priority=True, tooltip="add a code to the highlighted theme"),
        Binding("t", "add_theme", "Add theme", priority=True),
        Binding("e", "edit", "Edit", priority=True, tooltip="edit the highlighted theme or code: label, index, "
                "definition, rules, keywords, colour, key"),
        Binding("m", "memo", "Memo", priority=True, tooltip="your memo on the highlighted theme or code"),
        Binding("v", "move", "Move", tooltip="move the highlighted code to another theme"),
        Binding("g", "merge", "Merge", tooltip="merge the highlighted code into another: its codings move "
                "(u gives them back)"),
        Binding("r", "retire", "Retire", tooltip="retire the theme or code (kept in the data, offered no more), "
                "or bring it back"),
        Binding("D", "delete", "Delete", tooltip="delete a code nobody has coded with"),
        Binding("K", "shift(-1)", "Move up", tooltip="move up among its theme's codes (or the themes); its "
                "index stays"),
        Binding("J", "shift(1)", "Move down", tooltip="move down among its theme's codes (or the themes); its "
                "index stays"),
        Binding("u", "undo", "Undo", tooltip="undo your last change (of any kind, as on the coding screen)"),
        Binding("ctrl+r", "redo", "Redo", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.codebook: Codebook = load_codebook(session.conn)
        self.used: dict[str, int] = {}  # code id -> responses coded with it (all coders, as results pool them)
        self.keys: dict[str, str] = {}  # code id -> the key that applies it on the coding screen
        self._order: list[str] = []  # node data (code id or theme:<id>) in tree line order
        self._marker: tuple = ()     # the project as last read (change_marker)
        self.history = History(session.conn, session.coder)

    def compose(self):
        yield Static(id="codebook-summary")
        with Horizontal(id="codebook-main"):
            yield CodebookTree(id="codebook-tree")
            with VerticalScroll(id="details"):
                yield Static(id="details-text")
        yield KeyBar(palette=True)

    @property
    def tree(self) -> CodebookTree:
        return self.query_one(CodebookTree)

    def on_mount(self) -> None:
        self.reload()
        self.tree.focus()

    def on_screen_resume(self) -> None:
        """Back from a form, or opened again (the screen is kept, see CoderApp.action_open_screen):
        read again if the codebook or the coding (its counts) changed meanwhile."""
        if change_marker(self.conn) != self._marker or load_codebook(self.conn) != self.codebook:
            self.reload(self.highlighted)

    # ----- drawing

    def reload(self, keep: str | None = None) -> None:
        """Read the codebook again, redraw the tree and put the cursor on `keep` (a node's data)."""
        self._marker = change_marker(self.conn)
        self.codebook = load_codebook(self.conn)
        self.used = responses_per_code(self.conn)
        self.keys = {code_id: key for key, code_id in assign_keys(self.codebook).items()}
        tree = self.tree
        self._order = tree.show(self.codebook, self.used, self.keys, code_colours(self.codebook))
        retired = sum(c.retired for c in self.codebook.codes)
        self.query_one("#codebook-summary", Static).update(
            f"{self.codebook.name or 'Codebook'}: {counted(len(self.codebook.themes), 'theme')}, "
            f"{counted(len(self.codebook.codes), 'code')} ({retired} retired) · (n) = responses with the code")
        if self._order:
            line = self._order.index(keep) if keep in self._order else min(1, len(self._order) - 1)
            tree.move_cursor_to_line(line)
            if not tree.size.height:   # not laid out yet: it scrolled as if no line fitted
                self.call_after_refresh(self._show_cursor_from_top)
        self.show_details()

    def history_names(self) -> dict[str, str]:
        return known_names(self.codebook)

    def after_history_step(self, event: Event) -> None:
        """Redraw, with the cursor on the code or theme the step changed (if it shows)."""
        target = event.data.get("target", event.target)
        nodes = (target, THEME_PREFIX + target)     # a code's node, a theme's
        self.reload(next((node for node in nodes if node in self._order), self.highlighted))

    def _show_cursor_from_top(self) -> None:
        """Scroll the tree to its top, then only as far as the cursor needs (its theme stays in view)."""
        self.tree.scroll_home(animate=False, immediate=True)
        if self.tree.cursor_node is not None:
            self.tree.scroll_to_node(self.tree.cursor_node, animate=False)

    @property
    def highlighted(self) -> str | None:
        """The data of the node under the cursor: a code id or `theme:<id>`."""
        node = self.tree.cursor_node
        return node.data if node is not None else None

    def highlighted_code(self) -> Code | None:
        return next((c for c in self.codebook.codes if c.id == self.highlighted), None)

    def highlighted_theme(self) -> Theme | None:
        """The highlighted theme, or the theme of the highlighted code."""
        data = self.highlighted or ""
        code = self.highlighted_code()
        theme_id = code.theme_id if code else data.removeprefix(THEME_PREFIX)
        return next((t for t in self.codebook.themes if t.id == theme_id), None)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        self.show_details()

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        self.action_edit()

    def show_details(self) -> None:
        """Show every field of the highlighted code or theme."""
        code, theme = self.highlighted_code(), self.highlighted_theme()
        target = self.query_one("#details-text", Static)
        if code is not None:
            target.update(self._code_details(code, theme))
        elif theme is not None:
            codes = self.codebook.codes_of(theme.id)
            target.update(Content.assemble(
                (f"Theme {theme.index} {theme.label}\n", "bold"),
                f"id {theme.id} · {counted(len(codes), 'code')} ({sum(c.retired for c in codes)} retired)"
                + (" · retired" if theme.retired else "") + "\n\n",
                theme.description or ("No description (e to edit).", "italic"), *self._memo_lines("theme", theme.id)))
        else:
            target.update(Content("No themes yet: press t to add one."))

    def _code_details(self, code: Code, theme: Theme) -> Content:
        key = self.keys.get(code.id)
        key_text = f"{key} (stays with the code; e changes it)" if key else "none (apply it with c)"
        parts: list = [(f"{code.index} {code.label}\n", "bold"),
                       f"id {code.id} · theme {theme.index} {theme.label}\n",
                       f"key {key_text} · colour {code.color or 'automatic'} · "
                       f"{counted(self.used.get(code.id, 0), 'response')} coded"
                       + (" · retired" if code.retired else "") + "\n\n"]
        parts.append(code.definition or ("No definition.", "italic"))
        parts.append("\n")
        for title, items in (("Include", code.include), ("Exclude", code.exclude)):
            if items:
                parts.append((f"\n{title}:\n", "bold"))
                parts += [f" • {item}\n" for item in items]
        if code.keywords:
            parts += [("\nKeywords: ", "bold"), ", ".join(code.keywords)]
        return Content.assemble(*parts, *self._memo_lines("code", code.id))

    def _memo_lines(self, kind: str, target: str) -> list:
        """The coder's memo on a theme or code, under its record (m writes it)."""
        memo = read_note(self.conn, memo_note(kind, target), self.coder)
        return [("\n\nYour memo (m):\n", "bold"), memo] if memo else []

    # ----- changing the codebook

    def _apply(self, change: Callable[[], object], keep: str | None) -> None:
        """Run one change through the library; report its error or redraw."""
        try:
            change()
        except CoderError as exc:
            self.notify(str(exc), severity="error")
            return
        self.reload(keep)

    def action_add_theme(self) -> None:
        def save(values: dict) -> None:
            theme = new_theme(self.conn, values["label"], self.coder,
                                   description=values["description"], index=values["index"] or None)
            self.reload(THEME_PREFIX + theme.id)
        self.app.push_screen(RecordForm("New theme", theme_fields(None, next_theme_index(
            self.codebook)), save))

    def action_add_code(self) -> None:
        theme = self.highlighted_theme()
        if theme is None:
            self.notify("Add a theme first (t).", severity="warning")
            return

        def save(values: dict) -> None:
            fields = checked_code_values(values, None, self.codebook)
            index = fields.pop("index") or None
            code = new_code(self.conn, theme.id, fields.pop("label"), self.coder,
                                 index=index, **fields)
            self.reload(code.id)
        self.app.push_screen(RecordForm(f"New code in theme {theme.index} {theme.label}",
                                        code_fields(None, next_code_index(self.codebook, theme.id)),
                                        save))

    def action_edit(self) -> None:
        code, theme = self.highlighted_code(), self.highlighted_theme()
        if code is not None:
            def save_code(values: dict) -> None:
                if not values["index"]:
                    raise CoderError("the index cannot be empty (e.g. 1.4)")
                update_code(self.conn, code.id, self.coder,
                                 **checked_code_values(values, code, self.codebook))
                self.reload(code.id)
            self.app.push_screen(RecordForm(f"Edit code {code.index} {code.label}",
                                            code_fields(code, code.index), save_code))
        elif theme is not None:
            def save_theme(values: dict) -> None:
                if not values["index"]:
                    raise CoderError("the index cannot be empty (e.g. 3)")
                check_index_free(self.codebook, values["index"], theme.id)
                update_theme(self.conn, theme.id, self.coder, **values)
                self.reload(THEME_PREFIX + theme.id)
            self.app.push_screen(RecordForm(f"Edit theme {theme.index} {theme.label}",
                                            theme_fields(theme, theme.index), save_theme))

    def action_move(self) -> None:
        code = self.highlighted_code()
        if code is None:
            self.notify("Highlight a code to move it to another theme.", severity="warning")
            return
        themes = [(f"{t.index} {t.label}", t.id) for t in self.codebook.themes
                  if t.id != code.theme_id]
        if not themes:
            self.notify("There is no other theme to move it to (t adds one).", severity="warning")
            return

        def done(theme_id: str | None) -> None:
            if theme_id is not None:
                self._apply(lambda: move_code_to_theme(self.conn, code.id, theme_id, self.coder), code.id)
        self.app.push_screen(ChoiceDialog(
            f"Move code {code.index} {code.label} to theme…",
            "It goes to the end of that theme; an index numbered after its old theme is renumbered.",
            themes), done)

    def action_merge(self) -> None:
        code = self.highlighted_code()
        if code is None:
            self.notify("Highlight the code to merge into another.", severity="warning")
            return
        if any(c.parent_id == code.id for c in self.codebook.codes):
            self.notify(f"{code.index} {code.label} has sub-codes: move or merge them first.", severity="warning")
            return
        targets = [(f"{c.index} {c.label}", c.id) for c in self.codebook.codes
                   if c.id != code.id and not c.retired]

        def chosen(target_id: str | None) -> None:
            if target_id is None:
                return
            target = next(c for c in self.codebook.codes if c.id == target_id)
            # Every coder's codings move, settled ones too: the count of results (consensus in
            # place of the coders' own, as the tree shows) said 3 responses where 5 changed.
            codings, responses = code_use(self.conn, code.id)

            def confirmed(yes: bool) -> None:
                if yes:
                    self._apply(lambda: self._merge(code, target), target.id)
            self.app.push_screen(ConfirmDialog(
                "Merge codes",
                f"Merge {code.index} {code.label} into {target.index} {target.label}?\n"
                f"Its {counted(codings, 'coding')} on {counted(responses, 'response')} (every coder's) "
                f"go to {target.index} {target.label}, and {code.label} is retired."), confirmed)
        self.app.push_screen(ChoiceDialog(f"Merge code {code.index} {code.label} into…",
                                          "Choose the code that stays.", targets), chosen)

    def _merge(self, code: Code, target: Code) -> None:
        result = merge_codes(self.conn, code.id, target.id, self.coder)
        self.notify(f"Merged {code.label} into {target.label}: {result['moved']} codings moved, "
                    f"{result['dropped']} duplicates dropped; {code.label} retired (u takes it back).")

    def action_memo(self) -> None:
        """Write the coder's memo on the highlighted code or theme (as `M` on the coding screen does)."""
        code, theme, keep = self.highlighted_code(), self.highlighted_theme(), self.highlighted
        if code is not None:
            note, title = memo_note("code", code.id), f"Memo on code {code.index} {code.label}"
        elif theme is not None:
            note, title = memo_note("theme", theme.id), f"Memo on theme {theme.index} {theme.label}"
        else:
            self.notify("Highlight a code or theme to write its memo.", severity="warning")
            return
        self.edit_note(note, title, lambda: self.reload(keep))

    def action_retire(self) -> None:
        code, theme = self.highlighted_code(), self.highlighted_theme()
        if code is not None:
            self._apply(lambda: set_code_retired(self.conn, code.id, not code.retired,
                                                      self.coder), code.id)
        elif theme is not None:
            self._apply(lambda: set_theme_retired(self.conn, theme.id, not theme.retired,
                                                       self.coder), THEME_PREFIX + theme.id)

    def action_delete(self) -> None:
        """Delete a code nobody has coded with (a code in use can only be retired)."""
        code = self.highlighted_code()
        if code is None:
            self.notify("Highlight a code to delete it.", severity="warning")
            return
        if self.used.get(code.id):
            self.notify(f"{code.label} has codings: retire it (r) instead.", severity="warning")
            return
        before = self._order[self._order.index(code.id) - 1]

        def confirmed(yes: bool) -> None:
            if yes:
                self._apply(lambda: delete_unused_code(self.conn, code.id, self.coder), before)
        self.app.push_screen(ConfirmDialog("Delete code", f"Delete {code.index} {code.label}? "
                                           "Nobody has coded with it."), confirmed)

    def action_shift(self, delta: int) -> None:
        """Move the highlighted code (within its theme) or theme one place up or down."""
        code, theme = self.highlighted_code(), self.highlighted_theme()
        if code is not None:
            siblings = [c.id for c in self.codebook.codes_of(code.theme_id)]
            at = siblings.index(code.id) + delta
            if 0 <= at < len(siblings):
                self._apply(lambda: move_code(self.conn, code.id, code.theme_id, self.coder,
                                                   position=at), code.id)
        elif theme is not None:
            order = [t.id for t in self.codebook.themes]
            at = order.index(theme.id) + delta
            if 0 <= at < len(order):
                order.insert(at, order.pop(order.index(theme.id)))
                self._apply(lambda: reorder_themes(self.conn, order, self.coder),
                            THEME_PREFIX + theme.id)

