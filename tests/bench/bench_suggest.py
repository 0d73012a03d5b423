"""Benchmark: `coder suggest` over big corpora, against a bare spaCy tokenizer pass.

For each size: a project made from the demo (its reference coding trains the
model) plus the big corpus from tests/bench/make_corpus.py, then
`coder suggest COPY --coder reference --scope uncoded` in a child process on a
fresh copy. Reports wall time, responses per second, peak memory of the whole
process tree (parent and workers, sampled), the scoring phase's time as the
command reports it, and, in the same run, a bare `spacy.blank("en").pipe` pass
over the same texts (one process, texts already in memory) as the reference.

    python tests/bench/bench_suggest.py --sizes 100000 1000000 --repeat 3 --workdir /tmp/bench
    python tests/bench/bench_suggest.py --sizes 1000000 --new-words 0.2 --repeat 1   # growing vocabulary

Built projects are kept in --workdir and reused (importing 10^6 responses takes a while).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import resource
import shutil
import statistics
import string
import subprocess
import sys
import time
from pathlib import Path

import psutil

MAKE_CORPUS = Path(__file__).resolve().with_name("make_corpus.py")
TOKENIZER_PASS = """
import csv, sys, time
import spacy
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    texts = [row["comment"] for row in csv.DictReader(f)]
nlp = spacy.blank("en")
started, cpu = time.perf_counter(), time.process_time()
for _ in nlp.pipe(texts, batch_size=1000):
    pass
print(time.perf_counter() - started, time.process_time() - cpu)
"""


def coder(*args) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "coder", *map(str, args)], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"coder {' '.join(map(str, args))} failed:\n{done.stderr}")
    return done


def base_project(workdir: Path, n: int, new_words: float = 0.0) -> tuple[Path, Path]:
    """The corpus CSV and the demo-plus-corpus project for size n (built once, kept).

    With `new_words`, that share of the corpus's words get three random letters
    appended: a corpus whose vocabulary never stops growing (typos, names,
    codes), unlike resampled sentences.
    """
    corpus = workdir / f"big{n}.csv"
    if not corpus.exists():
        subprocess.run([sys.executable, MAKE_CORPUS, "--n", str(n), "--out", corpus], check=True)
    if new_words:
        corpus = _with_new_words(corpus, workdir / f"big{n}_new{new_words:g}.csv", new_words)
    project = workdir / f"base{n}{f'_new{new_words:g}' if new_words else ''}.coder"
    if not project.exists():
        demo = workdir / "demo"
        if not (demo / "demo.coder").exists():
            coder("demo", "--no-ui", "--dir", demo)
        building = workdir / f"building{n}.coder"
        shutil.copy(demo / "demo.coder", building)
        coder("import", building, corpus, "--id-col", "respondent_id", "--text-col", "comment")
        building.rename(project)
    return corpus, project


def _with_new_words(corpus: Path, out: Path, share: float) -> Path:
    if not out.exists():
        rng = random.Random(11)
        with corpus.open(newline="", encoding="utf-8") as f, out.open("w", newline="", encoding="utf-8") as g:
            rows = csv.DictReader(f)
            writer = csv.DictWriter(g, rows.fieldnames)
            writer.writeheader()
            for row in rows:
                row["comment"] = " ".join(word + "".join(rng.choices(string.ascii_lowercase, k=3))
                                          if rng.random() < share else word for word in row["comment"].split(" "))
                writer.writerow(row)
    return out


def cpu_ticks() -> tuple[int, int]:
    """(steal, total) jiffies of all CPUs since boot, from /proc/stat (0, 0 where there is none)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def steal_share(before: tuple[int, int]) -> float:
    """The share of CPU time the hypervisor took from this machine since `before` (from cpu_ticks)."""
    steal, total = (now - then for now, then in zip(cpu_ticks(), before))
    return steal / total if total else 0.0


