"""Attribute values as REFI-QDA variables: each column's type, each value's text, and what
a reader gets back from that text.

A variable is Boolean, Integer, Float, Date or DateTime when every value of the
attribute is one (integers among floats make it Float), else Text. A list or
object (JSON Lines' `"tags": ["a", "b"]`) is written as its JSON text, which
other programs show as it is. Some values cannot come back as they were from
what project.qde holds (an integer in a Float column comes back 2.0, a list
as text, a text's outer spaces are stripped): `exact` tells them, and the
export keeps the attributes of their responses in coder.json (coder.refi.fields).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
from decimal import Decimal

from coder.codebook.refi_text import xml_safe

VALUE_ELEMENT = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue",
                 "Float": "FloatValue", "Date": "DateValue", "DateTime": "DateTimeValue"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def present(value) -> bool:
    """Whether an attribute has a value to write (None and "" have none)."""
    return value is not None and value != ""


def value_kind(value) -> str:
    """The REFI type of one value: Boolean, Integer, Float, Date, DateTime or Text."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float" if math.isfinite(value) else "Text"   # xs:decimal has no NaN or infinity
    return _date_kind(value) if isinstance(value, str) else "Text"


def _date_kind(text: str) -> str:
    """"Date" for an ISO date as xs:date takes it (2024-03-05, as imports store a workbook's dates),
    "DateTime" for a date and time as xs:dateTime does (2024-03-05T14:30:00), else "Text"."""
    if _DATE.fullmatch(text):
        kind, parse = "Date", dt.date.fromisoformat
    elif _DATE_TIME.fullmatch(text):
        kind, parse = "DateTime", dt.datetime.fromisoformat
    else:
        return "Text"
    try:
        parse(text)
    except ValueError:   # 2024-02-30 has the form, not the date
        return "Text"
    return kind


def variable_type(kinds: set[str]) -> str:
    """The REFI typeOfVariable of an attribute from the kinds of its values (see value_kind)."""
    if kinds in ({"Boolean"}, {"Integer"}, {"Float"}, {"Date"}, {"DateTime"}):
        return next(iter(kinds))
    return "Float" if kinds == {"Integer", "Float"} else "Text"


def value_text(value, kind: str) -> str:
    """A value's text in a variable of type `kind` (see variable_type)."""
    if kind == "Boolean":
        return "true" if value else "false"
    if kind == "Float":   # xs:decimal takes no exponent: 5e-05 goes out as 0.00005
        return format(Decimal(repr(float(value))), "f")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def read_value(element: str, text: str):
    """The value a value element (`IntegerValue`, `TextValue` ...) with this text stands for."""
    text = text.strip()
    if element == "IntegerValue" and text.lstrip("-").isdigit():
        return int(text)
    if element == "BooleanValue":
        return text.lower() in ("true", "1")
    if element == "FloatValue" and _finite(text) is not None:
        return _finite(text)
    return sys.intern(text)   # one string for each category


def _finite(text: str) -> float | None:
    """A FloatValue's number; None for text that is not one, or not finite (kept as text)."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def exact(value, kind: str) -> bool:
    """Whether `value`, written in a variable of type `kind`, reads back as it is (same type too)."""
    if not present(value):
        return False   # not written at all
    back = read_value(VALUE_ELEMENT[kind], xml_safe(value_text(value, kind)))
    return type(back) is type(value) and back == value
