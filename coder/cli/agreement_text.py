"""`coder agreement` as the terminal shows it: a per-code table that keeps each code on one line
at the terminal's width, a legend of its figures, and the summary.

The files `--out` writes hold the full table (every count and both intervals); this one holds
what a reader compares codes by, with the code's index and label on every line.
"""

from __future__ import annotations

import math

from coder.cli.common import NOTED
from coder.reliability import figure
from coder.reliability.measures import NOT_ASSESSABLE
from coder.reliability.report import CONSENSUS_NOTE, STATISTICS, AgreementReport, interval_note
from coder.wording import counted


def _with_interval(report: AgreementReport) -> str | None:
    """The statistic the table gives a 95% interval for: kappa (two coders) or alpha; None over characters."""
    if report.unit == "span":
        return None
    return "kappa" if len(report.coders) == 2 else "alpha"


def table(report: AgreementReport) -> tuple[list[str], list[list[str]], str, list[str]]:
    """The console table's header, rows (of text), alignment and marks (see `fitted_table`): per
    code its index and label, how many units each coder applied it to, agreement, kappa (two
    coders only), alpha and AC1, the interval beside its statistic; a code's label is marked
    where it has a note."""
    interval = _with_interval(report)
    statistics = ["kappa", "alpha", "AC1"] if len(report.coders) == 2 else ["alpha", "AC1"]
    header = ["code", "characters" if report.unit == "span" else "responses", "agree %"]
    align = "<>>"
    for name in statistics:
        header.append(name)
        align += ">"
        if name == interval:
            header.append("95% CI")
            align += "<"
    rows, marks = [], []
    for row in report.table.to_dict("records"):
        marks.append(NOTED if _noted(row["note"]) else "")
        cells = [f"{row['code index']} {row['code']}",
                 "/".join(f"{row[f'applied by {c}']:,}" for c in report.coders),
                 "n/a" if math.isnan(row["agreement %"]) else f"{row['agreement %']:.1f}"]
        for name in statistics:
            cells.append(figure(row[name], 3))
            if name == interval:
                low, high = row[f"{name} 95% low"], row[f"{name} 95% high"]
                cells.append("" if math.isnan(row[name]) else "n/a" if math.isnan(low)
                             else f"[{figure(low)}, {figure(high)}]")
        rows.append(cells)
    return header, rows, align, marks


def _noted(note: str) -> bool:
    """Whether a code's note is listed under the table (not assessable is said once, in the summary)."""
    return bool(note) and note != NOT_ASSESSABLE


def legend(report: AgreementReport) -> list[str]:
    """What the table's columns mean, then the notes of the codes marked in it."""
    coders = ", ".join(report.coders)
    shared = len(report.result.units)
    unit = "characters" if report.unit == "span" else "responses"
    of = (f"{report.characters:,} characters of the {counted(shared, 'response')}" if report.unit == "span"
          else counted(shared, "response"))
    lines = [f"{unit}: how many of the {of} coded by all of {coders} each applied the code to "
             f"({'/'.join(report.coders)}); agree %: the share of them on which the coders all agree, "
             "applied or not."]
    lines.append(f"{STATISTICS}; each is 1 for perfect agreement, 0 for what chance alone gives; "
                 "n/a: undefined (a code no coder applied is not assessable).")
    interval = _with_interval(report)
    lines.append(f"95% CI{f' of {interval}' if interval else ''}: {interval_note(report.unit)}.")
    noted = [row for row in report.table.to_dict("records") if _noted(row["note"])]
    if noted:
        lines.append(f"Notes on the codes marked {NOTED.strip()}:")
        lines += [f"  {row['code index']} {row['code']}: {row['note']}." for row in noted]
    return lines


def summary(report: AgreementReport, disagreements_file: bool) -> list[str]:
    """The responses measured on, the figures over all codes, how many codes are not assessable, and
    how many disagreements there are (with how to list them, unless `disagreements_file` says they
    are being written)."""
    result = report.result
    lines = [f"Responses coded by all of {', '.join(report.coders)}: {report.responses}"]
    if CONSENSUS_NOTE in report.notes:
        lines.append(CONSENSUS_NOTE[0].upper() + CONSENSUS_NOTE[1:] + ".")
    lines.append(f"Exact match of whole code sets{' (per character)' if report.unit == 'span' else ''}: "
                 f"{figure(result.exact_match)}   "
                 f"pooled kappa: {figure(result.pooled_kappa)}   mean alpha: {figure(result.mean_alpha)}")
    if result.left_out:
        lines.append(f"Not assessable (no coder applied them in these responses), left out of pooled kappa "
                     f"and mean alpha: {len(result.left_out)} of {len(result.codes)} codes")
    found = len(report.disagreements)
    hint = "; list them with --disagreements FILE" if found and not disagreements_file else ""
    lines.append(f"Disagreements: {counted(found, '(response, code) pair')}{hint}")
    return lines
