"""Why a code was suggested: evidence with character offsets the UI can underline.

Evidence is a JSON object:
- `keywords`: the code's keywords found in the text, `{start, end, text}` each;
- `terms` (model engine): the content words that pushed the score up most
  (no stop word, punctuation or number: `coder.nlp.lexicon.is_content_word`),
  `{term, start, end, weight}` each, strongest first;
- `sentence` (model engine): `[start, end]` of the sentence whose words
  contributed most.
Offsets are Unicode code points into the response text.

Token contributions are worked out for a whole chunk at once (a sparse
product for the word features, a table per word type for the character
n-grams, values computed as the features are rather than looked up in
them), as a batch run explains every suggestion it stores, and the JSON
text is written directly (`evidence_json`), in the form `json.dumps` gives.
"""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import Sequence

import numpy as np

from coder.nlp import Tokens, concatenated_ranges
from coder.suggest.features import Featurizer
from coder.suggest.keywords import KeywordMatches

TOP_TERMS = 5


def token_contributions(featurizer: Featurizer, tokens: Tokens, docs: np.ndarray, scales: np.ndarray,
                        weights: np.ndarray) -> np.ndarray:
    """How much each token of `docs` adds to each model's decision value.

    `scales` are the docs' block scale factors (`Featurizer.transform_with_scales`,
    a row per doc), `weights` a (text columns x k) slice of the model
    coefficients. Returns one row per token of `docs` (their token ranges one
    after another) and k columns.

    A word feature's value is shared among the tokens that produce it
    (`Featurizer.word_shares`). A token's character n-grams are valued as in
    its word alone, once per word type (a token feeds about fifteen n-gram
    columns, so a value per token and n-gram is where explaining would spend
    its time); a word repeated in a text shares its n-grams' value as the
    features do (sublinear). So a text's token contributions add up to the
    text features' part of its decision value whenever its different words
    share no n-gram, and otherwise to within how far the counts of the
    n-grams they share are damped.
    """
    docs = np.asarray(docs, dtype=np.int64)
    scales = np.asarray(scales, dtype=float).reshape(len(docs), 2)
    lengths = tokens.bounds[docs + 1] - tokens.bounds[docs]
    weights = np.asarray(weights).reshape(featurizer.n_features, -1)
    words = featurizer.word_shares(tokens, docs, scales[:, 0]) @ weights
    doc = np.repeat(np.arange(len(docs)), lengths)
    types, type_of_token = np.unique(tokens.type_of_token[concatenated_ranges(tokens.bounds[docs], lengths)],
                                     return_inverse=True)
    type_of_token = type_of_token.reshape(-1)
    per_type = np.asarray(featurizer.char_values(tokens, types) @ weights)
    form = featurizer.forms(tokens)[types][type_of_token]   # "Printer" and "printer": one word's n-grams
    _, same, repeats = np.unique(doc * (int(form.max(initial=0)) + 1) + form, return_inverse=True, return_counts=True)
    m = repeats[same.reshape(-1)]
    return np.asarray(words) + per_type[type_of_token] * (scales[doc, 1] * (1.0 + np.log(m)) / m)[:, None]


