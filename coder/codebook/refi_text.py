"""Names and text as REFI-QDA files (.qdc, .qdpx) must hold them.

Names: REFI clients need one name per code (QualCoder keeps one code per name
and files a second one's codings under the first, or under none; ATLAS.ti
refuses the second), so a label an earlier theme or code of the file already
has is written with what it sits under, "Other (Support)" (`exported_names`),
and the label itself travels as a `Label:` line (in a .qdpx, in coder.json) to
be read back. NVivo allows one name under two parents: such a code goes back
to it with its parent's name added.

Text: characters XML 1.0 cannot hold (control characters other than tab and
line breaks, such as the vertical tab text pasted from Word carries) are
written as U+FFFD (`xml_safe`): one of them makes the whole file unreadable.
"""

from __future__ import annotations

import itertools
import re
from typing import Iterator

from coder.records import Code, Codebook, Theme

# What XML 1.0 cannot hold: C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Serialised XML with each character XML 1.0 cannot hold replaced by U+FFFD.

    ElementTree writes such characters as they are, and one makes the whole
    file unreadable to every parser; they can only come from the data (text,
    attribute values), never from markup, so replacing them in the output is safe.
    """
    return _NOT_XML.sub("\ufffd", text)


def kept_returns(serialised: str) -> str:
    """Serialised XML with each carriage return as `&#13;`, which a parser gives back as it is
    (it reads a raw one in element text as part of a line break, so `\r\n` came back `\n`).

    Markup (ET.indent's too) has none, so every one is in the data.
    """
    return serialised.replace("\r", "&#13;")


def exported_names(codebook: Codebook) -> dict[str, str]:
    """The name each theme and code (by id) is written under in a REFI file: its label (a retired
    one's with " (retired)"), or, when a theme or code before it in the file has that name
    (ignoring case), the label with what it sits under, "Other (Support)": its parent code's label, else its theme's
    (a theme's own index, "Other (2)"); a number, "Other #2", when that is taken too."""
    labels = {record.id: record.label for record in (*codebook.themes, *codebook.codes)}
    taken: set[str] = set()
    names: dict[str, str] = {}
    for record in file_order(codebook):
        # Other programs have no retired codes: the name says so, and coder.json's label takes it back.
        label = f"{record.label} (retired)" if record.retired else record.label
        under = (labels.get(record.parent_id) or labels.get(record.theme_id)) if isinstance(record, Code) \
            else record.index
        candidates = itertools.chain([label], [f"{label} ({under})"] if under else [],
                                     (f"{label} #{n}" for n in itertools.count(2)))
        name = next(c for c in candidates if c.casefold() not in taken)
        taken.add(name.casefold())
        names[record.id] = name
    return names


def file_order(codebook: Codebook) -> Iterator[Theme | Code]:
    """Themes and codes in the order `codebook_to_xml` writes them and a .qdc is read: each theme,
    then its codes depth first (siblings in the codebook's order)."""
    children = codebook.tree()
    for theme in codebook.themes:
        yield theme
        stack = list(reversed(children.get((theme.id, None), ())))
        while stack:
            code = stack.pop()
            yield code
            stack.extend(reversed(children.get((theme.id, code.id), ())))
