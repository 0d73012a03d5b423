"""A project's agreement between coders: which coders and codes to compare, and the tables.

The CLI prints an `AgreementReport` and writes its tables; the UI can show the
same figures and list the same disagreements, so both read them from here.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from coder.errors import CoderError
from coder.reliability.bootstrap import RESAMPLES
from coder.reliability.measures import Agreement, CodeSets, measure_agreement
from coder.store.codebook_read import load_codebook
from coder.store.codings import coders as project_coders, list_codings

if TYPE_CHECKING:
    import pandas as pd

DISAGREEMENT_COLUMNS = ["response id", "code index", "code", "applied by", "not applied by"]


@dataclass(frozen=True)
class AgreementReport:
    """Agreement of some coders in a project, with its tables and the notes that explain them."""

    coders: tuple[str, ...]
    result: Agreement
    table: pd.DataFrame           # one row per code (see `agreement_table`)
    disagreements: pd.DataFrame   # one row per (response, code) the coders differ on
    notes: tuple[str, ...]        # how to read the tables, written beside them


def choose_coders(available: Sequence[str], requested: Sequence[str] | None, where: str) -> list[str]:
    """The coders to compare: `requested`, or all in the project; an error if fewer than two or unknown."""
    chosen = list(requested or available)
    unknown = [c for c in chosen if c not in available]
    if unknown:
        raise CoderError(f"{where}: no coding by {', '.join(unknown)} "
                         f"(coders in this project: {', '.join(available) or 'none'})")
    if len(set(chosen)) < 2:
        raise CoderError(f"{where}: agreement needs two or more coders "
                         f"(coders in this project: {', '.join(available) or 'none'}); use --coders")
    return chosen


def code_sets(conn: sqlite3.Connection, coders: Sequence[str]) -> dict[str, dict[str, set[str]]]:
    """coder -> response -> the codes they applied to it (anywhere in it), for `coders`."""
    sets: dict[str, dict[str, set[str]]] = {c: defaultdict(set) for c in coders}
    for coding in list_codings(conn):
        if coding.coder in sets:
            sets[coding.coder][coding.response_id].add(coding.code_id)
    return sets


def compared_codes(codebook, sets: CodeSets) -> list[str]:
    """The codes to measure, in codebook order: every code in use, and retired ones only if applied."""
    used = set().union(*(codes for per in sets.values() for codes in per.values()))
    return [c.id for c in codebook.codes if not c.retired or c.id in used]


def agreement_report(conn: sqlite3.Connection, coders: Sequence[str] | None = None, *,
                     where: str = "project") -> AgreementReport:
    """Agreement of `coders` (default: everyone who coded) over the responses they all coded.

    `where` names the project in errors: unknown coders, fewer than two, or no
    response coded by all of them.
    """
    import pandas as pd  # deferred: keeps `coder --help` fast

    chosen = choose_coders(project_coders(conn), coders, where)
    codebook = load_codebook(conn)
    sets = code_sets(conn, chosen)
    result = measure_agreement(sets, chosen, compared_codes(codebook, sets))
    if not result.units:
        raise CoderError(f"{where}: no response has been coded by all of {', '.join(chosen)}")
    labels = {c.id: (c.index, c.label) for c in codebook.codes}
    disagreements = pd.DataFrame(
        [{"response id": r, "code index": labels[c][0], "code": labels[c][1],
          "applied by": ", ".join(who), "not applied by": ", ".join(x for x in chosen if x not in who)}
         for r, c, who in result.disagreements(sets)],
        columns=DISAGREEMENT_COLUMNS)
    return AgreementReport(tuple(chosen), result, agreement_table(result, labels), disagreements,
                           _notes(chosen, result))


def agreement_table(result: Agreement, labels: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """One row per code (a DataFrame): index, label, applied by each coder, the statistics."""
    import pandas as pd  # deferred: keeps `coder --help` fast

    rows = []
    for code in result.codes:
        index, label = labels[code.code_id]
        row = {"code index": index, "code id": code.code_id, "code": label, "responses": code.units}
        row.update({f"applied by {c}": n for c, n in code.applied.items()})
        row.update({"prevalence %": round(100 * code.prevalence, 1) if code.units else math.nan,
                    "agreement %": round(100 * code.agreement, 1) if code.units else math.nan,
                    "kappa": round(code.kappa, 3),
                    "kappa 95% low": round(code.kappa_interval[0], 3),
                    "kappa 95% high": round(code.kappa_interval[1], 3),
                    "alpha": round(code.alpha, 3),
                    "alpha 95% low": round(code.alpha_interval[0], 3),
                    "alpha 95% high": round(code.alpha_interval[1], 3),
                    "AC1": round(code.ac1, 3),
                    "note": code.note})
        rows.append(row)
    return pd.DataFrame(rows)


def _notes(coders: Sequence[str], result: Agreement) -> tuple[str, ...]:
    """How to read the tables, written with them (a notes sheet, or lines under a CSV)."""
    return (f"coders: {', '.join(coders)}; responses coded by all of them: {len(result.units)}",
            "a code counts as applied to a response if applied anywhere in it",
            "kappa: Cohen's (two coders only); alpha: Krippendorff's, nominal; AC1: Gwet's "
            "(robust when a code is rare); n/a: undefined because no coder varied",
            "not assessable: no coder applied the code in these responses, so there was nothing to agree "
            "on; such codes are left out of the pooled kappa and the mean alpha",
            f"95% low/high: percentile bootstrap over the responses ({RESAMPLES} resamples, fixed seed); "
            "n/a when too few responses have the code to tell")
