"""Rebuild the demo corpus files in this folder from ../../shared/.

    python corpus/make_demo_corpus.py [SHARED_DIR]

social_work_comments.csv: the 371 comments (id, text and the attributes report,
year, kind, setting, role, context) from shared/corpus/social_work_comments.jsonl.
social_work_reference.csv: the reference coding (long layout: id, code) from
shared/gold/dev.csv. A test checks the shipped files match what this makes.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ["id", "text", "report", "year", "kind", "setting", "role", "context"]


def comments_csv(shared: Path) -> str:
    """The demo corpus as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for line in (shared / "corpus" / "social_work_comments.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        writer.writerow([record[c] for c in COLUMNS])
    return out.getvalue()


def reference_csv(shared: Path) -> str:
    """The reference coding as CSV text (long layout: id, code)."""
    return (shared / "gold" / "dev.csv").read_text(encoding="utf-8")


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared"
    (HERE / "social_work_comments.csv").write_text(comments_csv(shared), encoding="utf-8")
    (HERE / "social_work_reference.csv").write_text(reference_csv(shared), encoding="utf-8")


if __name__ == "__main__":
    main()
