"""The codebook panel: themes and codes as a tree (index, key, applied mark, memo mark),
sub-codes nested under their code, the whole height of the screen; moving the cursor posts `CodeHighlighted` so the screen
shows that code's rules (`coder.tui.widgets.code_rules`)."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from coder.records import Code, Codebook
from coder.wording import shorten

# How a code stands on the current response: applied to all of it, to spans only,
# by other coders only (when showing everyone's coding), or not at all.
MARKS = {"whole": "☑", "span": "◩", "others": "◌", None: "☐"}
LABEL_MARGIN = 5   # the tree's guide and the panel's border, beside the longest label


class CodebookPanel(Tree[str]):
    """The framework as a tree: themes, their codes and sub-codes.

    The panel is the tree itself, not a container around one: Textual draws every
    widget on the screen, all its rows, in every frame, so a wrapper costs each
    keypress a whole column of rows.
    """

    DEFAULT_CSS = """
    CodebookPanel { height: 1fr; overflow-x: hidden; scrollbar-size-vertical: 1; }
    CodebookPanel > .tree--cursor { color: auto 100%; }
    CodebookPanel:focus > .tree--cursor { color: $cursor-text; }
    """

    class CodeHighlighted(Message):
        """The cursor moved onto a code in the tree."""

        def __init__(self, code_id: str) -> None:
            super().__init__()
            self.code_id = code_id

    class CodeChosen(Message):
        """The user pressed enter on (or clicked) a code in the tree."""

        def __init__(self, code_id: str) -> None:
            super().__init__()
            self.code_id = code_id

    def __init__(self, **kwargs) -> None:
        super().__init__("Codebook", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self._code_nodes: dict[str, TreeNode] = {}
        self._codes: dict[str, Code] = {}
        self._key_of: dict[str, str] = {}
        self._state: dict[str, str | None] = {}
        self._memos: dict[str, str] = {}
        self._room = 0   # cells a label may take in the tree (0: not laid out yet)
        self._theme_names: dict[str, str] = {}

    def set_codebook(self, codebook: Codebook, keys: dict[str, str], memos: dict[str, str]) -> None:
        """(Re)build the tree; retired codes and themes are left out."""
        self.clear()
        self._code_nodes.clear()
        self._codes = {c.id: c for c in codebook.codes}
        self._key_of = {code_id: key for key, code_id in keys.items()}
        self._memos = memos
        self._state = {}
        children = codebook.tree()
        depths = codebook.depths()
        longest = max((len(self._label(c, room=0)) + 2 * depths[c.id] for c in codebook.codes), default=20)
        self.styles.width = longest + LABEL_MARGIN
        for theme in codebook.themes:
            if theme.retired:
                continue
            self._theme_names[f"theme:{theme.id}"] = f"{theme.index} {theme.label}"
            node = self.root.add(Text(shorten(f"{theme.index} {theme.label}", self._room), style="bold"),
                                 data=f"theme:{theme.id}", expand=True)
            self._add_codes(node, children, theme.id, None)

    def _add_codes(self, parent: TreeNode, children: dict, theme_id: str, parent_id: str | None) -> None:
        """Add the codes directly under `parent_id` (None: the theme) and, nested, theirs."""
        for code in children.get((theme_id, parent_id), ()):
            if code.retired:
                continue
            if (theme_id, code.id) in children:
                node = parent.add(self._label(code), data=code.id, expand=True)
                self._add_codes(node, children, theme_id, code.id)
            else:
                node = parent.add_leaf(self._label(code), data=code.id)
            self._code_nodes[code.id] = node

    def _label(self, code: Code, room: int | None = None) -> Text:
        room = self._room if room is None else room
        mark = MARKS[self._state.get(code.id)]
        key = self._key_of.get(code.id, " ")
        memo = " ✎" if code.id in self._memos else ""
        name = shorten(f"{code.index} {code.label}", room - 4 - len(memo) if room else 0)
        return Text.assemble(mark, " ", (key, "bold reverse" if key != " " else ""), f" {name}{memo}")

    def on_resize(self) -> None:
        room = max(8, self.scrollable_content_region.width - 3)   # less the tree's guide
        if room != self._room:
            self._room = room
            for code_id, node in self._code_nodes.items():
                node.set_label(self._label(self._codes[code_id]))
            for node in self.root.children:
                theme = str(node.label).rstrip("…")
                node.set_label(Text(shorten(self._theme_names.get(node.data, theme), room + 1), style="bold"))

    @property
    def applied(self) -> dict[str, str]:
        """Code id -> how it is applied to the response shown ('whole', 'span' or 'others')."""
        return dict(self._state)

    def set_applied(self, state: dict[str, str]) -> None:
        """Mark codes as applied (code id -> 'whole' | 'span' | 'others'); relabel only changes."""
        for code_id in set(self._state) | set(state):
            if self._state.get(code_id) != state.get(code_id) and code_id in self._code_nodes:
                self._state[code_id] = state.get(code_id)
                self._code_nodes[code_id].set_label(self._label(self._codes[code_id]))
        self._state = {k: v for k, v in state.items() if v}

    def code_memo(self, code_id: str) -> str | None:
        """The coder's memo on a code, as the panel marks it."""
        return self._memos.get(code_id)

    def set_code_memos(self, memos: dict[str, str]) -> None:
        """The coder's memos on codes as they now are (written elsewhere, on F2 say): only the
        codes whose memo changed are drawn again."""
        for code_id in set(self._memos) | set(memos):
            if self._memos.get(code_id) != memos.get(code_id):
                self.set_code_memo(code_id, memos.get(code_id))

    def set_code_memo(self, code_id: str, memo: str | None) -> None:
        if memo:
            self._memos[code_id] = memo
        else:
            self._memos.pop(code_id, None)
        if code_id in self._code_nodes:
            self._code_nodes[code_id].set_label(self._label(self._codes[code_id]))

    @property
    def highlighted_code(self) -> str | None:
        node = self.cursor_node
        data = node.data if node is not None else None
        return data if data in self._codes else None

    @property
    def highlighted_theme(self) -> str | None:
        node = self.cursor_node
        if node is None or node.data is None:
            return None
        if node.data in self._codes:
            return self._codes[node.data].theme_id
        return node.data.removeprefix("theme:")

    def on_focus(self) -> None:
        """Focused with no cursor yet (tab from the list), the panel showed no cursor row and the
        first down went to theme 1: the cursor goes on the first code, as F2's tree has it."""
        if self.cursor_line < 0 and self._code_nodes:
            self.move_cursor(next(iter(self._code_nodes.values())), animate=False)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        if event.node.data in self._codes:
            self.post_message(self.CodeHighlighted(event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data in self._codes:
            self.post_message(self.CodeChosen(event.node.data))
