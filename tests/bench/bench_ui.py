"""Benchmark the coding UI on a large project: time to open, cost per keypress.

    python tests/bench/bench_ui.py [--n 100000] [--presses 300] [--keep]

Builds (once) a project of N responses from /work/shared/bench/make_big_corpus.py
with the shipped framework, via the real CLI (`coder init`, `coder import`).
Then, in one run, drives both this app and an empty Textual app through
Textual's pilot and prints, for next-response (`j`) and toggle-code (`1`), the
median and 95th percentile per keypress of each and of the difference (the
pilot's own cost, 65-90 ms per key, is in both). Open time is from creating the
app to the first response shown, also against an empty app.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.widgets import Footer, Static

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def build_project(n: int, folder: Path) -> Path:
    """The N-response project (made once per folder through the real CLI)."""
    project = folder / f"big{n}.coder"
    if project.exists():
        return project
    corpus = folder / f"big{n}.csv"
    if not corpus.exists():
        subprocess.run([sys.executable, str(SHARED / "bench" / "make_big_corpus.py"), "--n", str(n),
                        "--out", str(corpus)], check=True)
    coder = [sys.executable, "-m", "coder"]
    subprocess.run([*coder, "init", str(project), "--codebook",
                    str(REPO / "codebooks" / "social_work_framework.yaml")], check=True)
    started = time.perf_counter()
    subprocess.run([*coder, "import", str(project), str(corpus), "--id-col", "respondent_id",
                    "--text-col", "comment"], check=True)
    print(f"imported {n:,} responses in {time.perf_counter() - started:.1f} s")
    return project


class EmptyApp(App):
    """The baseline: a Textual app doing nothing on the same keys."""

    BINDINGS = [Binding("j", "noop", "Next"), Binding("1", "noop", "Code")]

    def compose(self):
        yield Static("empty")
        yield Footer()

    def action_noop(self) -> None:
        pass


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def time_keys(app: App, keys: list[str], ready) -> tuple[float, list[float]]:
    """Seconds until `ready(app)` after start, and seconds per key press."""
    started = time.perf_counter()
    async with app.run_test(size=(160, 48)) as pilot:
        while not ready(app):
            await pilot.pause(0.005)
        opened = time.perf_counter() - started
        costs = []
        for key in keys:
            t0 = time.perf_counter()
            await pilot.press(key)
            costs.append(time.perf_counter() - t0)
    return opened, costs


def first_response_shown(app) -> bool:
    from coder.tui.widgets.response_view import ResponseView

    try:
        return app.screen.query_one(ResponseView).response_id is not None
    except Exception:
        return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--presses", type=int, default=300)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    a = ap.parse_args()

    from coder.store import open_project
    from coder.tui.app import CoderApp
    from coder.tui.session import Session

    project = build_project(a.n, a.dir)
    results = {}
    for name, keys in (("next response (j)", ["j"] * a.presses), ("toggle code (1)", ["1"] * a.presses)):
        conn = open_project(project)
        app = CoderApp(Session(conn, "bench", project))
        opened, costs = asyncio.run(time_keys(app, keys, first_response_shown))
        conn.close()
        empty_opened, empty_costs = asyncio.run(time_keys(EmptyApp(), keys, lambda app: True))
        results[name] = (opened, costs, empty_opened, empty_costs)
    print(f"\nUI benchmark: {a.n:,} responses, {a.presses} presses per key, "
          f"Python {sys.version.split()[0]}")
    opened, _, empty_opened, _ = results["next response (j)"]
    print(f"open to first response: {opened * 1000:,.0f} ms "
          f"(empty app {empty_opened * 1000:,.0f} ms, difference {(opened - empty_opened) * 1000:,.0f} ms)")
    print(f"{'key':<20} {'app p50':>8} {'app p95':>8} {'empty p50':>10} {'empty p95':>10} "
          f"{'diff p50':>9} {'diff p95':>9}  (ms)")
    for name, (_, costs, _, empty) in results.items():
        app50, app95 = statistics.median(costs) * 1000, percentile(costs, 0.95) * 1000
        e50, e95 = statistics.median(empty) * 1000, percentile(empty, 0.95) * 1000
        print(f"{name:<20} {app50:8.1f} {app95:8.1f} {e50:10.1f} {e95:10.1f} "
              f"{app50 - e50:9.1f} {app95 - e95:9.1f}")


if __name__ == "__main__":
    main()
