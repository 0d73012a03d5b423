"""The suggestion engine on tiny corpora where the right answer is obvious."""

import json

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from coder.nlp import tokenize
from coder.records import Code
from coder.suggest.evaluate import evaluate, overall_metrics, per_code_metrics
from coder.suggest.evidence import token_contributions
from coder.suggest.keywords import KeywordMatcher, keyword_scores
from coder.suggest.model import decide, train
from coder.suggest.queue import diverse_order
from coder.suggest.scoring import suggest_texts, uncertainty
from coder.suggest.thresholds import best_f1_threshold, calibrate, fit_platt
from suggest_fixtures import codes, corpus


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
    assert keyword_scores(np.array([[0.0, 1.0, 2.0]])).tolist() == [[0.0, 0.5, 0.75]]


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
    labels[len(texts) - 3:, 1] = True  # only three lunch positives
    suggester = train(texts, labels, codes(lunch_keywords=["lunch"]))
    assert [m.engine for m in suggester.models] == ["model", "keywords"]
    (result,) = suggest_texts(suggester, ["x"], ["lunch in the canteen"])
    assert [(s.code_id, s.engine, s.score) for s in result.suggestions] == [("lunch", "keywords", 0.5)]
    assert result.suggestions[0].evidence == {"keywords": [{"start": 0, "end": 5, "text": "lunch"}]}
    assert train(texts, labels, codes(), engine="keywords").models[0].engine == "keywords"


def test_thresholds_are_chosen_per_code():
    assert best_f1_threshold(np.array([0.9, 0.8, 0.3, 0.1]), np.array([1, 1, 0, 0])) == pytest.approx(0.55)
    assert best_f1_threshold(np.array([0.9, 0.2, 0.15, 0.1]), np.array([1, 1, 0, 0])) == pytest.approx(0.175)
    assert best_f1_threshold(np.array([0.5, 0.4]), np.array([0, 0])) == 1.0
    texts, labels = corpus()
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
    assert uncertainty(np.array([[0.5, 0.0], [1.0, 0.0]]), np.array([0.5, 0.5])).tolist() == [1.0, 0.0]


def test_token_contributions_add_up_to_the_text_part_of_the_decision():
    texts, labels = corpus()
    suggester = train(texts, labels, codes())
    tokens = tokenize(["the weather", "the printer jammed and the printer broke", "printer printer"])
    lengths = np.diff(tokens.bounds)
    x = suggester.featurizer.transform(tokens)
    weights = suggester.coef[:x.shape[1]]
    parts = token_contributions(suggester.featurizer, tokens, x[[1, 2]], np.array([1, 2]), weights)
    assert len(parts) == lengths[1] + lengths[2]  # the first text was not asked for
    per_doc = np.add.reduceat(parts, [0, lengths[1]], axis=0)
    assert per_doc == pytest.approx(np.asarray(x @ weights)[1:])
    assert parts[1, 0] > 0  # "printer" pushes the printer code up


def test_folded_stages_give_the_two_stage_scores():
    texts, labels = corpus()
    suggester = train(texts, labels, codes(lunch_keywords=["lunch"]), engine="model")
    new = ["the printer jammed at lunch", "nothing", "", "lunch lunch printer"]
    tokens = tokenize(new)
    text, codebook, _ = suggester.features(tokens)
    decisions = text @ suggester.coef[:text.shape[1]] + codebook @ suggester.coef[text.shape[1]:] + suggester.intercept
    stacked = suggester.stack_inputs(decisions, codebook, np.diff(text.indptr) == 0)
    expected = np.column_stack([calibrate(stacked, m.calibration) for m in suggester.models])
    assert [m.engine for m in suggester.models] == ["model", "model"]
    assert suggester.score(tokens).scores == pytest.approx(expected, rel=1e-6)   # scores are float32


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


def test_queue_mixes_best_codes():
    candidates = [("a", 0.9, "x"), ("b", 0.8, "x"), ("c", 0.7, "x"), ("d", 0.6, "y"), ("e", 0.5, "z")]
    assert diverse_order(candidates, 4) == ["a", "d", "e", "b"]
    assert diverse_order(candidates, 10) == ["a", "d", "e", "b", "c"]
    assert diverse_order([], 3) == []
