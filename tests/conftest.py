"""Fixtures shared across the suite: fresh projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.store import create_project, open_project


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    """A new, empty project file (closed) and its path."""
    path = tmp_path / "study.coder"
    create_project(path).close()
    return path


@pytest.fixture
def conn(project_path: Path):
    """An open connection to a new, empty project."""
    connection = open_project(project_path)
    yield connection
    connection.close()
