"""The memos export: one row per memo, on the project, a theme, a code or a response.

Memos are no coding: `--source`, `--by`, `--base` and `--roll-up` do not apply, and the
table is written like the record tables (coder.export.tables: formula-safe, notes in an
.xlsx's notes sheet and on the terminal, none under a CSV).
"""

from __future__ import annotations

import math
import sqlite3

import pandas as pd

from coder.export.data import display_label
from coder.export.tables import ExportTables
from coder.records import Codebook
from coder.store import get_meta, tables
from coder.store.codebook_read import load_codebook
from coder.store.codings import check_coder
from coder.wording import counted, shortened

MEMO_COLUMNS = ["target_type", "target_id", "target_name", "coder", "memo", "created_at", "updated_at"]
# Where a target's memos come: the project's, then the codebook's (themes and codes), then the responses'.
GROUPS = {"project": 0, "theme": 1, "code": 1, "response": 2}
TEXT_SHOWN = 60   # characters of a response's text its target_name shows
GONE = "(no longer in the project)"   # the target_name of a memo on a theme, code or response deleted since


def memos_table(memos: pd.DataFrame, codebook: Codebook, responses: pd.DataFrame,
                project: str = "") -> pd.DataFrame:
    """One row per memo (`memos`: a coder.store.tables.memos_frame) with MEMO_COLUMNS.

    `target_name` is the `project` name, a theme's or code's index and label (marked when
    retired), or a response's id and the start of its text. Rows: the project's memos
    first, then the themes' and codes' in framework order (a theme's before its codes'), then
    the responses' in project order, memos on targets since deleted last in their group; on
    one target by coder, then as they were written. `memo` is the whole text, line breaks kept.
    """
    wanted = set(memos.loc[memos["target_type"] == "response", "target_id"])
    places = _places(codebook, responses[responses["response_id"].isin(wanted)], project)
    found = [places.get(key, (GROUPS[key[0]], math.inf, GONE))
             for key in zip(memos["target_type"], memos["target_id"])]
    table = memos.assign(_group=[group for group, _, _ in found], _place=[place for _, place, _ in found],
                         target_name=[name for _, _, name in found])
    table = table.sort_values(["_group", "_place", "target_type", "target_id", "coder", "created_at", "memo_id"],
                              kind="stable")
    return table.rename(columns={"text": "memo"})[MEMO_COLUMNS].reset_index(drop=True)


def _places(codebook: Codebook, responses: pd.DataFrame,
            project: str) -> dict[tuple[str, str], tuple[int, float, str]]:
    """(target type, id) -> (group, place in it, target_name) of the project, every theme and
    code, and `responses`."""
    places: dict[tuple[str, str], tuple[int, float, str]] = {("project", ""): (GROUPS["project"], 0, project)}
    for theme in codebook.themes:
        for kind, record in [("theme", theme), *(("code", code) for code in codebook.codes_of(theme.id))]:
            places[(kind, record.id)] = (GROUPS[kind], len(places), f"{record.index} {display_label(record)}")
    for rid, text, position in responses[["response_id", "text", "position"]].itertuples(index=False):
        places[("response", rid)] = (GROUPS["response"], position,
                                     f"{rid}: {shortened(' '.join(text.split()), TEXT_SHOWN)}")
    return places


def memo_tables(conn: sqlite3.Connection, *, coder: str | None = None) -> ExportTables:
    """The memos export of a project: `coder`'s memos, or everyone's, and the notes on them.

    An unknown coder (who has neither coded nor written a memo) is a CoderError; a coder or a
    project with no memos gives the header alone and a note saying so.
    """
    check_coder(conn, coder, memos=True)
    table = memos_table(tables.memos_frame(conn, coder=coder), load_codebook(conn), tables.memo_responses_frame(conn),
                        get_meta(conn).get("name", ""))
    who = f"coder {coder}" if coder else "all coders"
    notes = [f"one row per memo ({who}): target_type project, theme, code or response; target_name the "
             f"project's name, the theme's or code's index and label, or the response's id and the start "
             f"of its text; memo the whole text, line breaks kept"]
    if table.empty:
        notes.append(f"no memos {f'by coder {coder}' if coder else 'in this project'}")
    gone = int((table["target_name"] == GONE).sum())
    if gone:
        notes.append(f"{counted(gone, 'memo')} on a theme, code or response no longer in the project: "
                     f"target_name {GONE}")
    return ExportTables({"memos": table}, notes)
