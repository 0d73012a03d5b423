"""Undo and redo for one coder, built on the event log (so it works across restarts).

The log is replayed into two stacks. A change event (`coding.add`,
`coding.remove`, `memo.set`, `chart.set`, `suggestion.reject`/`unreject`,
`consensus.set`)
goes on the undo stack and clears the redo stack. Undo applies the inverse of
the top change and logs it with `undoes` = that change; the undo event goes on
the redo stack. Redo applies the inverse of the top undo event and logs it
with `undoes` = that undo event; it goes back on the undo stack. Another
process (or an earlier session) writing the same coder's events is picked up
by replaying only the events added since the last look.

Codebook edits (update, move, reorder, retire, add, delete, merging two codes) are
undone through the codebook store, linked by a `history.codebook` event (see
coder.codebook.undo). A merge of another project file (`project.merge`) is
one step, taken back by `project.unmerge` (see coder.store.merge), and so is an
import of coding (`codings.import`, by `codings.unimport`: coder.store.codings).
"""

from __future__ import annotations

import sqlite3

from coder.store import transaction
from coder.codebook.undo import INVERSE, edit_of, invert
from coder.records import Codebook
from coder.store.charts import set_chart
from coder.store.codings import add_coding, invert_import, remove_coding
from coder.store.consensus import logged_codings, set_consensus
from coder.store.events import Action, Event, last_event_id, list_events, record_event
from coder.store.memos import set_memo
from coder.store.merge import REMOVED, invert_merge
from coder.store.rejections import set_rejected
from coder.wording import counted

UNDOABLE = {Action.CODING_ADD, Action.CODING_REMOVE, Action.MEMO_SET, Action.CHART_SET, Action.SUGGESTION_REJECT,
            Action.SUGGESTION_UNREJECT, Action.CONSENSUS_SET, Action.HISTORY_CODEBOOK, *INVERSE,
            Action.PROJECT_MERGE, Action.PROJECT_UNMERGE, Action.CODINGS_IMPORT, Action.CODINGS_UNIMPORT}
_MERGES = (Action.PROJECT_MERGE, Action.PROJECT_UNMERGE)
_IMPORTS = (Action.CODINGS_IMPORT, Action.CODINGS_UNIMPORT)
MANY_RESPONSES = {*_MERGES, *_IMPORTS}   # steps that change the coding of many responses at once


class History:
    """One coder's undo and redo stacks over a project's event log."""

    def __init__(self, conn: sqlite3.Connection, coder: str):
        self.conn = conn
        self.coder = coder
        self._undo: list[Event] = []
        self._redo: list[Event] = []
        self._seen = 0
        # The latest plain change and the redo stack it cleared: a codebook undo
        # logs the store's own event first, then the link that takes it back.
        self._last_plain: tuple[int, list[Event]] | None = None

    def refresh(self) -> None:
        """Replay the coder's events logged since the last look."""
        for event in list_events(self.conn, coder=self.coder, after_id=self._seen):
            self._replay(event)
            self._seen = event.id

    def _replay(self, event: Event) -> None:
        if event.action not in UNDOABLE or (event.action in _IMPORTS and not (
                event.data.get("codings") or "import_event" in event.data)):
            return   # an import that added nothing, or logged by an older coder without what it added
        if event.action == Action.HISTORY_CODEBOOK:
            applied = event.data.get("applied")
            if self._last_plain is not None and self._last_plain[0] == applied:
                self._undo = [e for e in self._undo if e.id != applied]
                self._redo = self._last_plain[1]
        if event.undoes is None:
            self._last_plain = (event.id, list(self._redo))
            self._undo.append(event)
            self._redo.clear()
        elif any(e.id == event.undoes for e in self._redo):
            self._redo = [e for e in self._redo if e.id != event.undoes]
            self._undo.append(event)
        else:
            self._undo = [e for e in self._undo if e.id != event.undoes]
            self._redo.append(event)

    @property
    def can_undo(self) -> bool:
        self.refresh()
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        self.refresh()
        return bool(self._redo)

    def undo(self) -> Event | None:
        """Reverse the coder's latest change not yet undone; return the (last) logged undo event."""
        self.refresh()
        return self._invert(_last_step(self._undo)) if self._undo else None

    def redo(self) -> Event | None:
        """Re-apply the latest undone change; return the (last) logged redo event."""
        self.refresh()
        return self._invert(_last_step(self._redo)) if self._redo else None

    def _invert(self, events: list[Event]) -> Event:
        with transaction(self.conn):
            new_ids = [_apply_inverse(self.conn, event) for event in reversed(events)]
        self.refresh()
        return next(e for e in self._undo + self._redo if e.id == new_ids[-1])


def _last_step(stack: list[Event]) -> list[Event]:
    """The events at the top of a stack that make one step: the top one, with those before it
    carrying the same `step` (codings one keypress added, as accepting every suggestion)."""
    step = stack[-1].data.get("step")
    first = len(stack) - 1
    while step is not None and first > 0 and stack[first - 1].data.get("step") == step:
        first -= 1
    return stack[first:]


