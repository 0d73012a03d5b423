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

A code's model may weigh the features further by how well each tells the code's
coded texts from the others (`feature_weights`), once there are enough of both.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from coder.nlp import Tokens, concatenated_ranges, lemmatize_lower
from coder.nlp.lexicon import Lexicon
from coder.nlp.lexicon import GrowingArray
from coder.suggest.lookup import KeyIndex

CHAR_NGRAMS = (3, 5)
# Feature weighting by the coding (`feature_weights`): from this many coded texts on each
# side of a code, and how far a feature's weight moves with its log-count ratio (a
# quarter, as NBSVM interpolates towards naive Bayes, by default; training may choose
# another share per project). With fewer texts the ratios are noise: weighting cost the
# demo's codes (5-37 positives) 0.01-0.03 micro F1.
WEIGHTED_FROM = 50
WEIGHTING_SHARE = 0.25


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
        names = tokens.lexicon().type_text
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
        self._idf = np.concatenate([_idf(word_df, n), _idf(char_df[[char_ids[g] for g in self.chars]], n)])
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

    def type_columns(self, lower: str) -> tuple[int, list[int]]:
        """A lower-cased word form's unigram column (-1 if none) and character n-gram columns."""
        if not lower.strip():
            return -1, []
        return (self._word_col.get(lemmatize_lower(lower), -1),
                sorted({self._char_col[g] for g in _char_ngrams(lower) if g in self._char_col}))

    # -- transforming --------------------------------------------------------

    def transform(self, tokens: Tokens) -> sp.csr_matrix:
        """One TF-IDF row per text, [words | chars], each block L2-normalised."""
        return self.transform_with_scales(tokens)[0]

    def transform_with_scales(self, tokens: Tokens) -> tuple[sp.csr_matrix, np.ndarray]:
        """`transform`, and per text the factors its two blocks were scaled by (a column each:
        one over the word block's norm, `char_weight` over the n-gram block's), which
        explaining scores needs (`word_shares`, `char_values`).

        All counts come from one sparse product: a text's row of the left
        factor lists its tokens' types and its known bigrams, and the right
        factor (`_TypeColumns`) maps a bigram to its column and a type to its
        unigram and character n-gram columns; scipy sums repeats as it multiplies.
        """
        n = len(tokens)
        type_word, features = self._types.arrays(tokens)
        types = tokens.type_of_token
        word = type_word[types]
        # Two entries per token: its type, then the bigram it starts (or none).
        entry = np.full(2 * len(types), -1, dtype=np.int64)
        entry[0::2] = len(self._bigrams) + types
        first, bigram = self._known_bigrams(word, tokens.doc_of_token)
        entry[2 * first + 1] = bigram
        kept = entry >= 0
        indptr = np.concatenate([[0], np.cumsum(kept)])[2 * tokens.bounds]
        left = sp.csr_matrix((np.ones(int(indptr[-1])), entry[kept], indptr), shape=(n, features.shape[0]))
        return _tfidf(left @ features, self._idf, len(self.words), self.char_weight)

    def word_shares(self, tokens: Tokens, docs: np.ndarray, word_scale: np.ndarray) -> sp.csr_matrix:
        """Each token's share of its text's word features: one row per token of `docs` (their
        token ranges one after another), so a text's rows add up to its word block.

        A token shares its lemma's value with the text's other tokens of that
        lemma and a bigram's with the other tokens of the bigram (both of its
        words, each time it occurs). `word_scale` is each doc's word block scale
        factor (`transform_with_scales`), so the values are worked out as
        `transform` does, without looking them up in the text rows.
        """
        docs = np.asarray(docs, dtype=np.int64)
        lengths = tokens.bounds[docs + 1] - tokens.bounds[docs]
        types = tokens.type_of_token[concatenated_ranges(tokens.bounds[docs], lengths)]
        type_word, _ = self._types.arrays(tokens)
        word = type_word[types]
        doc = np.repeat(np.arange(len(docs)), lengths)
        has_word = np.flatnonzero(word >= 0)
        first, bigram = self._known_bigrams(word, doc)
        row = np.concatenate([has_word, first, first + 1]).astype(np.int64)
        column = np.concatenate([word[has_word], self._n_unigrams + bigram, self._n_unigrams + bigram])
        _, same, incidences = np.unique(doc[row] * len(self.words) + column, return_inverse=True,
                                        return_counts=True)
        per_text = incidences[same.reshape(-1)]
        count = per_text / np.where(column < self._n_unigrams, 1, 2)   # a bigram is listed under two tokens
        value = (np.log(count) + 1.0) * self._idf[column] * np.asarray(word_scale, dtype=float)[doc[row]]
        return sp.csr_matrix((value / per_text, (row, column)), shape=(len(types), self.n_features))

    def forms(self, tokens: Tokens) -> np.ndarray:
        """Per lexicon type, the id of its lower-cased form: types of one form feed the same
        n-gram columns."""
        return self._types.forms(tokens)

    def char_values(self, tokens: Tokens, types: np.ndarray) -> sp.csr_matrix:
        """Per lexicon type in `types`, what one token of it adds to a text's n-gram columns
        before the text's scaling: the IDF of each n-gram it has (a row per type)."""
        _, features = self._types.arrays(tokens)
        rows = features[len(self._bigrams) + np.asarray(types, dtype=np.int64)]
        rows.data = self._idf[rows.indices] * (rows.indices >= len(self.words))
        rows.eliminate_zeros()
        return rows

    def _known_bigrams(self, word: np.ndarray, doc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where the vocabulary's bigrams start among tokens (`word`: each token's unigram column,
        `doc`: its text), and which bigram each is (its index among the bigrams)."""
        empty = np.zeros(0, dtype=np.int64)
        if not len(self._bigrams) or len(word) < 2:
            return empty, empty
        first = np.flatnonzero((word[:-1] >= 0) & (word[1:] >= 0) & (doc[:-1] == doc[1:]))
        bigram = self._bigrams.find(word[first] * self._n_unigrams + word[first + 1])
        found = bigram >= 0
        return first[found], bigram[found]


class _TypeColumns:
    """The right factor of `Featurizer.transform`, extended as the lexicon grows.

    Row b < (number of bigrams) is bigram b's column; row (bigrams + t) holds
    lexicon type t's unigram column and character n-gram columns. Also each
    type's unigram column (-1 if none) on its own.
    """

    def __init__(self, featurizer: Featurizer):
        self._featurizer = featurizer
        self._generation = -1

    def arrays(self, tokens: Tokens) -> tuple[np.ndarray, sp.csr_matrix]:
        """(unigram column per type, the right factor) for every type in the lexicon of `tokens`."""
        self._extend(tokens.lexicon())
        return self._word.values, self._features

    def forms(self, tokens: Tokens) -> np.ndarray:
        """Per type in the lexicon of `tokens`, the id of its lower-cased form (shared by "Printer"
        and "printer", whose n-grams are one and the same)."""
        self._extend(tokens.lexicon())
        return self._form.values

    def _extend(self, lex: Lexicon) -> None:
        generation = lex.generation
        featurizer = self._featurizer
        n_words, n_bigrams = len(featurizer.words), len(featurizer._bigrams)
        if self._generation != generation:
            self._generation = generation
            self._word, self._indptr, self._indices = (GrowingArray(np.int64), GrowingArray(np.int64),
                                                       GrowingArray(np.int64))
            self._form, self._form_ids = GrowingArray(np.int64), {}
            self._indptr.extend(np.arange(n_bigrams + 1))
            self._indices.extend(featurizer._n_unigrams + np.arange(n_bigrams))
            self._features = None
        known = self._word.size
        if known == len(lex.type_text) and self._features is not None:
            return
        words, columns, forms = [], [], []
        for text in lex.type_text[known:]:
            lower = text.lower()
            word, chars = featurizer.type_columns(lower)
            words.append(word)
            forms.append(self._form_ids.setdefault(lower, len(self._form_ids)))
            columns.append(([word] if word >= 0 else []) + [n_words + c for c in chars])
        self._word.extend(words)
        self._form.extend(forms)
        self._indptr.extend(self._indices.size + np.cumsum([len(c) for c in columns], dtype=np.int64))
        self._indices.extend([c for row in columns for c in row])
        indices, indptr = self._indices.values, self._indptr.values
        self._features = sp.csr_matrix((np.ones(len(indices)), indices, indptr),
                                       shape=(n_bigrams + self._word.size, featurizer.n_features))


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


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray, n_words: int,
           char_weight: float) -> tuple[sp.csr_matrix, np.ndarray]:
    """Sublinear TF-IDF, in place (counts without repeated entries): in each row the word
    columns (< n_words) are scaled to length 1 and the n-gram columns to `char_weight`.
    Also returns each row's two scale factors (words, n-grams)."""
    data = np.log(counts.data)
    data += 1.0
    data *= idf[counts.indices]
    is_word = counts.indices < n_words
    squares = data * data
    lengths = np.diff(counts.indptr)
    total, words = _row_sums(squares, counts.indptr), _row_sums(squares * is_word, counts.indptr)
    word_norms, char_norms = np.sqrt(words), np.sqrt(np.maximum(total - words, 0.0))
    word_norms[word_norms == 0] = 1.0
    char_norms[char_norms == 0] = 1.0
    char_scale = np.repeat(char_weight / char_norms, lengths)
    data *= char_scale + is_word * (np.repeat(1.0 / word_norms, lengths) - char_scale)
    counts.data = data
    return counts, np.column_stack([1.0 / word_norms, char_weight / char_norms])


