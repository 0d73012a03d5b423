"""Scoring a file of responses against a project's models without importing it (pipelines).

`score_file` streams the input (any format `coder import` reads), scores it in
chunks (forked workers, or a Dask cluster via `coder.suggest.distributed`) and
streams one CSV row per response to the output: its id, the suggested codes
(best first) with their scores, its best code and score, and the engine's
uncertainty. The project is only read.
"""

from __future__ import annotations

import csv
import itertools
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from coder.errors import InputError
from coder.export.tables import neutralise
from coder.importers.columns import open_response_table
from coder.importers.table import Table, row_id
from coder.suggest.model import Suggester, decide
from coder.suggest.project import CHUNK_SIZE, project_suggester
from coder.suggest.scoring import uncertainty
from coder.suggest.workers import default_workers, map_chunks

OUTPUT_COLUMNS = ("id", "codes", "scores", "best_code", "best_score", "uncertainty")
SCORE_DIGITS = 4


@dataclass(frozen=True)
class FileSummary:
    """What scoring a file did."""

    input: str
    output: str
    id_column: str
    text_column: str
    scored: int
    with_suggestions: int


def score_rows(suggester: Suggester, rows: Sequence[tuple[str, str]], *,
               at_least_one: bool = False) -> list[tuple[str, str, str, str, float, float]]:
    """Output rows (see OUTPUT_COLUMNS) for (id, text) rows: scores and decisions, no evidence."""
    if not len(rows):
        return []
    scores = suggester.score_texts([text for _, text in rows])
    chosen = decide(scores, suggester.thresholds, at_least_one=at_least_one)
    unsure = uncertainty(scores, suggester.thresholds)
    code_ids = [m.code_id for m in suggester.models]
    out = []
    for i, (rid, _) in enumerate(rows):
        columns = sorted(chosen[i].nonzero()[0], key=lambda j: -scores[i, j])
        best = int(scores[i].argmax()) if code_ids else -1
        out.append((rid, ";".join(code_ids[j] for j in columns),
                    ";".join(f"{scores[i, j]:.{SCORE_DIGITS}f}" for j in columns),
                    code_ids[best] if best >= 0 else "",
                    round(float(scores[i, best]), SCORE_DIGITS) if best >= 0 else 0.0,
                    round(float(unsure[i]), SCORE_DIGITS)))
    return out


def input_chunks(table: Table, id_column: str, text_column: str, size: int) -> Iterator[list[tuple[str, str]]]:
    """(id, text) rows of the input, `size` at a time (an empty text scores as no suggestions)."""
    rows = ((row_id(table, id_column, "", number, place, values), _text(values.get(text_column)))
            for number, place, values in table.rows())
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _text(value) -> str:
    return value if type(value) is str else ("" if value is None else str(value))


def score_file(conn: sqlite3.Connection, input_path: Path | str, output_path: Path | str, *,
               engine: str = "auto", coder: str | None = None, at_least_one: bool = False,
               id_col: str | None = None, text_col: str | None = None, sheet: str | None = None,
               encoding: str | None = None, chunk_size: int = CHUNK_SIZE, workers: int | None = None,
               scheduler: str | None = None, started: Callable[[int], None] | None = None,
               advance: Callable[[int], None] | None = None) -> FileSummary:
    """Score every response in `input_path` with the project's models; write `output_path` (CSV).

    `scheduler` (a Dask scheduler address) scores on that cluster instead of
    local workers. The output appears only when complete (written under a
    temporary name, then moved into place). `started(n)` is called with the
    number of input rows before scoring begins, `advance(n)` after each chunk.
    """
    output_path = Path(output_path)
    if not output_path.parent.is_dir():
        raise InputError("the output folder does not exist (create it first)", file=str(output_path))
    table, id_column, text_column = open_response_table(input_path, id_col=id_col, text_col=text_col,
                                               sheet=sheet, encoding=encoding)
    if started:
        started(sum(1 for _ in table.rows()))
    chunks = input_chunks(table, id_column, text_column, chunk_size)
    if scheduler:
        from coder.suggest.distributed import map_chunks_on_dask, training_inputs

        results = map_chunks_on_dask(scheduler, training_inputs(conn, engine=engine, coder=coder), chunks,
                                     at_least_one=at_least_one)
    else:
        suggester = project_suggester(conn, engine=engine, coder=coder)
        results = map_chunks(score_rows, suggester, chunks, at_least_one=at_least_one,
                             workers=default_workers() if workers is None else workers)
    scored = with_suggestions = 0
    fd, tmp = tempfile.mkstemp(prefix=f".{output_path.name}.", suffix=".part", dir=output_path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(OUTPUT_COLUMNS)
            for rows in results:
                writer.writerows([neutralise(v) for v in row] for row in rows)
                scored += len(rows)
                with_suggestions += sum(1 for row in rows if row[1])
                if advance:
                    advance(len(rows))
        os.replace(tmp, output_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return FileSummary(str(input_path), str(output_path), id_column, text_column, scored, with_suggestions)
