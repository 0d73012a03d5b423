"""Text analysis: the one spaCy pipeline the library uses.

`spacy.blank("en")` with a sentencizer and a lookup lemmatizer (the English
table from spacy-lookups-data); no model is downloaded. The lemmatizer looks up
the lower-cased form ("Crashing" -> "crash") once per distinct word and stores
it as the word's NORM, so a token's lemma is `token.norm_` and costs nothing
per token: scoring a large corpus stays close to the speed of spaCy's bare
tokenizer.

Character offsets (`Token.idx`, sentence `start_char`) are Python string
indices, i.e. Unicode code points, which is what the project stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, Sequence

import numpy as np
import spacy
from spacy.attrs import IDX, IS_PUNCT, LENGTH, LOWER, NORM, ORTH
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc
from spacy.util import minibatch

BATCH_SIZE = 1000


class LookupLemmatizer:
    """Sets each word's lemma, looked up from its lower-cased form, as its NORM.

    The lemma is stored on the vocabulary entry (`Lexeme.norm_`), once per
    distinct word form, so a token's `norm_` is its lemma ("Crashing" ->
    "crash") at no per-token cost; tokenizer exceptions keep their own norms
    ("n't" -> "not"). Batches are handled with one pass over their distinct forms.
    """

    def __init__(self, nlp: Language):
        self.vocab = nlp.vocab
        self.table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self.done: set[int] = set()

    def lemma(self, lower: str) -> str:
        """The lemma of one lower-cased word; unknown words are their own lemma."""
        return self.table.get(lower, lower)

    def _annotate(self, orths: np.ndarray) -> None:
        for orth in np.unique(orths).tolist():
            if orth not in self.done:
                lexeme = self.vocab[orth]
                lexeme.norm_ = self.lemma(lexeme.lower_)
                self.done.add(orth)

    def __call__(self, doc: Doc) -> Doc:
        self._annotate(doc.to_array(ORTH))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            if batch:
                self._annotate(np.concatenate([doc.to_array(ORTH) for doc in batch]))
            yield from batch


@Language.factory("coder_lemmatizer")
def _make_lemmatizer(nlp: Language, name: str) -> LookupLemmatizer:
    return LookupLemmatizer(nlp)


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The shared pipeline: tokenizer, lookup lemmatizer, sentencizer (built once)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("coder_lemmatizer")
    nlp.add_pipe("sentencizer")
    return nlp


def parse(texts: Iterable[str], *, batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
    """spaCy Docs (tokens and lemmas) for texts, in order, via `nlp.pipe`.

    The sentencizer is left out (walking Token objects costs a quarter of the
    time); `token_arrays` finds the same sentence boundaries with numpy.
    """
    return pipeline().pipe(texts, batch_size=batch_size, disable=["sentencizer"])


def lemmatize_lower(lower: str) -> str:
    """The lemma of one lower-cased word ("crashing" -> "crash"); unknown words stay as they are."""
    return pipeline().get_pipe("coder_lemmatizer").lemma(lower)


def strings() -> "spacy.strings.StringStore":
    """The pipeline's string store, which resolves the hashes in token arrays."""
    return pipeline().vocab.strings


@dataclass(frozen=True)
class Tokens:
    """The tokens of a batch of docs as flat arrays, docs one after another.

    Doc i's tokens are `bounds[i]:bounds[i + 1]`. Built with one `to_array`
    call per doc, so the scoring path works on whole chunks with numpy instead
    of walking Token objects.
    """

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


def token_arrays(docs: Sequence[Doc]) -> Tokens:
    """Lower-cased form, lemma, offset, length and sentence starts of every token of `docs`, as flat arrays."""
    arrays = [doc.to_array([LOWER, NORM, IDX, LENGTH, ORTH, IS_PUNCT]) for doc in docs]
    bounds = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in arrays], out=bounds[1:])
    table = np.concatenate(arrays) if arrays else np.empty((0, 6), dtype=np.uint64)
    table = table.reshape(-1, 6)
    starts = _sentence_starts(table[:, 4], table[:, 5].astype(bool), bounds)
    return Tokens(table[:, 0], table[:, 1], table[:, 2].astype(np.int64), table[:, 3].astype(np.int64),
                  starts, bounds)


def _sentence_starts(orth: np.ndarray, is_punct: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """spaCy's Sentencizer rule over token arrays: a doc's first token starts a
    sentence, and so does the first token after sentence-final punctuation that
    is not punctuation itself."""
    final = np.isin(orth, _final_punctuation())
    other = np.flatnonzero(~final & ~is_punct)
    starts = np.zeros(len(orth), dtype=bool)
    starts[bounds[:-1][np.diff(bounds) > 0]] = True
    if len(other):
        doc = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))[other]
        same_doc = np.concatenate([[False], doc[1:] == doc[:-1]])
        since = np.where(same_doc, np.concatenate([[0], other[:-1] + 1]), bounds[doc])
        finals_before = np.concatenate([[0], np.cumsum(final)])
        starts[other[finals_before[other] > finals_before[since]]] = True
    return starts


@lru_cache(maxsize=1)
def _final_punctuation() -> np.ndarray:
    nlp = pipeline()
    return np.array([nlp.vocab.strings.add(c) for c in nlp.get_pipe("sentencizer").punct_chars], dtype=np.uint64)


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
