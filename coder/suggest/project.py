"""Suggestion engine on a project: read the human coding, train, evaluate.

Scoring a project's responses as a stored run is `coder.suggest.batch.run_batch`; the coding
queue built from a run is `coder.suggest.queue.coding_queue`.

Trained Suggesters are cached in memory for the life of the process, keyed by
the project file and a marker of its state (last event, number of responses),
so the UI asks for them freely; nothing executable is stored in the project.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from coder.errors import CoderError
from coder.records import Code
from coder.store.codebook_read import load_codebook
from coder.store.rejections import rejected_examples
from coder.store.suggestions import coded_examples, sample_texts, save_evaluation, training_marker
from coder.suggest import engine_name
from coder.suggest.evaluate import Evaluation, evaluate
from coder.suggest.model import Suggester, train
from coder.wording import counted

CORPUS_SAMPLE = 20_000   # uncoded texts used for word statistics
CHUNK_SIZE = 5_000

_suggesters: dict[tuple, Suggester] = {}


@dataclass(frozen=True)
class TrainingSet:
    """The coded responses of a project as texts and a 0/1 matrix over the active codes, and the
    uncoded responses a code was turned down on, as (text, code column) pairs."""

    ids: list[str]
    texts: list[str]
    labels: np.ndarray
    codes: list[Code]
    rejected: list[tuple[str, int]]


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
    rejected = [(text, column[code_id]) for _, text, code_id in rejected_examples(conn, coder) if code_id in column]
    return TrainingSet([e[0] for e in examples], [e[1] for e in examples], labels, codes, rejected)


def project_suggester(conn: sqlite3.Connection, *, engine: str = "auto",
                      coder: str | None = None, workers: int = 1) -> Suggester:
    """A Suggester trained on the project's current coding (cached while the project is unchanged;
    `workers`: processes fitting codes side by side, see `train`)."""
    key = (*training_marker(conn), engine, coder)
    if key not in _suggesters:
        data = training_set(conn, coder)
        _suggesters.clear()
        _suggesters[key] = train(data.texts, data.labels, data.codes, corpus=sample_texts(conn, CORPUS_SAMPLE, coder),
                                 rejected=data.rejected, engine=engine, workers=workers)
    return _suggesters[key]


def evaluate_project(conn: sqlite3.Connection, *, coder: str | None = None, folds: int = 5,
                     engine: str = "auto", at_least_one: bool = False, seed: int = 0,
                     workers: int = 1) -> Evaluation:
    """Cross-validate suggestions on the project's human coding and store the result (`seed` deals the folds)."""
    data = training_set(conn, coder)
    if len(data.texts) < 2 * folds:
        fewer = ", or use --folds with a smaller number" if len(data.texts) >= 4 else ""
        raise CoderError(f"only {counted(len(data.texts), 'coded response')}{' by ' + coder if coder else ''}; "
                         f"{folds}-fold evaluation needs at least {2 * folds} (code more{fewer})")
    corpus = sample_texts(conn, CORPUS_SAMPLE, coder)
    result = evaluate(data.texts, data.labels, data.codes, corpus=corpus, rejected=data.rejected, folds=folds,
                      engine=engine, at_least_one=at_least_one, seed=seed, workers=workers)
    save_evaluation(conn, coder=coder, engine=engine, folds=folds, texts=result.texts,
                    overall=result.overall, curve=list(result.learning_curve),
                    codes=[(c.code_id, c.positives, c.precision, c.recall, c.f1,
                            engine_name(c.engine, c.with_keywords)) for c in result.codes])
    return result

