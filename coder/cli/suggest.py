"""`coder suggest PROJECT`: train on the human coding and store suggestions for responses.

Also scores a file without importing it (`--input/--output`), locally or on a
Dask cluster (`--dask`), and resumes an interrupted run (`--resume`).
"""

from __future__ import annotations

import argparse
from contextlib import closing
from dataclasses import dataclass
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Collection

from rich.cells import cell_len

from coder.cli.common import add_project_argument, coder_name, terminal_width, wrapped
from coder.cli.decisions import decision_lines, reason_lines
from coder.cli.progress import Progress, Waiting
from coder.errors import CoderError, SaveError
from coder.store import open_project, open_to_check
from coder.store.codings import check_coder
from coder.store.responses import count_responses
from coder.store.suggestions import RunReplaced, run_of, unfinished_run
from coder.suggest import ENGINES
from coder.suggest.unfinished import resume_command, stopped_at
from coder.wording import counted, fitted, seconds, shortened

if TYPE_CHECKING:
    from coder.suggest.batch import RunSummary

CHUNK_SIZE = 5_000   # as coder.suggest.project.CHUNK_SIZE (not imported: keeps `coder --help` fast)
QUEUE_TEXT_SHOWN = 60    # cells of a queued response's text to a file or a pipe (on a terminal: what fits)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "suggest", help="suggest codes for responses (trained on your coding)",
        description="Train on the human coding (one coder's, or everyone's) and suggest codes for "
                    "the responses in scope. Each code uses a model once it has enough coded "
                    "examples and its codebook keywords until then. Suggestions (score, threshold, "
                    "engine, evidence) replace the previous run's; human coding is never changed. "
                    "Responses are scored in chunks by parallel workers; each chunk is stored as it "
                    "finishes, so an interrupted run keeps its work and --resume continues it. "
                    "With --input and --output, score a file instead, without importing it.")
    add_project_argument(parser)
    parser.add_argument("--engine", choices=ENGINES, default="auto",
                        help="auto: a model per code where it beats the keywords (default); "
                             "keywords: codebook keywords only; model: a model wherever there are "
                             "enough examples")
    parser.add_argument("--coder", metavar="NAME", type=coder_name, default=None,
                        help="train on this coder's decisions only (default: all coders')")
    parser.add_argument("--scope", choices=("uncoded", "all"), default="uncoded",
                        help="which responses to score: not yet coded (default) or all")
    parser.add_argument("--at-least-one", action="store_true",
                        help="give every response its best code even if no code clears its threshold")
    parser.add_argument("--queue", type=int, metavar="N", default=0,
                        help="then print the N uncoded responses most worth coding next")
    parser.add_argument("--workers", type=int, metavar="N", default=None,
                        help="processes training codes and scoring chunks in parallel (default: one per core)")
    parser.add_argument("--chunk-size", type=int, metavar="N", default=CHUNK_SIZE,
                        help=f"responses per chunk, each stored in one transaction (default {CHUNK_SIZE:,})")
    parser.add_argument("--resume", action="store_true",
                        help="continue the last run where it stopped (with its own options and the "
                             "same model; refused if the coding changed since)")
    batch = parser.add_argument_group("scoring a file without importing it")
    batch.add_argument("--input", metavar="FILE", default=None,
                       help="responses to score (CSV, TSV, XLSX, XLS, JSONL or TXT); needs --output")
    batch.add_argument("--output", metavar="FILE", default=None,
                       help="CSV to write: id, codes, scores, best_code, best_score, uncertainty, unsure_code")
    batch.add_argument("--id-col", metavar="C", default=None, help="the input's id column (as in coder import)")
    batch.add_argument("--text-col", metavar="C", default=None, help="the input's text column")
    batch.add_argument("--sheet", metavar="S", default=None, help="the input workbook's sheet")
    batch.add_argument("--encoding", metavar="E", default=None, help="the input's text encoding")
    batch.add_argument("--dask", metavar="SCHEDULER", default=None,
                       help="score --input on this Dask cluster (e.g. tcp://host:8786; "
                            "needs the optional extra: pip install 'coder[dask]')")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if (args.input is None) != (args.output is None):
        raise CoderError("--input and --output go together (score a file into a CSV)")
    if args.dask and not args.input:
        raise CoderError("--dask scores a file: give --input and --output too")
    if args.input and (args.resume or args.queue):
        raise CoderError("--resume and --queue are for runs on the project, not with --input")
    if args.workers is not None and args.workers < 1:
        raise CoderError("--workers must be at least 1")
    if args.chunk_size < 1:
        raise CoderError("--chunk-size must be at least 1")
    if args.queue < 0:
        raise CoderError(f"--queue {args.queue}: give how many responses to list (0 or more)")
    if args.output and Path(args.output).suffix.lower() != ".csv":
        raise CoderError(f"--output {args.output}: name the file .csv (it is written as CSV)")
    return _score_file(args) if args.input else _run_on_project(args)