def _apply_inverse(conn: sqlite3.Connection, event: Event) -> int:
    """Apply the inverse of `event` and log it with `undoes` = event; return the new id."""
    if event.action == Action.HISTORY_CODEBOOK or event.action in INVERSE:
        return invert(conn, event)
    if event.action in _MERGES:
        return invert_merge(conn, event)
    if event.action in _IMPORTS:
        return invert_import(conn, event)
    d = event.data
    if event.action in (Action.CODING_ADD, Action.CODING_REMOVE):
        span = {"start": d["start"], "end": d["end"]}
        if event.action == Action.CODING_ADD:
            remove_coding(conn, d["response_id"], d["code_id"], d["coder"], **span, log=False)
            action = Action.CODING_REMOVE
        else:
            add_coding(conn, d["response_id"], d["code_id"], d["coder"], **span,
                       origin=d["origin"], created_at=d["created_at"], log=False)
            action = Action.CODING_ADD
        return record_event(conn, event.coder, action, event.target, d, undoes=event.id)
    if event.action == Action.CONSENSUS_SET:
        before = logged_codings(d["response_id"], d["coder"], d["before"])
        return set_consensus(conn, d["response_id"], d["coder"], before, by=d["by"], how=d["how"], undoes=event.id)
    if event.action == Action.MEMO_SET:
        set_memo(conn, d["target_type"], d["target_id"], d["coder"], d["before"], undoes=event.id)
    elif event.action == Action.CHART_SET:
        set_chart(conn, d["response_id"], d["theme_id"], d["coder"], d["before"], undoes=event.id)
    else:
        set_rejected(conn, d["response_id"], d["code_id"], d["coder"], event.action == Action.SUGGESTION_UNREJECT,
                     undoes=event.id)
    return last_event_id(conn)


def known_names(codebook: Codebook) -> dict[str, str]:
    """Codes and themes as the researcher knows them ("1.2 Staffing"), by id, for `describe`."""
    names = {c.id: f"{c.index} {c.label}" for c in codebook.codes}
    names.update({t.id: f"{t.index} {t.label}" for t in codebook.themes})
    return names


# What a codebook edit did, as the notes say it ("Undo: added code 7.1 Court work" after undoing a delete).
_CODEBOOK_VERBS = {"add": "added", "delete": "deleted", "update": "changed", "move": "moved",
                   "reorder": "reordered", "retire": "retired", "unretire": "restored"}


def describe(event: Event, names: dict[str, str] | None = None) -> str:
    """A short line saying what an event did, verb first ("removed 1.2 Staffing from q0002"),
    for the UI's notifications; `names` gives codes and themes as the researcher knows them
    (index and label), else their ids are used."""
    name = (names or {}).get
    if event.action == Action.HISTORY_CODEBOOK or event.action in INVERSE:
        action, target, _ = edit_of(event)
        kind, _, verb = action.removeprefix("codebook.").partition(".")
        if verb in ("merge", "unmerge"):
            _, _, data = edit_of(event)
            source, into = name(data["source"], data["source"]), name(data["target"], data["target"])
            return f"merged code {source} into {into}" if verb == "merge" else \
                f"took code {source} back out of {into}"
        if kind in ("theme", "code") and verb in _CODEBOOK_VERBS:
            return f"{_CODEBOOK_VERBS[verb]} {kind} {name(target, target)}"
        return f"codebook {action.removeprefix('codebook.').replace('.', ' ')} {name(target, target)}"
    d = event.data
    if event.action in _MERGES:
        added, taken_off = len(d.get("codings", [])), len(d.get(REMOVED, []))
        if event.action == Action.PROJECT_MERGE:
            changed = [f"{counted(added, 'coding')} added"] + [f"{taken_off:,} taken off"] * bool(taken_off)
            return f"merged {d['source']} ({', '.join(changed)})"
        changed = [f"{counted(added, 'coding')} it added removed"] + [f"{taken_off:,} it took off put back"] * bool(taken_off)
        return f"took back the merge of {d['source']} ({', '.join(changed)})"
    if event.action in _IMPORTS:
        changed = d.get("changed", len(d.get("codings", ())))   # by the step, not the import as first made
        return (f"{'imported' if event.action == Action.CODINGS_IMPORT else 'took back the import of'} "
                f"{counted(changed, 'coding')} from {d['source'] or 'a file'}")
    if event.action.startswith("coding."):
        span = "" if d.get("start") is None else f" (characters {d['start']}-{d['end']})"
        codes = [name(c, c) for c in d["step"]["codes"]] if "step" in d else [name(d["code_id"], d["code_id"])]
        code = codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} and {codes[-1]}"
        if event.action == Action.CODING_ADD:
            return f"applied {code} to {d['response_id']}{span}"
        return f"removed {code} from {d['response_id']}{span}"
    if event.action == Action.CONSENSUS_SET:
        codes = ", ".join(dict.fromkeys(name(c["code_id"], c["code_id"]) for c in d["after"]))
        return f"set the consensus on {d['response_id']} to {codes}" if codes else \
            f"cleared the consensus on {d['response_id']}"
    if event.action == Action.MEMO_SET:
        memo = ("the project memo" if d["target_type"] == "project"
                else f"the memo on {d['target_type']} {name(d['target_id'], d['target_id'])}")
        return f"{'set' if d['after'] else 'cleared'} {memo}"
    if event.action == Action.CHART_SET:
        return (f"{'set' if d['after'] else 'cleared'} the chart summary of {d['response_id']} × "
                f"{name(d['theme_id'], d['theme_id'])}")
    verb = "turned down" if event.action == Action.SUGGESTION_REJECT else "restored"
    return f"{verb} the suggestion {name(d['code_id'], d['code_id'])} on {d['response_id']}"
