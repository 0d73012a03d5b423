"""Adjudication (coder.adjudication): which double-coded responses differ, settling them as
the coder `consensus`, and undoing a settlement in one step."""

from __future__ import annotations

import pytest
from tui_project import make_project

from coder.adjudication import (CONSENSUS, EDIT, TAKE_A, TAKE_B, UNION, coder_pairs, double_coded,
                                double_coded_response,
                                settle, toggle_consensus_code)
from coder.store.codebook import set_code_retired
from coder.coding import toggle_code
from coder.errors import CoderError
from coder.history import History, describe
from coder.store import open_project
from coder.store.codings import codings_for_response
from coder.store.events import list_events


@pytest.fixture
def db(tmp_path):
    conn = open_project(make_project(tmp_path / "adj.coder", n=6))
    for rid, coder, code, span in [
            ("q0001", "alice", "caseload", None), ("q0001", "bob", "caseload", None),      # agree
            ("q0002", "alice", "caseload", None), ("q0002", "bob", "staffing", None),      # codes differ
            ("q0002", "bob", "paperwork", (0, 9)),
            ("q0003", "alice", "paperwork", (0, 9)), ("q0003", "bob", "paperwork", (0, 12)),   # spans differ
            ("q0004", "alice", "caseload", None),                                          # alice only
            ("q0005", "carol", "caseload", None), ("q0005", "alice", "caseload", None)]:
        toggle_code(conn, rid, code, coder, start=span and span[0], end=span and span[1])
    yield conn
    conn.close()


def _stored(conn, rid, coder=CONSENSUS):
    return sorted((c.code_id, c.start, c.end, c.origin) for c in codings_for_response(conn, rid, coder))


def test_differing_responses_by_codes_and_by_spans(db):
    assert [i.response_id for i in double_coded(db, "alice", "bob")] == ["q0002", "q0003"]
    assert [i.response_id for i in double_coded(db, "alice", "bob", differing=False)] == ["q0001", "q0002", "q0003"]
    q2 = double_coded(db, "alice", "bob")[0]
    assert {c.code_id for c in q2.a} == {"caseload"} and not q2.settled
    assert q2.code_ids() == ["caseload", "staffing", "paperwork"]
    with pytest.raises(CoderError, match="two different coders"):
        double_coded(db, "alice", "alice")
    with pytest.raises(CoderError, match="two other coders"):
        settle(db, "q0002", "alice", CONSENSUS, TAKE_A, "lead")


def test_default_pair_is_the_one_with_most_shared_responses(db):
    assert coder_pairs(db) == [("alice", "bob", 3), ("alice", "carol", 1)]
    settle(db, "q0002", "alice", "bob", TAKE_A, "lead")
    assert all(CONSENSUS not in pair for pair in coder_pairs(db))


@pytest.mark.parametrize("how, expected", [
    (TAKE_A, [("caseload", None, None, "consensus")]),
    (TAKE_B, [("paperwork", 0, 9, "consensus"), ("staffing", None, None, "consensus")]),
    (UNION, [("caseload", None, None, "consensus"), ("paperwork", 0, 9, "consensus"),
             ("staffing", None, None, "consensus")]),
])
def test_settle_takes_a_b_or_the_union_with_spans_as_coded(db, how, expected):
    settle(db, "q0002", "alice", "bob", how, "lead")
    assert _stored(db, "q0002") == expected
    event = list_events(db, coder=CONSENSUS)[-1]
    assert event.action == "consensus.set" and event.data["by"] == "lead" and event.data["before"] == []


def test_union_keeps_both_spans_of_a_code(db):
    settle(db, "q0003", "alice", "bob", UNION, "lead")
    assert _stored(db, "q0003") == [("paperwork", 0, 9, "consensus"), ("paperwork", 0, 12, "consensus")]


def test_union_of_a_whole_response_coding_and_a_span_of_the_same_code_is_the_whole(db):
    """One coder put the code on the whole response, the other on part of it: the union is one
    coding on the whole (both a whole and a span counted the code twice in segment counts)."""
    toggle_code(db, "q0006", "caseload", "alice")
    toggle_code(db, "q0006", "caseload", "bob", start=0, end=7)
    toggle_code(db, "q0006", "paperwork", "bob", start=8, end=12)
    settle(db, "q0006", "alice", "bob", UNION, "lead")
    assert _stored(db, "q0006") == [("caseload", None, None, "consensus"), ("paperwork", 8, 12, "consensus")]
    settle(db, "q0006", "alice", "bob", TAKE_B, "lead")   # one coder's as they had them
    assert _stored(db, "q0006") == [("caseload", 0, 7, "consensus"), ("paperwork", 8, 12, "consensus")]


def test_explicit_codes_take_the_coders_spans_or_the_whole_response(db):
    settle(db, "q0002", "alice", "bob", EDIT, "lead", ["paperwork", "it_systems"])
    assert _stored(db, "q0002") == [("it_systems", None, None, "consensus"), ("paperwork", 0, 9, "consensus")]


