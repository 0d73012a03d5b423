"""Importing existing coding (from another tool or a spreadsheet) into a project.

Three layouts of a table (CSV, XLSX, JSONL ... see `coder.importers`):

- long: one row per response id and code (`id, code`; in JSON Lines the code
  cell may be a list of codes);
- wide: one 0/1 column per code (as SPSS and QualCoder exports give);
- columns: cells `Code 1`, `Code 2` ... holding code names.

Codes are written by id, index (`2.2`) or label, optionally with their theme
(`theme->code` or `theme/code`). `read_codings` checks the whole file without
writing (unknown codes and response ids stop it with a list); `write_codings`
then applies it in one transaction with origin `imported`.
"""

from __future__ import annotations

import re
import shlex
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from coder.errors import InputError
from coder.importers import open_table
from coder.importers.table import ROW_ID, Table, list_columns, row_id
from coder.records import Code, Codebook, Theme
from coder.store import transaction
from coder.store.codebook import add_code, add_theme
from coder.store.codebook_read import load_codebook
from coder.store.codings import import_codings
from coder.store.responses import existing_ids
from coder.wording import counted

LAYOUTS = ("auto", "long", "wide", "columns")
IMPORTED_THEME = "imported"
CODE_CELL = re.compile(r"codes?[\s_\-]*\d+", re.IGNORECASE)   # "Code 1", "code_2", "Codes3"
INDEX_AND_LABEL = re.compile(r"(\d+(?:\.\d+)*)[\s.:)\-]+(\S.*)")  # "2.2 Stress", "2.2: Stress"
HIERARCHY = re.compile(r"\s*(?:->|/)\s*")
MARKED = {"1", "1.0", "true", "yes"}
UNMARKED = {"0", "0.0", "false", "no", ""}
SHOWN = 8


class CodeMatcher:
    """Finds a codebook code from a name as another tool writes it."""

    def __init__(self, codebook: Codebook):
        self._by_id = {c.id: c.id for c in codebook.codes}
        self._by_index = self._unique((c.index, c.id) for c in codebook.codes)
        self._by_label = self._unique((c.label.casefold(), c.id) for c in codebook.codes)
        self._by_folded_id = self._unique((c.id.casefold(), c.id) for c in codebook.codes)
        self._themes = {key: t.id for t in codebook.themes
                        for key in (t.id, t.index, t.label.casefold())}
        self._codes = codebook.codes

    @staticmethod
    def _unique(pairs) -> dict[str, str | None]:
        """A lookup in which a key shared by two codes maps to None (ambiguous)."""
        found: dict[str, str | None] = {}
        for key, code_id in pairs:
            found[key] = None if key in found and found[key] != code_id else code_id
        return found

    def indexes_equal_to(self, number: float) -> list[str]:
        """The code indexes a number cell may stand for: a spreadsheet keeps `1.10` as 1.1."""
        return sorted({c.index for c in self._codes if _as_number(c.index) == number})

    def match(self, name: str) -> str | None:
        """The id of the code `name` refers to, or None when unknown or ambiguous."""
        name = name.strip()
        code_id = (self._by_id.get(name) or self._by_index.get(name)
                   or self._by_label.get(name.casefold()) or self._by_folded_id.get(name.casefold()))
        if code_id:
            return code_id
        numbered = INDEX_AND_LABEL.fullmatch(name)
        if numbered and self._by_index.get(numbered[1]):
            return self._by_index[numbered[1]]
        parts = HIERARCHY.split(name)
        if len(parts) == 2 and all(parts):
            theme_id = self._themes.get(parts[0]) or self._themes.get(parts[0].casefold())
            child = parts[1].casefold()
            for code in self._codes:
                if code.theme_id == theme_id and child in (code.id.casefold(), code.index,
                                                           code.label.casefold()):
                    return code.id
        return None


@dataclass
class CodingPlan:
    """A checked file of coding, ready to write."""

    file: Path
    description: str
    layout: str
    id_column: str
    rows_read: int = 0
    pairs: list[tuple[str, str]] = field(default_factory=list)   # (response id, code name)
    codes: dict[str, str | None] = field(default_factory=dict)   # code name -> code id
    new_codes: list[str] = field(default_factory=list)           # names to create (--add-codes)


@dataclass(frozen=True)
class CodingSummary:
    """What an import of coding did."""

    file: str
    description: str
    layout: str
    rows_read: int
    pairs: int
    responses: int
    added: int
    created_codes: tuple[str, ...]


def detect_layout(table: Table, id_column: str, code_col: str | None, skipped: set[str] = frozenset()) -> str:
    """long when there is a code column, columns when there are `Code 1` ... cells, else wide
    (columns in `skipped` count for neither)."""
    if code_col or (_code_column(table) in table.columns and _code_column(table) not in skipped):
        return "long"
    if any(CODE_CELL.fullmatch(c) for c in table.columns if c != id_column and c not in skipped):
        return "columns"
    return "wide"


