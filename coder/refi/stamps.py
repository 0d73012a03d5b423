"""Dates and times in REFI-QDA files: xs:dateTime, as Project.xsd declares them.

Python reads more ISO 8601 forms than XML Schema allows (a space for the T, a
date alone, basic and week forms), and other programs write some of them; a
value in such a form is rewritten in the extended form, so what coder stores
and writes back validates.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime

_XS_DATETIME = re.compile(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


@functools.lru_cache(maxsize=4096)   # an import meets the same stamps again and again
def xs_datetime(value) -> str | None:
    """`value` as an xs:dateTime: as it is when it is one, rewritten when it is another ISO 8601
    form Python reads (a date alone becomes its midnight), else None."""
    text = str(value).strip() if value is not None else ""
    if _XS_DATETIME.fullmatch(text):
        return text
    try:
        stamp = datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None
    return stamp if _XS_DATETIME.fullmatch(stamp) else None   # an offset with seconds has no xs form
