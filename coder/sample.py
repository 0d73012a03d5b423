"""Reproducible samples of responses for double coding (`coder sample`).

A simple random sample draws `n` of the project's responses. A stratified one
(`by` an attribute such as setting) splits the responses by that attribute's
value (a response without it forms a stratum of its own) and allocates the `n`
in proportion to each stratum's size, `n * N_h / N`; the fractions are rounded
by largest remainder: each stratum first gets the whole part, and the
responses left over go one each to the strata with the largest fractional
parts (ties: the larger stratum, then the stratum's value in sort order). So
the sizes add up to exactly `n` and no stratum is off by more than one from
its proportional share.

The draw is Python's `random.Random(seed)` (Mersenne Twister), taking the
strata in sort order of their values and, within each, `sample()` over its
responses in import order. The same seed on the same responses gives the same
sample, on any machine.
"""

from __future__ import annotations

import math
import random
import sqlite3
from collections import Counter
from dataclasses import dataclass

from coder.errors import CoderError
from coder.store import transaction
from coder.store.connection import now
from coder.store.responses import attribute_names
from coder.store.samples import SampleInfo, population, save_sample

NO_VALUE = "(no value)"   # how a stratum of responses without the attribute is shown


@dataclass(frozen=True)
class SampleReport:
    """What `draw_sample` stored: the sample and, per stratum, (population, drawn)."""

    info: SampleInfo
    total: int
    strata: dict[str | None, tuple[int, int]]

    def lines(self) -> list[str]:
        """The lines `coder sample` prints."""
        info = self.info
        how = f"stratified by {info.by}" if info.by else "simple random"
        lines = [f"sample {info.name!r}: {info.size:,} of {self.total:,} responses "
                 f"({how}, seed {info.seed})"]
        if info.by:
            lines += [f"  {NO_VALUE if value is None else value}: {drawn:,} of {size:,}"
                      for value, (size, drawn) in self.strata.items()]
            empty = sum(1 for _, drawn in self.strata.values() if not drawn)
            if empty * 2 > len(self.strata):   # an attribute nearly as varied as the responses
                lines.append(f"note: {empty:,} of the {len(self.strata):,} values of {info.by} got no response "
                             f"drawn, so the sample does not stand for them; stratify by an attribute with "
                             "fewer values, or draw more")
        return lines


def allocate(sizes: dict[str | None, int], n: int) -> dict[str | None, int]:
    """Proportional allocation of `n` over strata of `sizes`, rounded by largest remainder.

    Returns stratum -> how many to draw, in the order of `sizes`; the counts add
    up to `n` (which must not exceed the total).
    """
    total = sum(sizes.values())
    shares = {key: n * size / total for key, size in sizes.items()}
    counts = {key: math.floor(share) for key, share in shares.items()}
    left = n - sum(counts.values())
    order = sorted(sizes, key=lambda key: (-(shares[key] - counts[key]), -sizes[key], _sort_key(key)))
    for key in order[:left]:
        counts[key] += 1
    return counts


def _sort_key(value: str | None) -> tuple[int, str]:
    return (1, "") if value is None else (0, value)


def draw(rows: list[tuple[str, str | None]], n: int, seed: int) -> list[tuple[str, str | None]]:
    """Draw `n` of (id, stratum) `rows` (in import order), stratified by the stratum value.

    Returns the drawn rows in import order. Rows all of one stratum (None when
    not stratified) make a simple random sample.
    """
    strata: dict[str | None, list[int]] = {}
    for i, (_, value) in enumerate(rows):
        strata.setdefault(value, []).append(i)
    strata = dict(sorted(strata.items(), key=lambda item: _sort_key(item[0])))
    counts = allocate({key: len(members) for key, members in strata.items()}, n)
    rng = random.Random(seed)
    chosen = sorted(i for key, members in strata.items() for i in rng.sample(members, counts[key]))
    return [rows[i] for i in chosen]


def sample_population(conn: sqlite3.Connection, n: int, *, name: str,
                      by: str | None = None) -> list[tuple[str, str | None]]:
    """The (response id, stratum) rows a sample of `n` named `name` is drawn from; a CoderError
    for an empty name, a project without responses, an unknown attribute or a bad `n`. Only reads."""
    if not name.strip():
        raise CoderError("a sample needs a name (--name)")
    rows = population(conn, by)
    if not rows:
        raise CoderError("the project has no responses yet: import some first (coder import)")
    if by is not None and all(value is None for _, value in rows):
        raise CoderError(f"no response has the attribute {by!r} (attributes: "
                         f"{', '.join(attribute_names(conn)) or 'none'})")
    if not 1 <= n <= len(rows):
        raise CoderError(f"--n {n}: a sample needs 1 to {len(rows):,} responses "
                         f"(the project holds {len(rows):,})")
    return rows


def draw_sample(conn: sqlite3.Connection, n: int, *, seed: int, name: str, coder: str,
                by: str | None = None, replace: bool = False) -> SampleReport:
    """Draw `n` responses (stratified `by` an attribute, if given) and store them as sample `name`.

    One transaction: CoderError (project unchanged) for a bad `n`, an unknown
    attribute, or a name in use without `replace`.
    """
    with transaction(conn):
        rows = sample_population(conn, n, name=name, by=by)
        drawn = draw(rows, n, seed)
        info = SampleInfo(name, n, by, seed, now(), coder)
        save_sample(conn, info, drawn, replace=replace)
    sizes, taken = Counter(value for _, value in rows), Counter(value for _, value in drawn)
    strata = {key: (sizes[key], taken[key]) for key in sorted(sizes, key=_sort_key)}
    return SampleReport(info, len(rows), strata)
