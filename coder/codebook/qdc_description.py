"""Coder's labelled lines in a REFI-QDA `Description`: written after the definition, read back.

REFI has one free-text Description per code; coder writes the definition
there, followed by what REFI has no field for, as plain lines a person can
read in NVivo, ATLAS.ti, MAXQDA or QualCoder:

    The number, mix or complexity of cases a worker holds ...

    Include:
    - high, rising or unmanageable caseloads
    Exclude:
    - vacancies or sickness as such (use staffing)
    Keywords: caseload; case load; cases
    Index: 1.1
    Id: caseload
    Key: 1
    Retired: yes
    Label: Other

(`Key:` only for a code that has a keyboard key, `Retired:` only for a retired
theme or code, `Label:` only where the name it goes out under is not its label:
see coder.codebook.refi_text.) A .qdpx project carries these fields beside
project.qde instead, so its Descriptions hold the definition alone (see
coder.refi.fields).

Reading: a Description that ends in such a block of lines as coder writes it
(`Index:` then `Id:`, one word each, then only `Key:`, `Retired: yes` and
`Label:`) is read as coder wrote it, whoever saved the file last: MAXQDA and
QualCoder keep the Descriptions of a coder `.qdc` but drop coder's comment
(coder.codebook.qdc_file) and give the codes GUIDs of their own. In a file
whose comment says coder wrote it the lines are read wherever they are (a file
edited by hand); in another program's file a Description that does not end in
them is the definition, whole, lines such as `Index: 7` included.
"""

from __future__ import annotations

import re
from typing import Iterable

# Record field -> the label of its line.
LABELS = {"keywords": "Keywords", "index": "Index", "id": "Id", "key": "Key", "retired": "Retired",
          "label": "Label"}
_SECTIONS = ("Include:", "Exclude:")
_LABELLED = re.compile(rf"(?:{'|'.join(LABELS.values())}): \S.*")
_ID_LINE = re.compile(r"Id: \S+")
_INDEX_LINE = re.compile(r"Index: \S+")


def description_text(definition: str, *, include: Iterable[str] = (), exclude: Iterable[str] = (),
                     keywords: Iterable[str] = (), index: str, id_: str, key: str | None = None,
                     retired: bool, label: str | None) -> str:
    """A theme's or code's Description: its definition, a blank line, then coder's labelled lines."""
    lines = [definition, ""] if definition else []
    for title, rules in (("Include", include), ("Exclude", exclude)):
        if rules:
            lines.append(f"{title}:")
            lines.extend(f"- {rule}" for rule in rules)
    if keywords:
        lines.append(f"Keywords: {'; '.join(keywords)}")
    lines += [f"Index: {index}", f"Id: {id_}"]
    if key:
        lines.append(f"Key: {key}")
    if retired:
        lines.append("Retired: yes")
    if label is not None:
        lines.append(f"Label: {label}")
    return "\n".join(lines)


def _labelled_start(lines: list[str]) -> int | None:
    """Where the block of labelled lines a Description ends in begins (the definition is what comes
    before it), or None where it ends otherwise or the block has no `Id:` line. Blank lines may come
    between them (a program that spaces paragraphs)."""
    start = len(lines)
    while start and _labelled(lines[start - 1].strip()):
        start -= 1
    while start < len(lines) and (lines[start].strip().startswith("- ") or not lines[start].strip()):
        start += 1   # a list ending the definition, and the blank line after it
    return start if _as_coder_writes(lines[start:]) else None


_AFTER_ID = re.compile(r"Key: \S|Retired: yes|Label: \S.*")


def _as_coder_writes(block: list[str]) -> bool:
    """Whether labelled lines end as coder writes them: `Index:` then `Id:` (one word each), then
    only `Key:` (one character), `Retired: yes` and `Label:` lines. Another program's note that
    merely ends in an `Id:` line ("Index: see appendix", "Key: ctrl+k") stays its definition."""
    filled = [line.strip() for line in block if line.strip()]
    at = next((k for k, line in enumerate(filled) if line.startswith("Id:")), 0)
    return (at > 0 and bool(_INDEX_LINE.fullmatch(filled[at - 1])) and bool(_ID_LINE.fullmatch(filled[at]))
            and all(_AFTER_ID.fullmatch(line) for line in filled[at + 1:]))


def _labelled(line: str) -> bool:
    return not line or line in _SECTIONS or line.startswith("- ") or bool(_LABELLED.fullmatch(line))


def parse_description(text: str, *, coder_file: bool) -> dict:
    """A Description as fields: `definition`, `include` and `exclude` lists, and each labelled
    line's value as a string under its field's name (`keywords` "a; b", `retired` "yes").

    `coder_file`: the file says coder wrote it, so labelled lines are read wherever they are;
    otherwise only from the block the Description ends in (see the module docstring).
    """
    lines = text.split("\n")   # not splitlines: a definition written with \r\n keeps them
    start = _labelled_start(lines)
    if start is None and not coder_file:
        return {"include": [], "exclude": [], "definition": text}
    found: dict = {"include": [], "exclude": []}
    definition = lines[:start] if start is not None else []
    section = None
    labels = {f"{title}:": key for key, title in LABELS.items()}
    for line in lines[len(definition):]:
        stripped = line.strip()
        head, _, rest = stripped.partition(" ")
        if stripped in _SECTIONS:
            section = stripped[:-1].lower()
        elif section and stripped.startswith("- "):
            found[section].append(stripped[2:].strip())
        elif head in labels:
            found[labels[head]] = rest.strip()
            section = None
        elif section is None and not any(k in found for k in LABELS):
            definition.append(line)
    found["definition"] = "\n".join(definition).strip()
    return found
