"""The keyword engine: codebook keywords matched on lemmas and lower-cased forms.

Works from the codebook alone (cold start). Each keyword or phrase is matched
with spaCy's PhraseMatcher on lemmas of the lower-cased words ("Crashing
systems" matches the keywords `crash` and `system`, and "cases" matches itself),
except all-caps acronyms, which match as written. A code's score
grows with the number of distinct matched spans: 1 - 0.5 ** n, so one match
scores 0.5 (the keyword threshold) and each further match closes half the gap to 1.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from coder.nlp import parse, pipeline
from coder.records import Code

KEYWORD_THRESHOLD = 0.5


class KeywordMatcher:
    """Finds each code's keywords in parsed texts."""

    def __init__(self, codes: Sequence[Code]):
        self.code_ids = [code.id for code in codes]
        vocab = pipeline().vocab
        # Lemmas (our NORM, see coder.nlp) are looked up from lower-cased words, so matching lemmas also matches
        # each keyword's own form in any case. All-caps keywords (acronyms such as IT
        # or PI) match only as written, or "IT" would match every "it".
        by_lemma, as_written = PhraseMatcher(vocab, attr="NORM"), PhraseMatcher(vocab, attr="ORTH")
        self._matchers = [by_lemma, as_written]
        for code in codes:
            phrases = [k for k in dict.fromkeys(k.strip() for k in code.keywords) if k]
            for matcher, group in ((by_lemma, [k for k in phrases if not _acronym(k)]),
                                   (as_written, [k for k in phrases if _acronym(k)])):
                if group:
                    matcher.add(code.id, list(parse(group)))
        self._index = {vocab.strings[cid]: i for i, cid in enumerate(self.code_ids)}

    def spans(self, doc: Doc) -> list[list[tuple[int, int]]]:
        """Per code (in codebook order), the distinct matched token spans (start, end)."""
        found: list[list[tuple[int, int]]] = [[] for _ in self.code_ids]
        for column, spans in self._matched(doc).items():
            found[column] = spans
        return found

    def _matched(self, doc: Doc) -> dict[int, list[tuple[int, int]]]:
        # Only the codes that matched: most texts match few of the codes.
        found: dict[int, set[tuple[int, int]]] = {}
        for matcher in self._matchers:
            for match_id, start, end in matcher(doc):
                found.setdefault(self._index[match_id], set()).add((start, end))
        return {column: _outermost(sorted(s)) for column, s in found.items()}

    def counts(self, docs: Sequence[Doc]) -> np.ndarray:
        """Matched-span counts, one row per doc and one column per code."""
        out = np.zeros((len(docs), len(self.code_ids)), dtype=np.float32)
        for row, doc in enumerate(docs):
            for column, spans in self._matched(doc).items():
                out[row, column] = len(spans)
        return out

    def evidence(self, doc: Doc, column: int) -> list[dict]:
        """The matched spans of one code in a doc, as character offsets and text."""
        return span_evidence(doc, self.spans(doc)[column])


def span_evidence(doc: Doc, spans: list[tuple[int, int]]) -> list[dict]:
    """Matched token spans (from `KeywordMatcher.spans`) as character offsets and text."""
    return [{"start": doc[s].idx, "end": doc[e - 1].idx + len(doc[e - 1].text),
             "text": doc[s:e].text} for s, e in spans]


def _acronym(keyword: str) -> bool:
    return keyword.isupper() and " " not in keyword


def keyword_scores(counts: np.ndarray) -> np.ndarray:
    """Scores in [0, 1) from match counts: 1 - 0.5 ** n."""
    return 1.0 - np.power(0.5, counts)


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop spans that lie inside another span ("case" inside "case load")."""
    return [(s, e) for s, e in spans
            if not any(os <= s and e <= oe and (os, oe) != (s, e) for os, oe in spans)]
