"""Texts as flat token arrays: spaCy's tokens, read from the lexicon of pieces.

`tokenize` turns a batch of texts into one `Tokens`: for every token its word
type, its norm (the lemma), its character offset, and whether it starts a
sentence; texts one after another. The scoring path works on whole batches
with numpy over these arrays instead of walking spaCy Doc and Token objects.

Character offsets are Python string indices, i.e. Unicode code points, which
is what the project stores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from typing import Sequence

import numpy as np

from coder.nlp.lexicon import Lexicon, shared_lexicon

_RUNS = re.compile(r"\S+|\s+")   # \s is str.isspace(), as in spaCy's tokenizer


@dataclass(frozen=True)
class Tokens:
    """The tokens of a batch of texts as flat arrays, texts one after another.

    Text i's tokens are `bounds[i]:bounds[i + 1]`. Types index the lexicon of
    the generation the tokens were made in (`tokens.lexicon().type_text` etc.).
    """

    type_of_token: np.ndarray   # word type ids (int64)
    norm: np.ndarray            # NORM hashes: lemmas (uint64)
    start: np.ndarray           # character offsets (int64)
    length: np.ndarray          # lengths in characters (int64)
    sentence_start: np.ndarray  # whether a token starts a sentence (bool)
    bounds: np.ndarray          # len(texts) + 1 token offsets (int64)
    generation: int             # the lexicon's generation

    def __len__(self) -> int:
        """The number of texts."""
        return len(self.bounds) - 1

    def head(self, n: int) -> "Tokens":
        """The tokens of the first `n` texts."""
        end = int(self.bounds[n])
        return Tokens(self.type_of_token[:end], self.norm[:end], self.start[:end], self.length[:end],
                      self.sentence_start[:end], self.bounds[:n + 1], self.generation)

    @cached_property
    def doc_of_token(self) -> np.ndarray:
        """For each token, the index of its text."""
        return np.repeat(np.arange(len(self.bounds) - 1), np.diff(self.bounds))

    def lexicon(self) -> Lexicon:
        """The lexicon whose type ids and norms these tokens hold.

        An error if it has started again since they were made: hold it
        (`shared_lexicon().hold()`) while tokens are in use.
        """
        lex = shared_lexicon()
        if lex.generation != self.generation:
            raise RuntimeError("tokens from an earlier lexicon generation (hold the lexicon while using them)")
        return lex

    def sentences(self, doc: int) -> list[tuple[int, int]]:
        """(start, end) character offsets of each sentence of text number `doc`."""
        first, last = int(self.bounds[doc]), int(self.bounds[doc + 1])
        starts = (first + np.flatnonzero(self.sentence_start[first:last])).tolist()
        ends = starts[1:] + [last]
        return [(int(self.start[a]), int(self.start[b - 1] + self.length[b - 1])) for a, b in zip(starts, ends)]


def tokenize(texts: Sequence[str]) -> Tokens:
    """spaCy's tokens of each text (with lemmas as norms and sentence starts), as flat arrays."""
    lex = shared_lexicon()
    lex.make_room()
    pieces, per_text, exact = _cut(texts)
    ids = lex.piece_ids(pieces)
    starts = _piece_starts(lex, ids, per_text, exact)
    text_of_piece = np.repeat(np.arange(len(texts)), per_text)
    ids, starts, text_of_piece = _merge_spaces(lex, ids, starts, text_of_piece)
    per_text = np.bincount(text_of_piece, minlength=len(texts))
    straddling = lex.straddles(ids, text_of_piece[:-1] == text_of_piece[1:])
    with lex.scratch():
        if straddling.any():
            ids, per_text, starts, text_of_piece = _whole(lex, texts, ids, per_text, starts, text_of_piece,
                                                          np.unique(text_of_piece[:-1][straddling]))
        first, count = lex.piece_first.values[ids], lex.piece_tokens.values[ids]
        token = concatenated_ranges(first, count)
        norms, offsets = lex.token_norm.values[token], lex.token_offset.values[token]
        types = lex.token_type.values[token]
    per_doc = np.bincount(text_of_piece, weights=count, minlength=len(texts)).astype(np.int64)
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(per_doc, out=bounds[1:])
    return Tokens(types, norms, np.repeat(starts, count) + offsets, lex.type_length.values[types],
                  _sentence_starts(lex.type_final.values[types], lex.type_punct.values[types], bounds),
                  bounds, lex.generation)


