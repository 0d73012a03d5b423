"""The shipped demo corpus is exactly what corpus/make_demo_corpus.py makes from shared/."""

from __future__ import annotations

import importlib.util

from helpers import REPO, SHARED


def _builder():
    spec = importlib.util.spec_from_file_location("make_demo_corpus", REPO / "corpus" / "make_demo_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_corpus_matches_its_source():
    builder = _builder()
    assert (REPO / "corpus" / "social_work_comments.csv").read_text(encoding="utf-8") == builder.comments_csv(SHARED)
    assert (REPO / "corpus" / "social_work_reference.csv").read_text(encoding="utf-8") == builder.reference_csv(SHARED)
