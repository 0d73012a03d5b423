"""Hostile-input benchmark: each case runs the real CLI in a child process and prints
its outcome (exit code and first line), peak memory (max RSS) and wall time.

    python tests/bench/bench_hostile.py [--dir DIR]

The aim (issue 17): every case a clean line, peak memory under 500 MB, none over 30 s.
Files are made in DIR (a temporary folder by default) and removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/: the file makers

from hostile_files import (SHARED_STRINGS, SHEET, inline_sheet, set_declared_size,  # noqa: E402
                           shared_strings_bomb, xlsx_with)

from coder.store import create_project  # noqa: E402

# Runs one command and prints the child's peak RSS (KB) last, so the measure is the command's own.
MEASURE = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, "
           "text=True); print(r.returncode); print((r.stderr or r.stdout).strip().splitlines()[:1]); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def run(*args) -> tuple[int, str, float, float]:
    """(exit code, first line of output, peak MB, seconds) of `coder ARGS`."""
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "coder",
                          *map(str, args)], capture_output=True, text=True).stdout.splitlines()
    seconds = time.monotonic() - started
    return int(out[0]), " ".join(eval(out[1])), int(out[2]) / 1024, seconds


def cases(d: Path):
    """(name, args) of every case; files are made as the case is reached."""
    def project(name: str) -> Path:
        path = d / f"{name}.coder"
        create_project(path).close()
        return path

    yield "xlsx: shared strings bomb (expands to 512 MB)", lambda: (
        "import", project("a"), shared_strings_bomb(d, 512))
    yield "xlsx: member declaring 1.9 GB", lambda: (
        "import", project("b"), set_declared_size(xlsx_with(d, "big.xlsx", {SHARED_STRINGS: b"<sst/>"}),
                                                  SHARED_STRINGS, 2_000_000_000))
    yield "xlsx: member expanding past its declared size", lambda: (
        "import", project("c"), set_declared_size(xlsx_with(d, "lie.xlsx", {SHEET: inline_sheet(6000, 200)}),
                                                  SHEET, 1000))
    yield "xlsx: junk XML sheet", lambda: (
        "import", project("d"), xlsx_with(d, "junk.xlsx", {SHEET: b"<worksheet><sheetData><row><c r="}))
    yield "xlsx: random bytes", lambda: (
        "import", project("e"), _write(d / "random.xlsx", bytes(range(256)) * 400))
    yield "xlsx: genuine 23 MB sheet, 30,000 rows (imports)", lambda: (
        "import", project("f"), xlsx_with(d, "genuine.xlsx", {SHEET: inline_sheet(30_000, 40)}))
    yield "csv: 200,000 columns", lambda: (
        "import", project("g"), _write(d / "wide.csv", (",".join(["id", "text"] + [f"a{i}" for i in range(200_000)])
                                                       + "\n").encode()))
    yield "csv: one 100 MB field (a quote left open)", lambda: (
        "import", project("h"), _write(d / "huge.csv", b"id,text\n1,\"" + b"word " * 20_000_000 + b"\"\n"))
    yield "jsonl: 100,000 nested lists", lambda: (
        "import", project("i"), _write(d / "deep.jsonl", b'{"id": 1, "text": ' + b"[" * 100_000
                                       + b"]" * 100_000 + b"}\n"))
    yield "yaml codebook: 100,000 nested lists", lambda: (
        "codebook", "import", project("j"), _write(d / "deep.yaml", b"themes: " + b"[" * 100_000 + b"]" * 100_000))
    yield "yaml codebook: 3,000 nested block mappings", lambda: (
        "codebook", "import", project("k"),
        _write(d / "deep2.yaml", ("themes:\n" + "".join("  " * i + "- a:\n" for i in range(3000))).encode()))
    yield "yaml codebook: 20,000 codes (imports)", lambda: (
        "codebook", "import", project("l"), _big_codebook(d / "big.yaml", 20_000, 100))
    yield "qdpx: a source text expanding to 1 GB", lambda: ("import-qdpx", _qdpx_bomb(d / "bomb.qdpx", 1024), d / "q.coder")
    yield "qdpx: code tree 3,000 levels deep", lambda: (
        "import-qdpx", _qdpx(d / "deep.qdpx", _nested_codes(3000)), d / "r.coder")
    yield "qdc codebook: code tree 3,000 levels deep", lambda: (
        "codebook", "import", project("s"), _write(d / "deep.qdc", (
            '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
            + _nested_codes(3000) + "</Codes></CodeBook>\n").encode()))
    yield "project: table dropped", lambda: (
        "export", _tampered(project("m"), "DROP TABLE codings"), "counts", "--out", d / "out.csv")
    yield "project: schema_version not a number", lambda: (
        "check", _tampered(project("n"), "UPDATE meta SET value = 'x' WHERE key = 'schema_version'"))
    yield "project: not SQLite", lambda: ("check", _write(d / "junk.coder", b"hello" * 1000))
    yield "export: folder does not exist", lambda: (
        "export", project("o"), "counts", "--out", d / "nowhere" / "c.csv")


QDE = ('<?xml version="1.0" encoding="utf-8"?>\n<Project name="p" xmlns="urn:QDA-XML:project:1.0">'
       "<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>"
       '<TextSource guid="bbbbbbbb-0000-0000-0000-000000000001" name="big" plainTextPath="internal://big.txt"/>'
       "</Sources></Project>\n")


def _nested_codes(depth: int) -> str:
    return "".join(f'<Code guid="aaaaaaaa-0000-0000-0000-{n:012d}" name="c{n}" isCodable="true">'
                   for n in range(depth)) + "</Code>" * depth


def _qdpx(path: Path, codes: str, text_mb: int = 0) -> Path:
    """A .qdpx with the given code tree and one source of `text_mb` MB of one letter (streamed in)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", QDE.format(codes=codes))
        with archive.open("sources/big.txt", "w", force_zip64=True) as member:
            block = b"a" * (1024 * 1024)
            for _ in range(text_mb):
                member.write(block)
            if not text_mb:
                member.write(b"some words")
    return path


def _qdpx_bomb(path: Path, text_mb: int) -> Path:
    return _qdpx(path, '<Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="T" isCodable="true"/>', text_mb)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _tampered(path: Path, statement: str) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(statement)
    conn.commit()
    conn.close()
    return path


def _big_codebook(path: Path, codes: int, themes: int) -> Path:
    data = {"themes": [{"id": f"t{t}", "label": f"Theme {t}", "codes": [
        {"id": f"c{t}_{i}", "label": f"Code {i}"} for i in range(codes // themes)]} for t in range(themes)]}
    path.write_text(json.dumps(data))   # JSON is YAML
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="where to make the files (default: a temporary folder)")
    args = parser.parse_args()
    d = args.dir or Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    d.mkdir(parents=True, exist_ok=True)
    print("| case | exit | peak MB | s | first line |\n| --- | --- | --- | --- | --- |")
    try:
        for name, make in cases(d):
            code, line, peak, seconds = run(*make())
            line = line.replace(str(d), "DIR").replace("|", "\\|")
            print(f"| {name} | {code} | {peak:,.0f} | {seconds:.1f} | {line[:160]} |", flush=True)
    finally:
        if args.dir is None:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
