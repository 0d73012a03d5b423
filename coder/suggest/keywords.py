"""The keyword engine: codebook keywords matched on lemmas and lower-cased forms.

Works from the codebook alone (cold start). Each keyword or phrase is matched
twice with spaCy's PhraseMatcher, on lemmas ("crashing systems" matches the
keywords `crash` and `system`) and on lower-cased forms (so a keyword the
lemmatizer would change, such as "cases", still matches itself). A code's score
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
        self._matchers = [PhraseMatcher(vocab, attr="LEMMA"), PhraseMatcher(vocab, attr="LOWER")]
        for code in codes:
            phrases = [k for k in dict.fromkeys(k.strip() for k in code.keywords) if k]
            if phrases:
                patterns = list(parse(phrases))
                for matcher in self._matchers:
                    matcher.add(code.id, patterns)
        self._index = {vocab.strings[cid]: i for i, cid in enumerate(self.code_ids)}

    def spans(self, doc: Doc) -> list[list[tuple[int, int]]]:
        """Per code (in codebook order), the distinct matched token spans (start, end)."""
        found: list[set[tuple[int, int]]] = [set() for _ in self.code_ids]
        for matcher in self._matchers:
            for match_id, start, end in matcher(doc):
                found[self._index[match_id]].add((start, end))
        return [_outermost(sorted(s)) for s in found]

    def counts(self, docs: Sequence[Doc]) -> np.ndarray:
        """Matched-span counts, one row per doc and one column per code."""
        out = np.zeros((len(docs), len(self.code_ids)), dtype=np.float32)
        for row, doc in enumerate(docs):
            for col, spans in enumerate(self.spans(doc)):
                out[row, col] = len(spans)
        return out

    def evidence(self, doc: Doc, column: int) -> list[dict]:
        """The matched spans of one code in a doc, as character offsets and text."""
        spans = self.spans(doc)[column]
        return [{"start": doc[s].idx, "end": doc[e - 1].idx + len(doc[e - 1].text),
                 "text": doc[s:e].text} for s, e in spans]


def keyword_scores(counts: np.ndarray) -> np.ndarray:
    """Scores in [0, 1) from match counts: 1 - 0.5 ** n."""
    return 1.0 - np.power(0.5, counts)


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop spans that lie inside another span ("case" inside "case load")."""
    return [(s, e) for s, e in spans
            if not any(os <= s and e <= oe and (os, oe) != (s, e) for os, oe in spans)]
