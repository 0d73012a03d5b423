"""Sub-codes another program moved to the top level of a codebook, put back where the project has them.

QualCoder has no category under a code: a non-codable sub-code (coder's
"Weighting" under "Caseload") comes back from it at the top level, its `Id:`
line naming one of the project's codes. With sub-codes of its own a .qdc reads
it as a theme (coder.codebook.qdc), and a theme cannot take a code's id;
without, as a code of the theme "Ungrouped codes". Each goes back under its
parent code where the file has that one (in whichever theme the file puts
it), else directly under its theme, among its siblings after the one the
project has before it; a theme's codes go with it, those directly under it as
its sub-codes. What a theme has no field for (rules, keywords, key) stays as
the project has it, and an "Ungrouped codes" left empty is dropped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from coder.codebook.qdc import UNGROUPED_THEME_ID
from coder.codebook.refi_text import file_order
from coder.errors import InputError
from coder.records import Code, Codebook, Theme


def put_back_lifted_codes(codebook: Codebook, themes: dict[str, Theme], codes: dict[str, Code],
                          source: str) -> Codebook:
    """`codebook` with the project's sub-codes it has at the top level back in their place: each
    theme whose id is one of the project's `codes`, and each code directly under "Ungrouped codes"
    without sub-codes that is a sub-code in the project (the project's `themes` and `codes` by id).

    InputError naming `source` (the file) and the category where the file has
    neither the code's parent code nor its theme.
    """
    lifted = {t.id: t for t in codebook.themes if t.id in codes}
    parents = {c.parent_id for c in codebook.codes}
    stray = {c.id: c for c in codebook.codes if c.theme_id == UNGROUPED_THEME_ID and c.parent_id is None
             and c.id not in parents and c.id in codes and codes[c.id].parent_id is not None}
    if not lifted and not stray:
        return codebook
    places = _Places(codebook, lifted, stray, themes, codes, source)
    children: dict[tuple[str, str | None], list[Code]] = defaultdict(list)
    for code in codebook.codes:
        if code.theme_id in lifted:
            code = replace(code, theme_id=places.theme(code.theme_id), parent_id=code.parent_id or code.theme_id)
        if code.id not in stray:
            children[(code.theme_id, code.parent_id)].append(code)
    for moved in (*lifted.values(), *stray.values()):
        known = codes[moved.id]
        theme_id, parent_id = places.place(moved.id)
        siblings = children[(theme_id, parent_id)]
        before = {c.id for c in codes.values() if (c.theme_id, c.parent_id) == (known.theme_id, known.parent_id)
                  and c.position < known.position}
        at = max((n + 1 for n, c in enumerate(siblings) if c.id in before), default=0)
        back = replace(moved, theme_id=theme_id, parent_id=parent_id) if isinstance(moved, Code) else replace(
            known, theme_id=theme_id, parent_id=parent_id, index=moved.index, label=moved.label,
            definition=moved.description, color=moved.color, retired=moved.retired, codable=moved.codable)
        siblings.insert(at, back)
    kept = tuple(code for group in children.values() for code in group)
    emptied = {UNGROUPED_THEME_ID} - {code.theme_id for code in kept} if stray else set()
    grouped = replace(codebook, codes=kept,
                      themes=tuple(t for t in codebook.themes if t.id not in lifted.keys() | emptied))
    return replace(grouped, codes=tuple(r for r in file_order(grouped) if isinstance(r, Code)))


class _Places:
    """Where each moved one (a lifted theme's id, a stray code's) goes back to: (theme, parent code)."""

    def __init__(self, codebook: Codebook, lifted: dict[str, Theme], stray: dict[str, Code],
                 themes: dict[str, Theme], codes: dict[str, Code], source: str):
        self.lifted, self.moved, self.codes, self.source = lifted, lifted.keys() | stray.keys(), codes, source
        self.theme_of = {c.id: c.theme_id for c in codebook.codes}
        self.kept = {t.id for t in codebook.themes} - lifted.keys()
        self.labels = {r.id: r.label for r in (*themes.values(), *codes.values())}
        self.names = {r.id: r.label for r in (*lifted.values(), *stray.values())}
        self.places: dict[str, tuple[str, str | None]] = {}

    def place(self, moved_id: str, trail: frozenset[str] = frozenset()) -> tuple[str, str | None] | None:
        """(theme, parent code) for a moved one; None where its parent is inside it in the file
        (`trail`: the moved ones being placed)."""
        if moved_id in trail:
            return None
        if moved_id not in self.places:
            code = self.codes[moved_id]
            under = self.code_theme(code.parent_id, trail | {moved_id}) if code.parent_id else None
            if under:
                self.places[moved_id] = (under, code.parent_id)
            elif code.theme_id in self.kept:
                self.places[moved_id] = (code.theme_id, None)
            else:
                raise InputError(
                    f"the top-level category {self.names[moved_id]!r} (Id: {moved_id}) is a code of this "
                    f"project, under {self.labels[code.parent_id or code.theme_id]!r}, which the file does not have",
                    file=self.source or None, hint="put it back there in the program that made the file, "
                    "or give it an Id: line of its own to import it as a new theme")
        return self.places[moved_id]

    def theme(self, theme_id: str, trail: frozenset[str] = frozenset()) -> str | None:
        """The theme the codes of the file's theme `theme_id` end up in."""
        if theme_id not in self.lifted:
            return theme_id
        spot = self.place(theme_id, trail)
        return spot and spot[0]

    def code_theme(self, code_id: str, trail: frozenset[str]) -> str | None:
        """The theme the code `code_id` ends up in; None where the file does not have it."""
        if code_id in self.moved:
            spot = self.place(code_id, trail)
            return spot and spot[0]
        return self.theme(self.theme_of[code_id], trail) if code_id in self.theme_of else None
