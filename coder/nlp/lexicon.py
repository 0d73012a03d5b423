"""Every piece of text the process has tokenized, and the word forms in them.

spaCy's tokenizer cuts a text at whitespace and tokenizes each piece on its
own (prefixes, suffixes, infixes and special cases stay inside a piece), then
makes one more pass for special cases over the whole text. So a piece has the
same tokens wherever it occurs, and the lexicon keeps them: spaCy tokenizes
each distinct piece once, and after that a text is a lookup of its pieces,
which is several times faster than building a spaCy Doc per text.

The one place context matters is that final pass: it can see a special-case
pattern across two neighbouring pieces (":" then "(" in "reasons: (1)"), and
a match there can block one inside a piece. Texts with a pair of neighbouring
pieces that could hold such a pattern between them are tokenized by spaCy
whole (see `PatternEdges`), so the tokens are always spaCy's own.

Types are distinct word forms (ORTH). Everything else that is per word
(length, punctuation, whether it is a content word, the featurizer's columns)
is looked up by type id, in numpy arrays that grow with the lexicon. The
lexicon is bounded: past `PIECE_LIMIT` pieces it starts again empty (a new
`generation`, with a new spaCy vocabulary), so memory stays flat on corpora
whose vocabulary never stops growing.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from itertools import repeat
from typing import Collection, Iterator, Sequence

import numpy as np
from spacy.attrs import IDX, NORM, ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer

from coder.nlp.pipeline import final_punctuation, new_pipeline, pipeline

PIECE_LIMIT = 100_000
_BETWEEN = " \n "   # what separates new pieces sent to spaCy together

# Stop words (in spaCy's English list) that name an absence or a sufficiency, what shortage themes are
# about: "no support", "never enough time", "without a manager". As evidence they show why such a code
# was suggested. "Not" stays a stop word: it negates a verb, and alone says little of a theme.
STOP_WORDS_THAT_SAY_SOMETHING = frozenset({"no", "never", "nothing", "none", "without", "enough"})


class GrowingArray:
    """A 1-d numpy array that grows at the end (amortised doubling)."""

    def __init__(self, dtype):
        self._data = np.zeros(1024, dtype=dtype)
        self.size = 0

    def extend(self, values) -> None:
        """Append values at the end."""
        values = np.asarray(values, dtype=self._data.dtype)
        end = self.size + len(values)
        if end > len(self._data):
            grown = np.zeros(max(end, 2 * len(self._data)), dtype=self._data.dtype)
            grown[:self.size] = self._data[:self.size]
            self._data = grown
        self._data[self.size:end] = values
        self.size = end

    @property
    def values(self) -> np.ndarray:
        """The array so far (a view: do not keep it across `extend`)."""
        return self._data[:self.size]


class Lexicon:
    """Pieces (whitespace-free runs of text, or whitespace) with their tokens, and word types."""

    def __init__(self):
        self._held = 0
        self.generation = 0
        self._clear(pipeline())

    def _clear(self, nlp: Language) -> None:
        self._tokenizer = nlp.tokenizer
        self._vocab = nlp.vocab
        self._stop_words = nlp.Defaults.stop_words - STOP_WORDS_THAT_SAY_SOMETHING   # of the pipeline's language
        self._edges = PatternEdges(self._tokenizer)
        self.pieces: dict[str, int] = {}
        self.piece_first = GrowingArray(np.int64)    # its first token in the token arrays
        self.piece_tokens = GrowingArray(np.int64)   # how many tokens it has
        self.piece_length = GrowingArray(np.int64)   # characters
        self.piece_ends = GrowingArray(np.int64)     # which pattern tokens it ends with (PatternEdges)
        self.piece_starts = GrowingArray(np.int64)   # which pattern tokens it starts with
        self.token_type = GrowingArray(np.int64)
        self.token_norm = GrowingArray(np.uint64)
        self.token_offset = GrowingArray(np.int64)   # characters from the start of its piece
        self.types: dict[int, int] = {}              # ORTH hash -> type id
        self.type_text: list[str] = []
        self.type_orth = GrowingArray(np.uint64)
        self.type_length = GrowingArray(np.int64)
        self.type_punct = GrowingArray(bool)
        self.type_final = GrowingArray(bool)         # sentence-final punctuation
        self.type_content = GrowingArray(bool)       # a content word (`is_content_word`)
        self.norm_text: dict[int, str] = {}          # NORM hash -> the norm (a lemma)

    # -- bounding memory -------------------------------------------------------

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Keep type ids valid for the block: no fresh start while it runs."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1

    def make_room(self) -> None:
        """Start again empty if the lexicon is full and nobody holds its type ids."""
        if len(self.pieces) > PIECE_LIMIT and not self._held:
            self._clear(new_pipeline())   # spaCy's vocabulary grows with every new word too
            self.generation += 1

    # -- looking pieces up -----------------------------------------------------

    def piece_ids(self, pieces: Sequence[str]) -> np.ndarray:
        """The id of each piece, tokenizing the ones never seen before."""
        ids = np.fromiter(map(self.pieces.get, pieces, repeat(-1)), dtype=np.int64, count=len(pieces))
        missing = np.flatnonzero(ids < 0)
        if len(missing):
            new = list(dict.fromkeys(pieces[i] for i in missing.tolist()))
            self._add(new, self._pieces_rows(new))
            ids[missing] = [self.pieces[pieces[i]] for i in missing.tolist()]
        return ids

    @contextmanager
    def scratch(self) -> Iterator[None]:
        """Pieces added by `whole_text_id` in the block are forgotten after it."""
        pieces, tokens = self.piece_first.size, self.token_type.size
        try:
            yield
        finally:
            for array in (self.piece_first, self.piece_tokens, self.piece_length,
                          self.piece_ends, self.piece_starts):
                array.size = pieces
            for array in (self.token_type, self.token_norm, self.token_offset):
                array.size = tokens

    def whole_text_id(self, text: str) -> int:
        """A text tokenized by spaCy whole, as a piece of its own (for texts that `straddles`
        finds), kept only until the end of the `scratch` block it is made in."""
        return self._add([text], [_rows(self._tokenizer(text))], keep=False)

    def straddles(self, ids: np.ndarray, same_text: np.ndarray) -> np.ndarray:
        """For each pair of neighbouring pieces, whether a special case could span them.

        `same_text[k]` says pieces k and k + 1 belong to one text.
        """
        if not len(ids):
            return np.zeros(0, dtype=bool)
        return self._edges.table[self.piece_ends.values[ids[:-1]], self.piece_starts.values[ids[1:]]] & same_text

    def _pieces_rows(self, pieces: list[str]) -> list[np.ndarray]:
        """ORTH, NORM and offset of each token of each piece, tokenized by spaCy.

        The word pieces go through spaCy in one text, a line break between
        each two: spaCy tokenizes each on its own as ever, and a special case
        cannot span a line break, so every piece gets the tokens it gets alone
        (and a spaCy call per piece cost more than the tokens).
        """
        words = [p for p in pieces if not p.isspace()]
        out = dict(zip(words, self._words_rows(words)))
        return [out[p] if p in out else self._space_rows(p) for p in pieces]

    def _words_rows(self, words: list[str]) -> list[np.ndarray]:
        if not words:
            return []
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        starts = np.cumsum(lengths + len(_BETWEEN)) - lengths - len(_BETWEEN)
        rows = _rows(self._tokenizer(_BETWEEN.join(words)))
        offset = rows[:, 2].astype(np.int64)
        piece = np.searchsorted(starts, offset, side="right") - 1
        inside = offset < starts[piece] + lengths[piece]   # not the whitespace between pieces
        rows, piece = rows[inside], piece[inside]
        rows[:, 2] -= starts[piece].astype(np.uint64)
        return np.split(rows, np.searchsorted(piece, np.arange(1, len(words))))

    def _space_rows(self, piece: str) -> np.ndarray:
        # spaCy makes one token of a whitespace run, less the single space it
        # attaches to the word before; tokenize it between two words to get
        # exactly that token (a run of spaces keeps the leading one it drops).
        context = "a " + piece if piece[0] == " " else "a" + piece
        rows = _rows(self._tokenizer(context + "a"))[1:-1]
        rows[:, 2] -= len(context) - len(piece)
        return rows

    def _add(self, pieces: list[str], rows: list[np.ndarray], *, keep: bool = True) -> int:
        """Record pieces and their tokens (`_rows` each); `keep` makes them findable by their text.

        Returns the id of the first (the others follow in order).
        """
        table = np.concatenate(rows) if rows else np.zeros((0, 3), dtype=np.uint64)
        orths, norms = table[:, 0].tolist(), table[:, 1].tolist()
        self._add_types([orth for orth in dict.fromkeys(orths) if orth not in self.types])
        for norm in dict.fromkeys(norms):
            if norm not in self.norm_text:
                self.norm_text[norm] = self._vocab.strings[norm]
        types = [self.types[orth] for orth in orths]
        first_id = self.piece_first.size
        if keep:
            self.pieces.update(zip(pieces, range(first_id, first_id + len(pieces))))
        counts = [len(r) for r in rows]
        self.piece_first.extend(self.token_type.size + np.cumsum(counts) - counts)
        self.piece_tokens.extend(counts)
        self.piece_length.extend([len(piece) for piece in pieces])
        ends, starts, at = [], [], 0
        for piece, count in zip(pieces, counts):
            first, last = (self.type_text[types[at]], self.type_text[types[at + count - 1]]) if count else ("", "")
            ends.append(self._edges.end_class(piece, last))
            starts.append(self._edges.start_class(piece, first))
            at += count
        self.piece_ends.extend(ends)
        self.piece_starts.extend(starts)
        self.token_type.extend(types)
        self.token_norm.extend(table[:, 1])
        self.token_offset.extend(table[:, 2].astype(np.int64))
        return first_id

    def _add_types(self, orths: list[int]) -> None:
        lexemes = [self._vocab[orth] for orth in orths]
        texts = [lexeme.orth_ for lexeme in lexemes]
        self.types.update(zip(orths, range(len(self.type_text), len(self.type_text) + len(orths))))
        self.type_text.extend(texts)
        self.type_orth.extend(np.array(orths, dtype=np.uint64))
        self.type_length.extend([len(text) for text in texts])
        self.type_punct.extend([lexeme.is_punct for lexeme in lexemes])
        final = final_punctuation()
        self.type_final.extend([text in final for text in texts])
        self.type_content.extend([is_content_word(lexeme.lower_, lexeme.norm_, self._stop_words)
                                  for lexeme in lexemes])


def is_content_word(lower: str, lemma: str, stop_words: Collection[str]) -> bool:
    """Whether a word can say what a text is about: it has a letter (no punctuation, symbol
    or number), begins and ends with a letter or digit (the tokenizer leaves "budgets=" whole
    before a space; its word shows where written alone), and neither its lower-cased form nor its
    lemma is a stop word ("says": "say")."""
    return (any(map(str.isalpha, lower)) and lower[:1].isalnum() and lower[-1:].isalnum()
            and lower not in stop_words and lemma not in stop_words)


def _rows(doc) -> np.ndarray:
    """ORTH, NORM and character offset of each token of a Doc, one row each (uint64)."""
    return doc.to_array([ORTH, NORM, IDX]).reshape(-1, 3) if len(doc) else np.zeros((0, 3), dtype=np.uint64)


class PatternEdges:
    """Which neighbouring pieces a multi-token pattern of spaCy's final special-case pass could span.

    The pass matches the tokens a text has before it. A piece's last token
    before the pass is its last final token, unless that came from a special
    case: then it can be any pattern token the piece's text ends with. Pieces
    are classed by the set of pattern tokens they can end with and the set
    they can start with; `table[end, start]` says whether some pattern has a
    token of the first set right before one of the second.
    """

    def __init__(self, tokenizer: Tokenizer):
        plain = Tokenizer(tokenizer.vocab, rules={}, prefix_search=tokenizer.prefix_search,
                          suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                          token_match=tokenizer.token_match, url_match=tokenizer.url_match)
        self.pairs: set[tuple[str, str]] = set()
        for key in tokenizer.rules:
            # The keys spaCy gives that pass (see Tokenizer.add_special_case).
            if tokenizer.faster_heuristics and not (tokenizer.find_prefix(key) or tokenizer.find_infix(key)
                                                    or tokenizer.find_suffix(key) or " " in key):
                continue
            words = [t.text for t in plain(key)]
            self.pairs.update(zip(words, words[1:]))
        self._outputs = {token[ORTH] for tokens in tokenizer.rules.values() for token in tokens}
        self._firsts = {a for a, _ in self.pairs}
        self._seconds = {b for _, b in self.pairs}
        self._first_lengths = sorted({len(a) for a in self._firsts})
        self._second_lengths = sorted({len(b) for b in self._seconds})
        self._end_classes: dict[frozenset, int] = {frozenset(): 0}
        self._start_classes: dict[frozenset, int] = {frozenset(): 0}
        self._table = np.zeros((1, 1), dtype=bool)

    @property
    def table(self) -> np.ndarray:
        """`table[end class, start class]`: whether a pattern can span such a pair of pieces."""
        ends, starts = list(self._end_classes), list(self._start_classes)
        if self._table.shape != (len(ends), len(starts)):
            self._table = np.array([[any((a, b) in self.pairs for a in e for b in s) for s in starts]
                                    for e in ends], dtype=bool).reshape(len(ends), len(starts))
        return self._table

    def end_class(self, piece: str, last: str) -> int:
        """The class of the pattern tokens `piece` can end with, given its last token (0: none)."""
        if last in self._outputs:
            found = frozenset(piece[-k:] for k in self._first_lengths if piece[-k:] in self._firsts)
        else:
            found = frozenset({last} & self._firsts)
        return self._class(self._end_classes, found)

    def start_class(self, piece: str, first: str) -> int:
        """The class of the pattern tokens `piece` can start with, given its first token (0: none)."""
        if first in self._outputs:
            found = frozenset(piece[:k] for k in self._second_lengths if piece[:k] in self._seconds)
        else:
            found = frozenset({first} & self._seconds)
        return self._class(self._start_classes, found)

    @staticmethod
    def _class(classes: dict[frozenset, int], found: frozenset) -> int:
        return classes.setdefault(found, len(classes))


@lru_cache(maxsize=1)
def shared_lexicon() -> Lexicon:
    """The process's lexicon (forked workers inherit it, warm)."""
    return Lexicon()
