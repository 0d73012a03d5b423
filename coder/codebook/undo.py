"""Undoing and redoing codebook edits (part of coder.history).

The codebook store logs its own `codebook.*` events, without an `undoes` link.
So undoing a codebook edit applies the inverse edit through the codebook store
(which logs it as usual) and then logs a `history.codebook` event that carries
the link: `undoes` = the event undone or redone, and in `data` the edit that
was applied (`action`, `target`, `data`, as a codebook event would hold them)
and the id of the event the store logged for it (`applied`, None if the
codebook already read so). History replay treats that pair as one step.

A merge of two codes is a codebook edit like the others (its inverse, `codebook.code.unmerge`,
gives the moved codings back); a merge of another project file is not (see coder.store.merge).
"""

from __future__ import annotations

import sqlite3

from coder.records import Code
from coder.store.code_merge import merge_codes, unmerge_codes
from coder.store.codebook import (add_code, delete_unused_code, move_code, reorder_codes, reorder_themes,
                                  set_code_retired, set_theme_retired, update_code, update_theme)
from coder.store.events import Action, Event, last_event_id, list_events, record_event

# Each undoable codebook action and the action that reverses it.
INVERSE = {
    Action.CODE_UPDATE: Action.CODE_UPDATE,
    Action.THEME_UPDATE: Action.THEME_UPDATE,
    Action.CODE_MOVE: Action.CODE_MOVE,
    Action.CODE_REORDER: Action.CODE_REORDER,
    Action.THEME_REORDER: Action.THEME_REORDER,
    Action.CODE_RETIRE: Action.CODE_UNRETIRE,
    Action.CODE_UNRETIRE: Action.CODE_RETIRE,
    Action.THEME_RETIRE: Action.THEME_UNRETIRE,
    Action.THEME_UNRETIRE: Action.THEME_RETIRE,
    Action.CODE_ADD: Action.CODE_DELETE,
    Action.CODE_DELETE: Action.CODE_ADD,
    Action.CODE_MERGE: Action.CODE_UNMERGE,
    Action.CODE_UNMERGE: Action.CODE_MERGE,
}
_LISTS = ("include", "exclude", "keywords")


def edit_of(event: Event) -> tuple[str, str, dict]:
    """The codebook edit an event stands for: (action, target, data)."""
    if event.action == Action.HISTORY_CODEBOOK:
        return event.data["action"], event.data["target"], event.data["data"]
    return event.action, event.target, event.data


def invert(conn: sqlite3.Connection, event: Event) -> int:
    """Apply the inverse of a codebook event (or of a link event); return the link's id."""
    action, target, data = edit_of(event)
    # A merge's other fields (source, target, the codings it moved) are what its inverse needs.
    inverse = (INVERSE[action], target,
               {**{k: v for k, v in data.items() if k not in ("before", "after")},
                **{k: v for k, v in {"before": data.get("after"), "after": data.get("before")}.items()
                   if v is not None}})
    before = last_event_id(conn)
    _apply(conn, event.coder, *inverse)
    applied = last_event_id(conn)
    data = inverse[2]
    if applied != before and inverse[0] in (Action.CODE_MERGE, Action.CODE_UNMERGE):
        # What this merge (or its undoing) moved, as the store logged it: the next step reverses that,
        # not what an earlier one moved.
        data = list_events(conn, after_id=applied - 1, limit=1)[0].data
    return record_event(conn, event.coder, Action.HISTORY_CODEBOOK, target, {
        "applied": applied if applied != before else None,
        "action": inverse[0], "target": target, "data": data}, undoes=event.id)


def _apply(conn: sqlite3.Connection, coder: str, action: str, target: str, data: dict) -> None:
    after = data.get("after")
    kind = action.split(".")[1]
    if action == Action.CODE_UPDATE:
        update_code(conn, target, coder, **after)
    elif action == Action.THEME_UPDATE:
        update_theme(conn, target, coder, **after)
    elif action == Action.CODE_MOVE:
        fields = {k: tuple(v) if k in _LISTS else v for k, v in after.items()
                  if k not in ("theme_id", "position", "sub_codes")}
        move_code(conn, target, after["theme_id"], coder, position=after["position"],
                  sub_codes=[tuple(pair) for pair in after.get("sub_codes", ())], **fields)
    elif action == Action.CODE_REORDER:
        reorder_codes(conn, target, after, coder)
    elif action == Action.THEME_REORDER:
        reorder_themes(conn, after, coder)
    elif action.endswith("retire"):
        setter = set_code_retired if kind == "code" else set_theme_retired
        setter(conn, target, after["retired"], coder)
    elif action == Action.CODE_ADD:
        add_code(conn, Code(**{k: tuple(v) if k in _LISTS else v for k, v in after.items()}), coder)
    elif action == Action.CODE_MERGE:
        merge_codes(conn, data["source"], data["target"], coder)
    elif action == Action.CODE_UNMERGE:
        unmerge_codes(conn, data["source"], data["target"], data["moved"], data["dropped"], coder,
                      retired=after["retired"], moved_codings=data.get("moved_codings"))
    else:  # codebook.code.delete
        delete_unused_code(conn, target, coder)
