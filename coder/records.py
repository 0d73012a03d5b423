"""Plain records passed between the store and the rest of the library.

Frozen dataclasses, so a record read from the project cannot be changed behind
the store's back; build a new one with `dataclasses.replace` to change it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Response:
    """One respondent's answer: their own id, the text, and attribute values."""

    id: str
    text: str
    position: int = 0
    attributes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Theme:
    """A theme of the framework (a top-level group of codes).

    `codable`: whether the program a codebook came from let codings go on the
    category itself (REFI isCodable), kept as it came and written back; coder
    codes only codes, and puts codings made on a theme elsewhere on a code
    "<theme> (general)" (coder.refi.reader). Themes coder makes are not codable.
    `color`: the category's colour where a codebook gave one.
    """

    id: str
    index: str
    label: str
    description: str = ""
    position: int = 0
    retired: bool = False
    codable: bool = False
    color: str | None = None


@dataclass(frozen=True)
class Code:
    """A code of the framework, with the rules coders apply it by.

    `parent_id`: the code this one is a sub-code of (any depth), None for a code
    directly under its theme; a sub-code has its parent's theme. `codable` as a
    REFI codebook had it (a category of sub-codes may be isCodable="false").
    """

    id: str
    theme_id: str
    index: str
    label: str
    definition: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    color: str | None = None
    key: str | None = None
    position: int = 0
    retired: bool = False
    parent_id: str | None = None
    codable: bool = True


@dataclass(frozen=True)
class Codebook:
    """A whole framework: themes in order and codes in order within them."""

    name: str
    themes: tuple[Theme, ...]
    codes: tuple[Code, ...]
    version: str = ""
    method: str = ""

    def codes_of(self, theme_id: str) -> list[Code]:
        """The codes of one theme, in framework order."""
        return [c for c in self.codes if c.theme_id == theme_id]

    def tree(self) -> dict[tuple[str, str | None], list[Code]]:
        """(theme id, parent code id or None) -> the codes directly there, in framework order.

        A code whose parent is missing or under another theme sits directly under its theme.
        """
        themes = {c.id: c.theme_id for c in self.codes}
        children: dict[tuple[str, str | None], list[Code]] = {}
        for code in self.codes:
            parent = code.parent_id if themes.get(code.parent_id) == code.theme_id else None
            children.setdefault((code.theme_id, parent), []).append(code)
        return children

    def depths(self) -> dict[str, int]:
        """Each code's id -> 0 directly under its theme, 1 for its sub-codes, and so on."""
        return tree_depths({c.id: c.parent_id for c in self.codes})

    def roll_up(self) -> dict[str, str]:
        """Each code's id -> the id of its ancestor directly under the theme (itself for those)."""
        parents = {c.id: c.parent_id for c in self.codes}
        top: dict[str, str] = {}
        for code_id in parents:
            root, steps = code_id, 0
            while parents.get(root) is not None and steps <= len(parents):
                root, steps = parents[root], steps + 1
            top[code_id] = root
        return top


# Where a coding came from (the codings table's CHECK): coded by hand, accepted from a
# suggestion, imported from a file, or settled in adjudication.
ORIGINS = ("manual", "accepted", "imported", "consensus")


@dataclass(frozen=True)
class Coding:
    """A human decision: `code_id` applies to a response (or a span of it)."""

    response_id: str
    code_id: str
    coder: str
    start: int | None = None
    end: int | None = None
    origin: str = "manual"
    created_at: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Suggestion:
    """Machine output: `code_id` is suggested when `score >= threshold`."""

    response_id: str
    code_id: str
    score: float
    threshold: float
    engine: str
    evidence: dict = field(default_factory=dict)
    run_id: int | None = None


def tree_depths(parents: dict[str, str | None]) -> dict[str, int]:
    """Each id -> how many of its ancestors are among `parents` (id -> parent id or None):
    0 for a root or an id whose parent is not listed. A cycle ends the count where it closes."""
    depth: dict[str, int] = {}
    for start in parents:
        path, node = [], start
        while node is not None and node not in depth and node in parents and len(path) <= len(parents):
            path.append(node)
            node = parents[node]
        below = depth.get(node, -1) if node is not None else -1
        for n, step in enumerate(reversed(path), start=1):
            depth[step] = below + n
    return depth
