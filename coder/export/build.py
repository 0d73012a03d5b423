"""From project data to the tables of one kind of export (no files, no database)."""

from __future__ import annotations

import pandas as pd

from coder.errors import CoderError
from coder.export.counts import counts_notes, theme_code_counts
from coder.export.crosstabs import MIN_EXPECTED, cooccurrence, cooccurrence_matrix, crosstab
from coder.export.data import ROLL_UP_NOTE, ProjectData, data_notes, listed_framework, rolled_up
from coder.export.kinds import TABLE_KINDS
from coder.export.records import binary_table, codings_table, framework_matrix
from coder.export.tables import ExportTables

BY_KINDS = ("counts", "crosstab", "chart")   # the kinds --by and --base apply to


def check_by(kind: str, by: str | None) -> None:
    """`--by` is required for crosstab and meaningless for the record tables."""
    if kind == "crosstab" and not by:
        raise CoderError("crosstab needs --by ATTR (the attribute whose values are the columns)")
    if by and kind not in BY_KINDS:
        raise CoderError(f"--by applies to {', '.join(BY_KINDS)}, not {kind}")


def check_base(kind: str, base: str) -> None:
    """`--base coded` is for the kinds that give percentages."""
    if base != "all" and kind not in BY_KINDS:
        raise CoderError(f"--base applies to {', '.join(BY_KINDS)}, not {kind}")


def build_tables(kind: str, data: ProjectData, *, by: str | None = None, base: str = "all",
                 roll_up: bool = False) -> ExportTables:
    """The tables and notes of export `kind` (one of TABLE_KINDS); `base` is the percent base.

    `roll_up` counts sub-codes as their code directly under the theme (`rolled_up`).
    """
    if kind not in TABLE_KINDS:
        raise CoderError(f"unknown export kind {kind!r} (use one of {', '.join(TABLE_KINDS)})")
    check_by(kind, by)
    check_base(kind, base)
    notes = data_notes(data)
    if roll_up:
        data = rolled_up(data)
        notes.append(ROLL_UP_NOTE)
    book, segments, attrs = data.codebook, data.segments, data.attributes
    coded = segments["response_id"].nunique()
    if kind == "counts":
        table = theme_code_counts(book, segments, attrs, by=by, base=base)
        return ExportTables({"counts": table}, notes + counts_notes(len(attrs), by, base, coded), csv_notes=True)
    if kind == "crosstab":
        table = crosstab(book, segments, attrs, by, base)
        notes += counts_notes(len(attrs), by, base, coded) + [
            f"chi2/df/p: Pearson chi-square of having the code against {by} ((missing) left out; "
            f"Yates-corrected for two values); warning when an expected count is below "
            f"{MIN_EXPECTED}"]
        return ExportTables({"crosstab": table}, notes, csv_notes=True)
    if kind == "cooccurrence":
        sheets = {"pairs": cooccurrence(book, segments),
                  "responses": cooccurrence_matrix(book, segments),
                  "jaccard": cooccurrence_matrix(book, segments, measure="jaccard")}
        notes.append("responses_both: responses coded with both codes; jaccard: responses with "
                     "both / responses with either")
        return ExportTables(sheets, notes, csv_notes=True)
    if kind == "matrix":
        sheets = framework_matrix(book, segments, data.responses, attrs, data.charts)
        notes.append("one row per response; per theme a summary column (chart summaries written "
                      "in the UI) and one column per code with the coded excerpts")
        return ExportTables(sheets, notes)
    if kind == "codings":
        notes.append("start/end: code-point offsets into the response; empty = whole response")
        if data.source != "coding":
            notes.append("source column: coding (a coder's decision: coder set) or suggestion (the machine's, "
                         "which no coder made: engine and score set, coder empty)")
        return ExportTables({"codings": codings_table(book, segments, data.responses)}, notes)
    notes.append("1 = the response has the code; columns are code ids (an .xlsx export adds a codes sheet "
                 "with their labels; `coder codebook show` lists them)")
    return ExportTables({"binary": binary_table(book, segments, data.responses, attrs),
                         "codes": _code_key(data)}, notes)


def _code_key(data: ProjectData) -> pd.DataFrame:
    """Code id, index, label and theme of each listed code: the key to binary columns."""
    rows = [{"code_id": c.id, "code_index": c.index, "code_label": c.label,
             "theme_index": t.index, "theme_label": t.label}
            for t, codes in listed_framework(data.codebook, data.segments) for c in codes]
    return pd.DataFrame(rows, columns=["code_id", "code_index", "code_label", "theme_index",
                                       "theme_label"])
