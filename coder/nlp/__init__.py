"""Text analysis: spaCy's tokenizer with lookup lemmas, as flat token arrays.

`pipeline` is the one spaCy pipeline the library builds (`spacy.blank("en")`,
lookup lemmas as norms, a sentencizer; nothing is downloaded). `tokenize`
turns texts into `Tokens`, with the tokens spaCy's tokenizer gives, read
from a lexicon of the pieces of text seen so far (`coder.nlp.lexicon`).
"""

from coder.nlp.lexicon import shared_lexicon
from coder.nlp.pipeline import lemmatize_lower, pipeline
from coder.nlp.tokens import TextAnalysis, Tokens, analyse, concatenated_ranges, tokenize

__all__ = ["TextAnalysis", "Tokens", "analyse", "concatenated_ranges", "lemmatize_lower", "shared_lexicon",
           "pipeline", "tokenize"]
