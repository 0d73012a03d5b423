"""What every export is computed from: the codebook, the responses and the segments.

A *segment* is one piece of evidence that a code applies to a response: a
human coding (a span or the whole response) or, when asked for, a machine
suggestion (score >= threshold, always the whole response) that the coder (or,
for all coders, anyone) has not rejected. Every count, table
and matrix is computed from one segments table, so `--source` and `--coder`
mean the same thing for every kind of export.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass

import pandas as pd

from coder.errors import CoderError
from coder.export.kinds import SOURCES
from coder.records import Code, Codebook, Theme
from coder.store import tables
from coder.store.codebook_read import load_codebook
from coder.store.codings import check_coder
from coder.wording import counted

SEGMENT_COLUMNS = ["response_id", "code_id", "coder", "engine", "start", "end", "origin",
                   "created_at", "score"]
SUGGESTION_ORIGIN = "suggestion"


@dataclass(frozen=True)
class ProjectData:
    """A project's content as read for one export.

    responses: response_id, text, position (import order).
    attributes: one column per attribute, indexed by response id (all responses).
    segments: SEGMENT_COLUMNS, one row per coding or suggestion (see module doc).
    charts: framework-matrix summaries (coder.store.tables.charts_frame).
    memos: every memo (coder.store.tables.memos_frame).
    source, coder: what the segments were selected by (for notes in the output).
    settled, replaced: responses whose consensus codings replace the coders' own in the
    segments (settled in adjudication), and how many of the coders' codings that leaves out.
    """

    codebook: Codebook
    responses: pd.DataFrame
    attributes: pd.DataFrame
    segments: pd.DataFrame
    charts: pd.DataFrame
    memos: pd.DataFrame
    source: str = "coding"
    coder: str | None = None
    settled: int = 0
    replaced: int = 0


def segments_from(codings: pd.DataFrame, suggestions: pd.DataFrame, source: str) -> pd.DataFrame:
    """The segments of one source: `coding`, `suggestions` or `both` (the union).

    Codings keep their coder, span and origin (no engine); suggestions become
    whole-response segments with origin "suggestion", their engine and score, and no
    coder (None: a suggestion is nobody's decision).
    """
    if source not in SOURCES:
        raise CoderError(f"--source {source!r}: use one of {', '.join(SOURCES)}")
    parts = []
    if source in ("coding", "both"):
        human = codings.assign(engine=None, score=float("nan"))
        parts.append(human[SEGMENT_COLUMNS])
    if source in ("suggestions", "both"):
        machine = pd.DataFrame({
            "response_id": suggestions["response_id"], "code_id": suggestions["code_id"],
            "coder": None, "engine": suggestions["engine"], "start": pd.array([pd.NA] * len(suggestions), "Int64"),
            "end": pd.array([pd.NA] * len(suggestions), "Int64"), "origin": SUGGESTION_ORIGIN,
            "created_at": "", "score": suggestions["score"].astype(float)})
        parts.append(machine[SEGMENT_COLUMNS])
    segments = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return segments.reset_index(drop=True)


def load_project_data(conn: sqlite3.Connection, *, source: str = "coding",
                      coder: str | None = None) -> ProjectData:
    """Read everything an export needs (nothing is written).

    `coder` keeps only that coder's codings and chart summaries (suggestions
    belong to no coder and are kept when `source` includes them, less those `coder`
    rejected, or anyone when there is no `coder`, as the coding screen hides them); an unknown
    coder is an error rather than an empty export. Without one, everyone's
    codings are pooled, but a response settled in adjudication counts by its
    consensus codings alone (`settled` and `replaced` say how much that changed).
    """
    if source not in SOURCES:
        raise CoderError(f"--source {source!r}: use one of {', '.join(SOURCES)}")
    if source != "suggestions":
        check_coder(conn, coder)
    codings = tables.codings_frame(conn, coder=coder, settled=True)
    pooled = coder is None and source != "suggestions"
    settled, replaced = tables.settled_counts(conn) if pooled else (0, 0)
    return ProjectData(
        codebook=load_codebook(conn),
        responses=tables.responses_frame(conn),
        attributes=tables.attributes_frame(conn),
        segments=segments_from(codings, tables.suggestions_frame(conn, coder=coder), source),
        charts=tables.charts_frame(conn, coder=coder),
        memos=tables.memos_frame(conn),
        source=source,
        coder=coder,
        settled=settled,
        replaced=replaced,
    )


def rolled_up(data: ProjectData) -> ProjectData:
    """The data with every sub-code rolled up into its ancestor directly under the theme.

    The codebook keeps only those codes, and each segment of a sub-code becomes a
    segment of that ancestor: a response coded with two sub-codes of one code
    counts once for it (counts keep one row per response and code), while
    `segments` still counts every coding. A codebook without sub-codes is unchanged.
    """
    top = data.codebook.roll_up()
    codebook = dataclasses.replace(data.codebook,
                                   codes=tuple(c for c in data.codebook.codes if top[c.id] == c.id))
    segments = data.segments.assign(code_id=data.segments["code_id"].map(lambda code: top.get(code, code)))
    return dataclasses.replace(data, codebook=codebook, segments=segments)


ROLL_UP_NOTE = ("sub-codes rolled up: each code counts the responses with it or any of its "
                "sub-codes, once each")


def source_note(source: str, coder: str | None) -> str:
    """One line saying which decisions an export counted."""
    who = f"coder {coder}" if coder else "all coders"
    held = f"score >= threshold, less those {f'coder {coder}' if coder else 'anyone'} rejected"
    return {
        "coding": f"source: human coding only ({who}); suggestions not counted",
        "suggestions": f"source: machine suggestions only ({held})",
        "both": f"source: human coding ({who}) and machine suggestions ({held}), counted as one",
    }[source]


def settled_note(settled: int, replaced: int) -> str:
    """One line saying that settled responses count by their consensus coding ("" when none are)."""
    if not settled:
        return ""
    return (f"consensus: {counted(settled, 'response')} settled in adjudication (F5) count by the "
            f"consensus coding (coder consensus) alone: it replaces the coders' own codings there "
            f"({counted(replaced, 'coding')} of theirs not counted; --coder NAME gives one coder's own)")


def data_notes(data: ProjectData) -> list[str]:
    """The notes every export of `data` starts with: its source, and the consensus when it applies."""
    return [note for note in (source_note(data.source, data.coder),
                              settled_note(data.settled, data.replaced)) if note]


def listed_framework(codebook: Codebook, segments: pd.DataFrame) -> list[tuple[Theme, list[Code]]]:
    """The themes and codes an export lists, in framework order.

    Every code in use is listed; retired codes and themes are listed only when
    some segment uses them (their decisions still count), so an export never
    drops evidence and never shows codes nobody can apply any more.
    """
    used = set(segments["code_id"].unique())
    listed = []
    for theme in codebook.themes:
        codes = [c for c in codebook.codes_of(theme.id) if c.id in used or not c.retired]
        if codes or not theme.retired:
            listed.append((theme, codes))
    return listed


def display_label(record: Theme | Code) -> str:
    """A theme or code label, marked when retired."""
    return f"{record.label} (retired)" if record.retired else record.label
