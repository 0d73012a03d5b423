"""The text features: TF-IDF over lemma n-grams and character n-grams, checked against scikit-learn;
the per-code feature weighting by the coding."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from coder.nlp import analyse, concatenated_ranges, tokenize
import scipy.sparse as sp

from coder.suggest.features import WEIGHTED_FROM, WEIGHTING_SHARE, Featurizer, feature_weights, weighted_columns

TEXTS = ["Crashing systems crash again and again.", "The caseloads are high; case loads rise!",
         "Paperwork, paperwork  and more paperwork", "", "Systems crashed: ICS is down.",
         "caseload high", "Nothing to add"]


def _word_grams(text: str) -> list[str]:
    """Lemma unigrams and adjacent-lemma bigrams, whitespace tokens breaking bigrams."""
    (analysis,) = analyse([text])
    runs, run = [], []
    for token, lemma in zip(analysis.tokens, analysis.lemmas):
        if token.strip():
            run.append(lemma)
        else:
            runs.append(run)
            run = []
    runs.append(run)
    return [g for r in runs for g in r + [f"{a} {b}" for a, b in zip(r, r[1:])]]


def _char_grams(text: str) -> list[str]:
    (analysis,) = analyse([text])
    grams = []
    for token in analysis.tokens:
        if token.strip():
            padded = f" {token.lower()} "
            grams += sorted({padded[i:i + k] for k in range(3, 6) for i in range(len(padded) - k + 1)})
    return grams


@pytest.mark.parametrize("block, analyzer", [("words", _word_grams), ("chars", _char_grams)])
def test_each_block_is_the_tfidf_scikit_learn_computes(block, analyzer):
    tokens = tokenize(TEXTS)
    featurizer = Featurizer().fit(tokens)
    text = featurizer.transform(tokens)
    n_words = featurizer.n_word_features
    ours, names = ((text[:, :n_words], featurizer.words) if block == "words"
                   else (text[:, n_words:], featurizer.chars))
    reference = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, smooth_idf=True, norm="l2")
    expected = reference.fit_transform(TEXTS)
    assert sorted(names) == sorted(reference.vocabulary_)
    columns = [reference.vocabulary_[name] for name in names]
    assert ours.toarray() == pytest.approx(expected[:, columns].toarray())


def test_rare_features_are_dropped_once_the_corpus_is_large_enough():
    texts = [f"common words here, plus rareword{i}" for i in range(25)]
    featurizer = Featurizer().fit(tokenize(texts))
    assert "common" in featurizer.words and "common word" in featurizer.words
    assert not any(w.startswith("rareword") for w in featurizer.words)
    assert "d0 " not in featurizer.chars  # only in "rareword0"
    assert "rd1" in featurizer.chars       # in "rareword1" and "rareword10" to "rareword19"


def test_concatenated_ranges():
    assert concatenated_ranges(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist() == [5, 6, 9, 10, 11]
    assert concatenated_ranges(np.array([], dtype=int), np.array([], dtype=int)).tolist() == []


def test_features_that_tell_a_codes_texts_apart_weigh_more_once_there_are_enough_of_them():
    n = WEIGHTED_FROM
    y = np.r_[np.ones(n, dtype=bool), np.zeros(n, dtype=bool)]
    # Columns: on every text with the code only; on every text; on half of each side; on none.
    dense = np.zeros((2 * n, 4))
    dense[:n, 0] = 0.5
    dense[:, 1] = 0.3
    dense[::2, 2] = 0.2
    weights = feature_weights(sp.csr_matrix(dense), y)
    assert weights[0] > 1 + WEIGHTING_SHARE   # present on one side only: |log ratio| well above 1
    # Alike on both sides (in shares of each side's features): one weight, well below.
    assert weights[1] == pytest.approx(weights[2]) and weights[1] == pytest.approx(weights[3])
    assert 1 - WEIGHTING_SHARE <= weights[1] < weights[0] - 0.5
    weighted = weighted_columns(sp.csr_matrix(dense), weights)
    assert weighted.toarray() == pytest.approx(dense * weights)
    # One coded text short on either side: the ratios would be noise, so no weighting.
    assert feature_weights(sp.csr_matrix(dense[1:]), y[1:]) is None
    assert feature_weights(sp.csr_matrix(dense[:-1]), y[:-1]) is None
    assert weighted_columns(sp.csr_matrix(dense), None).toarray() == pytest.approx(dense)
