"""What every screen of the UI shares: the open project and who is coding."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Session:
    """The open project connection, its path and the coder tagging every decision."""

    conn: sqlite3.Connection
    coder: str
    path: Path


class UsesSession:
    """For screens that hold `self.session`: its connection and coder as attributes."""

    session: Session

    @property
    def conn(self) -> sqlite3.Connection:
        return self.session.conn

    @property
    def coder(self) -> str:
        return self.session.coder
