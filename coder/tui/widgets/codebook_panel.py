"""The codebook panel: themes and codes as a tree (index, key, applied mark) and the
highlighted code's definition, include and exclude rules (and why the latest suggestion
run did not suggest it, when it did not)."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from coder.records import Code, Codebook

# How a code stands on the current response: applied to all of it, to spans only,
# by other coders only (when showing everyone's coding), or not at all.
MARKS = {"whole": "☑", "span": "◩", "others": "◌", None: "☐"}


class CodebookPanel(Vertical):
    """Tree of the framework plus the rules of the highlighted code."""

    DEFAULT_CSS = """
    CodebookPanel Tree { height: 3fr; min-height: 5; }
    CodebookPanel #rules { height: 2fr; min-height: 4; border-top: solid $primary-muted; padding: 0 1; }
    """

    class CodeChosen(Message):
        """The user pressed enter on (or clicked) a code in the tree."""

        def __init__(self, code_id: str) -> None:
            super().__init__()
            self.code_id = code_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._code_nodes: dict[str, TreeNode] = {}
        self._codes: dict[str, Code] = {}
        self._key_of: dict[str, str] = {}
        self._state: dict[str, str | None] = {}
        self._memos: dict[str, str] = {}
        self._not_suggested: dict[str, str] = {}

    def compose(self):
        tree: Tree[str] = Tree("Codebook", id="tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree
        with VerticalScroll(id="rules"):
            yield Static(id="rules-text")

    @property
    def tree(self) -> Tree:
        return self.query_one("#tree", Tree)

    def set_codebook(self, codebook: Codebook, keys: dict[str, str], memos: dict[str, str]) -> None:
        """(Re)build the tree; retired codes and themes are left out."""
        tree = self.tree
        tree.clear()
        self._code_nodes.clear()
        self._codes = {c.id: c for c in codebook.codes}
        self._key_of = {code_id: key for key, code_id in keys.items()}
        self._memos = memos
        self._state = {}
        for theme in codebook.themes:
            if theme.retired:
                continue
            node = tree.root.add(Text(f"{theme.index} {theme.label}", style="bold"),
                                 data=f"theme:{theme.id}", expand=True)
            for code in codebook.codes_of(theme.id):
                if not code.retired:
                    self._code_nodes[code.id] = node.add_leaf(self._label(code), data=code.id)
        self._show_rules(self.highlighted_code)

    def _label(self, code: Code) -> Text:
        mark = MARKS[self._state.get(code.id)]
        key = self._key_of.get(code.id, " ")
        memo = " ✎" if code.id in self._memos else ""
        return Text.assemble(mark, " ", (key, "bold reverse" if key != " " else ""),
                                f" {code.index} {code.label}{memo}")

    def set_applied(self, state: dict[str, str]) -> None:
        """Mark codes as applied (code id -> 'whole' | 'span' | 'others'); relabel only changes."""
        for code_id in set(self._state) | set(state):
            if self._state.get(code_id) != state.get(code_id) and code_id in self._code_nodes:
                self._state[code_id] = state.get(code_id)
                self._code_nodes[code_id].set_label(self._label(self._codes[code_id]))
        self._state = {k: v for k, v in state.items() if v}

    def set_code_memo(self, code_id: str, memo: str | None) -> None:
        if memo:
            self._memos[code_id] = memo
        else:
            self._memos.pop(code_id, None)
        if code_id in self._code_nodes:
            self._code_nodes[code_id].set_label(self._label(self._codes[code_id]))
        self._show_rules(self.highlighted_code)

    def set_not_suggested(self, notes: dict[str, str]) -> None:
        """Codes the latest suggestion run could not suggest, with why (shown with their rules)."""
        self._not_suggested = notes
        self._show_rules(self.highlighted_code)

    @property
    def highlighted_code(self) -> str | None:
        node = self.tree.cursor_node
        data = node.data if node is not None else None
        return data if data in self._codes else None

    @property
    def highlighted_theme(self) -> str | None:
        node = self.tree.cursor_node
        if node is None or node.data is None:
            return None
        if node.data in self._codes:
            return self._codes[node.data].theme_id
        return node.data.removeprefix("theme:")

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        self._show_rules(event.node.data if event.node.data in self._codes else None)

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data in self._codes:
            self.post_message(self.CodeChosen(event.node.data))

    def _show_rules(self, code_id: str | None) -> None:
        text = self.query_one("#rules-text", Static)
        code = self._codes.get(code_id) if code_id else None
        if code is None:
            text.update(Content("Highlight a code to see its rules."))
            return
        parts: list = [(f"{code.index} {code.label}\n", "bold")]
        if code.definition:
            parts.append(code.definition + "\n")
        for title, rules in (("Include", code.include), ("Exclude", code.exclude)):
            if rules:
                parts.append((f"{title}:\n", "bold"))
                parts += [f" • {rule}\n" for rule in rules]
        if code.keywords:
            parts += [("Keywords: ", "bold"), ", ".join(code.keywords) + "\n"]
        if code_id in self._not_suggested:
            parts += [("Not suggested: ", "bold"), self._not_suggested[code_id] + "\n"]
        if code_id in self._memos:
            parts += [("Memo: ", "bold"), self._memos[code_id]]
        text.update(Content.assemble(*parts))
