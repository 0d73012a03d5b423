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
from typing import Iterable, Iterator

import numpy as np
import spacy
from spacy.attrs import ORTH
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

    Sentences are left out (they cost a quarter of the time and scoring does
    not need them); `sentences(doc)` finds them for the few docs that do.
    """
    return pipeline().pipe(texts, batch_size=batch_size, disable=["sentencizer"])


def sentences(doc: Doc) -> list:
    """The sentence spans of a doc from `parse` (runs the sentencizer on it once)."""
    if not doc.has_annotation("SENT_START"):
        pipeline().get_pipe("sentencizer")(doc)
    return list(doc.sents)


def lemmatize_lower(lower: str) -> str:
    """The lemma of one lower-cased word ("crashing" -> "crash"); unknown words stay as they are."""
    return pipeline().get_pipe("coder_lemmatizer").lemma(lower)


def strings() -> "spacy.strings.StringStore":
    """The pipeline's string store, which resolves the hashes in token arrays."""
    return pipeline().vocab.strings


@dataclass(frozen=True)
class TextAnalysis:
    """Tokens of one text with their lemmas, character offsets and sentence spans."""

    tokens: tuple[str, ...]
    lemmas: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]
    sentences: tuple[tuple[int, int], ...]


def analyse(texts: Iterable[str]) -> list[TextAnalysis]:
    """Tokens, lemmas, token offsets and sentence offsets for a batch of texts."""
    return [TextAnalysis(tuple(t.text for t in doc), tuple(t.norm_ for t in doc),
                         tuple((t.idx, t.idx + len(t.text)) for t in doc),
                         tuple((s.start_char, s.end_char) for s in sentences(doc)))
            for doc in parse(texts)]
