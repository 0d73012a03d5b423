"""`coder agreement` as the terminal shows it: a per-code table that keeps each code on one line
at the terminal's width, and the summary.

The files `--out` writes hold the full table (every count and both intervals); this one holds
what a reader compares codes by, with the code's index and label on every line.
"""

from __future__ import annotations

import math

from coder.reliability import figure
from coder.reliability.report import CONSENSUS_NOTE, AgreementReport
from coder.wording import counted


def _with_interval(report: AgreementReport) -> str | None:
    """The statistic the table gives a 95% interval for: kappa (two coders) or alpha; None over characters."""
    if report.unit == "span":
        return None
    return "kappa" if len(report.coders) == 2 else "alpha"


def table(report: AgreementReport) -> tuple[list[str], list[list[str]], str]:
    """The console table's header, rows (of text) and alignment (see `fitted_table`): per code
    its index and label, how many units each coder applied it to, agreement, kappa (two coders
    only), alpha and AC1, and the interval beside its statistic."""
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
    rows = []
    for row in report.table.to_dict("records"):
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
    return header, rows, align


def summary(report: AgreementReport) -> list[str]:
    """The responses measured on, the figures over all codes, how many codes are not assessable, and
    how many disagreements there are."""
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
    lines.append(f"Disagreements: {counted(len(report.disagreements), '(response, code) pair')}")
    return lines
