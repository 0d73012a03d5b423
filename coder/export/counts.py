"""Theme and code counts: how many responses carry each code and each theme.

The table the social work literature prints ("70% cited paperwork"): a
response counts once for a code however many coders or spans applied it, and
once for a theme when it has any code of that theme. `segments` counts the
segments themselves (codings, plus suggestions when included).
"""

from __future__ import annotations

import math

import pandas as pd

from coder.errors import CoderError
from coder.export.data import display_label, listed_framework
from coder.records import Codebook
from coder.wording import counted

MISSING = "(missing)"
BASES = ("all", "coded")
LEAD_COLUMNS = ["row", "theme_index", "theme_label", "code_index", "code_label"]


def group_values(attributes: pd.DataFrame, by: str) -> pd.Series:
    """Each response's value of attribute `by` as text (empty or absent values become "(missing)").

    One value is one group whatever its kind in the file: 2, 2.0 and "2" are "2", and true
    and "true" are "true" (a JSON Lines or workbook column mixes them)."""
    if by not in attributes.columns:
        known = ", ".join(attributes.columns) or "none"
        raise CoderError(f"--by {by!r}: no such attribute (attributes: {known})")
    values = attributes[by].map(_group_text).str.strip()
    return values.where(values != "", MISSING).rename(by)


def _group_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def group_order(groups: pd.Series) -> list[str]:
    """Attribute values in a stable order: numbers by value (9 before 10), then text sorted, with
    "(missing)" last."""
    values = sorted(set(groups) - {MISSING}, key=_value_order)
    return values + ([MISSING] if MISSING in set(groups) else [])


def _value_order(value: str) -> tuple:
    try:
        number = float(value)
    except ValueError:
        return (1, 0.0, value)
    return (0, number, value) if math.isfinite(number) else (1, 0.0, value)


def percent(part: int, base: int) -> float:
    """part / base as a percentage with one decimal (NaN when the base is zero)."""
    return round(part / base * 100, 1) if base else float("nan")


def theme_code_counts(codebook: Codebook, segments: pd.DataFrame, attributes: pd.DataFrame,
                      by: str | None = None, base: str = "all") -> pd.DataFrame:
    """Responses and segments per theme and code, in framework order.

    Rows: for each theme a `theme` row then its `code` rows, then `any code`
    (responses with at least one code) and `base` (the percent base: all
    responses, or with `base="coded"` the responses with any code, for
    figures while coding is under way). Columns: row, theme_index,
    theme_label, code_index, code_label, responses, percent, segments; with
    `by`, also `responses [by=value]` and `percent [by=value]` per attribute
    value, whose percent base is the responses (or coded responses) with that
    value. `attributes` must index every response; an unknown `by` raises
    CoderError.
    """
    if base not in BASES:
        raise CoderError(f"--base must be one of {', '.join(BASES)}")
    groups = group_values(attributes, by) if by else None
    pairs = segments[["response_id", "code_id"]].drop_duplicates()
    theme_of = {c.id: c.theme_id for c in codebook.codes}
    theme_pairs = (pairs.assign(theme_id=pairs["code_id"].map(theme_of))
                   [["response_id", "theme_id"]].drop_duplicates())
    seg_per_code = segments.groupby("code_id").size()
    seg_per_theme = segments.groupby(segments["code_id"].map(theme_of)).size()
    per_code = _responses_per_key(pairs, "code_id", groups)
    per_theme = _responses_per_key(theme_pairs, "theme_id", groups)
    any_code = _responses_per_key(pairs[["response_id"]].drop_duplicates().assign(key="any"),
                                  "key", groups)

    rows = []
    for theme, codes in listed_framework(codebook, segments):
        rows.append(_row("theme", theme.index, display_label(theme), "", "",
                         per_theme.get(theme.id, {}), int(seg_per_theme.get(theme.id, 0))))
        for code in codes:
            rows.append(_row("code", theme.index, display_label(theme), code.index,
                             display_label(code), per_code.get(code.id, {}),
                             int(seg_per_code.get(code.id, 0))))
    coded = any_code.get("any", {})
    rows.append(_row("any code", "", "Responses with any code", "", "", coded, len(segments)))
    if base == "coded":
        bases = {"all": coded.get("all", 0), **({v: coded.get(v, 0) for v in set(groups)} if by else {})}
        rows.append(_row("base", "", "Responses with any code (percent base)", "", "", bases, None))
    else:
        bases = {"all": len(attributes), **(groups.value_counts().to_dict() if by else {})}
        rows.append(_row("base", "", "All responses (percent base)", "", "", bases, None))
    return _with_percents(pd.DataFrame(rows), bases, groups, by)


