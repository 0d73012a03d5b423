"""Suggestion quality: the social work demo and the ANES benchmark, through the real CLI.

Run: python tests/bench/bench_quality.py [--skip-demo] [--skip-anes] [--datasets 3 7]

- Demo: a project with the social work codebook and corpus, the reference
  coding (corpus/social_work_reference.csv) imported; `coder evaluate` with the keyword engine alone
  and with the default engine (5-fold, per code and overall).
- ANES (tests/bench/data/anes): train rows imported with their codes (wide layout, row
  numbers as ids), test rows imported uncoded, `coder suggest --at-least-one`,
  suggestions exported as 0/1 (`coder export binary --source suggestions`) and
  compared with ytest by sample-based F1. Times training plus suggestion.
- Speed (--speed): the scoring path (tokens, features, scores; then with
  evidence) against a bare `spacy.blank("en").pipe` pass over the same texts.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

REPO = Path(__file__).resolve().parents[2]
ANES = REPO / "tests" / "bench" / "data" / "anes"
CODEBOOK = REPO / "codebooks" / "social_work_framework.yaml"
DEMO_CORPUS = REPO / "corpus" / "social_work_comments.csv"
DEMO_REFERENCE = REPO / "corpus" / "social_work_reference.csv"


def cli(*args) -> str:
    done = subprocess.run([sys.executable, "-m", "coder", *map(str, args)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"coder {' '.join(map(str, args))} failed:\n{done.stderr}")
    return done.stdout


def demo(folder: Path) -> None:
    project = folder / "demo.coder"
    cli("init", project, "--codebook", CODEBOOK)
    cli("import", project, DEMO_CORPUS)
    cli("import-codes", project, DEMO_REFERENCE, "--format", "long", "--coder", "gold")
    for engine in ("keywords", "auto"):
        started = time.perf_counter()
        out = cli("evaluate", project, "--engine", engine)
        print(f"\n## Demo, engine {engine} ({time.perf_counter() - started:.0f} s)\n\n{out}")


def anes(folder: Path, dataset: int) -> float:
    project = folder / f"anes{dataset}.coder"
    prefix = ANES / f"dataset{dataset}_"
    cli("init", project)
    cli("import", project, f"{prefix}Xtrain.csv", "--id-col", "@row", "--id-prefix", "train-",
        "--text-col", "verbatim")
    cli("import-codes", project, f"{prefix}ytrain.csv", "--format", "wide", "--id-col", "@row",
        "--id-prefix", "train-", "--add-codes", "--coder", "anes")
    cli("import", project, f"{prefix}Xtest.csv", "--id-col", "@row", "--id-prefix", "test-",
        "--text-col", "verbatim")
    started = time.perf_counter()
    out = cli("suggest", project, "--at-least-one")
    seconds = time.perf_counter() - started
    binary = folder / f"anes{dataset}_suggested.csv"
    cli("export", project, "binary", "--source", "suggestions", "--out", binary)
    with open(f"{prefix}ytest.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    codes, truth = rows[0], np.array(rows[1:], dtype=int)
    predicted = np.zeros_like(truth)
    with open(binary, newline="") as handle:
        for row in csv.DictReader(handle):
            rid = next(v for k, v in row.items() if k.lower() in ("id", "response id", "response_id"))
            if rid.startswith("test-"):
                i = int(rid[len("test-"):]) - 1
                predicted[i] = [int(float(_cell(row, code) or 0)) for code in codes]
    score = f1_score(truth, predicted, average="samples", zero_division=1.0)
    print(f"\n## ANES dataset {dataset}: sample F1 {score:.3f}; train + suggest {seconds:.1f} s "
          f"({len(truth)} test responses)\n{out}")
    return score


def _cell(row: dict, code: str) -> str:
    for key, value in row.items():
        if key == code or key.split(" ")[0] == code or key.endswith(f" {code}"):
            return value
    raise SystemExit(f"no column for code {code} in the binary export: {list(row)}")


def speed(n_texts: int = 50_000, chunk: int = 5_000) -> None:
    import spacy

    from coder.suggest.project import training_set
    from coder.suggest.model import train
    from coder.suggest.scoring import suggest_texts
    from coder.store import open_project

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "demo.coder"
        cli("init", project, "--codebook", CODEBOOK)
        cli("import", project, DEMO_CORPUS)
        cli("import-codes", project, DEMO_REFERENCE, "--format", "long", "--coder", "gold")
        conn = open_project(project)
        data = training_set(conn)
        conn.close()
    suggester = train(data.texts, data.labels, data.codes)
    with open(DEMO_CORPUS, newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    with open(ANES / "dataset3_Xtrain.csv", newline="") as handle:
        texts += [row["verbatim"] for row in csv.DictReader(handle)]
    texts = (texts * (n_texts // len(texts) + 1))[:n_texts]
    bare_nlp = spacy.blank("en")
    for _ in range(2):  # the second round has every word in both vocabularies already
        started = time.perf_counter()
        for _ in bare_nlp.pipe(texts, batch_size=1000):
            pass
        bare = time.perf_counter() - started
        started = time.perf_counter()
        for i in range(0, n_texts, chunk):
            suggester.score_texts(texts[i:i + chunk])
        scored = time.perf_counter() - started
        started = time.perf_counter()
        for i in range(0, n_texts, chunk):
            suggest_texts(suggester, [str(k) for k in range(i, i + chunk)], texts[i:i + chunk])
        full = time.perf_counter() - started
    print(f"\n## Scoring speed ({n_texts:,} texts, chunks of {chunk:,}, one process)\n"
          f"bare spacy.blank('en').pipe: {bare:.2f} s; tokens + features + scores: {scored:.2f} s "
          f"({scored / bare:.2f}x); with suggestions and evidence: {full:.2f} s ({full / bare:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-anes", action="store_true")
    parser.add_argument("--datasets", type=int, nargs="+", default=[3, 7])
    parser.add_argument("--speed", action="store_true", help="also time the scoring path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.skip_demo:
            demo(folder)
        if not args.skip_anes:
            for dataset in args.datasets:
                anes(folder, dataset)
    if args.speed:
        speed()


if __name__ == "__main__":
    main()
