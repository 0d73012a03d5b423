"""REFI-QDA project files for tests: build a .qdpx from its XML, read its project.qde,
export a project and check it against the schema."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from coder.refi.writer import write_qdpx
from coder.store import open_project


def make_qdpx(path: Path, xml: str, files: dict[str, str | bytes] | None = None) -> Path:
    """A .qdpx of project.qde and the given members."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in (files or {}).items():
            archive.writestr(name, text)
    return path


def qde(path: Path) -> etree._Element:
    """The parsed project.qde of a .qdpx."""
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def export(project: Path, out: Path, schema) -> etree._Element:
    """Export a project to `out`, check it against the schema, return its project.qde."""
    conn = open_project(project, readonly=True)
    try:
        write_qdpx(conn, out)
    finally:
        conn.close()
    root = qde(out)
    assert schema.validate(root), schema.error_log
    return root
