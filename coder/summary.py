"""What a project holds, in a few lines a researcher can read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from coder.store import get_meta
from coder.store.codebook_read import load_codebook
from coder.store.codings import coding_counts
from coder.store.responses import attribute_names, count_responses


def describe_project(conn: sqlite3.Connection, path: Path | str) -> str:
    """A short summary: responses, attributes, codebook, and each coder's coding."""
    meta = get_meta(conn)
    codebook = load_codebook(conn)
    active_codes = [c for c in codebook.codes if not c.retired]
    lines = [
        f"Project {meta.get('name', Path(path).stem)!r}: {Path(path)}",
        f"  responses:  {count_responses(conn):,}",
        f"  attributes: {', '.join(attribute_names(conn)) or 'none'}",
        f"  codebook:   {codebook.name or 'unnamed'}: {len(codebook.themes)} themes, "
        f"{len(active_codes)} codes" + (f" ({len(codebook.codes) - len(active_codes)} retired)"
                                        if len(active_codes) < len(codebook.codes) else ""),
    ]
    counts = coding_counts(conn)
    if counts:
        for coder, (codings, responses) in counts.items():
            lines.append(f"  coder {coder}: {codings:,} codings on {responses:,} responses")
    else:
        lines.append("  no coding yet")
    return "\n".join(lines)