def _code_column(table: Table) -> str:
    return next((c for c in table.columns if c.strip().casefold() in ("code", "codes")), "code")


def _name(value) -> str:
    """A cell naming a code, as text without surrounding spaces ("" for an empty cell)."""
    return "" if value is None else str(value).strip()


def _as_number(index: str) -> float | None:
    try:
        return float(index)
    except ValueError:
        return None


def _code_name(table: Table, matcher: CodeMatcher, value, place: int, column: str) -> str:
    """A code cell as the name to match; a number cell (a spreadsheet's) as the one index it can be."""
    if isinstance(value, float):
        indexes = matcher.indexes_equal_to(value)
        if len(indexes) > 1:
            raise table.error(f"the number {value} could be code {' or '.join(indexes)}", place, column=column,
                              hint="a spreadsheet keeps 1.10 as 1.1: format the column as text and type the "
                                   "indexes again, or use code ids or labels")
        if indexes:
            return indexes[0]
    return _name(value)


def _marked(table: Table, value, place: int, column: str) -> bool:
    text = _name(value).casefold()
    if text in MARKED:
        return True
    if text in UNMARKED:
        return False
    raise table.error(f"{_name(value)[:40]!r} is not 0 or 1 (a wide file has one 0/1 column "
                      "per code)", place, column=column,
                      hint=f"leave a column that is not a code out with --skip-col {shlex.quote(column)}, or use "
                           "--format long or columns if the file is laid out differently")


def read_codings(conn: sqlite3.Connection, path: Path | str, *, layout: str = "auto",
                 id_col: str | None = None, code_col: str | None = None,
                 sheet: str | None = None, encoding: str | None = None, id_prefix: str = "",
                 add_codes: bool = False, skip_cols: tuple[str, ...] = (),
                 max_unzip_mb: int | None = None) -> CodingPlan:
    """Read and check a file of coding without writing; return the plan to write.

    `id_col` defaults to the first column (`@row` numbers the rows, as in
    `coder import --id-col @row`, with the same `id_prefix`). `skip_cols` are
    columns that hold no codes (text, attributes), for the wide layout; `max_unzip_mb`
    is `open_table`'s. Raises InputError for a file without one coding, unknown codes (unless `add_codes`),
    for response ids not in the project, and for an id on two rows of the wide or
    columns layout (one row per response: merging them would put one answer's codes on another).
    """
    if layout not in LAYOUTS:
        raise InputError(f"--format must be one of {', '.join(LAYOUTS)}")
    table = open_table(path, sheet=sheet, encoding=encoding, max_unzip_mb=max_unzip_mb)
    id_column = table.require_column(id_col, "--id-col") if id_col else table.columns[0]
    skipped = {table.require_column(c, "--skip-col") for c in skip_cols}
    if layout == "auto":
        layout = detect_layout(table, id_column, code_col, skipped)
    if skipped and layout == "long":
        raise table.error("--skip-col is for the wide layout; this file is read as long (one code column)",
                          hint="leave --skip-col out, or give --format wide")
    plan = CodingPlan(table.path, table.description, layout, id_column)
    code_columns = _code_columns(table, layout, id_column, code_col, skipped)
    matcher = CodeMatcher(load_codebook(conn))
    if layout == "wide":   # every column is a code, used or not; keep the file's order
        plan.codes = dict.fromkeys(code_columns)
    first_place: dict[str, int] = {}                 # wide, columns: the line where each id was first
    repeated: dict[str, tuple[int, int]] = {}        # id -> its first line and the next line with it
    for number, place, values in table.rows():
        plan.rows_read += 1
        rid = row_id(table, id_column, id_prefix, number, place, values)
        if layout != "long" and (first := first_place.setdefault(rid, place)) != place:
            repeated.setdefault(rid, (first, place))
        for column in code_columns:
            value = values.get(column)
            if layout == "wide":
                if _marked(table, value, place, column):
                    plan.pairs.append((rid, column))
            else:   # a JSON list cell holds several codes
                for item in value if isinstance(value, list) else [value]:
                    if name := _code_name(table, matcher, item, place, column):
                        plan.pairs.append((rid, name))
    if repeated:
        raise _repeated_ids_error(table, plan, repeated)
    if not plan.pairs:
        raise _nothing_to_import(table, plan)
    _match_codes(table, plan, matcher, add_codes)
    _check_ids(conn, table, plan, id_prefix)
    return plan


def _nothing_to_import(table: Table, plan: CodingPlan) -> InputError:
    """The error for a file without one coding: no rows, or no code on any row."""
    if not plan.rows_read:
        return table.no_rows_error("codings")
    return table.error(f"nothing to import: no row holds a code ({counted(plan.rows_read, 'row')}, "
                       f"{plan.layout} layout)", hint="check --format and --code-col")


