"""Scoring a file of responses against a project's models without importing it (pipelines).

`score_file` streams the input (any format `coder import` reads), scores it in
chunks (forked workers, or a Dask cluster via `coder.suggest.distributed`) and
streams one CSV row per response to the output: its id, the suggested codes
(best first) with their scores, its best code and score, and the engine's
uncertainty with the code it is measured on. The project is only read. The codes
suggested for no row of the file are named with why
(`coder.suggest.unsuggested`).
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from coder.errors import InputError
from coder.export.tables import neutralise
from coder.files import replacing
from coder.importers.columns import open_response_table
from coder.importers.table import Table, row_id
from coder.importers.values import is_blank
from coder.suggest.distributed import map_chunks_on_dask, training_inputs
from coder.suggest.file_rows import OUTPUT_COLUMNS, score_rows
from coder.suggest.project import CHUNK_SIZE, project_suggester
from coder.suggest.unsuggested import unsuggested_codes
from coder.suggest.workers import default_workers, map_chunks

@dataclass(frozen=True)
class FileSummary:
    """What scoring a file did."""

    input: str
    output: str
    id_column: str
    text_column: str
    scored: int
    blank: int                    # of the rows scored, those with no text (no suggestions, nothing unsure)
    with_suggestions: int
    unsuggested: dict[str, str]   # per code suggested for no row, why (empty when no row was scored)


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
    On Dask the project's model is trained here too, but only to say why a code
    was suggested for no row, when one was not.
    """
    output_path = Path(output_path)
    if not output_path.parent.is_dir():
        raise InputError("the output folder does not exist (create it first)", file=str(output_path))
    table, id_column, text_column = open_response_table(input_path, id_col=id_col, text_col=text_col,
                                               sheet=sheet, encoding=encoding)
    if started:
        started(sum(1 for _ in table.rows()))
    blank = 0

    def counted_blanks(chunks: Iterator[list[tuple[str, str]]]) -> Iterator[list[tuple[str, str]]]:
        nonlocal blank
        for chunk in chunks:
            blank += sum(1 for _, text in chunk if is_blank(text))
            yield chunk

    chunks = counted_blanks(input_chunks(table, id_column, text_column, chunk_size))
    workers = default_workers() if workers is None else workers
    suggester = None
    if scheduler:
        results = map_chunks_on_dask(scheduler, training_inputs(conn, engine=engine, coder=coder), chunks,
                                     at_least_one=at_least_one)
    else:
        suggester = project_suggester(conn, engine=engine, coder=coder, workers=workers)
        results = map_chunks(score_rows, suggester, chunks, at_least_one=at_least_one, workers=workers)
    scored = with_suggestions = 0
    per_code: Counter[str] = Counter()
    with replacing(output_path, ".part") as tmp, open(tmp, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(OUTPUT_COLUMNS)
        for rows in results:
            writer.writerows([neutralise(v) for v in row] for row in rows)
            scored += len(rows)
            with_suggestions += sum(1 for row in rows if row[1])
            per_code.update(code for row in rows if row[1] for code in row[1].split(";"))
            if advance:
                advance(len(rows))
    if scored and suggester is None:
        suggester = project_suggester(conn, engine=engine, coder=coder)
    unsuggested = unsuggested_codes(suggester, per_code) if scored else {}
    return FileSummary(str(input_path), str(output_path), id_column, text_column, scored, blank, with_suggestions,
                       unsuggested)
