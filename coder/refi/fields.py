"""coder's own fields in a .qdpx: the member `coder.json`, which other programs ignore.

REFI-QDA has no place for a codebook's name, version or method (a `CodeBook`
has nothing but its codes, and `Project/@name` is the project's name), nor for
a code's id, index, include and exclude rules, keywords, key or retirement, nor
for a label the file had to write under another name (coder.codebook.refi_text.exported_names),
nor for attribute values its variables cannot hold as they are (coder.refi.values:
an integer in a Float column, a list; coder.json has those responses' attributes
whole, by source GUID). A .qdc
codebook file carries those as labelled lines after the definition in each
`Description` (coder.codebook.qdc); a .qdpx carries them in `coder.json`
beside project.qde, by each code's GUID, so the `Description` another program
shows, and gives back, is the researcher's definition alone. Project.xsd
governs project.qde only; QualCoder, for one, unpacks the archive and reads
the .qde and the sources folder, nothing else.

A file without the member (any other program's) keeps the project's name as
the codebook's; its codes take their Descriptions, as they are, as definitions
(labelled lines are read from them only in a file coder wrote before it wrote
coder.json, whose Project origin starts "coder ").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Mapping

from coder.codebook.qdc import normal_guid
from coder.codebook.refi_text import exported_names
from coder.errors import InputError
from coder.records import Codebook
from coder.refi.qde import DAMAGED_MEMBER, QdeFile

CODER_FIELDS = "coder.json"
_CODEBOOK_FIELDS = ("name", "version", "method")
_CODE_FIELDS = {"id": str, "index": str, "include": list, "exclude": list, "keywords": list,
                "retired": bool, "key": str, "label": str}


@dataclass
class CoderFields:
    """What a `coder.json` gives: the codebook's fields, each code's by GUID, and the
    attributes project.qde cannot hold as they are."""

    codebook: dict[str, str] = field(default_factory=dict)
    # normal_guid -> the fields as coder.codebook.qdc reads them from a Description
    codes: dict[str, dict] = field(default_factory=dict)
    # normal_guid of a TextSource -> its response's attributes, whole (see coder.refi.values.exact)
    attributes: dict[str, dict] = field(default_factory=dict)


def coder_fields(codebook: Codebook, theme_guids: Mapping[str, str], code_guids: Mapping[str, str],
                 attributes: Mapping[str, dict]) -> str:
    """The text of `coder.json` for a codebook whose themes and codes have these GUIDs (id -> GUID),
    with `attributes` (source GUID -> attributes) of the responses whose values would not read
    back from project.qde as they are."""
    names = exported_names(codebook)
    renamed = lambda record: {"label": record.label} if names[record.id] != record.label else {}  # noqa: E731
    codes = {theme_guids[t.id]: {"id": t.id, "index": t.index, "retired": t.retired, **renamed(t)}
             for t in codebook.themes}
    codes.update({code_guids[c.id]: {"id": c.id, "index": c.index, "include": list(c.include),
                                     "exclude": list(c.exclude), "keywords": list(c.keywords),
                                     "retired": c.retired, **({"key": c.key} if c.key else {}), **renamed(c)}
                  for c in codebook.codes})
    book = {key: getattr(codebook, key) for key in _CODEBOOK_FIELDS}
    return json.dumps({"codebook": book, "codes": codes, "attributes": dict(attributes)},
                      ensure_ascii=False, indent=2) + "\n"


def read_coder_fields(qde: QdeFile) -> CoderFields:
    """What the archive's `coder.json` gives (nothing without one).

    InputError naming the member for one that is not the JSON object coder writes.
    """
    if CODER_FIELDS not in qde.names:
        return CoderFields()
    try:
        raw = qde.archive.read(CODER_FIELDS)
    except DAMAGED_MEMBER as exc:
        qde.damaged(CODER_FIELDS, exc)
    try:
        data = json.loads(raw.decode("utf-8"))
        book = data.get("codebook", {})
        found = CoderFields({key: book[key] for key in _CODEBOOK_FIELDS if book.get(key)},
                            {normal_guid(guid): _description_fields(values)
                             for guid, values in data.get("codes", {}).items()},
                            {normal_guid(guid): values for guid, values in data.get("attributes", {}).items()})
        if not all(isinstance(value, str) for value in found.codebook.values()):
            raise ValueError("not text")
        if not all(isinstance(values, dict) for values in found.attributes.values()):
            raise ValueError("attributes not an object")
    except (UnicodeDecodeError, ValueError, AttributeError, TypeError):
        raise InputError(f"{CODER_FIELDS} is not the JSON object coder writes", file=qde.file,
                         hint=f"delete {CODER_FIELDS} from the .qdpx to import without it") from None
    return found


def _description_fields(values: dict) -> dict:
    """One code's fields from coder.json as a Description's labelled lines give them; ValueError if malformed."""
    if not all(key in _CODE_FIELDS and isinstance(value, _CODE_FIELDS[key]) for key, value in values.items()):
        raise ValueError("unknown field or type")
    if not all(isinstance(item, str) for key in ("include", "exclude", "keywords") for item in values.get(key, [])):
        raise ValueError("a list of other than text")
    found = {key: values[key] for key in ("id", "index", "include", "exclude", "key", "label") if key in values}
    if "keywords" in values:
        found["keywords"] = "; ".join(values["keywords"])
    if "retired" in values:
        found["retired"] = "yes" if values["retired"] else ""
    return found