def _kept(project: Path) -> str:
    return f"every finished chunk is stored (continue with: {resume_command(project)})"


def _run_on_project(args: argparse.Namespace) -> int:
    from coder.suggest.batch import run_to_resume                       # deferred: keeps `coder --help` fast

    with closing(open_to_check(args.project)) as conn:
        check_coder(conn, args.coder)
        if not count_responses(conn):
            raise CoderError(f"{args.project} has no responses yet: import some first (coder import)")
        if args.resume:
            run_to_resume(conn)
        elif replaced := unfinished_run(conn):
            print(wrapped([f"coder: {stopped_at(replaced)}; this new run discards its suggestions "
                           f"(to continue it instead: {resume_command(args.project)})"]), file=sys.stderr)
    conn = open_project(args.project)
    # Training says nothing of how far it got, and on a large coding takes minutes (12,188 coded
    # responses of 291k: 288 s): without a word the terminal looked hung.
    training = Waiting("Training on the coding").__enter__()
    run = _RunState()
    try:
        try:
            return _run_and_report(args, conn, training, run)
        finally:
            training.stop()
            conn.close()
    except KeyboardInterrupt:   # wherever it lands, closing included: the project says how far the run got
        return _stopped(conn, run, training, args.project)


@dataclass
class _RunState:
    """How far `coder suggest` got: the run it started and its progress bar (None before)."""

    run_id: int | None = None
    progress: Progress | None = None


def _run_and_report(args: argparse.Namespace, conn: sqlite3.Connection, training: Waiting, run: _RunState) -> int:
    """Train, run, store and report; say in one line why a run stopped on an error."""
    from coder.suggest.batch import run_batch                           # deferred: keeps `coder --help` fast
    from coder.suggest.workers import WorkerDied

    def started(row: dict) -> None:
        training.stop()
        run.run_id = row["id"]
        run.progress = Progress("Suggesting", row["total"] - row["done"]).__enter__()

    try:
        summary = run_batch(conn, engine=args.engine, coder=args.coder, scope=args.scope,
                            at_least_one=args.at_least_one, chunk_size=args.chunk_size,
                            workers=args.workers, resume=args.resume, started=started,
                            advance=lambda n: run.progress.advance(n))
        run.progress.__exit__(None, None, None)
        _report(args, conn, summary, run.progress)
    except RunReplaced as exc:   # a long line: said here, wrapped, not by the one-line error handler
        run.progress.__exit__(None, None, None)
        print(wrapped([f"coder: error: {exc}"]), file=sys.stderr)
        return 1
    except SaveError as exc:
        if run.progress is None:
            raise
        run.progress.__exit__(None, None, None)
        raise CoderError(f"{exc.path}: could not save: {exc.reason}; the run stopped after "
                         f"scoring {run.progress.done:,} responses; {_kept(args.project)}") from None
    except WorkerDied as exc:
        if run.progress is None:   # in training: no run was started
            raise CoderError(f"{exc}; training stopped and nothing was stored") from None
        run.progress.__exit__(None, None, None)
        raise CoderError("a worker process ended before it finished its chunk (killed, or out of memory: "
                         "fewer --workers or a smaller --chunk-size use less); the run stopped after "
                         f"scoring {run.progress.done:,} responses; {_kept(args.project)}") from None
    return 0


def _stopped(conn: sqlite3.Connection, run: _RunState, training: Waiting, project: Path) -> int:
    """Say how Ctrl-C (or `kill`) left the run (`stopped_by_user`) and return the exit code. The run's
    state is read afresh: the signal may have landed as the project was being closed."""
    training.stop()
    if run.progress is not None:
        run.progress.__exit__(None, None, None)
    conn.close()
    saved = None
    if run.run_id is not None:
        with closing(open_to_check(project)) as check:
            saved = run_of(check, run.run_id)
    said, code = stopped_by_user(saved, project)
    print(said, file=sys.stderr)
    return code


