"""Sparse text features: lemma unigrams and bigrams, and character n-grams.

Built for speed on large corpora. Everything a word contributes (its lemma's
column, its character n-gram columns) is worked out once per word type and
cached; a batch of docs then becomes a few numpy operations over token arrays
(no per-token Python), so featurising costs little beyond spaCy's tokenizer.

Two blocks, each TF-IDF weighted (sublinear term frequency, smoothed IDF fitted
on the whole corpus, coded or not) and L2-normalised per text:
- words: lemma unigrams and adjacent-lemma bigrams;
- chars: character 3- to 5-grams inside each word (padded with spaces), which
  carry spelling variants and word parts the lemma table does not know.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp
from spacy.tokens import Doc

from coder.nlp import Tokens, lemmatize_lower, strings, token_arrays

CHAR_NGRAMS = (3, 5)


class Featurizer:
    """Learns a vocabulary and IDF weights from a corpus, then turns docs into sparse rows."""

    def __init__(self, *, min_df: int = 2, char_weight: float = 1.0):
        self.min_df = min_df
        self.char_weight = char_weight
        self.words: list[str] = []
        self.chars: list[str] = []

    # -- fitting -------------------------------------------------------------

    def fit(self, docs: Sequence[Doc]) -> "Featurizer":
        """Choose the vocabulary (features in at least `min_df` texts) and IDF weights.

        Vectorised like `transform`: each distinct word form is lemmatised and
        cut into character n-grams once; document frequencies come from
        de-duplicated (doc, feature) pairs. Columns are in alphabetical order.
        """
        min_df = self.min_df if len(docs) >= 20 else 1
        n = len(docs)
        tokens = token_arrays(docs)
        doc = tokens.doc_of_token
        lowers = [strings()[h].lower() for h in tokens.types.tolist()]
        form_lemmas = [lemmatize_lower(lower) if lower.strip() else None for lower in lowers]
        lemma_names = sorted({lemma for lemma in form_lemmas if lemma is not None})
        lemma_index = {lemma: i for i, lemma in enumerate(lemma_names)}
        form_lemma = np.array([-1 if lemma is None else lemma_index[lemma] for lemma in form_lemmas], dtype=np.int64)
        token_lemma = form_lemma[tokens.type_of_token]
        lemma_df = np.zeros(len(lemma_names), dtype=np.int64)
        found, counts = _document_frequency(doc, token_lemma)
        lemma_df[found] = counts
        keep_lemma = np.flatnonzero(lemma_df >= min_df)
        self.words = [lemma_names[i] for i in keep_lemma.tolist()]
        self._word_col = {w: i for i, w in enumerate(self.words)}
        u = self._n_unigrams = len(self.words)
        remap = np.full(len(lemma_names) + 1, -1, dtype=np.int64)  # the last entry maps "no lemma" (-1)
        remap[keep_lemma] = np.arange(u)
        token_word = remap[token_lemma]
        first, second = token_word[:-1], token_word[1:]
        valid = (first >= 0) & (second >= 0) & (doc[:-1] == doc[1:])
        keys, key_df = _document_frequency(doc[:-1][valid], first[valid] * u + second[valid])
        self._bigram_keys = keys[key_df >= min_df]
        word_df = np.concatenate([lemma_df[keep_lemma], key_df[key_df >= min_df]])
        self.words += [f"{self.words[k // u]} {self.words[k % u]}" for k in self._bigram_keys.tolist()]
        char_ids: dict[str, int] = {}
        form_chars = [np.array(sorted({char_ids.setdefault(g, len(char_ids)) for g in _char_ngrams(lower)}),
                               dtype=np.int64) if lower.strip() else np.empty(0, dtype=np.int64) for lower in lowers]
        doc_forms = sp.csr_matrix((np.ones(len(doc)), (doc, tokens.type_of_token)), shape=(n, len(lowers)))
        doc_chars = (doc_forms @ _rows_matrix(form_chars, len(char_ids))).tocsc()
        char_df = np.diff(doc_chars.indptr)  # documents per n-gram
        self.chars = sorted(g for g, i in char_ids.items() if char_df[i] >= min_df)
        self._char_col = {g: i for i, g in enumerate(self.chars)}
        self._word_idf = _idf(word_df, n)
        self._char_idf = _idf(char_df[[char_ids[g] for g in self.chars]], n)
        self._types: dict[int, tuple[int, np.ndarray]] = {}
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

    # -- transforming --------------------------------------------------------

    def word_type(self, orth: int) -> tuple[int, np.ndarray]:
        """A word form's unigram column (-1 if none) and character n-gram columns (cached)."""
        info = self._types.get(orth)
        if info is None:
            lower = strings()[orth].lower()
            if not lower.strip():
                info = (-1, np.empty(0, dtype=np.int64))
            else:
                cols = {self._char_col[g] for g in _char_ngrams(lower) if g in self._char_col}
                info = (self._word_col.get(lemmatize_lower(lower), -1),
                        np.fromiter(sorted(cols), dtype=np.int64, count=len(cols)))
            self._types[orth] = info
        return info

    def _form_columns(self, forms: np.ndarray) -> tuple[np.ndarray, sp.csr_matrix]:
        """For word forms (ORTH hashes): each one's unigram column (-1 if none) and
        character n-gram columns (a forms x chars matrix)."""
        infos = [self.word_type(h) for h in forms.tolist()]
        type_word = np.fromiter((i[0] for i in infos), dtype=np.int64, count=len(infos))
        return type_word, _rows_matrix([i[1] for i in infos], len(self.chars))

    def incidence(self, tokens: Tokens, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which columns the tokens of `docs` feed, as aligned (token index, column) arrays.

        A token feeds its word's column, its character n-gram columns and its
        bigram columns (a bigram is listed under both of its tokens). Token
        indices are positions in `tokens`. Used to explain scores (which words
        pushed them up), for a whole chunk's suggestions at once.
        """
        docs = np.asarray(docs, dtype=np.int64)
        lengths = tokens.bounds[docs + 1] - tokens.bounds[docs]
        token = concatenated_ranges(tokens.bounds[docs], lengths)
        if not len(token):
            return token, token.copy()
        used, inverse = np.unique(tokens.type_of_token[token], return_inverse=True)
        type_word, type_chars = self._form_columns(tokens.types[used])
        inverse = inverse.reshape(-1)
        word = type_word[inverse]
        has_word = np.flatnonzero(word >= 0)
        per_token = np.diff(type_chars.indptr)[inverse]
        char_entries = concatenated_ranges(type_chars.indptr[inverse], per_token)
        pieces = [(token[has_word], word[has_word]),
                  (np.repeat(token, per_token), type_chars.indices[char_entries] + len(self.words))]
        if len(self._bigram_keys) and len(token) > 1:
            doc = np.repeat(np.arange(len(docs)), lengths)
            same_doc = doc[1:] == doc[:-1]
            first = np.flatnonzero((word[:-1] >= 0) & (word[1:] >= 0) & same_doc)
            bigram, found = self._bigram_columns(word[first] * self._n_unigrams + word[first + 1])
            pieces += [(token[first[found]], bigram), (token[first[found] + 1], bigram)]
        return (np.concatenate([p[0] for p in pieces]).astype(np.int64),
                np.concatenate([p[1] for p in pieces]).astype(np.int64))

    def _bigram_columns(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The columns of the bigram keys that are in the vocabulary, and which keys those are."""
        pos = np.minimum(np.searchsorted(self._bigram_keys, keys), len(self._bigram_keys) - 1)
        found = self._bigram_keys[pos] == keys
        return self._n_unigrams + pos[found], found

    def transform(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        """One L2-normalised TF-IDF row per doc: [words | chars]."""
        return self.transform_tokens(token_arrays(docs))

    def transform_tokens(self, tokens: Tokens) -> sp.csr_matrix:
        """`transform` for docs already turned into token arrays."""
        return sp.hstack(self.transform_blocks(tokens), format="csr")

    def transform_blocks(self, tokens: Tokens) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The two blocks of `transform_tokens`, each L2-normalised: (words, chars)."""
        n = len(tokens.bounds) - 1
        doc_of_token = tokens.doc_of_token
        type_word, type_chars = self._form_columns(tokens.types)
        inverse = tokens.type_of_token
        words = self._word_counts(type_word[inverse], doc_of_token, n)
        doc_types = sp.csr_matrix((np.ones(len(inverse)), (doc_of_token, inverse)),
                                  shape=(n, type_chars.shape[0]))
        chars = (doc_types @ type_chars).tocsr()
        return _tfidf(words, self._word_idf), _tfidf(chars, self._char_idf, self.char_weight)

    def _word_counts(self, token_word: np.ndarray, doc_of_token: np.ndarray, n_docs: int) -> sp.csr_matrix:
        unigram = token_word >= 0
        rows, cols = [doc_of_token[unigram]], [token_word[unigram]]
        if len(self._bigram_keys) and len(token_word) > 1:
            first, second = token_word[:-1], token_word[1:]
            valid = (first >= 0) & (second >= 0) & (doc_of_token[:-1] == doc_of_token[1:])
            bigram, found = self._bigram_columns(first[valid] * self._n_unigrams + second[valid])
            rows.append(doc_of_token[:-1][valid][found])
            cols.append(bigram)
        rows_a, cols_a = np.concatenate(rows), np.concatenate(cols)
        return sp.csr_matrix((np.ones(len(rows_a)), (rows_a, cols_a)), shape=(n_docs, len(self.words)))


def _char_ngrams(lower: str) -> list[str]:
    padded = f" {lower} "
    low, high = CHAR_NGRAMS
    return [padded[i:i + k] for k in range(low, high + 1) for i in range(len(padded) - k + 1)]


def _document_frequency(doc: np.ndarray, feature: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct features (ids >= 0) of per-token (doc, feature) pairs, and how many docs have each."""
    keep = feature >= 0
    doc, feature = doc[keep], feature[keep]
    order = np.lexsort((feature, doc))
    doc, feature = doc[order], feature[order]
    first = np.ones(len(feature), dtype=bool)
    first[1:] = (doc[1:] != doc[:-1]) | (feature[1:] != feature[:-1])
    return np.unique(feature[first], return_counts=True)


def _rows_matrix(rows: list[np.ndarray], width: int) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    indices = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    return sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), width))


def concatenated_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The concatenation of range(start, start + count) for each pair, without a Python loop."""
    starts, counts = np.asarray(starts, dtype=np.int64), np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if not total:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return offsets + np.arange(total)


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