def measured(command: list[str]) -> tuple[float, float, int, int, str]:
    """Run a command; return its wall time, CPU time (whole tree), the peak summed PSS and RSS
    of its process tree (PSS counts pages the forked workers share once), and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak_pss = peak_rss = 0
    while process.poll() is None:
        try:
            tree = [p.memory_full_info() for p in [process] + process.children(recursive=True)]
            peak_pss = max(peak_pss, sum(m.pss for m in tree))
            peak_rss = max(peak_rss, sum(m.rss for m in tree))
        except psutil.Error:
            pass
        try:
            process.wait(timeout=1.0)   # sample memory once a second, but see the exit at once
        except psutil.TimeoutExpired:
            pass
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = process.stdout.read()
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed with {process.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak_pss, peak_rss, out


def one_run(project: Path, workdir: Path, workers: int | None) -> dict:
    copy = workdir / "run.coder"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copy(project, copy)
    command = [sys.executable, "-m", "coder", "suggest", str(copy), "--coder", "reference", "--scope", "uncoded"]
    if workers:
        command += ["--workers", str(workers)]
    ticks = cpu_ticks()
    wall, cpu, pss, rss, out = measured(command)
    scored, scoring = re.search(r"Scored ([\d,]+) responses in ([\d,.]+) s", out).groups()
    return {"wall": wall, "cpu": cpu, "peak_mb": pss / 2**20, "rss_mb": rss / 2**20, "steal": steal_share(ticks),
            "scored": int(scored.replace(",", "")), "scoring": float(scoring.replace(",", ""))}


def tokenizer_pass(corpus: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the bare tokenizer over the corpus's texts (reading excluded)."""
    done = subprocess.run([sys.executable, "-c", TOKENIZER_PASS, str(corpus)], capture_output=True, text=True,
                          check=True)
    wall, cpu = done.stdout.split()
    return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="passed to coder suggest (default: its own)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench_suggest"))
    parser.add_argument("--new-words", type=float, default=0.0, metavar="SHARE",
                        help="make this share of the words unseen ones (a vocabulary that keeps growing)")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}, load at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    rows = []
    for n in args.sizes:
        corpus, project = base_project(args.workdir, n, args.new_words)
        runs, tokens = [], []
        for i in range(args.repeat):
            runs.append(one_run(project, args.workdir, args.workers))
            tokens.append(tokenizer_pass(corpus))
            r = runs[-1]
            print(f"n={n:,} run {i + 1}: wall {r['wall']:.1f} s (scoring {r['scoring']:.1f} s), CPU {r['cpu']:.1f} s, "
                  f"{r['scored'] / r['wall']:,.0f}/s, peak PSS {r['peak_mb']:,.0f} MB (RSS sum {r['rss_mb']:,.0f}), "
                  f"CPU steal {r['steal']:.0%}; "
                  f"tokenizer {tokens[-1][0]:.1f} s wall, {tokens[-1][1]:.1f} s CPU; "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
        median = {key: statistics.median(r[key] for r in runs) for key in ("wall", "scoring", "cpu")}
        token_wall, token_cpu = (statistics.median(t[k] for t in tokens) for k in (0, 1))
        rows.append((n, runs[0]["scored"], median, runs[0]["scored"] / median["wall"],
                     max(r["peak_mb"] for r in runs), token_wall, token_cpu))
    print("\n| corpus | scored | wall | scoring phase | responses/s | CPU (tree) | peak memory (PSS, tree) "
          "| bare tokenizer wall / CPU | wall / tokenizer wall | CPU / tokenizer CPU |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, scored, m, rate, peak, token_wall, token_cpu in rows:
        print(f"| {n:,} | {scored:,} | {m['wall']:.1f} s | {m['scoring']:.1f} s | {rate:,.0f} | {m['cpu']:.1f} s "
              f"| {peak:,.0f} MB | {token_wall:.1f} s / {token_cpu:.1f} s | {m['wall'] / token_wall:.2f}x "
              f"| {m['cpu'] / token_cpu:.2f}x |")
    if len(rows) > 1:
        (n0, _, m0, *_), (n1, _, m1, *_) = rows[0], rows[-1]
        print(f"\ngrowth {n0:,} -> {n1:,} ({n1 / n0:.0f}x responses): wall x{m1['wall'] / m0['wall']:.1f}, "
              f"scoring phase x{m1['scoring'] / m0['scoring']:.1f}, CPU x{m1['cpu'] / m0['cpu']:.1f}")
    print(f"load at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
