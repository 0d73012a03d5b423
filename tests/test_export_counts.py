"""Theme/code counts, crosstab and co-occurrence on the small hand-counted project."""

from __future__ import annotations

import math

import pytest
from export_fixtures import make_small_project

from coder.errors import CoderError
from coder.export import cooccurrence, crosstab, load_project_data, theme_code_counts
from coder.export.crosstabs import chi_square_test
from coder.store import open_project


@pytest.fixture
def small(tmp_path):
    path = make_small_project(tmp_path / "small.coder")
    conn = open_project(path, readonly=True)
    yield conn
    conn.close()


def counts_of(conn, **kwargs):
    by, base = kwargs.pop("by", None), kwargs.pop("base", "all")
    data = load_project_data(conn, **kwargs)
    table = theme_code_counts(data.codebook, data.segments, data.attributes, by=by, base=base)
    keyed = {(r["row"], r["code_index"] or r["theme_index"]): r for r in table.to_dict("records")}
    return table, keyed


def test_counts_all_coders_by_hand(small):
    table, rows = counts_of(small)
    assert list(table.columns) == ["row", "theme_index", "theme_label", "code_index", "code_label",
                                   "responses", "percent", "segments"]
    assert [(r["row"], r["code_index"] or r["theme_index"]) for r in table.to_dict("records")] == [
        ("theme", "1"), ("code", "1.1"), ("code", "1.2"), ("theme", "2"), ("code", "2.1"),
        ("code", "2.3"), ("any code", ""), ("base", "")]
    expect = {("theme", "1"): (3, 50.0, 7), ("code", "1.1"): (3, 50.0, 5),
              ("code", "1.2"): (2, 33.3, 2), ("theme", "2"): (3, 50.0, 3),
              ("code", "2.1"): (2, 33.3, 2), ("code", "2.3"): (1, 16.7, 1),
              ("any code", ""): (5, 83.3, 10)}
    for key, (n, pct, segs) in expect.items():
        assert (rows[key]["responses"], rows[key]["percent"], rows[key]["segments"]) == (n, pct, segs)
    assert rows[("base", "")]["responses"] == 6 and rows[("base", "")]["percent"] == 100.0
    assert rows[("code", "2.3")]["code_label"] == "Old code (retired)"


def test_counts_one_coder(small):
    _, rows = counts_of(small, coder="alice")
    assert (rows[("code", "1.1")]["responses"], rows[("code", "1.1")]["segments"]) == (2, 3)
    assert rows[("theme", "1")]["responses"] == 3
    assert rows[("any code", "")]["responses"] == 5


def test_counts_suggestions_and_both(small):
    _, rows = counts_of(small, source="suggestions")
    assert rows[("code", "2.1")]["responses"] == 1  # r6 only
    assert rows[("code", "1.2")]["responses"] == 1  # r2
    assert rows[("code", "1.1")]["responses"] == 0  # r4's 0.3 < 0.5 does not hold
    assert rows[("any code", "")]["responses"] == 2
    assert ("code", "2.3") not in rows  # retired and unused by this source
    _, rows = counts_of(small, source="both")
    assert (rows[("code", "2.1")]["responses"], rows[("code", "2.1")]["segments"]) == (3, 3)
    assert (rows[("code", "1.2")]["responses"], rows[("code", "1.2")]["segments"]) == (2, 3)
    assert rows[("any code", "")]["responses"] == 6


def test_counts_by_attribute(small):
    table, rows = counts_of(small, by="setting")
    assert list(table.columns)[8:] == [
        "responses [setting=adults]", "percent [setting=adults]",
        "responses [setting=children]", "percent [setting=children]",
        "responses [setting=(missing)]", "percent [setting=(missing)]"]
    caseload = rows[("code", "1.1")]
    assert caseload["responses [setting=children]"] == 2
    assert caseload["percent [setting=children]"] == 100.0
    assert caseload["responses [setting=adults]"] == 1
    assert caseload["percent [setting=adults]"] == 33.3
    base = rows[("base", "")]
    assert (base["responses [setting=adults]"], base["responses [setting=(missing)]"]) == (3, 1)


def test_counts_with_the_coded_responses_as_base(small):
    _, rows = counts_of(small, base="coded")
    assert (rows[("theme", "1")]["responses"], rows[("theme", "1")]["percent"]) == (3, 60.0)   # 3 of 5 coded
    assert (rows[("code", "2.3")]["percent"], rows[("any code", "")]["percent"]) == (20.0, 100.0)
    assert rows[("base", "")]["responses"] == 5
    assert rows[("base", "")]["theme_label"] == "Responses with any code (percent base)"
    _, by_setting = counts_of(small, base="coded", by="setting")
    coded = by_setting[("any code", "")]
    for value in ("adults", "children", "(missing)"):
        n = coded[f"responses [setting={value}]"]
        assert by_setting[("base", "")][f"responses [setting={value}]"] == n
        assert coded[f"percent [setting={value}]"] == 100.0 if n else math.isnan(coded[f"percent [setting={value}]"])
    caseload = by_setting[("code", "1.1")]
    assert caseload["percent [setting=adults]"] == round(100 * caseload["responses [setting=adults]"]
                                                         / coded["responses [setting=adults]"], 1)
    with pytest.raises(CoderError, match="--base"):
        counts_of(small, base="some")


