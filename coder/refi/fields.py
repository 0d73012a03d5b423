"""coder's own fields in a .qdpx: the member `coder.json`, which other programs ignore.

REFI-QDA has no place for a codebook's name, version or method (a `CodeBook`
has nothing but its codes, and `Project/@name` is the project's name), nor for
a code's id, index, include and exclude rules, keywords, key or retirement, nor
for a label the file had to write under another name (coder.codebook.refi_text.exported_names).
A .qdc codebook file carries those as labelled lines after the definition in each
`Description` (coder.codebook.qdc); a .qdpx carries them in `coder.json`
beside project.qde, by each code's GUID, so the `Description` another program
shows, and gives back, is the researcher's definition alone. Project.xsd
governs project.qde only; QualCoder, for one, unpacks the archive and reads
the .qde and the sources folder, nothing else.

`coder.json` also carries what a project holds beyond the codebook and REFI
cannot say: the attributes of responses whose values the variables cannot
hold as they are (coder.refi.values: an integer in a Float column, a list),
whole, by source GUID; where each coding came from (its origin: manual,
accepted or consensus; REFI's are all "imported"), by Coding GUID; and the
samples drawn for double coding, their responses by source GUID.

A file without the member (any other program's) keeps the project's name as
the codebook's, gives codings of origin "imported" and no samples; its codes
take their Descriptions, as they are, as definitions
(labelled lines are read from them only in a file coder wrote before it wrote
coder.json, whose Project origin starts "coder ").
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from coder.codebook.qdc import normal_guid
from coder.codebook.refi_text import exported_names
from coder.colours import AUTOMATIC_COLOUR
from coder.errors import InputError
from coder.records import ORIGINS, Codebook
from coder.refi.qde import DAMAGED_MEMBER, QdeFile
from coder.store.samples import SampleInfo

CODER_FIELDS = "coder.json"
_CODEBOOK_FIELDS = ("name", "version", "method")
_CODE_FIELDS = {"id": str, "index": str, "include": list, "exclude": list, "keywords": list,
                "retired": bool, "key": str, "label": str, "color": str}
_SAMPLE_FIELDS = {"name": str, "size": int, "by": (str, type(None)), "seed": int, "created_at": str,
                  "created_by": str}   # coder.store.samples.SampleInfo


@dataclass
class CoderFields:
    """What a `coder.json` gives: the codebook's fields, each code's by GUID, the attributes
    project.qde cannot hold as they are, the codings' origins and the samples."""

    codebook: dict[str, str] = field(default_factory=dict)
    # normal_guid -> the fields as coder.codebook.qdc reads them from a Description
    codes: dict[str, dict] = field(default_factory=dict)
    # normal_guid of a TextSource -> its response's attributes, whole (see coder.refi.values.exact)
    attributes: dict[str, dict] = field(default_factory=dict)
    # normal_guid of a Coding -> its origin, where it is not "imported"
    origins: dict[str, str] = field(default_factory=dict)
    # each sample with its (normal_guid of a TextSource, stratum) rows
    samples: list[tuple[SampleInfo, list[tuple[str, str | None]]]] = field(default_factory=list)


def coder_fields(codebook: Codebook, theme_guids: Mapping[str, str], code_guids: Mapping[str, str], *,
                 attributes: Mapping[str, dict], origins: Mapping[str, str],
                 samples: Iterable[tuple[SampleInfo, list[tuple[str, str | None]]]]) -> str:
    """The text of `coder.json` for a codebook whose themes and codes have these GUIDs (id -> GUID),
    with `attributes` (source GUID -> attributes) of the responses whose values would not read
    back from project.qde as they are, `origins` (Coding GUID -> origin) of the codings not
    imported, and the `samples` with (source GUID, stratum) rows."""
    names = exported_names(codebook)
    renamed = lambda record: {"label": record.label} if names[record.id] != record.label else {}  # noqa: E731
    codes = {theme_guids[t.id]: {"id": t.id, "index": t.index, "retired": t.retired, **renamed(t)}
             for t in codebook.themes}
    codes.update({code_guids[c.id]: {"id": c.id, "index": c.index, "include": list(c.include),
                                     "exclude": list(c.exclude), "keywords": list(c.keywords),
                                     "retired": c.retired, **({"key": c.key} if c.key else {}),
                                     # project.qde gives every code the colour it is shown in, for
                                     # other programs; this says which of them coder picked itself
                                     **({} if c.color else {"color": AUTOMATIC_COLOUR}), **renamed(c)}
                  for c in codebook.codes})
    book = {key: getattr(codebook, key) for key in _CODEBOOK_FIELDS}
    drawn = [{**dataclasses.asdict(info), "responses": [list(row) for row in rows]} for info, rows in samples]
    return json.dumps({"codebook": book, "codes": codes, "attributes": dict(attributes), "origins": dict(origins),
                       "samples": drawn}, ensure_ascii=False, indent=2) + "\n"


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
                            {normal_guid(guid): values for guid, values in data.get("attributes", {}).items()},
                            {normal_guid(guid): origin for guid, origin in data.get("origins", {}).items()},
                            [_sample(item) for item in data.get("samples", [])])
        if not all(isinstance(value, str) for value in found.codebook.values()):
            raise ValueError("not text")
        if not all(isinstance(values, dict) for values in found.attributes.values()):
            raise ValueError("attributes not an object")
        if not set(found.origins.values()) <= set(ORIGINS):
            raise ValueError("unknown origin")
    except (UnicodeDecodeError, ValueError, AttributeError, TypeError, KeyError):
        raise InputError(f"{CODER_FIELDS} is not the JSON object coder writes", file=qde.file,
                         hint=f"delete {CODER_FIELDS} from the .qdpx to import without it") from None
    return found


def _description_fields(values: dict) -> dict:
    """One code's fields from coder.json as a Description's labelled lines give them; ValueError if malformed."""
    if not all(key in _CODE_FIELDS and isinstance(value, _CODE_FIELDS[key]) for key, value in values.items()):
        raise ValueError("unknown field or type")
    if not all(isinstance(item, str) for key in ("include", "exclude", "keywords") for item in values.get(key, [])):
        raise ValueError("a list of other than text")
    if values.get("color", AUTOMATIC_COLOUR) != AUTOMATIC_COLOUR:
        raise ValueError("a colour other than automatic")
    found = {key: values[key] for key in ("id", "index", "include", "exclude", "key", "label", "color")
             if key in values}
    if "keywords" in values:
        found["keywords"] = "; ".join(values["keywords"])
    if "retired" in values:
        found["retired"] = "yes" if values["retired"] else ""
    return found


def _sample(item: dict) -> tuple[SampleInfo, list[tuple[str, str | None]]]:
    """One sample from coder.json, its rows by source GUID (normal_guid); ValueError (or KeyError,
    TypeError) if malformed."""
    info = SampleInfo(**{key: item[key] for key in _SAMPLE_FIELDS})
    rows = [(normal_guid(guid), stratum) for guid, stratum in item["responses"]]
    if not (all(isinstance(getattr(info, key), kind) for key, kind in _SAMPLE_FIELDS.items())
            and all(isinstance(stratum, (str, type(None))) for _, stratum in rows)):
        raise ValueError("a sample field of the wrong type")
    return info, rows
