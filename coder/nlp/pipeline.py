"""The one spaCy pipeline the library uses, with lookup lemmas as word norms.

`spacy.blank("en")` with lookup lemmas (the English table from
spacy-lookups-data) and a sentencizer; no model is downloaded. A word's lemma,
looked up from its lower-cased form ("Crashing" -> "crash"), is stored as its
NORM when the word enters the vocabulary, so a token's lemma is its norm and
costs nothing per token. Tokenizer exceptions keep their own norms ("n't" -> "not").
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.attrs import IS_PUNCT, LOWER, NORM
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.vocab import Vocab


class LookupLemmas:
    """Lemmas from spaCy's English lookup table (spacy-lookups-data), as each word's NORM."""

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
    """The shared pipeline: tokenizer with lookup lemmas as norms, and a sentencizer (built once).

    Its new words carry only LOWER, NORM and IS_PUNCT (see `new_pipeline`):
    `is_space`, `like_num`, `shape_` and the like read as empty or false.
    """
    return new_pipeline()


def new_pipeline() -> Language:
    """A pipeline like `pipeline()` with a vocabulary of its own.

    Only the word attributes coder reads are computed for new words: the
    lemma (NORM), LOWER and IS_PUNCT (the sentencizer's rule). spaCy computes
    some twenty (shape, like_num, like_url ...) for every word it has not
    seen, which on a corpus with many new words cost more than tokenizing.
    """
    nlp = spacy.blank("en")
    getters = nlp.vocab.lex_attr_getters
    for attr in [a for a in getters if a not in (LOWER, NORM, IS_PUNCT)]:
        del getters[attr]
    lemmas().install(nlp.vocab)
    nlp.add_pipe("sentencizer")
    return nlp


def lemmatize_lower(lower: str) -> str:
    """The lemma of one lower-cased word ("crashing" -> "crash"); unknown words stay as they are."""
    return lemmas().lemma(lower)


@lru_cache(maxsize=1)
def final_punctuation() -> frozenset[str]:
    """The marks after which the sentencizer starts a new sentence."""
    return frozenset(pipeline().get_pipe("sentencizer").punct_chars)
