"""Text analysis: the one spaCy pipeline the library uses.

`spacy.blank("en")` with lookup lemmas (the English table from
spacy-lookups-data) and a sentencizer; no model is downloaded. A word's lemma,
looked up from its lower-cased form ("Crashing" -> "crash"), is stored as its
NORM when the word enters the vocabulary, so a token's lemma is `token.norm_`
and costs nothing per token: scoring a large corpus stays close to the speed of
spaCy's bare tokenizer.

Character offsets (`Token.idx`, sentence `start_char`) are Python string
indices, i.e. Unicode code points, which is what the project stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, Sequence

import numpy as np
import spacy
from spacy.attrs import IDX, NORM, ORTH
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc
from spacy.vocab import Vocab

BATCH_SIZE = 1000


class LookupLemmas:
    """Lemmas from spaCy's English lookup table (spacy-lookups-data), as each word's NORM.

    The lemma of a word's lower-cased form ("Crashing" -> "crash") is set on
    its vocabulary entry (`Lexeme.norm_`) when the word first enters the
    vocabulary, so a token's `norm_` is its lemma at no per-token or per-doc
    cost: scoring a large corpus stays close to the speed of spaCy's bare
    tokenizer. Tokenizer exceptions keep their own norms ("n't" -> "not").
    """

    def __init__(self):
        self.table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")

    def lemma(self, lower: str) -> str:
        """The lemma of one lower-cased word; unknown words are their own lemma."""
        return self.table.get(lower, lower)

    def install(self, vocab: Vocab) -> None:
        """Make lemmas the norms of the vocabulary's words, present and future."""
        vocab.lex_attr_getters[NORM] = lambda text: self.lemma(text.lower())
        for lexeme in vocab:
            lexeme.norm_ = self.lemma(lexeme.lower_)


@lru_cache(maxsize=1)
def lemmas() -> LookupLemmas:
    """The lookup table (loaded once)."""
    return LookupLemmas()


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The shared pipeline: tokenizer with lookup lemmas as norms, and a sentencizer (built once)."""
    nlp = spacy.blank("en")
    lemmas().install(nlp.vocab)
    nlp.add_pipe("sentencizer")
    return nlp


def parse(texts: Iterable[str], *, batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
    """spaCy Docs (tokens, with lemmas as norms) for texts, in order: the tokenizer alone.

    Lemmas come with the vocabulary, and the sentencizer is left out (walking
    Token objects costs a quarter of the time; `token_arrays` finds the same
    sentence boundaries with numpy), so no pipeline component needs to run.
    """
    return pipeline().tokenizer.pipe(texts, batch_size=batch_size)


def lemmatize_lower(lower: str) -> str:
    """The lemma of one lower-cased word ("crashing" -> "crash"); unknown words stay as they are."""
    return lemmas().lemma(lower)


def strings() -> "spacy.strings.StringStore":
    """The pipeline's string store, which resolves the hashes in token arrays."""
    return pipeline().vocab.strings


@dataclass(frozen=True)
class Tokens:
    """The tokens of a batch of docs as flat arrays, docs one after another.

    Doc i's tokens are `bounds[i]:bounds[i + 1]`. Only each token's word form,
    offset and lemma are read from the docs (one `to_array` call per doc); the
    rest is looked up per distinct word form (`types`), so the scoring path
    works on whole chunks with numpy instead of walking Token objects.
    """

    types: np.ndarray           # the distinct word forms (ORTH hashes, uint64), sorted
    type_of_token: np.ndarray   # for each token, its index in `types`
    lower: np.ndarray           # hashes of the lower-cased forms (uint64)
    norm: np.ndarray            # hashes of the lemmas (uint64)
    start: np.ndarray           # character offsets (int64)
    length: np.ndarray          # lengths in characters (int64)
    sentence_start: np.ndarray  # whether a token starts a sentence (bool)
    bounds: np.ndarray          # len(docs) + 1 token offsets (int64)

    @property
    def doc_of_token(self) -> np.ndarray:
        """For each token, the index of its doc."""
        return np.repeat(np.arange(len(self.bounds) - 1), np.diff(self.bounds))

    def sentences(self, doc: int) -> list[tuple[int, int]]:
        """(start, end) character offsets of each sentence of doc number `doc`."""
        first, last = int(self.bounds[doc]), int(self.bounds[doc + 1])
        starts = (first + np.flatnonzero(self.sentence_start[first:last])).tolist()
        ends = starts[1:] + [last]
        return [(int(self.start[a]), int(self.start[b - 1] + self.length[b - 1])) for a, b in zip(starts, ends)]


_LOWER, _LENGTH, _PUNCT, _FINAL = range(4)
_word_forms: dict[int, tuple[int, int, int, int]] = {}


def token_arrays(docs: Sequence[Doc]) -> Tokens:
    """Lower-cased form, lemma, offset, length and sentence starts of every token of `docs`, as flat arrays.

    Lemmas are read per token: a tokenizer exception has its own ("n't" -> "not").
    """
    arrays = [doc.to_array([ORTH, IDX, NORM]) for doc in docs]
    bounds = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in arrays], out=bounds[1:])
    table = np.concatenate(arrays).reshape(-1, 3) if arrays else np.empty((0, 3), dtype=np.uint64)
    types, type_of_token = np.unique(table[:, 0], return_inverse=True)
    type_of_token = type_of_token.reshape(-1)
    forms = _form_table(types)[type_of_token]
    return Tokens(types, type_of_token, forms[:, _LOWER], table[:, 2], table[:, 1].astype(np.int64),
                  forms[:, _LENGTH].astype(np.int64),
                  _sentence_starts(forms[:, _FINAL].astype(bool), forms[:, _PUNCT].astype(bool), bounds), bounds)


def _form_table(orths: np.ndarray) -> np.ndarray:
    """Per word form: lower-case hash, length, is punctuation, ends a sentence (cached)."""
    rows = []
    for orth in orths.tolist():
        row = _word_forms.get(orth)
        if row is None:
            lexeme = pipeline().vocab[orth]
            row = (lexeme.lower, len(lexeme.orth_), int(lexeme.is_punct),
                   int(lexeme.orth_ in _final_punctuation()))
            _word_forms[orth] = row
        rows.append(row)
    return np.array(rows, dtype=np.uint64).reshape(-1, 4)


def _sentence_starts(final: np.ndarray, is_punct: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """spaCy's Sentencizer rule over token arrays: a doc's first token starts a
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


@lru_cache(maxsize=1)
def _final_punctuation() -> frozenset[str]:
    return frozenset(pipeline().get_pipe("sentencizer").punct_chars)


@dataclass(frozen=True)
class TextAnalysis:
    """Tokens of one text with their lemmas, character offsets and sentence spans."""

    tokens: tuple[str, ...]
    lemmas: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]
    sentences: tuple[tuple[int, int], ...]


def analyse(texts: Iterable[str]) -> list[TextAnalysis]:
    """Tokens, lemmas, token offsets and sentence offsets for a batch of texts."""
    docs = list(parse(texts))
    tokens = token_arrays(docs)
    return [TextAnalysis(tuple(t.text for t in doc), tuple(t.norm_ for t in doc),
                         tuple((t.idx, t.idx + len(t.text)) for t in doc), tuple(tokens.sentences(i)))
            for i, doc in enumerate(docs)]
