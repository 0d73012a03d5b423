"""Tiny hand-made corpora for the suggestion engine's tests."""

from __future__ import annotations

import numpy as np

from coder.records import Code

PRINTER = [
    "the printer is broken again", "printer jammed this morning", "the office printer keeps jamming",
    "no toner in the printer", "printer out of paper and broken", "waited an hour for the printer",
    "the printer queue is stuck", "printer broken, could not print reports",
    "printer jammed twice today", "the broken printer wastes my time",
]
LUNCH = [
    "had a lovely lunch with colleagues", "lunch was sandwiches in the park", "we ate lunch outside",
    "a long lunch at the cafe", "lunch break with the team", "soup for lunch today",
    "skipped lunch but ate cake", "lunch at my desk, a salad",
]
OTHER = [
    "the weather was sunny", "my manager was helpful", "visited a family at home",
    "court hearing in the afternoon", "training course on safeguarding", "team meeting about cases",
    "phoned the school about a child", "drove to a home visit", "wrote up case notes",
    "supervision with my senior", "the bus was late", "read the new policy",
]


def codes(printer_keywords=(), lunch_keywords=()) -> list[Code]:
    """Two codes: printer trouble and lunch."""
    return [Code("printer", "t", "1.1", "Printer trouble", "Problems with printers", keywords=tuple(printer_keywords)),
            Code("lunch", "t", "1.2", "Lunch", "Eating lunch", keywords=tuple(lunch_keywords))]


def corpus() -> tuple[list[str], np.ndarray]:
    """Texts and their 0/1 labels (printer, lunch)."""
    texts = PRINTER + LUNCH + OTHER
    labels = np.zeros((len(texts), 2), dtype=bool)
    labels[:len(PRINTER), 0] = True
    labels[len(PRINTER):len(PRINTER) + len(LUNCH), 1] = True
    return texts, labels
