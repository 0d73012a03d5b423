"""Tiny hand-made corpora for the suggestion engine's tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coder.records import Code, Theme
from coder.store import create_project, open_project
from coder.store.codebook import add_code, add_theme
from coder.store.codings import import_codings
from coder.store.responses import insert_responses

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


def tiny_project(path: Path, lunch_keywords: tuple[str, ...] = ()) -> Path:
    """A project with the tiny printer/lunch corpus, coded by `ann`, plus three uncoded texts.

    With `lunch_keywords` ("lunch") the lunch code's model is scored with its keywords too
    (`CodeModel.with_keywords`): every lunch text says the word and no other does."""
    def setup(conn):
        add_theme(conn, Theme("t", "1", "Things"), "tester")
        add_code(conn, Code("printer", "t", "1.1", "Printer trouble", keywords=("toner",)), "tester")
        add_code(conn, Code("lunch", "t", "1.2", "Lunch", keywords=lunch_keywords), "tester")

    create_project(path, setup=setup).close()
    texts, labels = corpus()
    conn = open_project(path)
    rows = [(f"r{i}", t, {}) for i, t in enumerate(texts)]
    rows += [("new1", "the printer jammed again", {}), ("new2", "rain fell over the hills", {}),
             ("new3", "lunch in the sun", {})]
    insert_responses(conn, rows)
    import_codings(conn, [(f"r{i}", code) for i in range(len(texts))
                          for j, code in enumerate(["printer", "lunch"]) if labels[i, j]], "ann")
    conn.close()
    return path
