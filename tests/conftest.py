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


@pytest.fixture
def codebook_project(tmp_path: Path) -> Path:
    """A new project file (closed) with the shipped social work framework loaded."""
    from coder.codebook.files import read_codebook
    from coder.codebook.merge import merge_codebook

    codebook = read_codebook(Path(__file__).resolve().parents[1] / "codebooks" / "social_work_framework.yaml")
    path = tmp_path / "framework.coder"
    create_project(path, setup=lambda c: merge_codebook(c, codebook, "tester")).close()
    return path
