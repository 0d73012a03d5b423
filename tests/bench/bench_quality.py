"""Suggestion quality and training time: coder against a plain scikit-learn pipeline, side by side.

Run: python tests/bench/bench_quality.py [--seeds 0 1 2] [--datasets 3 7] [--skip-demo] [--skip-anes]
                                         [--skip-pooled] [--speed]

The plain pipeline (what a data scientist would write first): TF-IDF word 1-2-grams
(sublinear tf) plus char_wb 2-5-grams (min_df 2), one logistic regression per code
(C=10), a code is suggested at probability >= 0.4, and every answer gets at least
its best code. Its time is fit + predict in this process.

- ANES (tests/bench/data/anes): per dataset and seed, the train rows are imported
  with their codes (wide layout, row numbers as ids), the test rows uncoded, and
  `coder suggest --at-least-one` runs through the real CLI (its wall time is the
  time given: start-up, reading the project, training, scoring, storing); the
  suggestions are exported as 0/1 (`coder export binary --source suggestions`) and
  scored by sample-based F1 against the test codes, as the benchmark's papers do.
  Seed 0 is the published split; other seeds re-split train + test 90/10 at random.
- Pooled (ANES 3 and 7 in one project, their codes kept apart: 6,489 answers, 42
  codes): the training-time comparison on a larger project, on the published splits.
- Demo: `coder evaluate --seed S` (5-fold, micro F1) on the reference coding, and
  the plain pipeline on the very same folds.
- Speed (--speed): the scoring path (tokens, features, scores; then with
  evidence) against a bare `spacy.blank("en").pipe` pass over the same texts.
"""

from __future__ import annotations

import argparse
import csv
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold
from sklearn.pipeline import make_union

REPO = Path(__file__).resolve().parents[2]
ANES = REPO / "tests" / "bench" / "data" / "anes"
CODEBOOK = REPO / "codebooks" / "social_work_framework.yaml"
DEMO_CORPUS = REPO / "corpus" / "social_work_comments.csv"
DEMO_REFERENCE = REPO / "corpus" / "social_work_reference.csv"
PUBLISHED = {3: 0.71, 7: 0.96}


def cli(*args) -> str:
    done = subprocess.run([sys.executable, "-m", "coder", *map(str, args)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"coder {' '.join(map(str, args))} failed:\n{done.stderr}")
    return done.stdout


def plain_pipeline(train_texts: list[str], train_y: np.ndarray, test_texts: list[str]) -> tuple[np.ndarray, float]:
    """The plain pipeline's 0/1 predictions for the test texts, and its fit + predict seconds."""
    started = time.perf_counter()
    vectorizer = make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True))
    x_train = vectorizer.fit_transform(train_texts)
    x_test = vectorizer.transform(test_texts)
    probability = np.zeros((len(test_texts), train_y.shape[1]))
    for j in range(train_y.shape[1]):
        y = train_y[:, j]
        if y.all() or not y.any():   # one class only: logistic regression cannot fit it
            probability[:, j] = float(y.mean())
            continue
        probability[:, j] = LogisticRegression(C=10, max_iter=1000).fit(x_train, y).predict_proba(x_test)[:, 1]
    predicted = probability >= 0.4
    empty = ~predicted.any(axis=1)
    predicted[np.flatnonzero(empty), probability[empty].argmax(axis=1)] = True
    return predicted, time.perf_counter() - started