def _repeated_ids_error(table: Table, plan: CodingPlan, repeated: dict[str, tuple[int, int]]) -> InputError:
    """Two rows of a one-row-per-response layout with one id: refused, never merged into one response."""
    shown = ", ".join(f"{rid} ({table.unit}s {first} and {later})"
                      for rid, (first, later) in list(repeated.items())[:SHOWN])
    hint = (f"the {plan.layout} layout has one {table.unit} per response: give each its own id, "
            f"use --id-col {ROW_ID} if the responses were imported with `coder import --id-col {ROW_ID}`, "
            "or --format long for one code per line")
    verb = "repeats" if len(repeated) == 1 else "repeat"
    return table.error(f"duplicate ids: {counted(len(repeated), 'id')} {verb} in the file, first: {shown}",
                       column=plan.id_column, hint=hint)


def _code_columns(table: Table, layout: str, id_column: str, code_col: str | None,
                  skipped: set[str]) -> list[str]:
    """The columns holding codes: the code column (long), code cells (columns) or all not skipped (wide)."""
    if layout == "long":
        column = code_col or _code_column(table)
        return [table.require_column(column, "--code-col")]
    others = [c for c in table.columns if c != id_column and c not in skipped]
    if layout == "columns":
        others = [c for c in others if CODE_CELL.fullmatch(c)]
    if not others:
        raise table.error(f"no {'Code 1, Code 2 ... ' if layout == 'columns' else 'code '}columns "
                          f"for the {layout} layout; columns are: {list_columns(table.columns)}",
                          hint="check --format and --id-col")
    return others


def _match_codes(table: Table, plan: CodingPlan, matcher: CodeMatcher, add_codes: bool) -> None:
    for name in list(plan.codes) + [name for _, name in plan.pairs]:
        if plan.codes.get(name) is None:
            plan.codes[name] = matcher.match(name)
    unknown = [name for name, code_id in plan.codes.items() if code_id is None]
    if unknown and not add_codes:
        shown = ", ".join(repr(n) for n in unknown[:SHOWN]) + (" ..." if len(unknown) > SHOWN else "")
        raise table.error(f"{counted(len(unknown), 'code')} not in the codebook (by id, index or label): "
                          f"{shown}", hint="fix the names, add the codes to the codebook, or "
                                           f"give --add-codes to create them under theme "
                                           f"{IMPORTED_THEME!r}")
    plan.new_codes = unknown


def _check_ids(conn: sqlite3.Connection, table: Table, plan: CodingPlan, id_prefix: str) -> None:
    ids = list(dict.fromkeys(rid for rid, _ in plan.pairs))
    missing = set(ids) - existing_ids(conn, ids)
    if missing:
        shown = ", ".join([rid for rid in ids if rid in missing][:SHOWN])
        hint = "import the responses first with `coder import`"
        if plan.id_column == ROW_ID:
            hint += f" --id-col {ROW_ID}" + (f" --id-prefix {id_prefix}" if id_prefix else "")
        raise table.error(f"{counted(len(missing), 'response id is', 'response ids are')} not in the project: "
                          f"{shown}",
                          column=plan.id_column, hint=hint)


def write_codings(conn: sqlite3.Connection, plan: CodingPlan, coder: str) -> CodingSummary:
    """Apply a checked plan for `coder` in one transaction (creating codes if asked)."""
    with transaction(conn):
        created = _create_codes(conn, plan, coder)
        added = import_codings(conn, ((rid, plan.codes[name]) for rid, name in plan.pairs), coder,
                               origin="imported", source=plan.file.name)
    return CodingSummary(str(plan.file), plan.description, plan.layout, plan.rows_read,
                         len(plan.pairs), len({rid for rid, _ in plan.pairs}), added,
                         tuple(created))


def _create_codes(conn: sqlite3.Connection, plan: CodingPlan, coder: str) -> list[str]:
    """Create the plan's unknown codes under theme `imported`; return their ids."""
    if not plan.new_codes:
        return []
    codebook = load_codebook(conn)
    theme = next((t for t in codebook.themes if t.id == IMPORTED_THEME), None)
    if theme is None:
        numbers = [int(t.index) for t in codebook.themes if t.index.isdigit()]
        theme = add_theme(conn, Theme(IMPORTED_THEME, str(max(numbers, default=0) + 1),
                                      "Imported", "Codes created by coder import-codes"), coder)
    taken = {t.id for t in codebook.themes} | {c.id for c in codebook.codes}
    count = len(codebook.codes_of(theme.id))
    created = []
    for name in plan.new_codes:
        code_id = _new_id(name, taken)
        taken.add(code_id)
        count += 1
        add_code(conn, Code(code_id, theme.id, f"{theme.index}.{count}", name), coder)
        plan.codes[name] = code_id
        created.append(code_id)
    return created


def _new_id(name: str, taken: set[str]) -> str:
    """A code id made from a name: lower case, runs of other characters as "_", unique."""
    base = re.sub(r"\W+", "_", name.casefold()).strip("_") or "code"
    code_id, n = base, 1
    while code_id in taken:
        n += 1
        code_id = f"{base}_{n}"
    return code_id