def stopped_by_user(run: dict | None, project: Path) -> tuple[str, int]:
    """What to say when Ctrl-C (or `kill`) stops `coder suggest` on `project`, and the exit code, by
    the state the project holds of the run (`run`, its row; None: stopped in training, before the
    run began), not by where the signal landed: a run saved as done is complete, though its
    summary or queue was being printed, and exits 0."""
    if run is None:
        return "coder: interrupted while training; nothing was stored", 130
    if run["status"] == "done":
        return (f"coder: stopped while reporting; run {run['id']} had finished: its suggestions for "
                f"{counted(run['done'], 'response')} are saved"), 0
    return f"coder: interrupted after scoring {run['done']:,} responses; {_kept(project)}", 130


def _report(args: argparse.Namespace, conn: sqlite3.Connection, summary: RunSummary, progress: Progress) -> None:
    """Print what a finished run did, and the coding queue if asked for."""
    from coder.store.codebook_read import load_codebook         # deferred: keeps `coder --help` fast
    from coder.suggest.review import no_queue, review_queue

    print(f"Run {summary.run_id}: scored {counted(summary.scored, 'response')}; "
          f"{_have_suggestions(summary.with_suggestions)} ({summary.suggestions:,} in all)")
    if summary.scored < summary.total:
        print(f"{summary.total - summary.scored:,} of the {summary.total:,} responses in scope when the run "
              "started were coded during it, so they were not scored")
    print(f"Scored {counted(progress.done, 'response')} in {seconds(progress.elapsed)} "
          f"({progress.rate():,.0f} per second)")
    print(wrapped(decision_lines(summary.decisions)
                  + _unsuggested_lines(summary.unsuggested, named_above=summary.codes_on("none"))))
    if args.queue > 0 and (why := no_queue(summary.suggester)):
        print(wrapped(["", why]))
    elif args.queue > 0:
        print("\nMost worth coding next, each with the code the engine is least sure of, its\n"
              "score against its threshold (* where the run suggested it) and the text:")
        queue, width = review_queue(conn, args.queue, coder=args.coder), terminal_width()
        labels = {c.id: c for c in load_codebook(conn).codes}
        if not queue:
            print("  none: this run scored no uncoded response")
        # Ids and calls padded to the longest, so the texts start in one column.
        id_width = max((len(call.queued.response_id) for call in queue), default=0)
        call_width = max((len(call.queued.call) for call in queue), default=0)
        for call in queue:
            code_id = call.queued.code_id
            code = f"{labels[code_id].index} {labels[code_id].label}" if code_id in labels else "-"
            line = (f"  {call.queued.response_id:<{id_width}}  {fitted(shortened(code, 26), 26)}  "
                    f"{call.queued.call + ('*' if call.suggested else ''):<{call_width + 1}}  ")
            print(line + shortened(call.text, max(20, width - cell_len(line) - 1) if width else QUEUE_TEXT_SHOWN))


def _have_suggestions(n: int) -> str:
    """ "1 has suggestions", "3 have suggestions" (of the responses scored)."""
    return f"{n:,} {'has' if n == 1 else 'have'} suggestions"


def _unsuggested_lines(unsuggested: dict[str, str], named_above: Collection[str] = ()) -> list[str]:
    """The codes that got no suggestion in the whole run, with why, less those `named_above`
    (by `decision_lines`: the codes no engine scored)."""
    codes = [(code_id, why) for code_id, why in unsuggested.items() if code_id not in named_above]
    return [f"Codes with no suggestion in the whole run ({len(codes):,}):"] * bool(codes) + reason_lines(codes)


def _score_file(args: argparse.Namespace) -> int:
    from coder.suggest.headless import score_file      # deferred: keeps `coder --help` fast

    conn = open_project(args.project, readonly=True)
    progress = Progress("Scoring", 0)
    try:
        check_coder(conn, args.coder)
        def started(total: int) -> None:
            progress.total = total
            progress.__enter__()

        summary = score_file(conn, args.input, args.output, engine=args.engine, coder=args.coder,
                             at_least_one=args.at_least_one, id_col=args.id_col, text_col=args.text_col,
                             sheet=args.sheet, encoding=args.encoding, chunk_size=args.chunk_size,
                             workers=args.workers, scheduler=args.dask, started=started,
                             advance=progress.advance)
    finally:
        progress.__exit__(None, None, None)
        conn.close()
    blank = f" ({summary.blank:,} of them blank: nothing to suggest from)" if summary.blank else ""
    print(wrapped([f"Scored {counted(summary.scored, 'response')}{blank} from {summary.input} (id: "
                   f"{summary.id_column}, text: {summary.text_column}) in {seconds(progress.elapsed)} "
                   f"({progress.rate():,.0f} per second); {_have_suggestions(summary.with_suggestions)}",
                   f"Wrote {summary.output}"] + _unsuggested_lines(summary.unsuggested)))
    return 0
