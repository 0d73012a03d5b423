"""`coder sample PROJECT --n N [--by ATTR] --seed S [--name NAME]`: a sample to double-code."""

from __future__ import annotations

import argparse
from contextlib import closing

from coder.cli.common import add_project_argument, coder_name, default_coder, seed_value
from coder.sample import draw_sample, sample_population
from coder.store import open_project, open_to_check


def register(subparsers) -> None:
    """Add the `sample` command."""
    parser = subparsers.add_parser(
        "sample", help="draw a reproducible (stratified) sample of responses for double coding",
        description="Draw N responses at random and store them in the project under a name, "
                    "for two or more coders to code blind (`coder agreement --sample NAME` "
                    "then measures on it). With --by, the sample is stratified by an attribute: "
                    "each value gets its proportional share of N, rounded by largest remainder. "
                    "The same seed on the same responses gives the same sample.")
    add_project_argument(parser)
    parser.add_argument("--n", type=int, required=True, metavar="N", help="how many responses")
    parser.add_argument("--by", metavar="ATTR", help="stratify by this attribute (e.g. setting)")
    parser.add_argument("--seed", type=seed_value, required=True, metavar="S",
                        help="the random seed (write it in your methods)")
    parser.add_argument("--name", default="sample", metavar="NAME",
                        help="the sample's name (default: sample)")
    parser.add_argument("--replace", action="store_true",
                        help="draw again a sample whose name is in use (replacing it)")
    parser.add_argument("--coder", metavar="NAME", type=coder_name, default=default_coder(),
                        help="who draws the sample, as the project's history records it (default: your user name)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Draw and store the sample; print it per stratum."""
    with closing(open_to_check(args.project)) as conn:
        sample_population(conn, args.n, name=args.name, by=args.by)
    conn = open_project(args.project)
    try:
        report = draw_sample(conn, args.n, seed=args.seed, name=args.name, coder=args.coder,
                             by=args.by, replace=args.replace)
    finally:
        conn.close()
    print("\n".join(report.lines()))
    return 0
