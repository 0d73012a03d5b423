"""Benchmark the coding UI on a large project: time to open, latency per keypress.

    python tests/bench/bench_ui.py [--n 100000] [--presses 300] [--no-suggestions]

Builds (once) a project of N responses from tests/bench/make_corpus.py
with the shipped framework, via the real CLI (`coder init`, `coder import`,
then `coder suggest --engine keywords`, so that the suggestions panel and the
rules of the top suggestion change from one response to the next as they do
while a team codes; `--no-suggestions` measures the project before any run).
Then, in one run, sends keys to this app and to an almost empty Textual app
(a Static whose text a key changes, so it too draws a frame) and prints, for
next-response (`j`), toggle-code (`1` again and again, and the code keys 1-9
in turn) and next-uncoded (`n`), the median and 95th percentile of the latency
from the key event to the last frame it causes (an update can take two), and of
the CPU time spent in between; and the differences. Keys are sent the way
Textual's pilot sends them, one at a time with a pause between, but timed to
the frame: `Pilot.press` waits for idleness in 20 ms steps, which rounds any
app's cost up to a multiple of 20 ms. Open time is from creating the app to
the first response shown, against the empty app's first frame.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.widgets import Footer, Static

REPO = Path(__file__).resolve().parents[2]


def build_project(n: int, folder: Path, suggestions: bool = True) -> Path:
    """The N-response project (made once per folder through the real CLI), with the
    suggestions of a keyword run (`coder suggest --engine keywords`: no coding needed)
    unless `suggestions` is False, as a project is while its coders work."""
    project = folder / f"big{n}{'' if suggestions else '-bare'}.coder"
    if project.exists():
        return project
    if suggestions:
        bare = build_project(n, folder, suggestions=False)
        shutil.copyfile(bare, project)
        subprocess.run([sys.executable, "-m", "coder", "suggest", str(project), "--engine", "keywords"], check=True)
        return project
    corpus = folder / f"big{n}.csv"
    if not corpus.exists():
        subprocess.run([sys.executable, str(REPO / "tests" / "bench" / "make_corpus.py"), "--n", str(n),
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
    """The baseline: a Textual app whose keys change one Static (so each draws a frame)."""

    BINDINGS = [Binding("j", "change", "Next"), Binding("n", "change", "Uncoded"),
                *(Binding(str(digit), "change", "Code") for digit in range(1, 10))]

    def compose(self):
        yield Static("empty")
        yield Footer()

    def action_change(self) -> None:
        static = self.query_one(Static)
        static.update("full" if str(static.render()) == "empty" else "empty")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


STARTUP_SETTLE = 0.5   # seconds between the first response shown and the first key


async def time_keys(app: App, keys: list[str], ready, settle: float = 0.08) -> tuple[float, list, list]:
    """Seconds until `ready(app)` after start; per key, seconds from the key event to the
    last frame it causes (an update can take more than one), and the CPU seconds spent
    in between."""
    frames: list[tuple[float, float]] = []   # (wall, CPU) when each frame was made
    display = app._display

    def displayed(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.append((time.perf_counter(), time.process_time()))

    app._display = displayed
    started = time.perf_counter()
    async with app.run_test(size=(160, 48)) as pilot:
        while not ready(app):
            await pilot.pause(0.005)
        opened = time.perf_counter() - started
        # Work the first paint leaves for later (the codebook panel sizing itself to its
        # labels, deferred refreshes) is done before the first key, as a person's first key
        # comes well after the screen appears.
        await pilot.pause(STARTUP_SETTLE)
        latencies, cpu = [], []
        for key in keys:
            frames.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            app._driver.send_message(events.Key(key, key))
            await asyncio.sleep(settle)   # every frame the key causes, as a typist would wait
            for _ in range(50):   # a slow key (the first write on a busy machine) still counts
                if frames:
                    break
                await asyncio.sleep(0.02)
            if not frames:
                raise SystemExit(f"{type(app).__name__}: key {key!r} drew no frame")
            latencies.append(frames[-1][0] - t0)
            cpu.append(frames[-1][1] - c0)
    return opened, latencies, cpu


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
    ap.add_argument("--no-suggestions", action="store_true",
                    help="a project no suggestion run has been made on (the panels under the text stay empty)")
    a = ap.parse_args()

    from coder.store import open_project
    from coder.tui.app import CoderApp
    from coder.tui.session import Session

    a.dir.mkdir(parents=True, exist_ok=True)
    project = build_project(a.n, a.dir, suggestions=not a.no_suggestions)
    results = {}
    # The same code key again and again toggles one code (its rules stay on screen); keys
    # 1-9 in turn put a different code's rules under the text at every press.
    for name, keys in (("next response (j)", ["j"] * a.presses), ("toggle code (1)", ["1"] * a.presses),
                       ("code keys 1-9 in turn", [str(1 + i % 9) for i in range(a.presses)]),
                       ("next uncoded (n)", ["n"] * a.presses)):
        conn = open_project(project)
        app = CoderApp(Session(conn, "bench", project))
        opened, latency, cpu = asyncio.run(time_keys(app, keys, first_response_shown))
        conn.close()
        empty_opened, empty_latency, empty_cpu = asyncio.run(time_keys(EmptyApp(), keys, lambda app: True))
        results[name] = (opened, latency, cpu, empty_opened, empty_latency, empty_cpu)
    print(f"\nUI benchmark: {a.n:,} responses ({'no suggestions' if a.no_suggestions else 'with suggestions'}), "
          f"{a.presses} presses per key, "
          f"Python {sys.version.split()[0]}")
    opened, *_, empty_opened, _, _ = results["next response (j)"]
    print(f"open to first response: {opened * 1000:,.0f} ms "
          f"(empty app {empty_opened * 1000:,.0f} ms, difference {(opened - empty_opened) * 1000:,.0f} ms)")
    print("per key, from the key event to the last frame it causes (ms): median / p95")
    print(f"{'key':<20} {'app':>13} {'empty app':>13} {'difference':>13}   "
          f"{'app CPU':>13} {'empty CPU':>13} {'CPU added':>13}")
    for name, (_, latency, cpu, _, empty_latency, empty_cpu) in results.items():
        figures = [(statistics.median(v) * 1000, percentile(v, 0.95) * 1000)
                   for v in (latency, empty_latency, cpu, empty_cpu)]
        (a50, a95), (e50, e95), (c50, c95), (ec50, ec95) = figures
        print(f"{name:<20} {a50:6.1f} / {a95:5.1f} {e50:6.1f} / {e95:5.1f} {a50 - e50:6.1f} / {a95 - e95:5.1f}   "
              f"{c50:6.1f} / {c95:5.1f} {ec50:6.1f} / {ec95:5.1f} {c50 - ec50:6.1f} / {c95 - ec95:5.1f}")


if __name__ == "__main__":
    main()
