"""Suggestion engine on a project: read the human coding, train, score, store a run.

Trained Suggesters are cached in memory for the life of the process, keyed by
the project file and a marker of its state (last event, number of responses),
so the UI asks for them freely; nothing executable is stored in the project.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable

import numpy as np

from coder.errors import CoderError
from coder.records import Code
from coder.store.codebook import load_codebook
from coder.store.suggestions import (coded_examples, count_to_score, finish_run, iter_to_score,
                                     sample_texts, save_evaluation, start_run, training_marker,
                                     uncertain_uncoded, write_chunk)
from coder.suggest.evaluate import Evaluation, evaluate
from coder.suggest.model import Suggester, train
from coder.suggest.queue import diverse_order
from coder.suggest.scoring import suggest_texts

CORPUS_SAMPLE = 20_000   # uncoded texts used for word statistics
CHUNK_SIZE = 5_000

_suggesters: dict[tuple, Suggester] = {}


@dataclass(frozen=True)
class TrainingSet:
    """The coded responses of a project as texts and a 0/1 matrix over the active codes."""

    ids: list[str]
    texts: list[str]
    labels: np.ndarray
    codes: list[Code]


@dataclass(frozen=True)
class RunSummary:
    """What a suggestion run did."""

    run_id: int
    scored: int
    with_suggestions: int
    suggestions: int
    model_codes: list[str]
    keyword_codes: list[str]


def training_set(conn: sqlite3.Connection, coder: str | None = None) -> TrainingSet:
    """The human coding (one coder's, or everyone's pooled) over the codebook's active codes."""
    codes = [code for code in load_codebook(conn).codes if not code.retired]
    if not codes:
        raise CoderError("the project has no codes (load a codebook with `coder codebook import`)")
    column = {code.id: j for j, code in enumerate(codes)}
    examples = coded_examples(conn, coder)
    labels = np.zeros((len(examples), len(codes)), dtype=bool)
    for i, (_, _, applied) in enumerate(examples):
        labels[i, [column[c] for c in applied if c in column]] = True
    return TrainingSet([e[0] for e in examples], [e[1] for e in examples], labels, codes)


def project_suggester(conn: sqlite3.Connection, *, engine: str = "auto",
                      coder: str | None = None) -> Suggester:
    """A Suggester trained on the project's current coding (cached while the project is unchanged)."""
    key = (*training_marker(conn), engine, coder)
    if key not in _suggesters:
        data = training_set(conn, coder)
        _suggesters.clear()
        _suggesters[key] = train(data.texts, data.labels, data.codes,
                                 corpus=sample_texts(conn, CORPUS_SAMPLE, coder), engine=engine)
    return _suggesters[key]


def run_suggestions(conn: sqlite3.Connection, *, engine: str = "auto", coder: str | None = None,
                    scope: str = "uncoded", at_least_one: bool = False, chunk_size: int = CHUNK_SIZE,
                    advance: Callable[[int], None] | None = None) -> RunSummary:
    """Train, score the responses in scope chunk by chunk, and store them as a new run.

    Replaces the previous run's suggestions; human codings are not touched.
    `advance(n)` is called after each chunk with the number of responses done.
    """
    suggester = project_suggester(conn, engine=engine, coder=coder)
    params = {"at_least_one": at_least_one, "chunk_size": chunk_size}
    run_id = start_run(conn, engine=engine, scope=scope, coder=coder, params=params,
                       total=count_to_score(conn, scope, coder))
    scored = with_suggestions = stored = 0
    try:
        for chunk in iter_to_score(conn, scope, coder, chunk_size=chunk_size):
            results = suggest_texts(suggester, [r[0] for r in chunk], [r[1] for r in chunk],
                                    at_least_one=at_least_one)
            suggestions = [s for r in results for s in r.suggestions]
            write_chunk(conn, run_id, suggestions,
                        [(r.response_id, r.uncertainty, r.best_code, r.best_score) for r in results],
                        len(chunk))
            scored += len(chunk)
            with_suggestions += sum(1 for r in results if r.suggestions)
            stored += len(suggestions)
            if advance:
                advance(len(chunk))
    except BaseException:
        finish_run(conn, run_id, "interrupted")
        raise
    finish_run(conn, run_id)
    return RunSummary(run_id, scored, with_suggestions, stored,
                      [m.code_id for m in suggester.models if m.engine == "model"],
                      [m.code_id for m in suggester.models if m.engine == "keywords"])


def coding_queue(conn: sqlite3.Connection, n: int, *, coder: str | None = None) -> list[str]:
    """The `n` uncoded responses most worth coding next, from the latest run's scores.

    Least certain first, interleaved across their best codes so the queue is
    not all one theme.
    """
    return diverse_order(uncertain_uncoded(conn, coder=coder, limit=max(n, 1) * 5), n)


def evaluate_project(conn: sqlite3.Connection, *, coder: str | None = None, folds: int = 5,
                     engine: str = "auto", at_least_one: bool = False) -> Evaluation:
    """Cross-validate suggestions on the project's human coding and store the result."""
    data = training_set(conn, coder)
    if len(data.texts) < 2 * folds:
        raise CoderError(f"only {len(data.texts)} coded responses"
                         f"{' by ' + coder if coder else ''}; {folds}-fold evaluation needs at least "
                         f"{2 * folds} (code more, or use --folds with a smaller number)")
    corpus = sample_texts(conn, CORPUS_SAMPLE, coder)
    result = evaluate(data.texts, data.labels, data.codes, corpus=corpus, folds=folds, engine=engine,
                      at_least_one=at_least_one)
    save_evaluation(conn, coder=coder, engine=engine, folds=folds, texts=result.texts,
                    overall=result.overall, curve=list(result.learning_curve),
                    codes=[(c.code_id, c.positives, c.precision, c.recall, c.f1, c.engine)
                           for c in result.codes])
    return result

