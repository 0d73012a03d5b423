#!/usr/bin/env python3
"""Write a large survey corpus for the scale benchmarks, from the text the repository ships.

    python tests/bench/make_corpus.py --n 1000000 --out /tmp/big.csv [--seed 7]

The source is real survey text: the demo comments (corpus/social_work_comments.csv) and
the ANES open-ended answers (tests/bench/data/anes/), half of the parts from each. Each
response is built from 1-4 parts; a part is most often a real sentence, otherwise a new
sentence walked from a word-trigram chain over the same text, so phrases recur as in real answers while
word combinations keep varying. Attributes (setting, role, region, year) are drawn
per response. The same --seed always gives the same file. Standard library only.
Columns: respondent_id, setting, role, region, year, comment (.csv) or the same keys
per line (.jsonl).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEMO = [(REPO / "corpus" / "social_work_comments.csv", "text")]
ANES = [(path, "verbatim") for path in sorted((REPO / "tests" / "bench" / "data" / "anes").glob("dataset*_X*.csv"))]
SETTINGS = ["children", "adults", "mental health", "mixed"]
ROLES = ["social worker", "senior practitioner", "team manager", "newly qualified", "assistant"]
REGIONS = ["London", "South East", "South West", "Midlands", "North West", "North East", "Yorkshire",
           "East", "Wales", "Scotland", "Northern Ireland"]
YEARS = [2009, 2010, 2014, 2016, 2020]
FIELDS = ["respondent_id", "setting", "role", "region", "year", "comment"]
REAL_SHARE = 0.75   # parts that are real sentences; the rest are walked from the chain
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def real_sentences(sources: list[tuple[Path, str]]) -> list[str]:
    """Every sentence with at least two words in the given (file, text column) pairs."""
    out = []
    for path, column in sources:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                out += [s.strip() for s in _SENTENCE_END.split(row[column]) if len(s.split()) >= 2]
    return out


class TrigramChain:
    """Next-word choices after each pair of words, learned from sentences."""

    def __init__(self, sentences: list[str]):
        self.next: dict[tuple[str, str], list[str]] = defaultdict(list)
        for sentence in sentences:
            words = ["", "", *sentence.split(), ""]
            for a, b, c in zip(words, words[1:], words[2:]):
                self.next[(a, b)].append(c)

    def sentence(self, rng: random.Random, max_words: int = 40) -> str:
        """A new sentence: a walk from the start state until an end or max_words."""
        a, b, words = "", "", []
        while len(words) < max_words:
            word = rng.choice(self.next[(a, b)])
            if not word:
                break
            words.append(word)
            a, b = b, word
        return " ".join(words)


def responses(n: int, seed: int):
    """Yield n rows (FIELDS order), deterministic for the seed."""
    rng = random.Random(seed)
    pools = real_sentences(DEMO), real_sentences(ANES)
    chain = TrigramChain(pools[0] + pools[1])
    for i in range(n):
        parts = [rng.choice(pools[rng.random() < 0.5]) if rng.random() < REAL_SHARE else chain.sentence(rng)
                 for _ in range(rng.choices((1, 2, 3, 4), weights=(5, 3, 2, 1))[0])]
        yield [f"R{i:07d}", rng.choice(SETTINGS), rng.choice(ROLES), rng.choice(REGIONS), rng.choice(YEARS),
               " ".join(parts)]


def write_corpus(out: Path, n: int, seed: int = 7) -> None:
    """Write n responses to out (.csv, or .jsonl for any other suffix)."""
    with Path(out).open("w", encoding="utf-8", newline="") as handle:
        if Path(out).suffix == ".csv":
            writer = csv.writer(handle)
            writer.writerow(FIELDS)
            writer.writerows(responses(n, seed))
        else:
            for row in responses(n, seed):
                handle.write(json.dumps(dict(zip(FIELDS, row)), ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="number of responses")
    parser.add_argument("--out", type=Path, required=True, help="output .csv or .jsonl")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_corpus(args.out, args.n, args.seed)
    print(f"wrote {args.n:,} responses to {args.out}")


if __name__ == "__main__":
    main()
