"""Benchmark: exports on a large project (speed and peak memory).

Builds a project from tests/bench/make_corpus.py (N responses with
setting/role/region/year), the social work codebook, and random whole-response
codings (0-3 codes per response by "a", and a second coder "b" on 10%), then
times each export kind, and `coder import-qdpx` of the exported .qdpx with the
real CLI in a child process (its wall time, CPU time and max RSS). Prints one
line per step.

    python tests/bench/bench_export.py --n 100000 [--dir /tmp/bench_export]
    python tests/bench/bench_export.py --n 100000 --qdpx-only [--reuse]

--qdpx-only skips the table exports; --reuse takes big.qdpx from --dir when it
is there (made by an earlier run with the same --n), so the import can be
measured again without building the project.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import psutil

from coder.codebook.files import read_codebook
from coder.codebook.merge import merge_codebook
from coder.export import build_tables, load_project_data, write_tables
from coder.refi.writer import write_qdpx
from coder.store import create_project, open_project
from coder.store.codings import import_codings
from coder.store.responses import insert_responses

HERE = Path(__file__).resolve().parent
CODEBOOK = HERE.parents[1] / "codebooks" / "social_work_framework.yaml"
TABLE_EXPORTS = [("counts", None, "counts.csv"), ("counts", "region", "counts_by.xlsx"),
                 ("crosstab", "setting", "crosstab.csv"), ("cooccurrence", None, "co.csv"),
                 ("binary", None, "binary.csv"), ("codings", None, "codings.csv"),
                 ("matrix", None, "matrix.csv"), ("matrix", None, "matrix.xlsx")]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"{label:<36} {now - started:8.2f} s   peak RSS {peak_mib():8.0f} MiB", flush=True)
    return now


def import_qdpx_child(qdpx: Path, project: Path) -> str:
    """Run `coder import-qdpx` in a child process; one line with its wall, CPU and peak RSS.

    The peak is sampled (every 20 ms) once the child runs coder: getrusage's
    maxrss of a child counts the pages it shared with this process between
    fork and exec, which here are larger than the import itself.
    """
    project.unlink(missing_ok=True)
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = psutil.Popen([sys.executable, "-m", "coder", "import-qdpx", str(qdpx), str(project)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while child.poll() is None:
        try:
            if "import-qdpx" in child.cmdline():   # exec'd: the RSS is the import's own
                peak = max(peak, child.memory_info().rss)
        except psutil.Error:   # it has just exited
            break
        time.sleep(0.02)
    out, err = child.communicate()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        sys.exit(f"import-qdpx failed: {err}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (f"{'import-qdpx (child process)':<36} {wall:8.2f} s   CPU {cpu:.2f} s   "
            f"peak RSS {peak / 2**20:,.0f} MiB   load {load:.1f}\n  {out.strip()}")


def build(folder: Path, n: int) -> Path:
    corpus = folder / "big.csv"
    subprocess.run([sys.executable, str(HERE / "make_corpus.py"), "--n", str(n),
                    "--out", str(corpus)], check=True, capture_output=True)
    codebook = read_codebook(CODEBOOK)
    codes = [c.id for c in codebook.codes]
    rng = random.Random(1)
    with corpus.open(newline="", encoding="utf-8") as handle:
        rows = [(r["respondent_id"], r["comment"], {k: r[k] for k in ("setting", "role", "region", "year")})
                for r in csv.DictReader(handle)]
    pairs_a = [(rid, code) for rid, _, _ in rows for code in rng.sample(codes, rng.randint(0, 3))]
    pairs_b = [(rid, code) for rid, _, _ in rows[: n // 10] for code in rng.sample(codes, 1)]

    def setup(conn):
        merge_codebook(conn, codebook, "bench")
        insert_responses(conn, rows)
        import_codings(conn, pairs_a, "a")
        import_codings(conn, pairs_b, "b")

    path = folder / "big.coder"
    path.unlink(missing_ok=True)
    create_project(path, setup=setup).close()
    print(f"project: {n} responses, {len(pairs_a) + len(pairs_b)} codings, {len(codes)} codes")
    return path


def export(args: argparse.Namespace) -> None:
    """Build the project and time each export (only qdpx with --qdpx-only)."""
    t = time.perf_counter()
    path = build(args.dir, args.n)
    t = step("build project", t)
    conn = open_project(path, readonly=True)
    if not args.qdpx_only:
        data = load_project_data(conn)
        t = step("load_project_data", t)
        for kind, by, name in TABLE_EXPORTS:
            write_tables(build_tables(kind, data, by=by), args.dir / name)
            t = step(f"{kind}{' --by ' + by if by else ''} -> {name}", t)
    write_qdpx(conn, args.dir / "big.qdpx")
    step("qdpx", t)
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench_export"))
    parser.add_argument("--qdpx-only", action="store_true", help="skip the table exports")
    parser.add_argument("--reuse", action="store_true",
                        help="import DIR/big.qdpx of an earlier run instead of building it")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    qdpx = args.dir / "big.qdpx"
    if not (args.reuse and qdpx.exists()):
        export(args)
    print(import_qdpx_child(qdpx, args.dir / "back.coder"), flush=True)


if __name__ == "__main__":
    main()
