"""The project file. Only this package speaks SQL.

One module per table group; the functions take an open connection. Writes join
the caller's transaction when there is one (see `transaction`), so a command can
make several changes atomically.
"""

from coder.store.connection import create_project, now, open_project, open_to_check, set_meta, transaction
from coder.store.layout import get_meta

__all__ = ["create_project", "open_project", "open_to_check", "transaction", "get_meta", "set_meta", "now"]
