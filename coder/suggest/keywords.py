"""The keyword engine: codebook keywords matched on lemmas and lower-cased forms.

Works from the codebook alone (cold start). Each keyword or phrase is matched
on the lemmas of the lower-cased words ("Crashing systems" matches the
keywords `crash` and `system`, and "cases" matches itself), except all-caps
acronyms, which match as written. A code's score grows with the number of
distinct matched spans, a span inside a longer one of the same code not
counted: 1 - 0.5 ** n, so one match scores 0.5 (the keyword threshold) and
each further match closes half the gap to 1.

Matching works on a whole batch's token arrays at once: every phrase length
is one vectorised lookup of consecutive tokens' lemmas (what spaCy's
PhraseMatcher finds, without a pass over each text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from coder.nlp import Tokens, shared_lexicon, tokenize
from coder.records import Code

KEYWORD_THRESHOLD = 0.5


@dataclass(frozen=True)
class KeywordMatches:
    """A batch's distinct keyword matches, sorted by text, code and position.

    Match k is code `code[k]` in text `doc[k]`, tokens `start[k]:end[k]`
    (indices into that text's tokens).
    """

    doc: np.ndarray
    code: np.ndarray
    start: np.ndarray
    end: np.ndarray
    n_docs: int
    n_codes: int

    def counts(self) -> np.ndarray:
        """Matched-span counts, one row per text and one column per code."""
        flat = np.bincount(self.doc * self.n_codes + self.code, minlength=self.n_docs * self.n_codes)
        return flat.reshape(self.n_docs, self.n_codes).astype(np.float32)

    def ranges(self, docs: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For (text, code) pairs, the first match and how many there are (matches are contiguous)."""
        keys = self.doc * self.n_codes + self.code
        wanted = np.asarray(docs) * self.n_codes + np.asarray(codes)
        first = np.searchsorted(keys, wanted, side="left")
        return first, np.searchsorted(keys, wanted, side="right") - first

    def spans(self, doc: int, code: int) -> list[tuple[int, int]]:
        """The token spans of one code in one text."""
        (first,), (count,) = self.ranges(np.array([doc]), np.array([code]))
        return list(zip(self.start[first:first + count].tolist(), self.end[first:first + count].tolist()))


class KeywordMatcher:
    """Finds each code's keywords in tokenized texts."""

    def __init__(self, codes: Sequence[Code]):
        self.code_ids = [code.id for code in codes]
        # Lemmas (NORM, see coder.nlp) are looked up from lower-cased words, so matching lemmas also matches
        # each keyword's own form in any case. All-caps keywords (acronyms such as IT
        # or PI) match only as written, or "IT" would match every "it".
        by_lemma: list[tuple[int, str]] = []
        as_written: list[tuple[int, str]] = []
        for column, code in enumerate(codes):
            for keyword in dict.fromkeys(k.strip() for k in code.keywords):
                if keyword:
                    (as_written if _acronym(keyword) else by_lemma).append((column, keyword))
        self._by_lemma = _PhraseTable(by_lemma, _norms)
        self._as_written = _PhraseTable(as_written, _orths)

    def matches(self, tokens: Tokens) -> KeywordMatches:
        """Every code's distinct matched spans in each text, inner spans of the same code dropped."""
        found = [table.find(tokens) for table in (self._by_lemma, self._as_written)]
        doc, code, start, end = (np.concatenate([f[i] for f in found]) for i in range(4))
        # Distinct spans, sorted by (text, code, start, longest first): a span lies inside
        # another of its code exactly when an earlier one in its group reaches as far.
        order = np.lexsort((-end, start, code, doc))
        doc, code, start, end = doc[order], code[order], start[order], end[order]
        group = doc * len(self.code_ids) + code
        new = np.ones(len(doc), dtype=bool)
        new[1:] = (group[1:] != group[:-1]) | (start[1:] != start[:-1]) | (end[1:] != end[:-1])
        doc, code, start, end, group = doc[new], code[new], start[new], end[new], group[new]
        if len(doc):
            # Running maximum of end within each group, over the spans before each one.
            span = int(end.max()) + 1
            reach = np.maximum.accumulate(group * span + end) - group * span
            inner = np.zeros(len(doc), dtype=bool)
            inner[1:] = (group[1:] == group[:-1]) & (reach[:-1] >= end[1:])
            keep = ~inner
            doc, code, start, end = doc[keep], code[keep], start[keep], end[keep]
        return KeywordMatches(doc, code, start, end, len(tokens), len(self.code_ids))

    def counts(self, tokens: Tokens) -> np.ndarray:
        """Matched-span counts, one row per text and one column per code."""
        return self.matches(tokens).counts()

    def evidence(self, text: str, column: int) -> list[dict]:
        """The matched spans of one code in one text, as character offsets and text."""
        tokens = tokenize([text])
        return span_evidence(text, tokens, 0, self.matches(tokens).spans(0, column))


class _PhraseTable:
    """Phrases (as sequences of token hashes of one attribute) and the codes they belong to.

    Phrase prefixes are numbered level by level: a prefix of length k is the
    pair (its prefix of length k - 1, its last term), looked up among the
    prefixes of that length, so matching a batch is one vectorised lookup per
    phrase length, whatever the number of phrases or their lengths.
    """

    def __init__(self, phrases: list[tuple[int, str]], attribute):
        self._attribute = attribute
        tokens = tokenize([keyword for _, keyword in phrases])
        values = attribute(tokens)
        sequences = [values[tokens.bounds[i]:tokens.bounds[i + 1]] for i in range(len(phrases))]
        self.terms = np.unique(np.concatenate(sequences)) if sequences else np.zeros(0, dtype=np.uint64)
        ids = [np.searchsorted(self.terms, s).tolist() for s in sequences]
        self._levels: list[np.ndarray] = []    # level k: the sorted keys of the prefixes of length k + 2
        self._complete: list[tuple[np.ndarray, np.ndarray]] = []   # per length: (prefix ids, code columns)
        prefix = [[-1] * len(s) for s in ids]  # prefix[p][k]: the id of phrase p's first k + 1 terms
        for p, s in enumerate(ids):
            if s:
                prefix[p][0] = s[0]
        for k in range(1, max((len(s) for s in ids), default=0)):
            keys = np.unique([self._pair(prefix[p][k - 1], s[k]) for p, s in enumerate(ids) if len(s) > k])
            self._levels.append(keys)
            for p, s in enumerate(ids):
                if len(s) > k:
                    prefix[p][k] = int(np.searchsorted(keys, self._pair(prefix[p][k - 1], s[k])))
        for length in range(1, len(self._levels) + 2):
            pairs = sorted((prefix[p][length - 1], column) for p, (column, _) in enumerate(phrases)
                           if len(ids[p]) == length)
            self._complete.append((np.array([a for a, _ in pairs], dtype=np.int64),
                                   np.array([b for _, b in pairs], dtype=np.int64)))

    def _pair(self, prefix, term):
        return prefix * len(self.terms) + term

    def find(self, tokens: Tokens) -> tuple[np.ndarray, ...]:
        """(text, code, start, end) of every match, token positions within each text."""
        empty = np.zeros(0, dtype=np.int64)
        if not len(self.terms) or not len(tokens.type_of_token):
            return empty, empty, empty, empty
        values = self._attribute(tokens)
        position = np.minimum(np.searchsorted(self.terms, values), len(self.terms) - 1)
        term = np.where(self.terms[position] == values, position, -1).astype(np.int64)
        doc = tokens.doc_of_token
        current = term                    # current[i]: the prefix id of the span starting at token i
        out = []
        for length, (ends, columns) in enumerate(self._complete, start=1):
            if length > 1:
                n = len(term) - length + 1
                if n <= 0:
                    break
                keys = self._levels[length - 2]
                last = term[length - 1:]
                ok = (current[:n] >= 0) & (last >= 0) & (doc[:n] == doc[length - 1:])
                pair = self._pair(current[:n], last)
                at = np.minimum(np.searchsorted(keys, pair), len(keys) - 1)
                current = np.where(ok & (keys[at] == pair), at, -1)
            if not len(ends):
                continue
            candidate = np.flatnonzero(current >= 0)
            first = np.searchsorted(ends, current[candidate], side="left")
            count = np.searchsorted(ends, current[candidate], side="right") - first
            at = np.repeat(candidate, count)
            entry = np.repeat(first - np.concatenate([[0], np.cumsum(count)[:-1]]), count) + np.arange(count.sum())
            local = at - tokens.bounds[doc[at]]
            out.append((doc[at], columns[entry], local, local + length))
        if not out:
            return empty, empty, empty, empty
        return tuple(np.concatenate([o[i] for o in out]).astype(np.int64) for i in range(4))


def _norms(tokens: Tokens) -> np.ndarray:
    return tokens.norm


def _orths(tokens: Tokens) -> np.ndarray:
    return shared_lexicon().type_orth.values[tokens.type_of_token]


def span_evidence(text: str, tokens: Tokens, doc: int, spans: list[tuple[int, int]]) -> list[dict]:
    """Matched token spans of text number `doc` in `tokens` as character offsets and text."""
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
