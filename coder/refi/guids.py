"""The GUIDs a .qdpx export gives its elements.

An element imported from a .qdpx keeps the GUID it came with (coder.store.exchange
holds them), so the program that made the file sees its own users, sources,
codes, notes and selections again rather than new ones. Every other element
gets a GUID derived from its id (uuid5), so exporting the same project twice
gives the same file. A GUID names one element: where a project kept one GUID for
two elements (a file that had it twice, imported before coder refused such files),
the first keeps it and the others get derived ones (unshared).
"""

from __future__ import annotations

import hashlib
import uuid
import xml.etree.ElementTree as ET

from coder.records import Codebook
from coder.codebook.qdc import PROJECT_NS, code_guid, normal_guid, theme_guid
from coder.store.exchange import GUID_KINDS, kept_guids, memo_key

_GUIDS = uuid.uuid5(uuid.NAMESPACE_URL, "coder:refi-qda:project")


def guid(kind: str, key: str) -> str:
    """A stable GUID for one object of a kind (user, source, case, variable, selection, note).

    The same value as str(uuid.uuid5(namespace, "kind:key")), formatted directly
    because building UUID objects dominates the export of large projects.
    """
    digest = bytearray(hashlib.sha1(_GUIDS.bytes + f"{kind}:{key}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


Kept = dict[str, dict[str, tuple[str, str | None]]]   # kind -> key -> (GUID, name), as kept_guids gives them


def unshared(kept: Kept) -> Kept:
    """The kept GUIDs with
    each GUID left to the first element that has it (kinds in GUID_KINDS order): the others lose it.

    The codings of one selection share its GUID (the writer writes that selection once, see
    coder.refi.writer); no other kind shares one, nor does a selection with another kind.
    """
    owners: dict[str, tuple[str, str]] = {}   # normal_guid -> (kind, key) of the element keeping it
    for kind in GUID_KINDS:
        for key, (kept_guid, _) in list(kept[kind].items()):
            owner = (kind, "" if kind == "selection" else key)
            if owners.setdefault(normal_guid(kept_guid), owner) != owner:
                del kept[kind][key]
    return kept


class ExportGuids:
    """The GUID of each element of one export (see the module docstring)."""

    def __init__(self, conn, codebook: Codebook):
        self.kept = unshared({kind: kept_guids(conn, kind) for kind in GUID_KINDS})
        # Building coding keys costs time on large projects: only when some were kept.
        self.keyed = bool(self.kept["selection"] or self.kept["coding"])
        self.themes = {t.id: self.of("theme", t.id, theme_guid(t.id)) for t in codebook.themes}
        self.codes = {c.id: self.of("code", c.id, code_guid(c.id)) for c in codebook.codes}

    def of(self, kind: str, key: str | None, derived: str | None = None) -> str:
        """The kept GUID of the element of `kind` with `key`, else `derived`, else guid(kind, key).

        `key` None (a coding's, when nothing imported has a key) has no kept GUID.
        """
        kept = self.kept[kind].get(key) if key is not None else None
        if kept:
            return kept[0]
        return derived or guid(kind, str(key))

    def selection(self, key: str | None) -> tuple[str, str | None] | None:
        """(GUID, name) of the imported selection a coding (by coding_key) came from, if kept."""
        return self.kept["selection"].get(key) if key is not None else None

    def note(self, memo) -> tuple[str, str | None]:
        """(GUID, name) of a memo's Note (memo: a memos_frame row) as imported, else (a GUID
        derived from the memo's row id, None)."""
        kept = self.kept["note"].get(memo_key(memo.target_type, memo.target_id, memo.coder))
        return kept or (guid("note", str(memo.memo_id)), None)

    def apply_to(self, book: ET.Element) -> None:
        """Give the CodeBook's theme and code elements (made with derived GUIDs) their kept ones."""
        kept = {theme_guid(i): g for i, g in self.themes.items()}
        kept.update({code_guid(i): g for i, g in self.codes.items()})
        for code_el in book.iter(f"{{{PROJECT_NS}}}Code"):
            code_el.set("guid", kept.get(code_el.get("guid"), code_el.get("guid")))