def _row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """The sum of each CSR row's values (0 for an empty row)."""
    sums = np.zeros(len(indptr) - 1)
    filled = np.flatnonzero(np.diff(indptr) > 0)
    if len(filled):
        sums[filled] = np.add.reduceat(values, indptr[filled])
    return sums


def feature_weights(text: sp.csr_matrix, y: np.ndarray, share: float = WEIGHTING_SHARE) -> np.ndarray | None:
    """Per feature, how much it weighs in a code's model: 1 - s + s |r|, with r its log-count
    ratio (the smoothed share of the code's texts that have it against the share of the other
    texts, as in naive Bayes) and s `share`. A feature that tells the code's texts
    apart weighs more (its coefficient is penalised less), one found on both alike less.
    None (no weighting) with fewer than `WEIGHTED_FROM` coded texts on either side."""
    y = np.asarray(y, dtype=bool)
    if min(int(y.sum()), int((~y).sum())) < WEIGHTED_FROM:
        return None
    present = sp.csr_matrix((np.ones(text.nnz), text.indices, text.indptr), shape=text.shape)
    # Texts having each feature, with the code and in all (two products, no copies of rows).
    having = np.asarray(y.astype(float) @ present).ravel()
    with_code = having + 1.0
    without = np.asarray(present.sum(axis=0)).ravel() - having + 1.0
    ratio = np.log(with_code / with_code.sum()) - np.log(without / without.sum())
    return 1.0 - share + share * np.abs(ratio)


def weighted_columns(text: sp.csr_matrix, weights: np.ndarray | None) -> sp.csr_matrix:
    """`text` with each feature column multiplied by its weight (as it is, for None)."""
    if weights is None:
        return text
    weighted = text.copy()
    weighted.data = weighted.data * weights[weighted.indices]
    return weighted
