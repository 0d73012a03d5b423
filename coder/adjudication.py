"""Adjudication: settling the differences between two coders who coded the same
responses blind, as the codings of the coder `consensus` (origin `consensus`).

A response is double coded when both coders have coded it (applied at least one
code, as `coder agreement` counts it) and differs when their codings differ: a
code one applied and the other did not, or the same code on other spans. A
settlement takes coder A's codings, B's, the union of both, or an explicit set
of codes (each with the spans the coders gave it, or the whole response when
neither applied it). It replaces any earlier settlement of the response in one
transaction and is one step for undo (coder.history, as the coder `consensus`).
`coder agreement --coders alice consensus` then compares a coder with it.
The pair a lead chose last is kept for them in the project (`remember_pair`).
A coder who is one of the pair and has not yet coded every response the other
coded is still coding blind (`blind_to`): the screen keeps the other's coding
from them until then, unless they confirm they mean to see it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from coder.errors import CoderError
from coder.records import Coding
from coder.store import transaction
from coder.store.code_merge import merged_codes
from coder.store.codebook_read import get_code
from coder.store.codings import codings_for_response
from coder.store.consensus import (CONSENSUS, coded_by_only, double_coded_codings, double_coded_counts,
                                   set_consensus, settlement_bases)
from coder.store.settings import coder_setting, set_coder_setting

TAKE_A, TAKE_B, UNION, EDIT = "a", "b", "union", "edit"
PAIR_SETTING = "adjudication_pair"   # the pair a coder last chose on F5 (coder.store.settings)


def _key(coding: Coding) -> tuple[str, int, int]:
    return coding.code_id, -1 if coding.start is None else coding.start, -1 if coding.end is None else coding.end


@dataclass
class DoubleCoded:
    """One response both coders coded: each one's codings and the consensus, if settled."""

    response_id: str
    a: list[Coding] = field(default_factory=list)
    b: list[Coding] = field(default_factory=list)
    consensus: list[Coding] = field(default_factory=list)
    # What each coder had when the consensus was settled (coder -> (code, start, end)); None if not known.
    basis: dict[str, set[tuple]] | None = None

    @property
    def differs(self) -> bool:
        """Whether the coders' codings differ (in codes or in spans)."""
        return {_key(c) for c in self.a} != {_key(c) for c in self.b}

    @property
    def settled(self) -> bool:
        """Whether the response's consensus was settled comparing these two coders (a settlement
        made before what it was settled on was recorded is taken to be theirs)."""
        return bool(self.consensus) and (not self.basis or set(self.basis) == self._coders())

    @property
    def settled_elsewhere(self) -> bool:
        """Whether the response's consensus was settled comparing another pair of coders (settling
        it for these two replaces it: a response has one consensus)."""
        return bool(self.consensus) and not self.settled

    def _coders(self) -> set[str]:
        return {codings[0].coder for codings in (self.a, self.b) if codings}

    @property
    def outdated(self) -> bool:
        """Whether a coder has changed their codings on the response since it was settled
        (a settlement made before this was recorded is not known to be)."""
        if not self.settled or not self.basis:
            return False
        return any(self.basis[codings[0].coder] != {(c.code_id, c.start, c.end) for c in codings}
                   for codings in (self.a, self.b) if codings and codings[0].coder in self.basis)

    def code_ids(self) -> list[str]:
        """Every code A, B or the consensus applied, in order of first application."""
        return list(dict.fromkeys(c.code_id for c in self.a + self.b + self.consensus))


