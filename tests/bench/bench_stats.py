"""Benchmark the stats screen on a large project: counting time and time to first numbers.

    python tests/bench/bench_stats.py [--n 100000] [--coded 0.3] [--keep]

Builds the N-response project of bench_ui.py (shipped framework, real CLI),
codes a fraction of the responses for two coders through the library (1-3
codes each, seeded), then prints the time to read the project
(`load_project_data`) and to count it (`compute_stats`) for one coder, for all
coders and crossed by `setting`, and the time from pressing F3 in the real app
(under Textual's pilot) to the counts table being filled.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ui import build_project  # noqa: E402

from coder.export import load_project_data  # noqa: E402
from coder.store import open_project  # noqa: E402
from coder.store.codebook_read import load_codebook  # noqa: E402
from coder.store.codings import coders, import_codings  # noqa: E402
from coder.store.responses import response_ids  # noqa: E402
from coder.tui.app import CoderApp  # noqa: E402
from coder.tui.screens.stats_screen import StatsChoice, StatsScreen, compute_stats  # noqa: E402
from coder.tui.session import Session  # noqa: E402


def code_some(project: Path, fraction: float) -> None:
    """Give `fraction` of the responses 1-3 codes from alice and from bob (once per project)."""
    conn = open_project(project)
    try:
        if coders(conn):
            return
        codes = [c.id for c in load_codebook(conn).codes]
        ids = response_ids(conn)
        rng = random.Random(7)
        for coder in ("alice", "bob"):
            chosen = rng.sample(ids, int(len(ids) * fraction))
            import_codings(conn, [(rid, code) for rid in chosen
                                  for code in rng.sample(codes, rng.randint(1, 3))], coder)
    finally:
        conn.close()


def time_counting(project: Path) -> None:
    conn = open_project(project)
    try:
        load_project_data(conn, coder="alice")  # warm: imports and page cache
        for label, choice in [("coder alice", StatsChoice("alice")), ("all coders", StatsChoice()),
                              ("all coders by setting", StatsChoice(by="setting"))]:
            started = time.perf_counter()
            data = load_project_data(conn, coder=choice.coder)
            loaded = time.perf_counter()
            compute_stats(data, choice)
            print(f"{label}: read {loaded - started:.2f} s, count {time.perf_counter() - loaded:.2f} s")
    finally:
        conn.close()


async def time_screen(project: Path) -> float:
    conn = open_project(project)
    try:
        app = CoderApp(Session(conn, "alice", project))
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            started = time.perf_counter()
            await pilot.press("f3")
            screen = app.screen
            assert isinstance(screen, StatsScreen)
            await screen.workers.wait_for_complete()
            await pilot.pause()
            assert screen.stats is not None
            return time.perf_counter() - started
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--coded", type=float, default=0.3, help="fraction coded by each coder")
    parser.add_argument("--keep", action="store_true", help="build in /tmp/coder-bench and keep it")
    args = parser.parse_args()
    folder = Path("/tmp/coder-bench") if args.keep else Path(tempfile.mkdtemp(prefix="coder-bench-"))
    folder.mkdir(exist_ok=True)
    project = build_project(args.n, folder)
    code_some(project, args.coded)
    print(f"{args.n:,} responses, {args.coded:.0%} coded by each of two coders")
    time_counting(project)
    print(f"F3 to counts shown (app, pilot): {asyncio.run(time_screen(project)):.2f} s")


if __name__ == "__main__":
    main()
