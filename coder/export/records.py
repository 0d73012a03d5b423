"""Record-level tables: one row per coding, per response (0/1), or per case (the matrix)."""

from __future__ import annotations

import pandas as pd

from coder.export.data import SUGGESTION_ORIGIN, display_label, listed_framework
from coder.records import Codebook

CODING_TABLE_COLUMNS = ["response_id", "code_index", "code_id", "code_label", "theme_index",
                        "theme_label", "source", "coder", "engine", "start", "end", "excerpt", "origin",
                        "created_at", "score"]
CODING_SOURCE, SUGGESTION_SOURCE = "coding", "suggestion"   # the `source` column's values


def excerpts(segments: pd.DataFrame, texts: pd.Series) -> pd.Series:
    """The coded text of each segment: the span, or the whole response when it has none."""
    full = segments["response_id"].map(texts).fillna("")
    return pd.Series([text if pd.isna(start) else text[int(start):int(end)]
                      for text, start, end in zip(full, segments["start"], segments["end"])],
                     index=segments.index, dtype=object)


def codings_table(codebook: Codebook, segments: pd.DataFrame,
                  responses: pd.DataFrame) -> pd.DataFrame:
    """One row per segment (coding or suggestion), by response then framework order, a
    response's codings before its suggestions.

    Columns: CODING_TABLE_COLUMNS. `source` is "coding" (a coder's decision: `coder`
    set, `engine` empty) or "suggestion" (the machine's: `engine` and `score` set,
    `coder` empty); `start`/`end` are code-point offsets (empty for the whole response).
    """
    codes = {c.id: c for c in codebook.codes}
    themes = {t.id: t for t in codebook.themes}
    order = {c.id: i for i, c in enumerate(codebook.codes)}
    position = responses.set_index("response_id")["position"]
    suggested = segments["origin"] == SUGGESTION_ORIGIN
    table = segments.assign(_pos=segments["response_id"].map(position),
                            _code=segments["code_id"].map(order),
                            source=suggested.map({False: CODING_SOURCE, True: SUGGESTION_SOURCE}),
                            _start=segments["start"].fillna(-1))
    table = table.sort_values(["_pos", "_code", "source", "coder", "engine", "_start"], kind="stable")
    code = table["code_id"].map(codes)
    out = pd.DataFrame({
        "response_id": table["response_id"],
        "code_index": [c.index for c in code],
        "code_id": table["code_id"],
        "code_label": [display_label(c) for c in code],
        "theme_index": [themes[c.theme_id].index for c in code],
        "theme_label": [display_label(themes[c.theme_id]) for c in code],
        "source": table["source"], "coder": table["coder"], "engine": table["engine"],
        "start": table["start"], "end": table["end"],
        "excerpt": excerpts(table, responses.set_index("response_id")["text"]),
        "origin": table["origin"], "created_at": table["created_at"], "score": table["score"],
    }, columns=CODING_TABLE_COLUMNS)
    return out.reset_index(drop=True)


ATTRIBUTE_MARK = " (attribute)"


def with_attributes(responses: pd.DataFrame, attributes: pd.DataFrame, taken: set[str]) -> pd.DataFrame:
    """response_id and each response's attributes, an attribute whose name is `response_id` or one
    of the `taken` column names (a code id in `binary`) marked " (attribute)": a column of the same
    name replaced the attribute's values with the code's, or stopped the export."""
    clash = {name: name + ATTRIBUTE_MARK for name in attributes.columns if name in taken | {"response_id"}}
    return responses[["response_id"]].join(attributes.rename(columns=clash), on="response_id")


def binary_table(codebook: Codebook, segments: pd.DataFrame, responses: pd.DataFrame,
                 attributes: pd.DataFrame) -> pd.DataFrame:
    """One row per response: response_id, its attributes, then a 0/1 column per code.

    Code columns are named by code id (stable, usable as SPSS/R variable names)
    in framework order; 1 when any segment applies the code to the response.
    """
    codes = [c for _, theme_codes in listed_framework(codebook, segments) for c in theme_codes]
    pairs = segments[["response_id", "code_id"]].drop_duplicates()
    table = with_attributes(responses, attributes, {code.id for code in codes})
    for code in codes:
        coded = set(pairs.loc[pairs["code_id"] == code.id, "response_id"])
        table[code.id] = table["response_id"].isin(coded).astype(int)
    return table.reset_index(drop=True)


def framework_matrix(codebook: Codebook, segments: pd.DataFrame, responses: pd.DataFrame,
                     attributes: pd.DataFrame, charts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The framework matrix (charting): cases × codes, grouped by theme.

    Returns {"all": every theme side by side, "<theme index> <label>": one
    theme}. Each table has one row per response: response_id and attributes
    first, then per theme a "<theme index> summary" column (the chart summary
    written in the UI; "coder: summary" lines when several coders wrote one)
    and one "<code index> <label>" column per code holding the coded
    excerpts, one per line (suggested ones marked "[suggested]").
    """
    texts = responses.set_index("response_id")["text"]
    cells = segments.assign(excerpt=excerpts(segments, texts))
    suggested = cells["origin"] == SUGGESTION_ORIGIN
    cells.loc[suggested, "excerpt"] = "[suggested] " + cells.loc[suggested, "excerpt"]
    joined: dict[tuple[str, str], str] = {}
    for rid, code_id, text in cells.drop_duplicates(["response_id", "code_id", "excerpt"])[
            ["response_id", "code_id", "excerpt"]].itertuples(index=False):
        key = (rid, code_id)
        joined[key] = f"{joined[key]}\n{text}" if key in joined else text
    framework = listed_framework(codebook, segments)
    columns = {f"{theme.index} summary" for theme, _ in framework} | {
        f"{code.index} {display_label(code)}" for _, codes in framework for code in codes}
    lead = with_attributes(responses, attributes, columns).reset_index(drop=True)
    sheets: dict[str, pd.DataFrame] = {}
    blocks = []
    for theme, codes in framework:
        block = pd.DataFrame(index=lead.index)
        summaries = _summaries(charts, theme.id)
        block[f"{theme.index} summary"] = [summaries.get(rid, "") for rid in lead["response_id"]]
        for code in codes:
            block[f"{code.index} {display_label(code)}"] = [joined.get((rid, code.id), "")
                                                            for rid in lead["response_id"]]
        blocks.append(block)
        sheets[f"{theme.index} {display_label(theme)}"] = pd.concat([lead, block], axis=1)
    return {"all": pd.concat([lead, *blocks], axis=1), **sheets}


def _summaries(charts: pd.DataFrame, theme_id: str) -> dict[str, str]:
    """response_id -> the chart summary of one theme (coder-prefixed when several wrote one)."""
    rows = charts[charts["theme_id"] == theme_id]
    several = rows.groupby("response_id")["coder"].transform("size") > 1
    text = rows["summary"].where(~several, rows["coder"] + ": " + rows["summary"])
    return text.groupby(rows["response_id"]).agg("\n".join).to_dict()
