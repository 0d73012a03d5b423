#!/usr/bin/env python3
"""Benchmark `coder import` on a large generated corpus: wall time, CPU time, peak memory.

    python tests/bench/bench_import.py                 # 1,000,000 responses
    python tests/bench/bench_import.py --n 100000

The corpus is made by tests/bench/make_corpus.py (kept in /tmp and
reused). The real CLI runs in a child process on a fresh project; its peak
memory is the child's max RSS. CLI start-up alone (`coder --help`) is measured
too, since it is part of what a user waits for. Prints a Markdown block for
tests/bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAKE_CORPUS = HERE / "make_corpus.py"


def run_child(args: list[str]) -> dict:
    """Run a command in a child process; its wall time, CPU time and max RSS (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{done.stderr}")
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "rss_mb": after.ru_maxrss / 1024, "stdout": done.stdout}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="responses in the corpus")
    parser.add_argument("--corpus", type=Path, help="CSV to import (default: made in /tmp)")
    args = parser.parse_args()
    corpus = args.corpus or Path(tempfile.gettempdir()) / f"coder_big_{args.n}.csv"
    if not corpus.exists():
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--n", str(args.n), "--out", str(corpus)],
                       check=True)
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "bench.coder"
        coder = [sys.executable, "-m", "coder"]
        startup = run_child(coder + ["--help"])
        run_child(coder + ["init", str(project)])
        load = os.getloadavg()[0]
        result = run_child(coder + ["import", str(project), str(corpus)])
        size_mb = project.stat().st_size / 2**20
    rows = next(line for line in result["stdout"].splitlines() if line.startswith("imported"))
    count = int(rows.split()[1].replace(",", ""))
    print(f"""
## coder import ({datetime.now(timezone.utc):%Y-%m-%d}, {os.cpu_count()} cores, Python {platform.python_version()})

Corpus: {corpus.name}, {corpus.stat().st_size / 2**20:,.0f} MB CSV ({rows}); load average {load:.1f} when started.

| figure | value |
| --- | --- |
| wall time, whole command | {result['wall']:.1f} s |
| CPU time (user + sys) | {result['cpu']:.1f} s |
| peak memory (max RSS) | {result['rss_mb']:,.0f} MB |
| of which CLI start-up (`coder --help`) | {startup['wall']:.1f} s wall, {startup['rss_mb']:,.0f} MB |
| rate | {count / result['wall']:,.0f} responses/s |
| project file | {size_mb:,.0f} MB |
""")


if __name__ == "__main__":
    main()
