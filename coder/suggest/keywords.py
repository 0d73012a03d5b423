"""The keyword engine: codebook keywords matched on lemmas and lower-cased forms.

Works from the codebook alone (cold start). Each keyword or phrase is matched
on the lemmas of the lower-cased words ("Crashing systems" matches the
keywords `crash` and `system`, and "cases" matches itself), except all-caps
acronyms, which match as written. A span inside a longer one of the same code
is not counted. How much a match says about its code is learned from the
researcher's coding (`coder.suggest.keyword_trust`): each match records which
keyword (entry) it was.

A single word ending in `*` matches every word that starts so, case and
accents aside ("bureaucra*" finds "bureaucracy" and "bureaucratic", "agotad*"
"agotada" and "AGOTADOS"): the lemma table is English, so in another language
a keyword matches its own forms only, and a prefix catches the rest.

Matching works on a whole batch's token arrays at once: every phrase length
is one vectorised lookup of consecutive tokens' lemmas (what spaCy's
PhraseMatcher finds, without a pass over each text); a prefix is one lookup
of each word type's form, checked once per type of the lexicon.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from coder.nlp import Tokens, concatenated_ranges, tokenize
from coder.nlp.lexicon import GrowingArray
from coder.records import Code
from coder.suggest.lookup import KeyIndex
from coder.text_search import fold



@dataclass(frozen=True)
class KeywordMatches:
    """A batch's distinct keyword matches, sorted by text, code and position.

    Match k is code `code[k]` in text `doc[k]`, tokens `start[k]:end[k]`
    (indices into that text's tokens), found by keyword entry `entry[k]` (see
    `KeywordMatcher.entry_code`).
    """

    doc: np.ndarray
    code: np.ndarray
    start: np.ndarray
    end: np.ndarray
    n_docs: int
    n_codes: int
    entry: np.ndarray

    def counts(self) -> np.ndarray:
        """Matched-span counts, one row per text and one column per code."""
        flat = np.bincount(self.doc * self.n_codes + self.code, minlength=self.n_docs * self.n_codes)
        return flat.reshape(self.n_docs, self.n_codes).astype(np.float32)

    def head(self, n: int) -> "KeywordMatches":
        """The matches in the first `n` texts."""
        end = int(np.searchsorted(self.doc, n))
        return KeywordMatches(self.doc[:end], self.code[:end], self.start[:end], self.end[:end], n, self.n_codes,
                              self.entry[:end])

    def ranges(self, docs: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For (text, code) pairs, the first match and how many there are (matches are contiguous)."""
        keys = self.doc * self.n_codes + self.code
        wanted = np.asarray(docs) * self.n_codes + np.asarray(codes)
        first = np.searchsorted(keys, wanted, side="left")
        return first, np.searchsorted(keys, wanted, side="right") - first


class KeywordMatcher:
    """Finds each code's keywords in tokenized texts."""

    def __init__(self, codes: Sequence[Code]):
        self.code_ids = [code.id for code in codes]
        # Entries: one per distinct keyword of each code, numbered in code order.
        entries = [(column, keyword) for column, code in enumerate(codes)
                   for keyword in dict.fromkeys(k.strip() for k in code.keywords) if keyword]
        self.entry_code = np.array([column for column, _ in entries], dtype=np.int64)
        self.entry_text = [keyword for _, keyword in entries]
        # Lemmas (NORM, see coder.nlp) are looked up from lower-cased words, so matching lemmas also matches
        # each keyword's own form in any case. All-caps keywords (acronyms such as IT
        # or PI) match only as written, or "IT" would match every "it".
        by_lemma: list[tuple[int, str]] = []
        as_written: list[tuple[int, str]] = []
        prefixes: list[tuple[int, str]] = []
        for entry, (_, keyword) in enumerate(entries):
            if _prefix(keyword):
                prefixes.append((entry, keyword[:-1]))
            else:
                (as_written if _acronym(keyword) else by_lemma).append((entry, keyword))
        self._tables = (_PhraseTable(by_lemma, _norms), _PhraseTable(as_written, _orths), _PrefixTable(prefixes))

    def matches(self, tokens: Tokens) -> KeywordMatches:
        """Every code's distinct matched spans in each text, inner spans of the same code dropped."""
        found = [table.find(tokens) for table in self._tables]
        doc, entry, start, end = (np.concatenate([f[i] for f in found]) for i in range(4))
        code = self.entry_code[entry]
        # Distinct spans, sorted by (text, code, start, longest first): a span lies inside
        # another of its code exactly when an earlier one in its group reaches as far.
        order = np.lexsort((-end, start, code, doc))
        doc, code, start, end, entry = doc[order], code[order], start[order], end[order], entry[order]
        group = doc * len(self.code_ids) + code
        new = np.ones(len(doc), dtype=bool)
        new[1:] = (group[1:] != group[:-1]) | (start[1:] != start[:-1]) | (end[1:] != end[:-1])
        doc, code, start, end, entry, group = doc[new], code[new], start[new], end[new], entry[new], group[new]
        if len(doc):
            # Running maximum of end within each group, over the spans before each one.
            span = int(end.max()) + 1
            reach = np.maximum.accumulate(group * span + end) - group * span
            inner = np.zeros(len(doc), dtype=bool)
            inner[1:] = (group[1:] == group[:-1]) & (reach[:-1] >= end[1:])
            keep = ~inner
            doc, code, start, end, entry = doc[keep], code[keep], start[keep], end[keep], entry[keep]
        return KeywordMatches(doc, code, start, end, len(tokens), len(self.code_ids), entry)

    def counts(self, tokens: Tokens) -> np.ndarray:
        """Matched-span counts, one row per text and one column per code."""
        return self.matches(tokens).counts()


