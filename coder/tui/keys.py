"""Which key toggles which code: 1-9, then the letters no other binding uses.

Codes take keys in framework order; a code whose `key` the user has set keeps
it. Codes beyond the available keys get none (apply them with the picker, `c`).
"""

from __future__ import annotations

from coder.records import Codebook

# Letters bound to other actions on the coding screen (see coding_screen.BINDINGS).
RESERVED = set("jkncumMsfqAx?/[]{}")
DIGITS = [str(d) for d in range(1, 10)]
LETTERS = [c for c in "abcdefghijklmnopqrstuvwxyz" if c not in RESERVED]


def assign_keys(codebook: Codebook) -> dict[str, str]:
    """Key -> code id for the codes that can be applied (not retired), in framework order."""
    retired_themes = {t.id for t in codebook.themes if t.retired}
    active = [c for c in codebook.codes if not c.retired and c.theme_id not in retired_themes]
    keys: dict[str, str] = {}
    for code in active:
        if code.key and len(code.key) == 1 and code.key not in RESERVED and code.key not in keys:
            keys[code.key] = code.id
    free = iter(k for k in DIGITS + LETTERS if k not in keys)
    taken = set(keys.values())
    for code in active:
        if code.id not in taken:
            key = next(free, None)
            if key is None:
                break
            keys[key] = code.id
    return keys