def model_evidence(tokens: Tokens, docs: np.ndarray, contributions: np.ndarray, pairs: np.ndarray,
                   codes: np.ndarray) -> list[str]:
    """Terms and best sentence for model-engine suggestions, as JSON members, one per (doc, code) pair.

    `contributions` is `token_contributions` for `docs` (a column per code);
    pair k is doc `docs[pairs[k]]` and column `codes[k]`. Worked out for all
    pairs at once: each pair's tokens are ranked by contribution (ties in text
    order) and its sentences summed, with numpy over the concatenated token
    ranges. Each result is `"terms": [...], "sentence": [start, end]` (empty
    for a text without tokens), to go inside the evidence object.
    """
    doc_lengths = tokens.bounds[docs + 1] - tokens.bounds[docs]
    doc_rows = np.concatenate([[0], np.cumsum(doc_lengths)[:-1]]).astype(np.int64)
    lengths = doc_lengths[pairs]
    row = concatenated_ranges(doc_rows[pairs], lengths)
    token = concatenated_ranges(tokens.bounds[docs[pairs]], lengths)
    pair = np.repeat(np.arange(len(pairs)), lengths)
    value = contributions[row, codes[pair]]
    # Terms are the content words that pushed the score up: only those are ranked (by pair, strongest
    # first). Function words get weight too, from the word pairs and character n-grams they are in,
    # but say nothing of why the code; the sentence is still chosen on every token's contribution.
    content = tokens.lexicon().type_content.values[tokens.type_of_token[token]]
    pushed = np.flatnonzero((value > 0) & content)
    order = pushed[np.lexsort((-value[pushed], pair[pushed]))]
    # A word once, at its strongest ("client" and "clients" are one lemma): the terms are five words.
    _, norm_id = np.unique(tokens.norm[token[order]], return_inverse=True)
    _, first_seen = np.unique(pair[order] * (int(norm_id.max(initial=0)) + 1) + norm_id.reshape(-1),
                              return_index=True)
    order = order[np.sort(first_seen)]
    first_of_pair = np.concatenate([[0], np.cumsum(np.bincount(pair[order], minlength=len(pairs)))[:-1]])
    top = order[np.arange(len(order)) - first_of_pair[pair[order]] < TOP_TERMS]
    names = tokens.lexicon().norm_text
    starts = tokens.start[token[top]]
    terms = [f'{{"term": {encode_basestring(names[norm])}, "start": {a}, "end": {b}, "weight": {v!r}}}'
             for norm, a, b, v in zip(tokens.norm[token[top]].tolist(), starts.tolist(),
                                      (starts + tokens.length[token[top]]).tolist(), np.round(value[top], 4).tolist())]
    at = np.concatenate([[0], np.cumsum(np.bincount(pair[top], minlength=len(pairs)))]).tolist()
    sentence = np.cumsum(tokens.sentence_start) - 1
    n_sentences = int(sentence[-1]) + 1 if len(sentence) else 1
    key = pair * n_sentences + sentence[token]  # sorted: pairs in order, tokens in order within each
    unique, inverse = np.unique(key, return_inverse=True)
    sums = np.bincount(inverse.reshape(-1), weights=value, minlength=len(unique))
    unique_pair = unique // n_sentences
    best = np.lexsort((-sums, unique_pair))  # by pair, then the largest sum, then the earliest sentence
    is_first = np.ones(len(best), dtype=bool)
    is_first[1:] = unique_pair[best][1:] != unique_pair[best][:-1]
    first_token = np.flatnonzero(tokens.sentence_start)
    last_token = np.append(first_token[1:], len(tokens.start)) - 1
    sentences = [""] * len(pairs)
    for p, s in zip(unique_pair[best][is_first].tolist(), (unique[best][is_first] % n_sentences).tolist()):
        a, b = first_token[s], last_token[s]
        sentences[p] = f', "sentence": [{int(tokens.start[a])}, {int(tokens.start[b] + tokens.length[b])}]'
    return [f'"terms": [{", ".join(terms[at[p]:at[p + 1]])}]{sentences[p]}' if n else ""
            for p, n in enumerate(lengths.tolist())]


def evidence_json(texts: Sequence[str], tokens: Tokens, matches: KeywordMatches, docs: np.ndarray,
                  codes: np.ndarray, model: dict[tuple[int, int], str], fallback: np.ndarray) -> list[str]:
    """The evidence of each suggestion (text `docs[k]`, code `codes[k]`) as the JSON text stored.

    `model` holds the terms and sentence of model-engine suggestions (JSON
    members from `model_evidence`, by (text, code)); `fallback[k]` is the code's own
    threshold where suggestion k is only the text's best code (NaN elsewhere).
    The output is what `json.dumps(evidence, ensure_ascii=False)` makes.
    """
    first, count = matches.ranges(docs, codes)
    entries = concatenated_ranges(first, count)
    base = tokens.bounds[matches.doc[entries]]
    last = base + matches.end[entries] - 1
    starts = tokens.start[base + matches.start[entries]].tolist()
    ends = (tokens.start[last] + tokens.length[last]).tolist()
    spans = [f'{{"start": {a}, "end": {b}, "text": {encode_basestring(texts[d][a:b])}}}'
             for d, a, b in zip(matches.doc[entries].tolist(), starts, ends)]
    at = np.concatenate([[0], np.cumsum(count)]).tolist()
    keywords = [", ".join(spans[a:b]) for a, b in zip(at[:-1], at[1:])]
    extra = [""] * len(keywords)
    for k, (i, j) in enumerate(zip(docs.tolist(), codes.tolist())):
        if model.get((i, j)):
            extra[k] = ", " + model[i, j]
    for k in np.flatnonzero(~np.isnan(fallback)).tolist():
        extra[k] += f', "best_code": {{"code_threshold": {round(float(fallback[k]), 4)!r}}}'
    return [f'{{"keywords": [{k}]{e}}}' for k, e in zip(keywords, extra)]
