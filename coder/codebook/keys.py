"""Which key toggles which code on the coding screen: 1-9, then the letters no command uses.

A code's key stays with it for the life of the project: the first time codes
are shown, each gets a free key in framework order and the key is stored with
the code (`keys_to_store`), so a code added later takes a free key and never
shifts the keys a researcher has learned. Changing a key is an explicit edit
(the codebook screen). Codes beyond the available keys get none (apply them
with the picker, `c`). Sub-codes get keys like any code; a code that is not
codable (a category of sub-codes, as an imported codebook may mark it) gets none.
"""

from __future__ import annotations

from coder.errors import InputError
from coder.records import Code, Codebook

# Keys bound to other actions on the coding screen (see coding_screen.BINDINGS).
RESERVED = set("jkncumMsfqAx?/[]{}.+")
DIGITS = [str(d) for d in range(1, 10)]
LETTERS = [c for c in "abcdefghijklmnopqrstuvwxyz" if c not in RESERVED]


def check_key(key: str | None, *, file: str | None = None, line: int | None = None) -> str | None:
    """Return `key`, else raise InputError for one the coding screen could not give the code:
    not one letter or digit, or a key a command uses there. The error names the file's
    line and field where there is a file (a form has neither)."""
    where = {"file": file, "line": line, "column": "key"} if file else {}
    if key is not None and (len(key) != 1 or not key.isalnum()):
        raise InputError(f"key {key!r} is not one letter or digit", **where,
                         hint="give one, or leave it out for a free one")
    if key in RESERVED:
        raise InputError(f"key {key!r} is taken by a command on the coding screen", **where,
                         hint=f"not free: {' '.join(sorted(RESERVED))}; or leave it out for a free one")
    return key


def usable_key(key: str | None) -> str | None:
    """`key` where the coding screen can give a code it, else None: a file from another program (or
    an older coder) may carry one it cannot, and the code then takes a free key instead."""
    return key if _usable(key) else None


def _active(codebook: Codebook) -> list[Code]:
    retired_themes = {t.id for t in codebook.themes if t.retired}
    return [c for c in codebook.codes
            if not c.retired and c.codable and c.theme_id not in retired_themes]


def _usable(key: str | None) -> bool:
    return bool(key) and len(key) == 1 and key.isalnum() and key not in RESERVED


def assign_keys(codebook: Codebook) -> dict[str, str]:
    """Key -> code id for the codes that can be applied (codable, not retired), in framework order.

    A code's own usable key is kept (the first code in framework order wins a
    key two codes claim); the others take free keys in framework order. A key
    stored on a retired code stays reserved for it, so bringing the code back
    brings its key back.
    """
    keys: dict[str, str] = {}
    for code in _active(codebook):
        if _usable(code.key) and code.key not in keys:
            keys[code.key] = code.id
    held = {c.key for c in codebook.codes if _usable(c.key)}
    free = iter(k for k in DIGITS + LETTERS if k not in keys and k not in held)
    taken = set(keys.values())
    for code in _active(codebook):
        if code.id not in taken:
            key = next(free, None)
            if key is None:
                break
            keys[key] = code.id
    return keys


def keys_to_store(codebook: Codebook) -> dict[str, str]:
    """Code id -> key for the codes with no key of their own, as `assign_keys` chose them."""
    keyless = {c.id for c in codebook.codes if c.key is None}
    return {code_id: key for key, code_id in assign_keys(codebook).items() if code_id in keyless}
