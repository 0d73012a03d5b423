"""Projects for the batch-suggestion tests: the tiny printer/lunch coding plus many uncoded texts."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from coder.records import Code, Theme
from coder.store import create_project, open_project
from coder.store.codebook import add_code, add_theme
from coder.store.codings import import_codings
from coder.store.responses import insert_responses
from suggest_fixtures import LUNCH, OTHER, PRINTER, corpus


def uncoded_texts(n: int, seed: int = 1) -> list[str]:
    """`n` varied texts made of the fixture sentences (1 to 3 each)."""
    rng = random.Random(seed)
    pool = PRINTER + LUNCH + OTHER
    return [". ".join(rng.choices(pool, k=rng.randint(1, 3))) for _ in range(n)]


def make_project(path: Path, n_uncoded: int) -> Path:
    """A project with two codes, the tiny corpus coded by `ann`, and `n_uncoded` more responses (u0, u1 ...)."""
    def setup(conn: sqlite3.Connection) -> None:
        add_theme(conn, Theme("t", "1", "Things"), "tester")
        add_code(conn, Code("printer", "t", "1.1", "Printer trouble", keywords=("printer",)), "tester")
        add_code(conn, Code("lunch", "t", "1.2", "Lunch", keywords=("lunch",)), "tester")

    create_project(path, setup=setup).close()
    texts, labels = corpus()
    conn = open_project(path)
    try:
        insert_responses(conn, [(f"r{i}", t, {}) for i, t in enumerate(texts)])
        insert_responses(conn, [(f"u{i}", t, {}) for i, t in enumerate(uncoded_texts(n_uncoded))])
        import_codings(conn, [(f"r{i}", code) for i in range(len(texts))
                              for j, code in enumerate(["printer", "lunch"]) if labels[i, j]], "ann")
    finally:
        conn.close()
    return path


def run_results(conn: sqlite3.Connection) -> tuple[list, list]:
    """A run's stored output without run ids: (suggestions rows, suggestion_scores rows), sorted."""
    suggestions = conn.execute("SELECT response_id, code_id, score, threshold, engine, evidence "
                               "FROM suggestions ORDER BY response_id, code_id").fetchall()
    scores = conn.execute("SELECT response_id, uncertainty, best_code, best_score, unsure_code, unsure_score, "
                          "unsure_threshold FROM suggestion_scores ORDER BY response_id").fetchall()
    return suggestions, scores
