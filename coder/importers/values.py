"""What kind of value a cell holds: nothing, a number, a date or time, a code, or words.

Column choice and header detection look at kinds, not at column names: a column
of timestamps is no free text whatever it is called, and a row whose cells are
not of the kinds the rows under it hold is no response.
"""

from __future__ import annotations

import re

EMPTY, NUMBER, WHEN, CODE, WORDS = "empty", "number", "when", "code", "words"

_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][-+]?\d+)?")
_DATE = r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
_ZONE = r"(?:\s*(?:Z|[A-Z]{2,5}(?:[-+]\d{1,2}(?::?\d{2})?)?|[-+]\d{2}:?\d{2}))?"
# 2024-03-05, 2024-03-05T14:30:00Z, 06/03/2024 09:12:55 AM, 2024/03/06 9:12:55 AM GMT+1, 6.3.2024 14:30, 9:12
_WHEN = re.compile(rf"(?:{_DATE}(?:(?:T|\s+|,\s*){_TIME}{_ZONE})?|{_TIME}{_ZONE})")


# Whitespace, and the invisible characters a pasted answer can hold alone: zero-width space,
# non-joiner and joiner, word joiner, byte order mark, soft hyphen.
_BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\u00ad]*")


def is_blank(text: str) -> bool:
    """Whether `text` shows nothing: empty, or only whitespace and invisible characters."""
    return _BLANK.fullmatch(text) is not None


def is_date_or_time(text: str) -> bool:
    """Whether `text` is a date, a time or both, written in digits as survey tools and
    spreadsheets write them (`2024/03/06 9:12:55 AM GMT+1`, `2024-03-05T14:30:00`, `9:12`)."""
    return _WHEN.fullmatch(text.strip()) is not None


def kind(value) -> str:
    """The kind of a cell's value: EMPTY, NUMBER, WHEN (a date or time), CODE (one token holding a
    digit, as ids like R_1abc and IP addresses are) or WORDS (anything else, a label or a sentence)."""
    if value is None:
        return EMPTY
    if isinstance(value, (bool, int, float)):
        return NUMBER
    text = str(value).strip()
    if not text:
        return EMPTY
    if _NUMBER.fullmatch(text):
        return NUMBER
    if is_date_or_time(text):
        return WHEN
    if not any(c.isspace() for c in text) and any(c.isdigit() for c in text):
        return CODE
    return WORDS
