"""Sparse text features: lemma unigrams and bigrams, and character n-grams.

Built for speed on large corpora. Everything a word type contributes (its
lemma's column, its character n-gram columns) is worked out once per type of
the lexicon and kept in arrays indexed by type id; a batch of texts then
becomes a few numpy and scipy operations over token arrays (no per-token
Python), so featurising costs little beyond tokenizing.

Two blocks, each TF-IDF weighted (sublinear term frequency, smoothed IDF fitted
on the whole corpus, coded or not) and L2-normalised per text:
- words: lemma unigrams and adjacent-lemma bigrams;
- chars: character 3- to 5-grams inside each word (padded with spaces), which
  carry spelling variants and word parts the lemma table does not know.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from coder.nlp import Tokens, concatenated_ranges, lemmatize_lower, shared_lexicon
from coder.nlp.lexicon import GrowingArray
from coder.suggest.lookup import KeyIndex

CHAR_NGRAMS = (3, 5)


class Featurizer:
    """Learns a vocabulary and IDF weights from a corpus, then turns token arrays into sparse rows."""

    def __init__(self, *, min_df: int = 2, char_weight: float = 1.0):
        self.min_df = min_df
        self.char_weight = char_weight
        self.words: list[str] = []
        self.chars: list[str] = []

    # -- fitting -------------------------------------------------------------

    def fit(self, tokens: Tokens) -> "Featurizer":
        """Choose the vocabulary (features in at least `min_df` texts) and IDF weights.

        Vectorised like `transform`: each distinct word type is lemmatised and
        cut into character n-grams once; document frequencies come from
        de-duplicated (doc, feature) pairs. Columns are in alphabetical order.
        """
        n = len(tokens)
        min_df = self.min_df if n >= 20 else 1
        doc = tokens.doc_of_token
        used, type_of_token = np.unique(tokens.type_of_token, return_inverse=True)
        type_of_token = type_of_token.reshape(-1)
        # A text's rows of the (text x form) count matrix are its tokens' forms:
        # products with it sum the repeated ones.
        doc_forms = sp.csr_matrix((np.ones(len(doc)), type_of_token, tokens.bounds), shape=(n, len(used)))
        names = shared_lexicon().type_text
        lowers = [names[t].lower() for t in used.tolist()]
        form_lemmas = [lemmatize_lower(lower) if lower.strip() else None for lower in lowers]
        lemma_names = sorted({lemma for lemma in form_lemmas if lemma is not None})
        lemma_index = {lemma: i for i, lemma in enumerate(lemma_names)}
        form_lemma = np.array([-1 if lemma is None else lemma_index[lemma] for lemma in form_lemmas], dtype=np.int64)
        has_lemma = form_lemma >= 0
        form_lemmas_matrix = sp.csr_matrix((np.ones(int(has_lemma.sum())), form_lemma[has_lemma],
                                            np.concatenate([[0], np.cumsum(has_lemma)])),
                                           shape=(len(lowers), len(lemma_names)))
        lemma_df = _column_df(doc_forms @ form_lemmas_matrix)
        keep_lemma = np.flatnonzero(lemma_df >= min_df)
        self.words = [lemma_names[i] for i in keep_lemma.tolist()]
        self._word_col = {w: i for i, w in enumerate(self.words)}
        u = self._n_unigrams = len(self.words)
        remap = np.full(len(lemma_names) + 1, -1, dtype=np.int64)  # the last entry maps "no lemma" (-1)
        remap[keep_lemma] = np.arange(u)
        token_word = remap[form_lemma[type_of_token]]
        first, second = token_word[:-1], token_word[1:]
        valid = (first >= 0) & (second >= 0) & (doc[:-1] == doc[1:])
        keys, key_df = _document_frequency(doc[:-1][valid], first[valid] * u + second[valid])
        self._bigrams = KeyIndex(keys[key_df >= min_df])
        word_df = np.concatenate([lemma_df[keep_lemma], key_df[key_df >= min_df]])
        self.words += [f"{self.words[k // u]} {self.words[k % u]}" for k in self._bigrams.keys.tolist()]
        char_ids: dict[str, int] = {}
        form_chars = [np.array(sorted({char_ids.setdefault(g, len(char_ids)) for g in _char_ngrams(lower)}),
                               dtype=np.int64) if lower.strip() else np.empty(0, dtype=np.int64) for lower in lowers]
        char_df = _column_df(doc_forms @ _rows_matrix(form_chars, len(char_ids)))
        self.chars = sorted(g for g, i in char_ids.items() if char_df[i] >= min_df)
        self._char_col = {g: i for i, g in enumerate(self.chars)}
        self._word_idf = _idf(word_df, n)
        self._char_idf = _idf(char_df[[char_ids[g] for g in self.chars]], n)
        self._types = _TypeColumns(self)
        return self

    @property
    def n_features(self) -> int:
        """Columns of a transformed matrix: words, then character n-grams."""
        return len(self.words) + len(self.chars)

    @property
    def n_word_features(self) -> int:
        """Columns of the word block (the first columns)."""
        return len(self.words)

    def feature_name(self, column: int) -> str:
        """A readable name for a column (a lemma, a lemma pair, or a quoted n-gram)."""
        if column < len(self.words):
            return self.words[column]
        return repr(self.chars[column - len(self.words)])

    def type_columns(self, lower: str) -> tuple[int, list[int]]:
        """A lower-cased word form's unigram column (-1 if none) and character n-gram columns."""
        if not lower.strip():
            return -1, []
        return (self._word_col.get(lemmatize_lower(lower), -1),
                sorted({self._char_col[g] for g in _char_ngrams(lower) if g in self._char_col}))

    # -- transforming --------------------------------------------------------

    def transform(self, tokens: Tokens) -> sp.csr_matrix:
        """One L2-normalised TF-IDF row per text: [words | chars]."""
        return sp.hstack(self.transform_blocks(tokens), format="csr")

    def transform_blocks(self, tokens: Tokens) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The two blocks of `transform`, each L2-normalised: (words, chars)."""
        n = len(tokens)
        type_word, type_chars = self._types.arrays(tokens.generation)
        words = self._word_counts(type_word[tokens.type_of_token], tokens.doc_of_token, n)
        # A text's rows of the (text x type) count matrix are its tokens' types:
        # scipy sums the repeated ones as it multiplies.
        doc_types = sp.csr_matrix((np.ones(len(tokens.type_of_token)), tokens.type_of_token, tokens.bounds),
                                  shape=(n, type_chars.shape[0]))
        chars = doc_types @ type_chars
        return _tfidf(words, self._word_idf), _tfidf(chars, self._char_idf, self.char_weight)

    def incidence(self, tokens: Tokens, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which columns the tokens of `docs` feed, as aligned (token, column) arrays.

        Tokens are numbered through the token ranges of `docs`, one after
        another. A token feeds its word's column, its character n-gram columns
        and its bigram columns (a bigram is listed under both of its tokens).
        Used to explain scores (which words pushed them up), for a whole
        chunk's suggestions at once.
        """
        docs = np.asarray(docs, dtype=np.int64)
        lengths = tokens.bounds[docs + 1] - tokens.bounds[docs]
        types = tokens.type_of_token[concatenated_ranges(tokens.bounds[docs], lengths)]
        row = np.arange(len(types))
        if not len(types):
            return row, row.copy()
        type_word, type_chars = self._types.arrays(tokens.generation)
        word = type_word[types]
        has_word = np.flatnonzero(word >= 0)
        per_token = np.diff(type_chars.indptr)[types]
        char_entries = concatenated_ranges(type_chars.indptr[types], per_token)
        pieces = [(has_word, word[has_word]),
                  (np.repeat(row, per_token), type_chars.indices[char_entries] + len(self.words))]
        if len(self._bigrams) and len(types) > 1:
            doc = np.repeat(np.arange(len(docs)), lengths)
            same_doc = doc[1:] == doc[:-1]
            first = np.flatnonzero((word[:-1] >= 0) & (word[1:] >= 0) & same_doc)
            bigram, found = self._bigram_columns(word[first] * self._n_unigrams + word[first + 1])
            pieces += [(first[found], bigram), (first[found] + 1, bigram)]
        return (np.concatenate([p[0] for p in pieces]).astype(np.int64),
                np.concatenate([p[1] for p in pieces]).astype(np.int64))

    def _bigram_columns(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The columns of the bigram keys that are in the vocabulary, and which keys those are."""
        position = self._bigrams.find(keys)
        found = position >= 0
        return self._n_unigrams + position[found], found

    def _word_counts(self, token_word: np.ndarray, doc_of_token: np.ndarray, n_docs: int) -> sp.csr_matrix:
        unigram = token_word >= 0
        rows, cols = [doc_of_token[unigram]], [token_word[unigram]]
        if len(self._bigrams) and len(token_word) > 1:
            first, second = token_word[:-1], token_word[1:]
            valid = (first >= 0) & (second >= 0) & (doc_of_token[:-1] == doc_of_token[1:])
            bigram, found = self._bigram_columns(first[valid] * self._n_unigrams + second[valid])
            rows.append(doc_of_token[:-1][valid][found])
            cols.append(bigram)
        rows_a, cols_a = np.concatenate(rows), np.concatenate(cols)
        return sp.csr_matrix((np.ones(len(rows_a)), (rows_a, cols_a)), shape=(n_docs, len(self.words)))


class _TypeColumns:
    """Each lexicon type's unigram column and character n-gram columns, extended as the lexicon grows."""

    def __init__(self, featurizer: Featurizer):
        self._featurizer = featurizer
        self._generation = -1

    def arrays(self, generation: int) -> tuple[np.ndarray, sp.csr_matrix]:
        """(unigram column per type, types x n-gram columns matrix) for every type in the lexicon."""
        lex = shared_lexicon()
        if generation != lex.generation:
            raise RuntimeError("tokens from an earlier lexicon generation (hold the lexicon while using them)")
        if self._generation != generation:
            self._generation = generation
            self._word, self._indptr, self._indices = (GrowingArray(np.int64), GrowingArray(np.int64),
                                                       GrowingArray(np.int64))
            self._indptr.extend([0])
            self._matrix = None
        known = self._word.size
        if known < len(lex.type_text) or self._matrix is None:
            words, chars = [], []
            for text in lex.type_text[known:]:
                word, columns = self._featurizer.type_columns(text.lower())
                words.append(word)
                chars.append(columns)
            self._word.extend(words)
            self._indptr.extend(self._indices.size + np.cumsum([len(c) for c in chars], dtype=np.int64))
            self._indices.extend([c for columns in chars for c in columns])
            indices = self._indices.values
            self._matrix = sp.csr_matrix((np.ones(len(indices)), indices, self._indptr.values),
                                         shape=(self._word.size, len(self._featurizer.chars)))
        return self._word.values, self._matrix


def _char_ngrams(lower: str) -> list[str]:
    padded = f" {lower} "
    low, high = CHAR_NGRAMS
    return [padded[i:i + k] for k in range(low, high + 1) for i in range(len(padded) - k + 1)]


def _document_frequency(doc: np.ndarray, feature: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct features (ids >= 0) of per-token (doc, feature) pairs, and how many docs have each."""
    keep = feature >= 0
    doc, feature = doc[keep], feature[keep]
    span = int(feature.max()) + 1 if len(feature) else 1
    pairs = np.unique(doc * span + feature)   # each (doc, feature) once
    return np.unique(pairs % span, return_counts=True)


def _column_df(counts: sp.csr_matrix) -> np.ndarray:
    """Documents per column of a (doc x feature) count matrix with no repeated entries in a row."""
    return np.bincount(counts.indices, minlength=counts.shape[1])


def _rows_matrix(rows: list[np.ndarray], width: int) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    indices = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    return sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), width))


def _idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray, length: float = 1.0) -> sp.csr_matrix:
    """Sublinear TF-IDF with each row scaled to `length`, in place (counts without duplicates)."""
    data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    row_length = np.diff(counts.indptr)
    squares = np.bincount(np.repeat(np.arange(counts.shape[0]), row_length), weights=data * data,
                          minlength=counts.shape[0])
    norms = np.sqrt(squares)
    norms[norms == 0] = 1.0
    counts.data = data * np.repeat(length / norms, row_length)
    return counts