class _PhraseTable:
    """Phrases (as sequences of token hashes of one attribute) and the entries they belong to.

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
        self._terms = KeyIndex(np.unique(np.concatenate(sequences)) if sequences
                                   else np.zeros(0, dtype=np.uint64))
        ids = [self._terms.find(s).tolist() for s in sequences]
        self._levels: list[KeyIndex] = []   # level k: the prefixes of length k + 2
        # Per length: for each prefix id of that length, the first of its codes and how many, then the codes.
        self._complete: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        prefix = [s[:1] for s in ids]          # prefix[p][k]: the id of phrase p's first k + 1 terms
        for k in range(1, max((len(s) for s in ids), default=0)):
            level = KeyIndex(np.unique([self._pair(prefix[p][k - 1], s[k])
                                            for p, s in enumerate(ids) if len(s) > k]))
            self._levels.append(level)
            for p, s in enumerate(ids):
                if len(s) > k:
                    prefix[p].append(int(level.find(np.array([self._pair(prefix[p][k - 1], s[k])]))[0]))
        for length in range(1, len(self._levels) + 2):
            prefixes = len(self._terms) if length == 1 else len(self._levels[length - 2])
            pairs = sorted((prefix[p][length - 1], column) for p, (column, _) in enumerate(phrases)
                           if len(ids[p]) == length)
            count = np.bincount(np.array([a for a, _ in pairs], dtype=np.int64), minlength=prefixes)
            self._complete.append((np.cumsum(count) - count, count,
                                   np.array([b for _, b in pairs], dtype=np.int64)))

    def _pair(self, prefix, term):
        return prefix * len(self._terms) + term

    def find(self, tokens: Tokens) -> tuple[np.ndarray, ...]:
        """(text, entry, start, end) of every match, token positions within each text."""
        empty = np.zeros(0, dtype=np.int64)
        if not len(self._terms) or not len(tokens.type_of_token):
            return empty, empty, empty, empty
        term = self._terms.find(self._attribute(tokens))
        doc = tokens.doc_of_token
        at = np.flatnonzero(term >= 0)    # where spans that may match start
        current = term[at]                # the prefix id of the span starting there
        out = []
        for length, (code_first, code_count, columns) in enumerate(self._complete, start=1):
            if length > 1:
                last = at + length - 1
                ok = last < len(term)
                at, current, last = at[ok], current[ok], last[ok]
                ok = (term[last] >= 0) & (doc[last] == doc[at])
                at, current = at[ok], self._levels[length - 2].find(self._pair(current[ok], term[last[ok]]))
                ok = current >= 0
                at, current = at[ok], current[ok]
            if not len(columns):
                continue
            first, count = code_first[current], code_count[current]
            start = np.repeat(at, count)
            entry = concatenated_ranges(first, count)
            local = start - tokens.bounds[doc[start]]
            out.append((doc[start], columns[entry], local, local + length))
        if not out:
            return empty, empty, empty, empty
        return tuple(np.concatenate([o[i] for o in out]).astype(np.int64) for i in range(4))


class _PrefixTable:
    """Keywords that are one word ending in `*`: the words starting with it (case and accents aside,
    `coder.text_search.fold`). Which word types of the lexicon start with each prefix is
    worked out once per type, as the lexicon grows."""

    def __init__(self, prefixes: list[tuple[int, str]]):
        self._entries = [entry for entry, _ in prefixes]
        self._prefixes = tuple(fold(prefix) for _, prefix in prefixes)
        self._generation = -1
        self._starts: list[GrowingArray] = []   # per prefix: whether each word type starts with it

    def find(self, tokens: Tokens) -> tuple[np.ndarray, ...]:
        """(text, entry, start, end) of every match, token positions within each text."""
        empty = np.zeros(0, dtype=np.int64)
        if not self._entries or not len(tokens.type_of_token):
            return empty, empty, empty, empty
        self._extend(tokens.lexicon())
        doc = tokens.doc_of_token
        out = []
        for entry, starts in zip(self._entries, self._starts):
            at = np.flatnonzero(starts.values[tokens.type_of_token])
            local = at - tokens.bounds[doc[at]]
            out.append((doc[at], np.full(len(at), entry), local, local + 1))
        return tuple(np.concatenate([o[i] for o in out]).astype(np.int64) for i in range(4))

    def _extend(self, lexicon) -> None:
        if self._generation != lexicon.generation:
            self._generation = lexicon.generation
            self._starts = [GrowingArray(bool) for _ in self._prefixes]
        known = self._starts[0].size
        forms = [fold(text) for text in lexicon.type_text[known:]]
        for prefix, starts in zip(self._prefixes, self._starts):
            starts.extend([form.startswith(prefix) for form in forms])


def _prefix(keyword: str) -> bool:
    """Whether a keyword is a prefix: one word (of two or more characters) ending in `*`."""
    return keyword.endswith("*") and len(keyword) > 2 and not any(c.isspace() or c == "*" for c in keyword[:-1])


def _norms(tokens: Tokens) -> np.ndarray:
    return tokens.norm


def _orths(tokens: Tokens) -> np.ndarray:
    return tokens.lexicon().type_orth.values[tokens.type_of_token]


def _acronym(keyword: str) -> bool:
    return keyword.isupper() and " " not in keyword
