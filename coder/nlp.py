"""Text analysis: the one spaCy pipeline the library uses.

`spacy.blank("en")` with a sentencizer and a lookup lemmatizer (the English
table from spacy-lookups-data); no model is downloaded. The lemmatizer looks up
the lower-cased form ("Crashing" -> "crash") and caches each word type, so it
costs one dictionary look-up per token: scoring a large corpus stays close to
the speed of spaCy's bare tokenizer.

Character offsets (`Token.idx`, sentence `start_char`) are Python string
indices, i.e. Unicode code points, which is what the project stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

import numpy as np
import spacy
from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc

BATCH_SIZE = 1000


class LookupLemmatizer:
    """Assigns `Token.lemma_` from the lookup table, keyed by the lower-cased form."""

    def __init__(self, nlp: Language):
        self.strings = nlp.vocab.strings
        self.table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self.cache: dict[int, int] = {}

    def lemma_hash(self, lower_hash: int) -> int:
        """The lemma (as a string-store hash) of a lower-cased word (as a hash)."""
        lemma = self.cache.get(lower_hash)
        if lemma is None:
            lower = self.strings[lower_hash]
            lemma = self.strings.add(self.table.get(lower, lower))
            self.cache[lower_hash] = lemma
        return lemma

    def __call__(self, doc: Doc) -> Doc:
        if len(doc):
            get = self.cache.get
            lowers = doc.to_array(LOWER).tolist()
            lemmas = [get(h) or self.lemma_hash(h) for h in lowers]
            doc.from_array([LEMMA], np.asarray(lemmas, dtype=np.uint64).reshape(-1, 1))
        return doc


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
    """spaCy Docs (tokens, lemmas, sentences) for texts, in order, via `nlp.pipe`."""
    return pipeline().pipe(texts, batch_size=batch_size)


def lemmatize_lower(lower: str) -> str:
    """The lemma of one lower-cased word ("crashing" -> "crash"); unknown words stay as they are."""
    return pipeline().get_pipe("coder_lemmatizer").table.get(lower, lower)


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
    return [TextAnalysis(tuple(t.text for t in doc), tuple(t.lemma_ for t in doc),
                         tuple((t.idx, t.idx + len(t.text)) for t in doc),
                         tuple((s.start_char, s.end_char) for s in doc.sents))
            for doc in parse(texts)]
