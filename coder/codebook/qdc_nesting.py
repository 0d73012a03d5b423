"""Codes another program moved to the top level of a codebook, put back where the project has them.

QualCoder has no category under a code: a non-codable sub-code with sub-codes of
its own (coder's "Weighting" under "Caseload") comes back from it at the top
level, which a .qdc reads as a theme (coder.codebook.qdc), its `Id:` line
naming one of the project's codes; and a theme cannot take a code's id. Such a
theme is made that code again, under its parent code where the file has that
one (in whichever theme the file puts it), else directly under its theme, among
its siblings after the one the project has before it. Its codes go with it,
those directly under it as its sub-codes. What a theme has no field for (rules,
keywords, key) stays as the project has it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from coder.codebook.refi_text import file_order
from coder.errors import InputError
from coder.records import Code, Codebook, Theme


def put_back_lifted_codes(codebook: Codebook, themes: dict[str, Theme], codes: dict[str, Code],
                          source: str) -> Codebook:
    """`codebook` with each theme whose id is one of the project's `codes` that code again (the
    project's `themes` and `codes` by id).

    InputError naming `source` (the file) and the category where the file has
    neither the code's parent code nor its theme.
    """
    lifted = {t.id: t for t in codebook.themes if t.id in codes}
    if not lifted:
        return codebook
    places = _places(codebook, lifted, themes, codes, source)
    children: dict[tuple[str, str | None], list[Code]] = defaultdict(list)
    for code in codebook.codes:
        if code.theme_id in lifted:
            code = replace(code, theme_id=places[code.theme_id][0], parent_id=code.parent_id or code.theme_id)
        children[(code.theme_id, code.parent_id)].append(code)
    for theme in lifted.values():
        known = codes[theme.id]
        theme_id, parent_id = places[theme.id]
        siblings = children[(theme_id, parent_id)]
        before = {c.id for c in codes.values() if (c.theme_id, c.parent_id) == (known.theme_id, known.parent_id)
                  and c.position < known.position}
        at = max((n + 1 for n, c in enumerate(siblings) if c.id in before), default=0)
        siblings.insert(at, replace(known, theme_id=theme_id, parent_id=parent_id, index=theme.index,
                                    label=theme.label, definition=theme.description, color=theme.color,
                                    retired=theme.retired, codable=theme.codable))
    grouped = replace(codebook, themes=tuple(t for t in codebook.themes if t.id not in lifted),
                      codes=tuple(code for group in children.values() for code in group))
    return replace(grouped, codes=tuple(r for r in file_order(grouped) if isinstance(r, Code)))


def _places(codebook: Codebook, lifted: dict[str, Theme], themes: dict[str, Theme], codes: dict[str, Code],
            source: str) -> dict[str, tuple[str, str | None]]:
    """Each lifted theme's id -> (the theme, the parent code or None) its code goes back under."""
    theme_of = {c.id: c.theme_id for c in codebook.codes}
    kept = {t.id for t in codebook.themes} - lifted.keys()
    labels = {r.id: r.label for r in (*themes.values(), *codes.values())}
    places: dict[str, tuple[str, str | None]] = {}

    def home(theme_id: str, trail: frozenset[str]) -> str | None:
        """The theme the file's theme `theme_id` ends up in: itself, or where a lifted one goes back
        to; None for a lifted one whose parent code the file has inside it (`trail`: those being placed)."""
        if theme_id not in lifted:
            return theme_id
        if theme_id in trail:
            return None
        if theme_id not in places:
            code = codes[theme_id]
            above = code.parent_id if code.parent_id in lifted else theme_of.get(code.parent_id)
            under = home(above, trail | {theme_id}) if above else None
            if under:
                places[theme_id] = (under, code.parent_id)
            elif code.theme_id in kept:
                places[theme_id] = (code.theme_id, None)
            else:
                raise InputError(
                    f"the top-level category {lifted[theme_id].label!r} (Id: {theme_id}) is a code of this "
                    f"project, under {labels[code.parent_id or code.theme_id]!r}, which the file does not have",
                    file=source or None, hint="put it back there in the program that made the file, "
                    "or give it an Id: line of its own to import it as a new theme")
        return places[theme_id][0]

    for theme_id in lifted:
        home(theme_id, frozenset())
    return places

