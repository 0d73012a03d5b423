"""coder's own fields in a .qdpx: the member `coder.json`, which other programs ignore.

REFI-QDA has no place for a codebook's name, version or method (a `CodeBook`
has nothing but its codes, and `Project/@name` is the project's name), so an
export writes them to `coder.json` beside project.qde and an import takes them
back from there. Project.xsd governs project.qde only; QualCoder, for one,
unpacks the archive and reads the .qde and the sources folder, nothing else.
A file without the member (any other program's) keeps the project's name as the
codebook's.
"""

from __future__ import annotations

import dataclasses
import json
import zipfile

from coder.errors import InputError
from coder.records import Codebook
from coder.refi.qde import QdeFile

CODER_FIELDS = "coder.json"
_CODEBOOK_FIELDS = ("name", "version", "method")


def coder_fields(codebook: Codebook) -> str:
    """The text of `coder.json` for a project with this codebook."""
    book = {key: getattr(codebook, key) for key in _CODEBOOK_FIELDS}
    return json.dumps({"codebook": book}, ensure_ascii=False, indent=2) + "\n"


def with_coder_fields(qde: QdeFile, codebook: Codebook) -> Codebook:
    """The codebook with the name, version and method the archive's `coder.json` gives, if any.

    InputError naming the member for one that is not the JSON object coder writes.
    """
    if CODER_FIELDS not in qde.names:
        return codebook
    try:
        book = json.loads(qde.archive.read(CODER_FIELDS).decode("utf-8")).get("codebook", {})
        found = {key: book[key] for key in _CODEBOOK_FIELDS if book.get(key)}
        if not all(isinstance(value, str) for value in found.values()):
            raise ValueError("not text")
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, AttributeError):
        raise InputError(f"{CODER_FIELDS} is not the JSON object coder writes", file=qde.file,
                         hint=f"delete {CODER_FIELDS} from the .qdpx to import without it") from None
    return dataclasses.replace(codebook, **found)