def _cut(texts: Sequence[str]) -> tuple[list[str], np.ndarray, list[tuple[int, list[int]]]]:
    """The texts cut at single spaces, how many parts each has, and the texts cut otherwise.

    spaCy's rule: a run of whitespace is a piece of its own, less the single
    space that trails the word before it (a run at the very start keeps all of
    it). Texts whose only whitespace is spaces inside them are cut with
    `str.split(" ")` at C speed, a run of such texts at once; their runs of
    several spaces show as empty parts, which `_merge_spaces` turns into
    pieces. Other texts (line breaks, tabs, spaces at either end) are cut by
    a regex into pieces and returned with their starts, as (first part, starts).
    """
    n = len(texts)
    per_text = np.fromiter(map(str.count, texts, repeat(" ")), dtype=np.int64, count=n) + 1
    simple = (np.fromiter(map(str.isprintable, texts), dtype=bool, count=n)
              & ~np.fromiter(map(str.startswith, texts, repeat(" ")), dtype=bool, count=n)
              & ~np.fromiter(map(str.endswith, texts, repeat(" ")), dtype=bool, count=n)
              & (np.fromiter(map(len, texts), dtype=np.int64, count=n) > 0))
    parts: list[str] = []
    exact: list[tuple[int, list[int]]] = []
    done = 0
    for i in np.flatnonzero(~simple).tolist():
        if i > done:
            parts.extend(" ".join(texts[done:i]).split(" "))
        runs = [(m.start(), m.group()) for m in _RUNS.finditer(texts[i])]
        runs = [(s + 1, p[1:]) if p[0] == " " and s else (s, p) for s, p in runs]
        runs = [(s, p) for s, p in runs if p]
        exact.append((len(parts), [s for s, _ in runs]))
        parts.extend(p for _, p in runs)
        per_text[i] = len(runs)
        done = i + 1
    if done < n:
        parts.extend(" ".join(texts[done:]).split(" "))
    return parts, per_text, exact


def _piece_starts(lex: Lexicon, ids: np.ndarray, per_text: np.ndarray,
                  exact: list[tuple[int, list[int]]]) -> np.ndarray:
    """Where each part starts in its text: one character after the part before it, or as `exact` says."""
    steps = lex.piece_length.values[ids] + 1
    starts = np.cumsum(steps) - steps
    starts -= starts[np.repeat(np.cumsum(per_text) - per_text, per_text)]
    for first, text_starts in exact:
        starts[first:first + len(text_starts)] = text_starts
    return starts


def _merge_spaces(lex: Lexicon, ids: np.ndarray, starts: np.ndarray, text_of_piece: np.ndarray):
    """Turn each run of k empty parts (k + 1 spaces between two words) into the piece of k spaces spaCy makes."""
    empty = lex.piece_length.values[ids] == 0
    if not empty.any():
        return ids, starts, text_of_piece
    begins = empty & ~np.concatenate([[False], empty[:-1]])
    first = np.flatnonzero(begins)
    ends = np.flatnonzero(empty & ~np.concatenate([empty[1:], [False]]))
    lengths = (ends - first + 1).tolist()
    ids = ids.copy()
    ids[first] = lex.piece_ids([" " * k for k in lengths])
    keep = ~empty | begins
    return ids[keep], starts[keep], text_of_piece[keep]


def _whole(lex: Lexicon, texts, ids, per_text, starts, text_of_piece, whole: np.ndarray):
    """Replace the pieces of the texts in `whole` by one piece each: the text tokenized by spaCy whole."""
    first_piece = np.cumsum(per_text) - per_text
    replaced = np.zeros(len(texts), dtype=bool)
    replaced[whole] = True
    keep = ~replaced[text_of_piece]
    keep[first_piece[whole]] = True
    ids, starts = ids.copy(), starts.copy()
    ids[first_piece[whole]] = [lex.whole_text_id(texts[i]) for i in whole.tolist()]
    starts[first_piece[whole]] = 0
    per_text = per_text.copy()
    per_text[whole] = 1
    return ids[keep], per_text, starts[keep], text_of_piece[keep]


def concatenated_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The concatenation of range(start, start + count) for each pair, without a Python loop."""
    starts, counts = np.asarray(starts, dtype=np.int64), np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return offsets + np.arange(total)


def _sentence_starts(final: np.ndarray, is_punct: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """spaCy's Sentencizer rule over token arrays: a text's first token starts a
    sentence, and so does the first token after sentence-final punctuation that
    is not punctuation itself."""
    other = np.flatnonzero(~final & ~is_punct)
    starts = np.zeros(len(final), dtype=bool)
    starts[bounds[:-1][np.diff(bounds) > 0]] = True
    if len(other):
        doc = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))[other]
        same_doc = np.concatenate([[False], doc[1:] == doc[:-1]])
        since = np.where(same_doc, np.concatenate([[0], other[:-1] + 1]), bounds[doc])
        finals_before = np.concatenate([[0], np.cumsum(final)])
        starts[other[finals_before[other] > finals_before[since]]] = True
    return starts


@dataclass(frozen=True)
class TextAnalysis:
    """Tokens of one text with their lemmas, character offsets and sentence spans."""

    tokens: tuple[str, ...]
    lemmas: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]
    sentences: tuple[tuple[int, int], ...]


def analyse(texts: Sequence[str]) -> list[TextAnalysis]:
    """Tokens, lemmas, token offsets and sentence offsets for a batch of texts."""
    tokens = tokenize(texts)
    lex = tokens.lexicon()
    out = []
    for i in range(len(texts)):
        span = slice(tokens.bounds[i], tokens.bounds[i + 1])
        starts, lengths = tokens.start[span].tolist(), tokens.length[span].tolist()
        out.append(TextAnalysis(tuple(lex.type_text[t] for t in tokens.type_of_token[span].tolist()),
                                tuple(lex.norm_text[n] for n in tokens.norm[span].tolist()),
                                tuple((s, s + n) for s, n in zip(starts, lengths)), tuple(tokens.sentences(i))))
    return out
