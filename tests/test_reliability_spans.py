"""Agreement over characters (`coder agreement --unit span`) against a hand-worked example."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from agreement_fixtures import code_spans
from sklearn.metrics import cohen_kappa_score

from coder.reliability.measures import NOT_ASSESSABLE
from coder.reliability.report import agreement_report
from coder.reliability.spans import character_mask, measure_span_agreement, span_disagreements
from coder.store import open_project

WHOLE = (None, None)
LENGTHS = {"r1": 10, "r2": 5}   # "abcdefghij", "klmno": 15 characters
# Coder a codes x on r1 0-6 (as two overlapping codings, which count once) and on the whole of r2;
# coder b codes x on r1 2-8. Both code y on the whole of r2; nobody codes z. (agreement_fixtures
# writes the same coding into a project file, with caseload for x and paperwork for y.)
SPANS = {"a": {"r1": {"x": [(0, 4), (2, 6)]}, "r2": {"x": [WHOLE], "y": [WHOLE]}},
         "b": {"r1": {"x": [(2, 8)]}, "r2": {"y": [WHOLE]}}}


def test_character_masks_cover_spans_once_and_the_whole_response():
    assert character_mask(10, [(0, 4), (2, 6)]).tolist() == [True] * 6 + [False] * 4
    assert character_mask(5, [WHOLE]).all()
    assert character_mask(5, [(3, 99)]).tolist() == [False] * 3 + [True] * 2   # clipped to the text


def test_span_kappa_by_hand():
    result = measure_span_agreement(SPANS, LENGTHS, ["a", "b"], ["x", "y", "z"])
    x, y, z = result.codes
    # x over the 15 characters: both 4 (r1 2-5), a only 7 (r1 0-1 and r2), b only 2 (r1 6-7), neither 2 (r1 8-9).
    # po = 6/15; pa = 11/15, pb = 6/15; pe = (11*6 + 4*9) / 225 = 102/225;
    # kappa = (90/225 - 102/225) / (123/225) = -12/123 = -4/41.
    assert x.units == 15 and x.applied == {"a": 11, "b": 6}
    assert x.agreement == pytest.approx(6 / 15)
    assert x.kappa == pytest.approx(-4 / 41)
    assert x.marked == (2, 9, 4)
    assert (y.agreement, y.kappa) == (1, 1)   # both coded exactly r2's 5 characters
    assert z.note == NOT_ASSESSABLE
    # Pooled over x and y (z left out): both 9, a only 7, b only 2, neither 12 of 30;
    # po = 21/30, pe = (16*11 + 14*19) / 900 = 442/900, kappa = (630 - 442) / (900 - 442) = 94/229.
    assert result.pooled_kappa == pytest.approx(94 / 229)
    assert result.left_out == ("z",)
    # Code sets equal on r1 2-5 and 8-9 only: 6 of 15 characters.
    assert result.exact_match == pytest.approx(6 / 15)
    assert result.units == ("r1", "r2")


def test_span_statistics_equal_scikit_learn_and_krippendorff_on_the_characters():
    result = measure_span_agreement(SPANS, LENGTHS, ["a", "b"], ["x", "y"])
    for code in result.codes:
        values = [np.concatenate([character_mask(LENGTHS[r], SPANS[c][r].get(code.code_id, ()))
                                  for r in ("r1", "r2")]) for c in ("a", "b")]
        assert code.kappa == pytest.approx(cohen_kappa_score(*values))
        if code.code_id == "x":
            assert code.alpha == pytest.approx(krippendorff.alpha(reliability_data=np.array(values, dtype=float),
                                                                  level_of_measurement="nominal"))


def test_a_response_one_coder_has_not_coded_is_left_out():
    spans = {"a": {**SPANS["a"], "r3": {"x": [WHOLE]}}, "b": SPANS["b"]}
    result = measure_span_agreement(spans, {**LENGTHS, "r3": 7}, ["a", "b"], ["x"])
    assert result.units == ("r1", "r2") and result.codes[0].units == 15


def test_span_disagreements_count_the_characters_coded_differently():
    assert span_disagreements(SPANS, LENGTHS, ["a", "b"], ["r1", "r2"]) == [
        ("r1", "x", ("a", "b"), 4), ("r2", "x", ("a",), 5)]


def test_the_report_reads_spans_from_a_project_file(codebook_project):
    code_spans(codebook_project)
    conn = open_project(codebook_project, readonly=True)
    try:
        report = agreement_report(conn, unit="span")
        by_response = agreement_report(conn)
    finally:
        conn.close()
    table = report.table.set_index("code id")
    assert table.loc["caseload", "characters"] == 15
    assert table.loc["caseload", "kappa"] == round(-4 / 41, 3)
    assert table.loc["paperwork", "agreement %"] == 100.0
    assert report.disagreements[["response id", "characters differing"]].values.tolist() == [["r1", 4], ["r2", 5]]
    # By response, r1 is agreement (both applied caseload somewhere) and r2 is not.
    assert by_response.table.set_index("code id").loc["caseload", "agreement %"] == 50.0
    assert "characters differing" not in by_response.disagreements.columns