def coder_pairs(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """Pairs of coders (not the consensus) with how many responses both coded, most first."""
    pairs = [(a, b, n) for (a, b), n in double_coded_counts(conn).items() if CONSENSUS not in (a, b)]
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


def first_pair(conn: sqlite3.Connection, by: str,
               pairs: list[tuple[str, str, int]] | None = None) -> tuple[str, str] | None:
    """The pair of coders to show `by` first: the one they last chose (`remember_pair`) while
    both still have coding, else the one with the most responses both coded (of `pairs`,
    `coder_pairs` when not given); None when no two coders coded the same response."""
    pairs = coder_pairs(conn) if pairs is None else pairs
    names = {name for a, b, _ in pairs for name in (a, b)}
    try:
        a, b = map(str, json.loads(coder_setting(conn, by, PAIR_SETTING) or "[]"))
    except (ValueError, TypeError):   # never chosen (or not a pair)
        a = b = None
    if a in names and b in names and a != b:
        return a, b
    return pairs[0][:2] if pairs else None


def remember_pair(conn: sqlite3.Connection, by: str, a: str, b: str) -> None:
    """Keep the pair `by` chose, A first, for their next session (a setting in the project)."""
    _check_pair(a, b)
    set_coder_setting(conn, by, PAIR_SETTING, json.dumps([a, b]))


def blind_to(conn: sqlite3.Connection, me: str, a: str, b: str) -> tuple[str, int] | None:
    """When `me` is one of the pair `a`, `b` and the other has coded responses `me` has not yet:
    (the other, how many). Seeing the other's coding then would end `me`'s blind coding of
    those (and what agreement measures on them); None when `me` is not in the pair or is done."""
    if me not in (a, b):
        return None
    other = b if me == a else a
    left = coded_by_only(conn, other, me)
    return (other, left) if left else None


def _check_pair(a: str, b: str) -> None:
    if a == b:
        raise CoderError("choose two different coders to compare")
    if CONSENSUS in (a, b):
        raise CoderError(f"{CONSENSUS!r} is what adjudication records: choose two other coders to compare")


def double_coded(conn: sqlite3.Connection, a: str, b: str, *, differing: bool = True) -> list[DoubleCoded]:
    """The responses coders `a` and `b` both coded (only those where they differ, with
    `differing`), in project order, each with its codings and consensus."""
    _check_pair(a, b)
    found: dict[str, DoubleCoded] = {}
    bases = _after_code_merges(conn, settlement_bases(conn, CONSENSUS))
    for coding in double_coded_codings(conn, a, b, CONSENSUS):
        item = found.setdefault(coding.response_id, DoubleCoded(coding.response_id, basis=bases.get(coding.response_id)))
        getattr(item, {a: "a", b: "b"}.get(coding.coder, "consensus")).append(coding)
    return [item for item in found.values() if item.differs or item.outdated or not differing]


def _settlement(item: DoubleCoded, how: str, code_ids: Iterable[str]) -> list[Coding]:
    """The consensus codings for a choice: whose codings, as those coders had them."""
    if how == TAKE_A:
        chosen = item.a
    elif how == TAKE_B:
        chosen = item.b
    elif how == UNION:
        chosen = item.a + item.b
    else:
        wanted = list(dict.fromkeys(code_ids))
        chosen = [c for c in item.a + item.b if c.code_id in wanted]
        given = {c.code_id for c in chosen}
        chosen += [Coding(item.response_id, code_id, CONSENSUS) for code_id in wanted if code_id not in given]
    if how not in (TAKE_A, TAKE_B):   # from both coders: a code on the whole response covers its spans
        whole = {c.code_id for c in chosen if c.start is None}
        chosen = [c for c in chosen if c.start is None or c.code_id not in whole]
    unique: dict[tuple, Coding] = {}
    for coding in chosen:
        unique.setdefault(_key(coding), replace(coding, coder=CONSENSUS, origin=CONSENSUS, created_at="", id=None))
    return list(unique.values())


def double_coded_response(conn: sqlite3.Connection, response_id: str, a: str, b: str) -> DoubleCoded:
    """One response with the codings of `a`, `b` and the consensus; an error unless both coded it."""
    _check_pair(a, b)
    item = DoubleCoded(response_id, *(codings_for_response(conn, response_id, who) for who in (a, b, CONSENSUS)),
                       basis=_after_code_merges(conn, settlement_bases(conn, CONSENSUS, response_id)).get(response_id))
    if not item.a or not item.b:
        raise CoderError(f"response {response_id!r} has not been coded by both {a} and {b}")
    return item


def _after_code_merges(conn: sqlite3.Connection, bases: dict[str, dict[str, set[tuple]]]) -> dict[str, dict[str, set[tuple]]]:
    """Settlement bases (response -> coder -> (code, start, end) they had) with the codes merged
    into others since (F2 `g`) read as the codes they were merged into: a merge moves every coder's
    codings, and had every settled response they touched marked as changed by a coder."""
    into = merged_codes(conn)
    if not into:
        return bases
    return {rid: {coder: {(into.get(code, code), start, end) for code, start, end in had}
                  for coder, had in basis.items()} for rid, basis in bases.items()}


def _check_codes(conn: sqlite3.Connection, item: DoubleCoded, code_ids: Iterable[str]) -> None:
    """Codes put into a consensus by hand must exist and, unless a coder applied them, be in use."""
    for code_id in set(code_ids):
        code = get_code(conn, code_id)
        if code is None:
            raise CoderError(f"no code with id {code_id!r} in this project")
        if code.retired and code_id not in {c.code_id for c in item.a + item.b}:
            raise CoderError(f"code {code.index} {code.label!r} is retired and cannot be applied")


def _write(conn: sqlite3.Connection, item: DoubleCoded, codings: list[Coding], by: str, how: str) -> None:
    if not codings:
        raise CoderError("a consensus needs at least one code (undo takes a settlement back)")
    set_consensus(conn, item.response_id, CONSENSUS, codings, by=by, how=how,
                  basis={item.a[0].coder: item.a, item.b[0].coder: item.b})


def settle(conn: sqlite3.Connection, response_id: str, a: str, b: str, how: str, by: str,
           code_ids: Iterable[str] = ()) -> list[Coding]:
    """Record the consensus on a response both `a` and `b` coded: `how` is TAKE_A,
    TAKE_B, UNION or EDIT (the codes `code_ids`). Replaces an earlier settlement;
    one transaction, logged for undo as one step. Returns the consensus codings."""
    if how not in (TAKE_A, TAKE_B, UNION, EDIT):
        raise CoderError(f"unknown way to settle {how!r}")
    with transaction(conn):
        item = double_coded_response(conn, response_id, a, b)
        if how == EDIT:
            _check_codes(conn, item, code_ids)
        _write(conn, item, _settlement(item, how, code_ids), by,
               {TAKE_A: f"took {a}'s", TAKE_B: f"took {b}'s", UNION: "took the union"}.get(how, "edited"))
        return codings_for_response(conn, response_id, CONSENSUS)


def toggle_consensus_code(conn: sqlite3.Connection, response_id: str, a: str, b: str, code_id: str,
                          by: str) -> bool:
    """Add a code to the consensus on a response, or take it out; True if it is now in.

    The other consensus codings stay as they are; an added code gets the spans
    the coders gave it (or the whole response, if neither applied it).
    """
    with transaction(conn):
        item = double_coded_response(conn, response_id, a, b)
        adding = code_id not in {c.code_id for c in item.consensus}
        if adding:
            _check_codes(conn, item, [code_id])
            codings = item.consensus + _settlement(item, EDIT, [code_id])
        else:
            codings = [c for c in item.consensus if c.code_id != code_id]
        _write(conn, item, codings, by, "edited")
        return adding
