"""How a suggestion run that did not finish is told to the researcher, and continued.

`coder check`, a new `coder suggest` that replaces the run, and the coding
screen all say it in these words.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from coder.store.suggestions import UnfinishedRun


def resume_command(project: Path) -> str:
    """The command that continues the project's unfinished run, ready to paste."""
    return f"coder suggest {shlex.quote(str(project))} --resume"


def stopped_at(run: UnfinishedRun) -> str:
    """How far an unfinished run got."""
    if run.status == "interrupted":
        return f"suggestion run {run.run_id} was interrupted after scoring {run.done:,} of {run.total:,} responses"
    return (f"suggestion run {run.run_id} has not finished: it scored {run.done:,} of {run.total:,} responses "
            "and was killed (or is still going in another window)")
