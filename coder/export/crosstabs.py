"""Crosstabs of codes by an attribute, with a chi-square test, and code co-occurrence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coder.export.counts import MISSING, group_order, group_values, theme_code_counts
from coder.export.data import display_label, listed_framework
from coder.records import Codebook

MIN_EXPECTED = 5


def crosstab(codebook: Codebook, segments: pd.DataFrame, attributes: pd.DataFrame,
             by: str, base: str = "all") -> pd.DataFrame:
    """Themes and codes × values of attribute `by`, with a chi-square test per row.

    The counts are those of `theme_code_counts(..., by=by)` (responses and % of
    column per value). Each theme and code row adds a Pearson chi-square test
    of "has the code" against the attribute (a 2 × k table over the values,
    "(missing)" and values with no response in the base left out; Yates'
    correction when k = 2, as scipy's chi2_contingency does): chi2, df, p,
    the smallest expected count, and a warning when an expected count is below 5
    or the test cannot be run. With `base="coded"` the percentages and the
    tests are among the responses with any code.
    """
    table = theme_code_counts(codebook, segments, attributes, by=by, base=base)
    groups = group_values(attributes, by)
    values = [v for v in group_order(groups) if v != MISSING]
    base_row = table[table["row"] == "base"].iloc[0]
    bases = pd.Series({v: base_row[f"responses [{by}={v}]"] for v in values})
    tests = [_chi_square(row, values, bases, by) if row["row"] in ("theme", "code") else {}
             for _, row in table.iterrows()]
    return pd.concat([table, pd.DataFrame({column: [t.get(column, "") for t in tests] for column in
                                           ("chi2", "df", "p", "min_expected", "warning")}, index=table.index)],
                     axis=1)


def _chi_square(row: pd.Series, values: list[str], bases: pd.Series, by: str) -> dict:
    values = [v for v in values if bases[v] > 0]
    present = np.array([row[f"responses [{by}={v}]"] for v in values], dtype=float)
    absent = np.array([bases[v] for v in values], dtype=float) - present
    observed = np.vstack([present, absent])
    if len(values) < 2 or (observed.sum(axis=1) == 0).any():
        return {"warning": "not testable (needs 2+ values and responses with and without the code)"}
    chi2, p, df, expected = chi_square_test(observed)
    smallest = float(expected.min())
    small = int((expected < MIN_EXPECTED).sum())
    warning = (f"expected count below {MIN_EXPECTED} in {small} of {expected.size} cells: "
               "chi-square unreliable" if small else "")
    return {"chi2": round(chi2, 3), "df": df, "p": round(p, 4),
            "min_expected": round(smallest, 2), "warning": warning}


def chi_square_test(observed: np.ndarray) -> tuple[float, float, int, np.ndarray]:
    """Pearson's chi-square test of independence on a 2-D table with no empty row or column:
    (chi2, p, df, expected counts), with Yates' correction when df = 1.

    The same figures as scipy.stats.chi2_contingency, without importing scipy.stats
    (seconds on a busy machine, which the stats screen would wait for).
    """
    from scipy.special import chdtrc

    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    df = (observed.shape[0] - 1) * (observed.shape[1] - 1)
    if df == 0:
        return 0.0, 1.0, 0, expected
    if df == 1:
        diff = expected - observed
        observed = observed + np.sign(diff) * np.minimum(0.5, np.abs(diff))
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    return chi2, float(chdtrc(df, chi2)), df, expected


def _indicator(codebook: Codebook, segments: pd.DataFrame) -> tuple[list, object]:
    """Listed codes and a responses × codes 0/1 scipy.sparse matrix of who has which code."""
    from scipy import sparse  # only co-occurrence needs it: crosstabs open faster without

    codes = [c for _, theme_codes in listed_framework(codebook, segments) for c in theme_codes]
    column = {c.id: i for i, c in enumerate(codes)}
    pairs = segments[["response_id", "code_id"]].drop_duplicates()
    pairs = pairs[pairs["code_id"].isin(column)]
    rows, _ = pd.factorize(pairs["response_id"])
    cols = pairs["code_id"].map(column).to_numpy()
    shape = (int(rows.max()) + 1 if len(rows) else 0, len(codes))
    matrix = sparse.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
    return codes, matrix


def cooccurrence_counts(codebook: Codebook, segments: pd.DataFrame) -> tuple[list, np.ndarray]:
    """Listed codes and the code × code matrix of responses coded with both.

    The diagonal holds the responses coded with each code.
    """
    codes, matrix = _indicator(codebook, segments)
    return codes, (matrix.T @ matrix).toarray().astype(int)


def jaccard(both: np.ndarray) -> np.ndarray:
    """Jaccard index |A ∩ B| / |A ∪ B| from a co-occurrence matrix; undefined (NaN, an empty cell)
    where neither code is used: 0 would say two codes never meet, and an unused code's
    diagonal 0 beside every other code's 1 read as a code unlike itself."""
    single = np.diag(both).astype(float)
    union = single[:, None] + single[None, :] - both
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, both / union, np.nan).round(3)


def cooccurrence(codebook: Codebook, segments: pd.DataFrame) -> pd.DataFrame:
    """One row per pair of codes (a before b in framework order).

    Columns: code_a_index, code_a_label, code_b_index, code_b_label,
    responses_a, responses_b, responses_both, jaccard.
    """
    codes, both = cooccurrence_counts(codebook, segments)
    index = jaccard(both)
    rows = [{"code_a_index": a.index, "code_a_label": display_label(a),
             "code_b_index": b.index, "code_b_label": display_label(b),
             "responses_a": int(both[i, i]), "responses_b": int(both[j, j]),
             "responses_both": int(both[i, j]), "jaccard": float(index[i, j])}
            for i, a in enumerate(codes) for j, b in enumerate(codes) if i < j]
    columns = ["code_a_index", "code_a_label", "code_b_index", "code_b_label", "responses_a",
               "responses_b", "responses_both", "jaccard"]
    return pd.DataFrame(rows, columns=columns)


def cooccurrence_matrix(codebook: Codebook, segments: pd.DataFrame, *,
                        measure: str = "responses") -> pd.DataFrame:
    """The square code × code matrix (`responses` coded with both, or `jaccard`)."""
    codes, both = cooccurrence_counts(codebook, segments)
    values = jaccard(both) if measure == "jaccard" else both
    names = [f"{c.index} {display_label(c)}" for c in codes]
    return pd.DataFrame(values, index=pd.Index(names, name="code"), columns=names).reset_index()