def test_settling_again_replaces_and_undo_restores_in_one_step(db):
    settle(db, "q0002", "alice", "bob", TAKE_A, "lead")
    settle(db, "q0002", "alice", "bob", UNION, "lead")
    assert len(_stored(db, "q0002")) == 3
    history = History(db, CONSENSUS)
    undone = history.undo()
    assert _stored(db, "q0002") == [("caseload", None, None, "consensus")]
    assert describe(undone, {"caseload": "1.1 Caseload size"}) == "set the consensus on q0002 to 1.1 Caseload size"
    history.undo()
    assert _stored(db, "q0002") == []
    assert describe(list_events(db, coder=CONSENSUS)[-1]) == "cleared the consensus on q0002"
    history.redo()
    history.redo()
    assert len(_stored(db, "q0002")) == 3
    assert history.redo() is None


def test_toggle_adds_with_the_coders_spans_and_removes(db):
    assert toggle_consensus_code(db, "q0002", "alice", "bob", "paperwork", "lead") is True
    assert toggle_consensus_code(db, "q0002", "alice", "bob", "caseload", "lead") is True
    assert _stored(db, "q0002") == [("caseload", None, None, "consensus"), ("paperwork", 0, 9, "consensus")]
    assert toggle_consensus_code(db, "q0002", "alice", "bob", "paperwork", "lead") is False
    assert _stored(db, "q0002") == [("caseload", None, None, "consensus")]
    History(db, CONSENSUS).undo()
    assert len(_stored(db, "q0002")) == 2


def test_refusals_leave_the_project_as_it_was(db):
    settle(db, "q0002", "alice", "bob", TAKE_A, "lead")
    events = len(list_events(db))
    with pytest.raises(CoderError, match="at least one code"):
        toggle_consensus_code(db, "q0002", "alice", "bob", "caseload", "lead")
    with pytest.raises(CoderError, match="not been coded by both"):
        settle(db, "q0004", "alice", "bob", TAKE_A, "lead")
    with pytest.raises(CoderError, match="no code"):
        settle(db, "q0002", "alice", "bob", EDIT, "lead", ["nope"])
    set_code_retired(db, "it_systems", True, "lead")
    with pytest.raises(CoderError, match="retired"):
        toggle_consensus_code(db, "q0002", "alice", "bob", "it_systems", "lead")
    assert _stored(db, "q0002") == [("caseload", None, None, "consensus")]
    assert len(list_events(db)) == events + 1   # the retirement only


def test_agreement_leaves_the_consensus_out_unless_it_is_named(db):
    from coder.reliability.report import agreement_report, choose_coders
    from coder.store.codings import coders

    settle(db, "q0002", "alice", "bob", TAKE_A, "lead")
    assert CONSENSUS in coders(db)
    assert choose_coders(coders(db), None, "p") == ["alice", "bob", "carol"]
    assert list(agreement_report(db, ["alice", CONSENSUS]).coders) == ["alice", CONSENSUS]


def test_a_settlement_a_coder_has_changed_since_is_outdated_and_listed_again(db):
    """Settled by taking alice's codes; alice then adds a code: the response is outdated (listed
    even once the coders agree), until it is settled again. Another pair is not affected."""
    settle(db, "q0002", "alice", "bob", TAKE_A, "lead")
    [item] = [i for i in double_coded(db, "alice", "bob") if i.response_id == "q0002"]
    assert item.settled and not item.outdated
    toggle_code(db, "q0002", "paperwork", "alice")
    [item] = [i for i in double_coded(db, "alice", "bob") if i.response_id == "q0002"]
    assert item.outdated
    toggle_code(db, "q0001", "staffing", "bob")      # q0001: the coders agreed, then bob changed ...
    settle(db, "q0001", "alice", "bob", TAKE_A, "lead")
    toggle_code(db, "q0001", "staffing", "bob")      # ... and changed back after the settlement
    assert [i.response_id for i in double_coded(db, "alice", "bob")] == ["q0001", "q0002", "q0003"]
    assert [i.outdated for i in double_coded(db, "alice", "bob")] == [True, True, False]
    settle(db, "q0002", "alice", "bob", TAKE_A, "lead")
    assert not [i for i in double_coded(db, "alice", "bob") if i.response_id == "q0002"][0].outdated
    settle(db, "q0005", "alice", "carol", TAKE_A, "lead")   # another pair: its own basis
    [item] = double_coded(db, "alice", "carol", differing=False)
    assert item.settled and not item.outdated
    toggle_code(db, "q0005", "staffing", "carol")
    assert double_coded(db, "alice", "carol")[0].outdated