def test_crosstab_among_coded_responses(small):
    data = load_project_data(small)
    table = crosstab(data.codebook, data.segments, data.attributes, "setting", base="coded")
    caseload = table[table["code_index"] == "1.1"].iloc[0]
    coded = table[table["row"] == "any code"].iloc[0]
    present = [caseload[f"responses [setting={v}]"] for v in ("adults", "children")]
    absent = [coded[f"responses [setting={v}]"] - n for v, n in zip(("adults", "children"), present)]
    from scipy.stats import chi2_contingency
    chi2, p, _, _ = chi2_contingency([present, absent])
    assert math.isclose(caseload["chi2"], round(chi2, 3)) and math.isclose(caseload["p"], round(p, 4))


@pytest.mark.parametrize("observed", [[[2, 1], [0, 2]], [[10, 3], [4, 12]], [[1, 2, 3], [4, 5, 9]],
                                      [[30, 10, 5, 1], [2, 20, 8, 40]]])
def test_chi_square_test_is_scipys(observed):
    import numpy as np
    from scipy.stats import chi2_contingency
    chi2, p, df, expected = chi_square_test(np.array(observed, dtype=float))
    want = chi2_contingency(observed)
    assert math.isclose(chi2, want[0]) and math.isclose(p, want[1]) and df == want[2]
    assert np.allclose(expected, want[3])


def test_crosstab_among_coded_leaves_out_values_with_no_coded_response(small):
    """Values whose responses are all uncoded have no base: the test runs over the others."""
    data = load_project_data(small, coder="bob")   # bob coded r1 r2 (children) only
    table = crosstab(data.codebook, data.segments, data.attributes, "setting", base="coded")
    caseload = table[table["code_index"] == "1.1"].iloc[0]
    assert caseload["percent [setting=children]"] == 100.0
    assert math.isnan(caseload["percent [setting=adults]"])
    assert caseload["warning"].startswith("not testable")


def test_counts_by_with_suggestions_and_coder(small):
    _, rows = counts_of(small, by="setting", source="both", coder="bob")
    # bob: r1 r2 caseload; suggestions: r6 paperwork, r2 staffing
    assert rows[("code", "1.1")]["responses [setting=children]"] == 2
    assert rows[("code", "2.1")]["responses [setting=(missing)]"] == 1
    assert rows[("code", "2.1")]["percent [setting=(missing)]"] == 100.0
    assert rows[("theme", "1")]["responses [setting=adults]"] == 0


def test_unknown_attribute_and_coder_are_errors(small):
    data = load_project_data(small)
    with pytest.raises(CoderError, match="setting, team"):
        theme_code_counts(data.codebook, data.segments, data.attributes, by="region")
    with pytest.raises(CoderError, match="alice, bob"):
        load_project_data(small, coder="carol")
    with pytest.raises(CoderError, match="--source"):
        load_project_data(small, source="guesses")


def test_crosstab_chi_square(small):
    data = load_project_data(small)
    table = crosstab(data.codebook, data.segments, data.attributes, "setting")
    caseload = table[table["code_index"] == "1.1"].iloc[0]
    # 2 x 2 over children/adults: [[2, 1], [0, 2]]; expected < 5 everywhere
    assert caseload["df"] == 1
    assert "expected count below 5 in 4 of 4 cells" in caseload["warning"]
    from scipy.stats import chi2_contingency
    chi2, p, _, _ = chi2_contingency([[2, 1], [0, 2]])
    assert math.isclose(caseload["chi2"], round(chi2, 3)) and math.isclose(caseload["p"], round(p, 4))
    any_row = table[table["row"] == "any code"].iloc[0]
    assert any_row["warning"] == ""  # totals are not tested


def test_crosstab_untestable_row(small):
    data = load_project_data(small, source="suggestions")
    table = crosstab(data.codebook, data.segments, data.attributes, "team")
    assert table[table["code_index"] == "1.1"].iloc[0]["warning"].startswith("not testable")


def test_cooccurrence_and_jaccard(small):
    data = load_project_data(small)
    pairs = cooccurrence(data.codebook, data.segments)
    row = pairs[(pairs["code_a_index"] == "1.1") & (pairs["code_b_index"] == "1.2")].iloc[0]
    # caseload r1 r2 r3, staffing r2 r3: both 2, union 3
    assert (row["responses_a"], row["responses_b"], row["responses_both"]) == (3, 2, 2)
    assert row["jaccard"] == pytest.approx(0.667)
    row = pairs[(pairs["code_a_index"] == "1.1") & (pairs["code_b_index"] == "2.1")].iloc[0]
    assert (row["responses_both"], row["jaccard"]) == (1, 0.25)  # r1; union r1 r2 r3 r4
    assert len(pairs) == 6  # 4 listed codes -> 6 pairs