def _responses_per_key(pairs: pd.DataFrame, key: str, groups: pd.Series | None) -> dict:
    """{key value: {"all": n, group value: n, ...}} counting distinct responses."""
    result: dict = {k: {"all": int(n)} for k, n in pairs.groupby(key).size().items()}
    if groups is not None and not pairs.empty:
        grouped = pairs.assign(group=pairs["response_id"].map(groups))
        for (k, value), n in grouped.groupby([key, "group"]).size().items():
            result[k][value] = int(n)
    return result


def _row(kind, theme_index, theme_label, code_index, code_label, counts, segments) -> dict:
    return {"row": kind, "theme_index": theme_index, "theme_label": theme_label,
            "code_index": code_index, "code_label": code_label, "counts": counts,
            "segments": segments}


def _with_percents(table: pd.DataFrame, base: dict, groups, by) -> pd.DataFrame:
    out = table[LEAD_COLUMNS].copy()
    counts = table["counts"]
    out["responses"] = [c.get("all", 0) for c in counts]
    out["percent"] = [percent(n, base["all"]) for n in out["responses"]]
    out["segments"] = table["segments"].astype("Int64")
    if groups is None:
        return out
    columns: dict[str, list] = {}   # added at once: one insert per column fragments the frame
    for value in group_order(groups):
        n = [c.get(value, 0) for c in counts]
        columns[f"responses [{by}={value}]"] = n
        columns[f"percent [{by}={value}]"] = [percent(x, base[value]) for x in n]
    return pd.concat([out, pd.DataFrame(columns, index=out.index)], axis=1)


# Under this share of responses coded, percents of all responses mostly count the uncoded as
# "without the code" (0.0% everywhere on a project barely started): the notes say so.
FEW_CODED = 0.05


def counts_notes(n_responses: int, by: str | None, base: str = "all", n_coded: int = 0) -> list[str]:
    """What the counts mean, for the notes that go with the table."""
    notes = [base_note(n_responses, base, n_coded),
             "a response counts once per code (whatever the coders or spans) and once per theme "
             "when it has any code of that theme; segments counts every coding (and suggestion)"]
    if by:
        which = "coded responses" if base == "coded" else "responses"
        notes.append(f"percent [{by}=value] base: the {which} with that value of {by}")
    return notes


def base_note(n_responses: int, base: str, n_coded: int) -> str:
    """One line naming the percent base; on the base of all responses, how many of them are
    coded, with a warning and the coded base to use instead when that is few (FEW_CODED)."""
    if base == "coded":
        return f"percent base: the {counted(n_coded, 'response')} with any code (of {n_responses:,} in the project)"
    whole = f"percent base: all {n_responses:,} responses in the project"
    if n_coded >= n_responses:
        return whole
    line = f"{whole}, of which {n_coded:,} ({_share(n_coded, n_responses)}) have any code"
    if n_coded >= FEW_CODED * n_responses:
        return line
    return (f"{line}: beware, every uncoded response counts as without the code, so these percents "
            "say little; while coding is under way use --base coded (percent of the coded responses)")


def _share(part: int, whole: int) -> str:
    """part / whole as a percent for people: "0.064%", "5.5%"; rounded as the tables' percent (the
    note and the `any code` row give the same figure), but never "100%" short of the whole."""
    share = part / whole * 100
    if share < 1:
        return f"{share:.2g}%"
    return f"{min(percent(part, whole), 99.9) if part < whole else percent(part, whole):.1f}%"
