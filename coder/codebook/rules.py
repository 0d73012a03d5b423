"""Rules every codebook keeps, whatever format it comes from.

Ids are unique across themes and codes and contain no spaces (they appear in
data files and column names); indexes are unique too; colours are `#RRGGBB`
(or `#RGB`). The readers call these with the file and line to blame.
"""

from __future__ import annotations

import re
import unicodedata

from coder.errors import InputError

_ID = re.compile(r"^\S+$")
_COLOR = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")


def check_id(value: str, *, file: str, line: int | None, field: str = "id") -> str:
    """Return `value` if it is a usable id, else raise InputError naming where."""
    if not _ID.match(value or ""):
        raise InputError(f"id {value!r} must be non-empty and contain no spaces",
                         file=file, line=line, column=field, hint="use e.g. time_pressure")
    return value


def check_color(value: str | None, *, file: str | None = None, line: int | None = None,
                column: str | None = "color") -> str | None:
    """Return a colour `#RRGGBB`, or one given as `#RGB` in that form (`full_colour`), or None;
    else raise InputError naming where. (`#RGB` kept as given broke the codebook screen, whose
    styles read six digits.)"""
    if value in (None, ""):
        return None
    if not _COLOR.match(value):
        raise InputError(f"colour {value!r} is not #RRGGBB", file=file, line=line, column=column,
                         hint="e.g. #1f77b4")
    return full_colour(value)


def full_colour(value: str) -> str:
    """A `#RGB` colour as `#RRGGBB` ("#0F0" -> "#00FF00"); six digits as they are (another
    program's file goes back as it came)."""
    digits = value[1:]
    return "#" + "".join(d * 2 for d in digits) if len(digits) == 3 else value


def check_keywords(values: tuple[str, ...], *, file: str | None = None, line: int | None = None,
                   column: str | None = "keywords") -> tuple[str, ...]:
    """Return the keywords, else raise InputError for a `*` the matcher would take as a letter:
    it goes at the end of one word of two or more letters or digits (`work*`), nowhere else (the
    matcher sees `e-mail` as three words, so `e-mai*` would never match)."""
    for keyword in values:
        if "*" in keyword and not re.fullmatch(r"\w{2,}\*", keyword.strip()):
            raise InputError(f"keyword {keyword!r}: a * goes at the end of one word of letters, to match every "
                             "word starting so", file=file, line=line, column=column, hint="e.g. bureaucra*")
    return values


class UniqueValues:
    """Remembers values seen (with their line) and rejects a second use of one."""

    def __init__(self, what: str, file: str):
        self.what = what
        self.file = file
        self.seen: dict[str, int | None] = {}

    def claim(self, value: str, line: int | None, field: str) -> str:
        """Record `value`; raise InputError if it was seen before."""
        if value in self.seen:
            first = self.seen[value]
            where = f" (first used on line {first})" if first is not None else ""
            raise InputError(f"duplicate {self.what} {value!r}{where}", file=self.file, line=line,
                             column=field, hint=f"each {self.what} must be unique")
        self.seen[value] = line
        return value


def slug(label: str) -> str:
    """An id made from a label: lower case, accents dropped, runs of other characters as `_`."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or "code"


def unique_slug(label: str, taken: set[str]) -> str:
    """`slug(label)`, with `_2`, `_3` ... appended until it is not in `taken`."""
    base = slug(label)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    return candidate
