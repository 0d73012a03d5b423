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

from coder.nlp import Tokens, parse, pipeline, token_arrays
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
        for column, spans in self.matches([doc])[0].items():
            found[column] = spans
        return found

    def matches(self, docs: Sequence[Doc]) -> list[dict[int, list[tuple[int, int]]]]:
        """Per doc, the codes (columns) whose keywords matched, each with its distinct token spans."""
        out = []
        for doc in docs:
            # Only the codes that matched: most texts match few of the codes.
            found: dict[int, set[tuple[int, int]]] = {}
            for matcher in self._matchers:
                for match_id, start, end in matcher(doc):
                    found.setdefault(self._index[match_id], set()).add((start, end))
            out.append({column: _outermost(sorted(s)) for column, s in found.items()})
        return out

    def counts(self, docs: Sequence[Doc]) -> np.ndarray:
        """Matched-span counts, one row per doc and one column per code."""
        return match_counts(self.matches(docs), len(self.code_ids))

    def evidence(self, doc: Doc, column: int) -> list[dict]:
        """The matched spans of one code in a doc, as character offsets and text."""
        return span_evidence(doc.text, token_arrays([doc]), 0, self.spans(doc)[column])


def match_counts(matches: Sequence[dict[int, list]], n_codes: int) -> np.ndarray:
    """Matched-span counts (docs x codes) from `KeywordMatcher.matches`."""
    out = np.zeros((len(matches), n_codes), dtype=np.float32)
    for row, found in enumerate(matches):
        for column, spans in found.items():
            out[row, column] = len(spans)
    return out


def span_evidence(text: str, tokens: Tokens, doc: int, spans: list[tuple[int, int]]) -> list[dict]:
    """Matched token spans of doc number `doc` in `tokens` as character offsets and text."""
    base = int(tokens.bounds[doc])
    out = []
    for s, e in spans:
        start = int(tokens.start[base + s])
        end = int(tokens.start[base + e - 1] + tokens.length[base + e - 1])
        out.append({"start": start, "end": end, "text": text[start:end]})
    return out


def _acronym(keyword: str) -> bool:
    return keyword.isupper() and " " not in keyword


def keyword_scores(counts: np.ndarray) -> np.ndarray:
    """Scores in [0, 1) from match counts: 1 - 0.5 ** n."""
    return 1.0 - np.power(0.5, counts)


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop spans that lie inside another span ("case" inside "case load")."""
    return [(s, e) for s, e in spans
            if not any(os <= s and e <= oe and (os, oe) != (s, e) for os, oe in spans)]