def anes_split(dataset: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(X train, y train, X test, y test): the published split for seed 0, else a random 90/10 one."""
    frames = [pd.read_csv(ANES / f"dataset{dataset}_{part}.csv", keep_default_na=False)
              for part in ("Xtrain", "ytrain", "Xtest", "ytest")]
    if seed == 0:
        return tuple(frames)
    x, y = pd.concat([frames[0], frames[2]], ignore_index=True), pd.concat([frames[1], frames[3]], ignore_index=True)
    order = np.random.default_rng(seed).permutation(len(x))
    cut = len(x) - len(frames[2])
    train, test = order[:cut], order[cut:]
    return (x.iloc[train].reset_index(drop=True), y.iloc[train].reset_index(drop=True),
            x.iloc[test].reset_index(drop=True), y.iloc[test].reset_index(drop=True))


def coder_on_split(folder: Path, name: str, parts: list[tuple[pd.DataFrame, ...]]) -> tuple[np.ndarray, float]:
    """coder's 0/1 suggestions for the test rows of one or more splits in one project, and suggest's wall time.

    Each split's codes get a prefix (d0_, d1_ ...) so pooled datasets keep them apart; rows are
    the splits' test rows in order, columns their codes in order.
    """
    project = folder / f"{name}.coder"
    cli("init", project)
    for k, (x_train, y_train, x_test, _) in enumerate(parts):
        for rows, kind in ((x_train, "train"), (x_test, "test")):
            path = folder / f"{name}_{k}_{kind}.csv"
            rows.assign(verbatim=rows["verbatim"].astype(str)).to_csv(path, index=False)
            cli("import", project, path, "--id-col", "@row", "--id-prefix", f"{k}-{kind}-", "--text-col", "verbatim")
        codes = folder / f"{name}_{k}_codes.csv"
        y_train.rename(columns=lambda c: f"d{k}_{c}").to_csv(codes, index=False)
        cli("import-codes", project, codes, "--format", "wide", "--id-col", "@row", "--id-prefix", f"{k}-train-",
            "--add-codes", "--coder", "anes")
    started = time.perf_counter()
    cli("suggest", project, "--at-least-one")
    seconds = time.perf_counter() - started
    binary = folder / f"{name}_suggested.csv"
    cli("export", project, "binary", "--source", "suggestions", "--out", binary)
    table = pd.read_csv(binary, dtype=str, keep_default_na=False).set_index("response_id")
    ids = [f"{k}-test-{i + 1}" for k, part in enumerate(parts) for i in range(len(part[2]))]
    columns = [f"d{k}_{c}" for k, part in enumerate(parts) for c in part[1].columns]
    return table.loc[ids, columns].astype(float).to_numpy() > 0, seconds


def samples_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    return float(f1_score(truth, predicted, average="samples", zero_division=1.0))


def anes(folder: Path, datasets: list[int], seeds: list[int]) -> None:
    print("\n## ANES: sample F1 on the test answers (coder suggest --at-least-one vs the plain pipeline)\n")
    print("| dataset | seed | test | plain F1 | coder F1 | published best | plain fit+predict | coder suggest | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for dataset in datasets:
        scores = []
        for seed in seeds:
            split = anes_split(dataset, seed)
            x_train, y_train, x_test, y_test = split
            plain, plain_seconds = plain_pipeline(x_train["verbatim"].astype(str).tolist(), y_train.to_numpy() > 0,
                                                  x_test["verbatim"].astype(str).tolist())
            ours, coder_seconds = coder_on_split(folder, f"anes{dataset}_{seed}", [split])
            truth = y_test.to_numpy() > 0
            scores.append((samples_f1(truth, plain), samples_f1(truth, ours)))
            print(f"| {dataset} | {seed} | {len(truth)} | {scores[-1][0]:.4f} | {scores[-1][1]:.4f} | "
                  f"{PUBLISHED[dataset]:.2f} | {plain_seconds:.1f} s | {coder_seconds:.1f} s | "
                  f"{coder_seconds / plain_seconds:.2f}x |", flush=True)
        mean = np.mean(scores, axis=0)
        print(f"| {dataset} | mean | | {mean[0]:.4f} | {mean[1]:.4f} | | | | |", flush=True)


def pooled(folder: Path) -> None:
    splits = [anes_split(3, 0), anes_split(7, 0)]
    train_texts = [t for s in splits for t in s[0]["verbatim"].astype(str)]
    test_texts = [t for s in splits for t in s[2]["verbatim"].astype(str)]
    widths = [s[1].shape[1] for s in splits]
    y_train = np.zeros((len(train_texts), sum(widths)), dtype=bool)
    y_test = np.zeros((len(test_texts), sum(widths)), dtype=bool)
    row_train = row_test = col = 0
    for (_, yt, _, ye), width in zip(splits, widths):
        y_train[row_train:row_train + len(yt), col:col + width] = yt.to_numpy() > 0
        y_test[row_test:row_test + len(ye), col:col + width] = ye.to_numpy() > 0
        row_train, row_test, col = row_train + len(yt), row_test + len(ye), col + width
    plain, plain_seconds = plain_pipeline(train_texts, y_train, test_texts)
    ours, coder_seconds = coder_on_split(folder, "pooled", splits)
    print(f"\n## Pooled ANES 3 + 7 ({len(train_texts) + len(test_texts):,} answers, {sum(widths)} codes)\n\n"
          f"plain: sample F1 {samples_f1(y_test, plain):.4f}, fit + predict {plain_seconds:.1f} s; "
          f"coder: sample F1 {samples_f1(y_test, ours):.4f}, suggest {coder_seconds:.1f} s; "
          f"ratio {coder_seconds / plain_seconds:.2f}x", flush=True)


def demo(folder: Path, seeds: list[int]) -> None:
    from coder.store import open_project
    from coder.suggest.evaluate import overall_metrics
    from coder.suggest.project import training_set

    project = folder / "demo.coder"
    cli("init", project, "--codebook", CODEBOOK)
    cli("import", project, DEMO_CORPUS)
    cli("import-codes", project, DEMO_REFERENCE, "--format", "long", "--coder", "gold")
    conn = open_project(project, readonly=True)
    data = training_set(conn)
    conn.close()
    texts = np.array(data.texts, dtype=object)
    print("\n## Demo: 5-fold micro F1 on the reference coding (187 comments, 23 codes)\n")
    print("| seed | plain micro F1 | coder micro F1 | coder sample F1 | coder ECE | plain time | coder evaluate |")
    print("|---|---|---|---|---|---|---|")
    results = []
    for seed in seeds:
        plain = np.zeros_like(data.labels)
        plain_seconds = 0.0
        for fit, held in KFold(n_splits=5, shuffle=True, random_state=seed).split(texts):
            plain[held], seconds = plain_pipeline(list(texts[fit]), data.labels[fit], list(texts[held]))
            plain_seconds += seconds
        started = time.perf_counter()
        out = cli("evaluate", project, "--seed", seed)
        coder_seconds = time.perf_counter() - started
        figures = dict(_figure(out, name) for name in ("micro F1", "sample F1", "expected calibration error:"))
        results.append((overall_metrics(data.labels, plain)["micro_f1"], figures["micro F1"]))
        print(f"| {seed} | {results[-1][0]:.3f} | {figures['micro F1']:.3f} | {figures['sample F1']:.3f} | "
              f"{figures['expected calibration error:']:.3f} | {plain_seconds:.1f} s | {coder_seconds:.1f} s |",
              flush=True)
    mean = np.mean(results, axis=0)
    print(f"| mean | {mean[0]:.3f} | {mean[1]:.3f} | | | | |")
    print(f"\nLast evaluation's output (seed {seeds[-1]}):\n\n{out}")


def _figure(out: str, name: str) -> tuple[str, float]:
    for line in out.splitlines():
        if name in line and not line.startswith("learning curve"):
            return name, float(line.split(name, 1)[1].split()[0])
    raise SystemExit(f"no {name!r} in coder evaluate's output:\n{out}")


def speed(n_texts: int = 50_000, chunk: int = 5_000) -> None:
    import spacy

    from coder.store import open_project
    from coder.suggest.model import train
    from coder.suggest.project import training_set
    from coder.suggest.scoring import suggest_texts

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
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--datasets", type=int, nargs="+", default=[3, 7])
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-anes", action="store_true")
    parser.add_argument("--skip-pooled", action="store_true")
    parser.add_argument("--speed", action="store_true", help="also time the scoring path")
    args = parser.parse_args()
    print(f"# bench_quality: {platform.processor() or platform.machine()}, {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}, load {__import__('os').getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.skip_demo:
            demo(folder, args.seeds)
        if not args.skip_anes:
            anes(folder, args.datasets, args.seeds)
        if not args.skip_pooled:
            pooled(folder)
    if args.speed:
        speed()


if __name__ == "__main__":
    main()
