"""The suggestion engine on tiny corpora where the right answer is obvious."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from coder.nlp import pipeline, tokenize
from coder.records import Code
from coder.suggest.evaluate import evaluate, overall_metrics, per_code_metrics
from coder.suggest.evidence import token_contributions
from coder.suggest.keyword_trust import COLD_START_PRECISION
from coder.suggest.unsuggested import why_unsuggested
from coder.suggest.keywords import KeywordMatcher
from coder.suggest.decide import decide
from coder.suggest.model import train
from coder.suggest.queue import diverse_order
from coder.suggest.scoring import suggest_texts, uncertainty
from coder.suggest.thresholds import best_f1_threshold, calibrate, fit_platt, half_best_f1_threshold
from suggest_fixtures import OTHER, PRINTER, codes, corpus


def test_keywords_match_on_lemmas_with_offsets_and_acronyms_as_written():
    code = Code("ics", "t", "2.2", "ICS", keywords=("system", "crash", "case load", "ICS", "IT"))
    matcher = KeywordMatcher([code])
    text = "Crashing systems: the ICS and my case loads; it is the IT."
    texts, labels = corpus()
    suggester = train(texts, np.zeros((len(texts), 1), dtype=bool), [code], engine="keywords")
    ((suggestion,),) = [r.suggestions for r in suggest_texts(suggester, ["x"], [text])]
    found = suggestion.evidence["keywords"]
    assert [(e["text"], text[e["start"]:e["end"]]) for e in found] == [
        ("Crashing", "Crashing"), ("systems", "systems"), ("ICS", "ICS"), ("case loads", "case loads"),
        ("IT", "IT")]
    assert matcher.counts(tokenize([text])).tolist() == [[5.0]]
    assert matcher.counts(tokenize(["the ics and it"])).tolist() == [[0.0]]
    # No keyword matched a coded text, so a match is worth the cold-start precision; distinct keywords add up
    # as independent chances, a keyword matched twice does not.
    scores = suggester.score_texts(["lunch", "a system crash", "crash crash crash", "nothing"])[:, 0]
    p = COLD_START_PRECISION
    assert scores == pytest.approx([0.0, 1 - (1 - p) ** 2, p, 0.0])


def test_keywords_matching_many_codes_per_response_are_trusted_less_before_any_coding():
    # 40 codes whose keywords are everyday words: each response matches about 20 of them, and a
    # response carries only a few codes, so a match cannot be right 36% of the time.
    words = ["staff", "time", "work", "team", "cases", "people", "support", "need"]
    many = [Code(f"c{k}", "t", f"1.{k}", f"Code {k}", keywords=(words[k % 8], words[(k * 3 + 1) % 8]))
            for k in range(40)]
    texts = ["the staff need time", "work with people in the team", "cases and support for people",
             "time at work", "team support is good", "staff cases need work"] * 5
    suggester = train([], np.zeros((0, len(many)), dtype=bool), many, corpus=texts, engine="keywords")
    per_response = suggester.trust.codes_per_response
    assert per_response > 10
    assert suggester.trust.prior == pytest.approx(1 / per_response)
    scores = suggester.score_texts(["the staff need time"])[0]
    matched = scores > 0
    assert matched.sum() > 10 and (scores[matched] < suggester.thresholds[matched]).all()
    assert "before any coding a keyword match is trusted at" in why_unsuggested(suggester, 0)
    # The codebook's own keywords, matching a code or two per response, keep the cold-start figure.
    few = train([], np.zeros((0, 2), dtype=bool), codes(lunch_keywords=["lunch"]), corpus=texts + ["lunch"],
                engine="keywords")
    assert few.trust.prior == COLD_START_PRECISION


def test_a_code_learned_from_ten_examples_is_suggested_on_matching_text_only():
    texts, labels = corpus()
    suggester = train(texts, labels, codes())
    assert [m.engine for m in suggester.models] == ["model", "model"]
    results = suggest_texts(suggester, ["new", "unrelated"],
                            ["The printer jammed and is broken", "We talked about the weather and the bus"])
    assert [s.code_id for s in results[0].suggestions] == ["printer"]
    assert results[1].suggestions == ()
    evidence = results[0].suggestions[0].evidence
    text = "The printer jammed and is broken"
    assert {text[t["start"]:t["end"]] for t in evidence["terms"][:2]} <= {"printer", "jammed", "broken"}
    assert text[slice(*evidence["sentence"])] == text
    json.dumps(evidence)  # storable as JSON


def test_a_codes_definition_teaches_its_model_words_no_coded_text_uses():
    # "photocopier" is in two uncoded texts (so in the vocabulary) but in no coded one: only
    # the codebook entry, a positive example for its code's model, can give the word weight.
    texts, labels = corpus()
    uncoded = ["the photocopier is in the hall", "a new photocopier arrived"]
    named = [Code("printer", "t", "1.1", "Printer trouble", "Problems with printers or the photocopier"),
             codes()[1]]
    for entries, expected in ((named, True), (codes(), False)):
        suggester = train(texts, labels, entries, corpus=uncoded)
        column = suggester.featurizer.words.index("photocopier")
        assert suggester.models[0].engine == "model"
        assert bool(suggester.coef[0][column] > 0) is expected
        assert suggester.coef[1][column] <= 0   # the lunch code's model learns nothing for it


def test_evidence_points_into_each_text_of_a_chunk_and_at_its_best_sentence():
    texts, labels = corpus()
    suggester = train(texts, labels, codes(lunch_keywords=["lunch"]))
    chunk = ["We ate lunch outside.", "The bus was late. Then the printer jammed and broke!", "Lunch! Printer?"]
    results = suggest_texts(suggester, ["a", "b", "c"], chunk, at_least_one=True)
    by_code = {(r.response_id, s.code_id): s.evidence for r in results for s in r.suggestions}
    printer = by_code[("b", "printer")]
    assert chunk[1][slice(*printer["sentence"])] == "Then the printer jammed and broke!"
    assert {chunk[1][t["start"]:t["end"]] for t in printer["terms"]} >= {"printer", "jammed"}
    assert [t["weight"] for t in printer["terms"]] == sorted((t["weight"] for t in printer["terms"]), reverse=True)
    for (rid, _), evidence in by_code.items():
        text = chunk["abc".index(rid)]
        for found in evidence["keywords"]:
            assert text[found["start"]:found["end"]] == found["text"] and found["text"].lower() == "lunch"


def test_codes_with_few_examples_fall_back_to_keywords():
    texts, labels = corpus()
    labels[:, 1] = False
    labels[len(PRINTER):len(PRINTER) + 3, 1] = True  # only three lunch positives (of eight texts saying lunch)
    suggester = train(texts, labels, codes(lunch_keywords=["lunch"]))
    assert [m.engine for m in suggester.models] == ["model", "keywords"]
    (result,) = suggest_texts(suggester, ["x"], ["lunch in the canteen"])
    assert [(s.code_id, s.engine) for s in result.suggestions] == [("lunch", "keywords")]
    # The keyword matched eight coded texts and three had the code: its score says about that.
    assert 3 / 8 - 0.05 < result.suggestions[0].score < 3 / 8 + 0.05
    assert result.suggestions[0].evidence == {"keywords": [{"start": 0, "end": 5, "text": "lunch"}]}
    assert [m.engine for m in train(texts, labels, codes(), engine="keywords").models] == ["none", "none"]


def test_thresholds_are_chosen_per_code():
    assert best_f1_threshold(np.array([0.9, 0.8, 0.3, 0.1]), np.array([1, 1, 0, 0])) == pytest.approx(0.55)
    assert best_f1_threshold(np.array([0.9, 0.2, 0.15, 0.1]), np.array([1, 1, 0, 0])) == pytest.approx(0.175)
    assert best_f1_threshold(np.array([0.5, 0.4]), np.array([0, 0])) == 1.0
    # Calibrated scores: half the best F1 (here 0.8, keeping the top three).
    assert half_best_f1_threshold(np.array([0.9, 0.6, 0.5, 0.1]), np.array([1, 0, 1, 0])) == pytest.approx(0.4)
    assert half_best_f1_threshold(np.array([0.9, 0.2, 0.15, 0.1]), np.array([1, 1, 0, 0])) == pytest.approx(0.5)
    # Positives no score reached (keyword codes: coded texts no keyword matched) count as missed:
    # the best cut keeps both positives, F1 2 * 2 / (2 + 4).
    assert half_best_f1_threshold(np.array([0.9, 0.8, 0.1]), np.array([1, 1, 0]), positives=4) == pytest.approx(1 / 3)
    assert half_best_f1_threshold(np.array([0.5, 0.4]), np.array([0, 0])) == 1.0
    # Two codes learned equally well get the same threshold (half of F1 1.0); coding the
    # printer code on two texts that do not mention printers makes it the harder one.
    texts, labels = corpus()
    labels[-2:, 0] = True
    thresholds = train(texts, labels, codes()).thresholds
    assert thresholds.shape == (2,) and thresholds[0] != thresholds[1]


def test_platt_scaling_is_monotone_and_in_unit_range():
    decisions = np.array([-3.0, -1.0, 0.5, 2.0, 4.0])
    calibration = fit_platt(decisions, np.array([0, 0, 1, 1, 1]))
    scores = calibrate(decisions, calibration)
    assert np.all(np.diff(scores) > 0) and scores.min() > 0 and scores.max() < 1


def test_decide_and_at_least_one():
    scores = np.array([[0.9, 0.2], [0.1, 0.3], [0.0, 0.0]])
    thresholds = np.array([0.5, 0.4])
    assert decide(scores, thresholds).tolist() == [[True, False], [False, False], [False, False]]
    assert decide(scores, thresholds, at_least_one=True)[1].tolist() == [False, True]
    unsure, column = uncertainty(np.array([[0.5, 0.0], [1.0, 0.4]]), np.array([0.5, 0.5]))
    assert unsure.tolist() == [1.0, 0.8] and column.tolist() == [0, 1]
    assert [a.tolist() for a in uncertainty(np.zeros((2, 0)), np.zeros(0))] == [[0.0, 0.0], [-1, -1]]


def test_a_weak_code_over_its_threshold_is_dropped_where_stronger_codes_carry_the_text():
    thresholds = np.array([0.3, 0.3, 0.3])
    scores = np.array([[0.95, 0.35, 0.0],    # expected F1 with the first alone 2(.95)/(1 + 1.3) = .83; .35 < .83 / 2
                       [0.9, 0.8, 0.0],      # two strong codes: both kept
                       [0.35, 0.32, 0.0],    # no strong code: the weak ones are all the text has
                       [0.95, 0.1, 0.25]])   # under their thresholds: never added
    assert decide(scores, thresholds).tolist() == [[True, False, False], [True, True, False],
                                                   [True, True, False], [True, False, False]]
    # Order within a row does not matter: the same choice with the codes swapped.
    assert decide(scores[:, ::-1], thresholds).tolist() == decide(scores, thresholds)[:, ::-1].tolist()


def test_token_contributions_add_up_to_the_text_part_of_the_decision():
    texts, labels = corpus()
    suggester = train(texts, labels, codes())
    # No two different words of a text share a character n-gram; words and a bigram repeat.
    tokens = tokenize(["the weather", "printer jammed and the printer jammed", "Printer printer"])
    lengths = np.diff(tokens.bounds)
    x, scales = suggester.featurizer.transform_with_scales(tokens)
    weights = suggester.coefficients(range(2))
    parts = token_contributions(suggester.featurizer, tokens, np.array([1, 2]), scales[[1, 2]], weights)
    assert len(parts) == lengths[1] + lengths[2]  # the first text was not asked for
    per_doc = np.add.reduceat(parts, [0, lengths[1]], axis=0)
    assert per_doc == pytest.approx(np.asarray(x @ weights)[1:])
    assert parts[0, 0] > 0  # "printer" pushes the printer code up
    assert parts[-1, 0] == pytest.approx(parts[-2, 0])   # a word repeated, in any case, shares its value


def test_words_sharing_character_ngrams_are_each_credited_with_their_own():
    texts, labels = corpus()
    suggester = train(texts, labels, codes())
    tokens = tokenize(["printer jammed", "printers jammed"])   # "printer" and "printers" share n-grams
    x, scales = suggester.featurizer.transform_with_scales(tokens)
    weights = suggester.coefficients(range(2))
    parts = token_contributions(suggester.featurizer, tokens, np.array([0, 1]), scales, weights)
    decision = np.asarray(x @ weights)
    per_doc = np.add.reduceat(parts, [0, 2], axis=0)
    assert per_doc[0] == pytest.approx(decision[0])
    # Each token's n-grams are valued as in its word alone, so the shared ones are not damped as the
    # text's features damp them; the total stays near the decision, and "printers" still leads.
    assert per_doc[1] == pytest.approx(decision[1], rel=0.25)
    assert parts[2, 0] > parts[3, 0] > -abs(parts[2, 0])


def test_model_terms_are_content_words_and_the_sentence_still_counts_every_word():
    """Function words pushed scores up through the word pairs and character n-grams they are in,
    and were listed as why a code was suggested ("the", "again", "with")."""
    texts, labels = corpus()
    suggester = train(texts, labels, codes(lunch_keywords=["lunch"]))
    new = ["the printer jammed again with the toner", "We had 3 lunches in the sun, and then the printer broke!",
           "lunch with the team. the printer is broken and jammed again"]
    results = suggest_texts(suggester, ["a", "b", "c"], new)
    stop_words = pipeline().Defaults.stop_words
    found = {}
    for text, result in zip(new, results):
        for suggestion in result.suggestions:
            terms = [text[t["start"]:t["end"]] for t in suggestion.evidence["terms"]]
            assert all(t.lower() not in stop_words and any(ch.isalpha() for ch in t) for t in terms), terms
            assert all(t["term"] not in stop_words for t in suggestion.evidence["terms"])
            found[text, suggestion.code_id] = (terms, text[slice(*suggestion.evidence["sentence"])])
    assert found[new[0], "printer"] == (["printer", "jammed", "toner"], new[0])
    assert {"lunches", "printer", "broke"} <= {term for terms, _ in found.values() for term in terms}
    terms, sentence = found[new[2], "printer"]
    assert set(terms) == {"printer", "jammed", "broken"} and sentence == "the printer is broken and jammed again"


def test_model_terms_name_a_word_once_at_its_strongest():
    """'clients, client' and 'budgets, budgets' took two of the five terms for one word."""
    texts, labels = corpus()
    suggester = train(texts, labels, codes())
    text = "printers jammed, the printer jammed again and the printer is broken"
    ((suggestion,),) = [r.suggestions for r in suggest_texts(suggester, ["a"], [text])]
    terms = suggestion.evidence["terms"]
    lemmas = [t["term"] for t in terms]
    assert len(lemmas) == len(set(lemmas)) and {"printer", "jam", "break"} <= set(lemmas)
    weights = [t["weight"] for t in terms]
    assert weights == sorted(weights, reverse=True)


def test_folded_stages_give_the_two_stage_scores():
    texts, labels = corpus()
    suggester = train(texts, labels, codes(lunch_keywords=["lunch"]), engine="model")
    new = ["the printer jammed at lunch", "nothing", "", "lunch lunch printer"]
    tokens = tokenize(new)
    text = suggester.featurizer.transform(tokens)
    decisions = text @ suggester.coefficients(range(2)) + suggester.intercept
    evidence = suggester.trust.evidence(suggester.keywords.matches(tokens))
    similarity = suggester.similarity(text)
    expected = np.column_stack([
        calibrate(suggester.stack_inputs(decisions[:, j], evidence[:, j], similarity[:, j],
                                         np.diff(text.indptr) == 0), m.calibration)
        for j, m in enumerate(suggester.models)])
    # The lunch code has keywords that did as well as its model: its score is the mean of both.
    assert [(m.engine, m.with_keywords) for m in suggester.models] == [("model", False), ("model", True)]
    expected[:, 1] = (expected[:, 1] + suggester.trust.scores(evidence[:, 1])) / 2
    assert suggester.score(tokens).scores == pytest.approx(expected, rel=1e-6)


def test_a_model_code_is_scored_with_its_keywords_where_their_mean_did_as_well_out_of_fold():
    # Every lunch text says "lunch" and no other does: keywords and model are both right on every
    # coded text out of fold, and the code is scored by the mean of the two (model terms and keyword
    # spans both explain it).
    texts, labels = corpus()
    both = train(texts, labels, codes(lunch_keywords=["lunch"]))
    assert [(m.engine, m.with_keywords) for m in both.models] == [("model", False), ("model", True)]
    (result,) = suggest_texts(both, ["x"], ["a long lunch at the cafe"])
    (lunch,) = result.suggestions
    assert lunch.code_id == "lunch" and lunch.evidence["keywords"] and lunch.evidence["terms"]
    # Half the lunch texts without the word, and three texts that say it without the code: the
    # model alone beats the mean out of fold, so it scores the code alone.
    texts = PRINTER + ["had a lovely lunch with colleagues", "lunch was sandwiches in the park", "we ate lunch outside",
                       "a long lunch at the cafe", "sandwiches and soup in the park", "soup and a sandwich at my desk",
                       "ate sandwiches outside in the sun", "a picnic of sandwiches and soup"] + OTHER + [
        "lunch meeting about cases", "the lunch hour court hearing", "a working lunch with the manager"]
    labels = np.zeros((len(texts), 2), dtype=bool)
    labels[:len(PRINTER), 0] = True
    labels[len(PRINTER):len(PRINTER) + 8, 1] = True
    alone = train(texts, labels, codes(lunch_keywords=["lunch"]))
    assert [(m.engine, m.with_keywords) for m in alone.models] == [("model", False), ("model", False)]


def test_metrics_match_scikit_learn():
    truth = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=bool)
    predicted = np.array([[1, 0, 0], [0, 1, 1], [1, 0, 0], [0, 0, 1], [0, 1, 0]], dtype=bool)
    precision, recall, f1 = per_code_metrics(truth, predicted)
    p, r, f, _ = precision_recall_fscore_support(truth, predicted, zero_division=0)
    assert np.allclose(precision, p) and np.allclose(recall, r) and np.allclose(f1, f)
    overall = overall_metrics(truth, predicted)
    assert overall["micro_f1"] == pytest.approx(f1_score(truth, predicted, average="micro"))
    assert overall["macro_f1"] == pytest.approx(f1_score(truth, predicted, average="macro"))
    assert overall["samples_f1"] == pytest.approx(f1_score(truth, predicted, average="samples"))
    assert overall["exact_match"] == pytest.approx(accuracy_score(truth, predicted))


def test_evaluate_reports_per_code_overall_and_learning_curve():
    texts, labels = corpus()
    result = evaluate(texts, labels, codes(), folds=3)
    assert [c.code_id for c in result.codes] == ["printer", "lunch"]
    assert [c.positives for c in result.codes] == [10, 8]
    assert result.codes[0].f1 > 0.7 and result.overall["micro_f1"] > 0.7
    assert [p["fraction"] for p in result.learning_curve] == [0.25, 0.5, 0.75, 1.0]
    assert result.learning_curve[-1]["micro_f1"] == result.overall["micro_f1"]
    with pytest.raises(ValueError):
        evaluate(texts[:2], labels[:2], codes(), folds=5)


def test_queue_mixes_the_codes_it_is_unsure_of():
    candidates = [("a", 0.9, "x"), ("b", 0.8, "x"), ("c", 0.7, "x"), ("d", 0.6, "y"), ("e", 0.5, "z")]
    assert diverse_order(candidates, 4) == ["a", "d", "e", "b"]
    assert diverse_order(candidates, 10) == ["a", "d", "e", "b", "c"]
    assert diverse_order([], 3) == []


def test_the_closest_call_is_the_code_the_uncertainty_comes_from():
    texts, labels = corpus()
    suggester = train(texts, labels, codes())
    new = ["the printer had lunch", "printer broken", "a quiet day", ""]
    scores, thresholds = suggester.score_texts(new), suggester.thresholds
    code_ids = [m.code_id for m in suggester.models]
    for row, result in zip(scores, suggest_texts(suggester, ["a", "b", "c", "d"], new)):
        j = code_ids.index(result.unsure_code)
        assert (result.unsure_score, result.unsure_threshold) == (pytest.approx(row[j]), thresholds[j])
        closeness = 1 - abs(row - thresholds) / np.maximum(thresholds, 1 - thresholds)
        assert closeness.max() == pytest.approx(result.uncertainty) == pytest.approx(closeness[j])


def test_a_code_on_every_coded_text_is_suggested_from_its_base_rate():
    texts, labels = corpus()
    everywhere = Code("any", "t", "1.3", "Anything", "On every answer")
    suggester = train(texts, np.column_stack([labels, np.ones(len(texts), dtype=bool)]), [*codes(), everywhere])
    model = suggester.models[2]
    assert (model.engine, model.positives) == ("base rate", len(texts))
    assert model.base_rate == pytest.approx((len(texts) + 1) / (len(texts) + 2))
    results = suggest_texts(suggester, ["a", "b"], ["the printer jammed", "something else entirely"])
    assert all("any" in {s.code_id for s in r.suggestions} for r in results)


def test_a_code_one_coded_example_short_says_so_in_the_singular():
    texts, labels = corpus()
    labels[:, 1] = False
    labels[len(PRINTER):len(PRINTER) + 4, 1] = True
    assert train(texts, labels, codes()).models[1].note == "not enough coding: 1 more coded example needed"


def test_a_code_that_cannot_be_trained_is_reported_not_dropped():
    texts, labels = corpus()
    labels[:, 1] = False
    labels[len(PRINTER):len(PRINTER) + 2, 1] = True   # two lunch positives, and no keywords
    suggester = train(texts, labels, codes())
    lunch = suggester.models[1]
    assert (lunch.engine, lunch.note) == ("none", "not enough coding: 3 more coded examples needed")
    assert suggester.score_texts(["lunch in the park"])[0, 1] == 0.0
    result = evaluate(texts, labels, codes(), folds=3, curve=(1.0,))
    assert (result.codes[1].engine, result.codes[1].note) == ("none", "not enough coding: 3 more coded examples needed")


def test_a_keyword_the_coder_keeps_turning_down_loses_its_score():
    texts, labels = corpus()
    book = codes(printer_keywords=["printer"], lunch_keywords=["lunch", "cake"])
    labels[:, 1] = False
    labels[len(PRINTER):len(PRINTER) + 4, 1] = True   # four lunch texts coded: too few for a model
    trained = train(texts, labels, book)
    before = trained.score_texts(["lunch at noon", "cake at noon"])[:, 1]
    assert before[0] >= trained.thresholds[1]      # "lunch" is suggested
    # The coder codes six more texts that say lunch, none of them with the code.
    more = [f"a lunch meeting about case {i}" for i in range(6)]
    after = train(texts + more, np.vstack([labels, np.zeros((6, 2), dtype=bool)]), book)
    assert after.models[1].engine == "keywords"
    lunch, cake = after.score_texts(["lunch at noon", "cake at noon"])[:, 1]
    assert lunch < before[0] - 0.1 and lunch < after.thresholds[1]   # trusted less, no longer suggested
    assert before[1] - cake < before[0] - lunch    # "cake" loses less: only through its code's record


def test_the_reliability_table_adds_up():
    texts, labels = corpus()
    result = evaluate(texts, labels, codes(lunch_keywords=["lunch"]), folds=3, curve=(1.0,))
    table = result.reliability
    assert len(table) == 10 and sum(row["pairs"] for row in table) == labels.size
    filled = [row for row in table if row["pairs"]]
    assert sum(row["observed"] * row["pairs"] for row in filled) == pytest.approx(labels.sum())
    assert all(row["low"] <= row["mean_score"] <= row["high"] for row in filled)
    gap = sum(row["pairs"] * abs(row["mean_score"] - row["observed"]) for row in filled) / labels.size
    assert result.overall["ece"] == pytest.approx(gap)


@pytest.mark.parametrize("case", ["no keywords", "one coded answer", "code on every answer", "code on none",
                                  "empty after tokenizing", "nothing coded"])
def test_odd_coding_gives_scores_not_errors(case):
    texts, labels = corpus()
    book = codes()
    if case == "one coded answer":
        texts, labels = texts[:1], labels[:1]
    elif case == "code on every answer":
        labels[:, 0] = True
    elif case == "code on none":
        labels[:, 1] = False
    elif case == "empty after tokenizing":
        texts = ["", "   ", "...", "!!"] + texts
        labels = np.vstack([np.zeros((4, 2), dtype=bool), labels])
    elif case == "nothing coded":
        texts, labels = [], np.zeros((0, 2), dtype=bool)
    suggester = train(texts, labels, book)
    scores = suggester.score_texts(["the printer jammed", "", "lunch"])
    assert scores.shape == (3, 2) and np.all((scores >= 0) & (scores <= 1))
    assert all(m.engine in ("model", "keywords", "base rate", "none") for m in suggester.models)
    assert all(m.note for m in suggester.models if m.engine == "none")


def test_ten_thousand_codes_train_and_score():
    texts, labels = corpus()
    many = [Code(f"c{i}", "t", f"1.{i}", f"Code {i}", keywords=(f"word{i}",)) for i in range(10_000)]
    many_labels = np.zeros((len(texts), len(many)), dtype=bool)
    many_labels[:, :2] = labels
    suggester = train(texts, many_labels, many)
    assert [m.engine for m in suggester.models[:2]] == ["model", "model"]
    assert sorted(suggester.coef) == [0, 1]   # text weights are kept for the codes on a model only
    scores = suggester.score_texts(["the printer jammed", "word77 and word78"])
    assert scores.shape == (2, 10_000) and scores[1, 77] > 0 and scores[0, 0] > scores[0, 5]


ANES = Path(__file__).parent / "bench" / "data" / "anes"


def anes_training(dataset: int) -> tuple[list[str], np.ndarray, list[Code]]:
    """The training answers of an ANES benchmark dataset, their labels and one code per label column."""
    texts = pd.read_csv(ANES / f"dataset{dataset}_Xtrain.csv", keep_default_na=False)["verbatim"].astype(str)
    labels = pd.read_csv(ANES / f"dataset{dataset}_ytrain.csv")
    codes = [Code(f"c{c}", "t", str(i + 1), f"code {c}") for i, c in enumerate(labels.columns)]
    return texts.tolist(), labels.to_numpy().astype(bool), codes


@pytest.mark.slow
@pytest.mark.parametrize("dataset, weight, share", [(7, 2.0, 0.25), (3, 1.0, 0.5)])
def test_word_parts_and_feature_weighting_are_chosen_per_project(dataset, weight, share):
    # ANES 7's answers have a median of 3 words, dataset 3's of 9: out of fold, the char
    # n-grams weighed 2 lower the log loss by 3-5% on the first and raise it on the second;
    # weighting features half the way by their naive Bayes ratios raises it 1-2% on the
    # first and lowers it 0.4-0.5% on the second. (The demo's reference coding keeps 1 and
    # weights no code: `test_cli_suggest_and_evaluate_on_the_demo_corpus`.)
    texts, labels, codes = anes_training(dataset)
    suggester = train(texts, labels, codes)
    assert (suggester.featurizer.char_weight, suggester.weighting_share) == (weight, share)
    # New answers get the weight the models were trained with.
    row = suggester.featurizer.transform(tokenize(["dont know who he is"]))
    words = suggester.featurizer.n_word_features
    assert np.linalg.norm(row[:, words:].toarray()) == pytest.approx(weight)
    assert np.linalg.norm(row[:, :words].toarray()) == pytest.approx(1.0)


def test_evaluate_notes_name_at_most_forty_codes_coded_too_little():
    """With 2,000 codes barely coded, the line listed all 2,000 indexes."""
    from coder.cli.decisions import NAMED
    from coder.cli.evaluate import note_lines

    table = pd.DataFrame({"index": [f"1.{i}" for i in range(2000)], "code": [f"Code {i}" for i in range(2000)],
                          "positives": [1] * 2000, "note": [""] * 2000, "engine": ["keywords"] * 2000})
    (few,) = note_lines(table)
    assert few.endswith(f"1.{NAMED - 1} and {2000 - NAMED:,} more") and "1.40," not in few


def test_decision_lines_name_at_most_forty_codes_a_line_and_group_reasons():
    from dataclasses import dataclass

    from coder.cli.decisions import NAMED, REASONS_SHOWN, decision_lines

    @dataclass
    class D:
        code_id: str
        engine: str
        note: str = ""
        with_keywords: bool = False

    lines = decision_lines([D(f"k{i}", "keywords") for i in range(NAMED + 5)] +
                           [D(f"n{i}", "none", "not enough coding") for i in range(NAMED + 2)] +
                           [D(f"w{i}", "none", f"weak model {i}") for i in range(REASONS_SHOWN + 3)])
    assert lines[1].startswith(f"Codes on keywords ({NAMED + 5}): k0, ") and lines[1].endswith("and 5 more")
    assert f"k{NAMED}" not in lines[1].split(", ")
    # Codes not suggested for one reason share a line; past REASONS_SHOWN reasons they are counted.
    assert lines[2] == f"Codes not suggested ({NAMED + 2 + REASONS_SHOWN + 3}):"
    assert lines[3] == f"  n0, n1, n2, n3, n4 and {NAMED + 2 - 5} more: not enough coding"
    assert lines[4] == "  w0: weak model 0"
    assert lines[-1] == "  and 4 more" and len(lines) == 3 + REASONS_SHOWN + 1
    models = decision_lines([D("m1", "model"), D("m2", "model", with_keywords=True), D("m3", "model")])
    assert models[:2] == ["Codes on the model (3): m1, m2, m3", "  of which scored with their keywords too (1): m2"]
