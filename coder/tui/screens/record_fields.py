"""The fields of the theme and code forms, and a code form's values checked (codes are added
and edited on the codebook screen, and from a suggestion on the coding screen)."""

from __future__ import annotations

from coder.codebook.edit import check_index_free
from coder.codebook.keys import check_key
from coder.codebook.rules import check_keywords
from coder.errors import CoderError
from coder.records import Code, Codebook, Theme
from coder.tui.screens.codebook_forms import Field


def code_fields(code: Code | None, next_index: str) -> list[Field]:
    """The form fields of a code (empty for a new one, whose index defaults to the next free)."""
    return [
        Field("label", "Label", value=code.label if code else ""),
        Field("index", "Index", value=code.index if code else "",
              placeholder=f"{next_index} (next free)"),
        Field("definition", "Definition", "text", code.definition if code else ""),
        Field("include", "Include", "lines", code.include if code else ()),
        Field("exclude", "Exclude", "lines", code.exclude if code else ()),
        Field("keywords", "Keywords", "words", code.keywords if code else (),
              placeholder="words or phrases, comma-separated; inflected forms match; work* any word starting so"),
        Field("color", "Colour", value=(code.color or "") if code else "",
              placeholder="#RRGGBB (empty: automatic)"),
        Field("key", "Key", value=(code.key or "") if code else "", max_length=1,
              placeholder="one key to apply it (empty: automatic)"),
    ]


def checked_code_values(values: dict, code: Code | None, codebook: Codebook) -> dict:
    """Form values as code fields; an index must be free, a key free for codes and not a
    coding-screen key, and a keyword's `*` at the end of one word."""
    check_keywords(tuple(values.get("keywords") or ()))
    if values.get("index"):
        check_index_free(codebook, values["index"], code.id if code else None)
    key = check_key(values["key"] or None)
    if key is not None:
        holder = next((c for c in codebook.codes if c.key == key and (code is None or c.id != code.id)), None)
        if holder is not None:
            raise CoderError(f"key {key!r} is already set for code {holder.index} {holder.label}")
    return {**values, "key": key, "color": values["color"] or None}


def theme_fields(theme: Theme | None, next_index: str) -> list[Field]:
    """The form fields of a theme."""
    return [
        Field("label", "Label", value=theme.label if theme else ""),
        Field("index", "Index", value=theme.index if theme else "",
              placeholder=f"{next_index} (next free)"),
        Field("description", "Description", "text", theme.description if theme else ""),
    ]