def test_merging_codes_does_not_mark_settled_responses_as_changed_by_a_coder(db):
    """F2 `g` moved the coders' codings to the code merged into, and every settled response it
    touched was marked `!` ("since changed by a coder") though no coder had changed anything."""
    from coder.store.code_merge import merge_codes

    settle(db, "q0002", "alice", "bob", UNION, "lead")
    merge_codes(db, "staffing", "caseload", "lead")
    [item] = [i for i in double_coded(db, "alice", "bob", differing=False) if i.response_id == "q0002"]
    assert item.settled and not item.outdated
    assert not double_coded_response(db, "q0002", "alice", "bob").outdated
    toggle_code(db, "q0002", "paperwork", "alice")   # a coder's own change still counts
    assert double_coded_response(db, "q0002", "alice", "bob").outdated


def test_undo_and_redo_of_a_settlement_keep_what_it_was_settled_on(db):
    settle(db, "q0002", "alice", "bob", TAKE_A, "lead")
    history = History(db, CONSENSUS)
    history.undo()
    history.redo()                                   # the same settlement, back
    toggle_code(db, "q0002", "paperwork", "alice")   # alice changes since
    [item] = [i for i in double_coded(db, "alice", "bob") if i.response_id == "q0002"]
    assert item.settled and item.outdated
    toggle_code(db, "q0002", "paperwork", "alice")   # back as it was settled
    settle(db, "q0002", "alice", "bob", TAKE_B, "lead")
    toggle_code(db, "q0002", "it_systems", "bob")    # bob changes after the second settlement ...
    history.undo()                                   # ... which is undone: the first stands, and bob changed since it
    [item] = [i for i in double_coded(db, "alice", "bob") if i.response_id == "q0002"]
    assert _stored(db, "q0002") == [("caseload", None, None, "consensus")] and item.outdated


def test_results_and_training_take_a_settled_response_by_its_consensus_alone(db):
    """Once settled, the codes the lead left out no longer count: counts, exports and the
    suggestions' training pool the consensus on settled responses, everyone's coding elsewhere.
    A coder's own results (`--coder`) are theirs as they stand."""
    from coder.export import load_project_data
    from coder.suggest.project import training_set

    def counted(coder=None):
        segments = load_project_data(db, coder=coder).segments
        return sorted(set(zip(segments["response_id"], segments["code_id"])))

    def trained():
        data = training_set(db)
        columns = [c.id for c in data.codes]
        return {rid: {columns[j] for j in row.nonzero()[0]} for rid, row in zip(data.ids, data.labels)}

    assert ("q0002", "staffing") in counted() and trained()["q0002"] == {"caseload", "staffing", "paperwork"}
    settle(db, "q0002", "alice", "bob", TAKE_A, "lead")
    assert [code for rid, code in counted() if rid == "q0002"] == ["caseload"]
    assert trained()["q0002"] == {"caseload"}
    assert trained()["q0001"] == {"caseload"} and ("q0003", "paperwork") in counted()   # not settled: as coded
    assert ("q0002", "staffing") in counted("bob")


def test_a_settlement_is_its_pairs_and_not_another_pairs(db):
    toggle_code(db, "q0002", "paperwork", "carol")
    settle(db, "q0002", "alice", "bob", TAKE_A, "lead")
    [for_them] = [i for i in double_coded(db, "alice", "bob") if i.response_id == "q0002"]
    [for_carol] = [i for i in double_coded(db, "alice", "carol") if i.response_id == "q0002"]
    assert for_them.settled and not for_them.settled_elsewhere
    assert not for_carol.settled and for_carol.settled_elsewhere and not for_carol.outdated
    settle(db, "q0002", "alice", "carol", TAKE_B, "lead")   # one consensus: now alice and carol's
    [for_them] = [i for i in double_coded(db, "alice", "bob") if i.response_id == "q0002"]
    assert for_them.settled_elsewhere and not for_them.settled


def test_the_first_pair_is_the_one_last_chosen_while_both_still_code(db):
    from coder.adjudication import PAIR_SETTING, first_pair, remember_pair
    from coder.store.settings import set_coder_setting

    assert first_pair(db, "lead") == ("alice", "bob")
    remember_pair(db, "lead", "carol", "alice")
    assert first_pair(db, "lead") == ("carol", "alice") and first_pair(db, "lead2") == ("alice", "bob")
    with pytest.raises(CoderError, match="two different coders"):
        remember_pair(db, "lead", "carol", "carol")
    # A coder gone, or not a pair: the default.
    for kept in ('["carol", "dave"]', "carol", "[1]", "{}", '[["carol"], "alice"]'):
        set_coder_setting(db, "lead", PAIR_SETTING, kept)
        assert first_pair(db, "lead") == ("alice", "bob")


def test_a_coder_of_the_pair_is_blind_until_they_have_coded_the_others_responses(db):
    from coder.adjudication import blind_to

    assert blind_to(db, "lead", "alice", "bob") is None   # not one of them
    assert blind_to(db, "bob", "alice", "bob") == ("alice", 2)   # q0004 and q0005: alice's, not bob's
    assert blind_to(db, "alice", "alice", "bob") is None   # she has coded all bob coded
    toggle_code(db, "q0004", "caseload", "bob")
    toggle_code(db, "q0005", "caseload", "bob")
    assert blind_to(db, "bob", "bob", "alice") is None
