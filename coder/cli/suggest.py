"""`coder suggest PROJECT`: train on the human coding and store suggestions for responses."""

from __future__ import annotations

import argparse

from coder.cli.common import add_project_argument
from coder.cli.progress import Progress
from coder.store import open_project
from coder.store.responses import get_response
from coder.store.suggestions import count_to_score
from coder.suggest import ENGINES


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "suggest", help="suggest codes for responses (trained on your coding)",
        description="Train on the human coding (one coder's, or everyone's) and suggest codes for "
                    "the responses in scope. Each code uses a model once it has enough coded "
                    "examples and its codebook keywords until then. Suggestions (score, threshold, "
                    "engine, evidence) replace the previous run's; human coding is never changed.")
    add_project_argument(parser)
    parser.add_argument("--engine", choices=ENGINES, default="auto",
                        help="auto: a model per code where it beats the keywords (default); "
                             "keywords: codebook keywords only; model: a model wherever there are "
                             "enough examples")
    parser.add_argument("--coder", metavar="NAME", default=None,
                        help="train on this coder's decisions only (default: all coders')")
    parser.add_argument("--scope", choices=("uncoded", "all"), default="uncoded",
                        help="which responses to score: not yet coded (default) or all")
    parser.add_argument("--at-least-one", action="store_true",
                        help="give every response its best code even if no code clears its threshold")
    parser.add_argument("--queue", type=int, metavar="N", default=0,
                        help="then print the N uncoded responses most worth coding next")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from coder.suggest.project import coding_queue, run_suggestions  # deferred: keeps `coder --help` fast

    conn = open_project(args.project)
    try:
        total = count_to_score(conn, args.scope, args.coder)
        with Progress("Suggesting", total) as progress:
            summary = run_suggestions(conn, engine=args.engine, coder=args.coder, scope=args.scope,
                                      at_least_one=args.at_least_one, advance=progress.advance)
        print(f"Run {summary.run_id}: scored {summary.scored:,} responses; "
              f"{summary.with_suggestions:,} have suggestions ({summary.suggestions:,} in all)")
        print(f"Codes on the model ({len(summary.model_codes)}): {', '.join(summary.model_codes) or 'none'}")
        print(f"Codes on keywords ({len(summary.keyword_codes)}): "
              f"{', '.join(summary.keyword_codes) or 'none'}")
        if args.queue > 0:
            print(f"\nMost worth coding next:")
            for rid in coding_queue(conn, args.queue, coder=args.coder):
                text = " ".join(get_response(conn, rid).text.split())
                print(f"  {rid}  {text[:70] + ('...' if len(text) > 70 else '')}")
    finally:
        conn.close()
    return 0
