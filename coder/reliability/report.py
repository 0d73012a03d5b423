"""A project's agreement between coders: which coders and codes to compare, and the tables.

The CLI prints an `AgreementReport` and writes its tables; the UI can show the
same figures and list the same disagreements, so both read them from here. The
unit is the response (was the code applied anywhere in it) or, for `span`, the
character (see `coder.reliability.spans`).
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from coder.adjudication import CONSENSUS, coder_pairs
from coder.errors import CoderError
from coder.records import Codebook
from coder.reliability import UNITS, figure
from coder.reliability.bootstrap import RESAMPLES
from coder.reliability.measures import Agreement, CodeSets, measure_agreement, shared_units
from coder.reliability.spans import SpanSets, measure_span_agreement, span_disagreements
from coder.store.codebook_read import load_codebook
from coder.store.codings import coders as project_coders, list_codings
from coder.store.responses import get_response
from coder.store.samples import sample_response_ids
from coder.wording import counted

if TYPE_CHECKING:
    import pandas as pd

DISAGREEMENT_COLUMNS = ["response id", "code index", "code", "applied by", "not applied by"]
CONSENSUS_NOTE = (f"{CONSENSUS}: only responses settled in adjudication have its codings, and those are the "
                  "ones where the coders differed, so agreement with it is measured on the hard cases alone "
                  "(the responses the coders agreed on are not among them)")
DIFFERING = "characters differing"
STATISTICS = ("kappa: Cohen's (two coders only); alpha: Krippendorff's, nominal; AC1: Gwet's "
              "(robust when a code is rare)")


@dataclass(frozen=True)
class AgreementReport:
    """Agreement of some coders in a project, with its tables and the notes that explain them."""

    coders: tuple[str, ...]
    unit: str                     # "response" or "span" (characters)
    result: Agreement
    table: pd.DataFrame           # one row per code (see `agreement_table`)
    disagreements: pd.DataFrame   # one row per (response, code) the coders differ on
    notes: tuple[str, ...]        # how to read the tables, written beside them
    responses: str                # how many responses they are over, of which sample (see `measured_on`)
    characters: int | None        # the characters of those responses, for `span`


def measured_on(shared: int, characters: int | None, sample: str | None, sampled: int) -> str:
    """The count of `shared` responses (and their `characters`, if given), said as part of a
    `sample` of `sampled` if one is named: "12 of the 20 in sample pilot (the other 8 are left out...)"."""
    count = f"{shared:,}" + ("" if characters is None else f" ({characters:,} characters)")
    if sample is None:
        return count
    if shared == sampled:
        return f"{count}, all of sample {sample}"
    return (f"{count} of the {sampled:,} in sample {sample} (the other {sampled - shared:,} are left out: "
            "not coded by all of them)")


def interval_note(unit: str) -> str:
    """How the 95% intervals are found over `unit`, and why one may be n/a."""
    if unit == "span":
        return "not given over characters (the characters of a response are not independent)"
    return (f"percentile bootstrap over the responses ({RESAMPLES} resamples, fixed seed); n/a when too few "
            "responses have the code (or lack it) to tell")


def choose_coders(available: Sequence[str], requested: Sequence[str] | None, where: str) -> list[str]:
    """The coders to compare: `requested`, or all who coded but the settled `consensus` (which is
    compared only when named: it is made from the others); an error if fewer than two or unknown."""
    chosen = list(requested or [c for c in available if c != CONSENSUS])
    unknown = [c for c in chosen if c not in available]
    if unknown:
        raise CoderError(f"{where}: no coding by {', '.join(unknown)} "
                         f"(coders in this project: {', '.join(available) or 'none'})")
    if requested and len(set(chosen)) < 2:
        raise CoderError(f"{where}: --coders names {chosen[0]} only; agreement compares two or more "
                         f"different coders (coders in this project: {', '.join(available) or 'none'})")
    if len(set(chosen)) < 2:
        raise CoderError(f"{where}: agreement needs two or more coders "
                         f"(coders in this project: {', '.join(available) or 'none'}); use --coders")
    return chosen


def coded_extents(conn: sqlite3.Connection, coders: Sequence[str]) -> dict[str, dict[str, dict[str, list]]]:
    """coder -> response -> code -> the (start, end) extents they coded it at, for `coders`
    ((None, None) for the whole response)."""
    extents: dict[str, dict[str, dict[str, list]]] = {c: defaultdict(lambda: defaultdict(list)) for c in coders}
    for coding in list_codings(conn):
        if coding.coder in extents:
            extents[coding.coder][coding.response_id][coding.code_id].append((coding.start, coding.end))
    return extents


def code_sets(extents: SpanSets) -> CodeSets:
    """coder -> response -> the codes applied anywhere in it."""
    return {coder: {rid: set(codes) for rid, codes in per.items()} for coder, per in extents.items()}


def compared_codes(codebook: Codebook, sets: CodeSets) -> list[str]:
    """The codes to measure, in codebook order: every code in use, and retired ones only if applied."""
    used = set().union(*(codes for per in sets.values() for codes in per.values()))
    return [c.id for c in codebook.codes if not c.retired or c.id in used]


def agreement_report(conn: sqlite3.Connection, coders: Sequence[str] | None = None, *,
                     unit: str = "response", where: str = "project",
                     sample: str | None = None) -> AgreementReport:
    """Agreement of `coders` (default: everyone who coded) over the responses they all coded
    (of those in the named `sample`, if given: see coder.sample).

    `unit` is "response" (a code applied anywhere in a response) or "span" (the
    characters each coder coded with it). `where` names the project in errors:
    unknown coders, fewer than two, an unknown sample, or no response coded by all of them.
    """
    import pandas as pd  # deferred: keeps `coder --help` fast

    if unit not in UNITS:
        raise CoderError(f"the unit of agreement must be one of {', '.join(UNITS)}, not {unit!r}")
    chosen = choose_coders(project_coders(conn), coders, where)
    codebook = load_codebook(conn)
    extents = coded_extents(conn, chosen)
    within: set[str] = set()
    if sample is not None:
        within = set(sample_response_ids(conn, sample))
        extents = {c: {rid: codes for rid, codes in per.items() if rid in within} for c, per in extents.items()}
    sets = code_sets(extents)
    code_ids = compared_codes(codebook, sets)
    if unit == "span":
        lengths = {rid: len(get_response(conn, rid).text) for rid in shared_units(sets, chosen)}
        characters = sum(lengths.values())
        result = measure_span_agreement(extents, lengths, chosen, code_ids)
        differing = span_disagreements(extents, lengths, chosen, result.units)
    else:
        characters = None
        result = measure_agreement(sets, chosen, code_ids)
        differing = [(r, c, who, None) for r, c, who in result.disagreements(sets)]
    if not result.units:
        if sample is not None:
            raise CoderError(f"{where}: no response of sample {sample!r} has been coded by all of "
                             f"{', '.join(chosen)} (code the sample's responses first, or leave --sample out)")
        pairs = [(a, b, n) for a, b, n in coder_pairs(conn) if a in chosen and b in chosen][:3]
        hint = "; ".join(f"--coders {a} {b} ({counted(n, 'response')} in common)" for a, b, n in pairs)
        fewer = len(chosen) > 2 and hint
        raise CoderError(f"{where}: no response has been coded by all of {', '.join(chosen)}"
                         + (f"; compare fewer: {hint}" if fewer else ""))
    framework = {code.id: i for i, code in enumerate(codebook.codes)}   # each response's codes in codebook order
    units = {rid: i for i, rid in enumerate(result.units)}
    differing = sorted(differing, key=lambda row: (units[row[0]], framework.get(row[1], len(framework))))
    labels = {c.id: (c.index, c.label) for c in codebook.codes}
    disagreements = pd.DataFrame(
        [{"response id": r, "code index": labels[c][0], "code": labels[c][1],
          "applied by": ", ".join(who), "not applied by": ", ".join(x for x in chosen if x not in who),
          **({DIFFERING: chars} if unit == "span" else {})}
         for r, c, who, chars in differing],
        columns=DISAGREEMENT_COLUMNS + ([DIFFERING] if unit == "span" else []))
    responses = measured_on(len(result.units), characters, sample, len(within))
    return AgreementReport(tuple(chosen), unit, result, agreement_table(result, labels, unit), disagreements,
                           _notes(chosen, result, unit, responses), responses, characters)


def agreement_table(result: Agreement, labels: dict[str, tuple[str, str]], unit: str = "response") -> pd.DataFrame:
    """One row per code (a DataFrame): index, label, units, applied by each coder, the statistics.

    The units (and the applied counts) are responses, or characters for `span`.
    """
    import pandas as pd  # deferred: keeps `coder --help` fast

    rows = []
    for code in result.codes:
        index, label = labels[code.code_id]
        row = {"code index": index, "code id": code.code_id, "code": label,
               "characters" if unit == "span" else "responses": code.units}
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


def _notes(coders: Sequence[str], result: Agreement, unit: str, responses: str) -> tuple[str, ...]:
    """How to read the tables, written with them (a notes sheet, or lines under a CSV); `responses`
    says how many responses they are over (see `measured_on`)."""
    if unit == "span":
        how = ("unit: the character; per code, the characters of these responses each coder coded with it "
               "(a coding of the whole response covers all its characters), as NVivo's coding comparison counts")
    else:
        how = "unit: the response; a code counts as applied to a response if applied anywhere in it"
    figures = ", ".join(f"{name}: {figure(value, 3)}" for name, value in (
        ("exact match of whole code sets", result.exact_match), ("pooled kappa", result.pooled_kappa),
        ("mean alpha", result.mean_alpha)))
    return (f"coders: {', '.join(coders)}; responses coded by all of them: {responses}; {figures}",
            *([CONSENSUS_NOTE] if CONSENSUS in coders else []), how,
            f"{STATISTICS}; n/a: undefined because no coder varied",
            f"not assessable: no coder applied the code in these responses, so there was nothing to agree "
            f"on; {len(result.left_out)} of {len(result.codes)} codes, left out of the pooled kappa and the mean alpha",
            f"95% low/high: {interval_note(unit)}")
