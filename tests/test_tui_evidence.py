"""Suggestion evidence as the coding UI shows it: words, not records; only terms that carry weight."""

from coder.tui.evidence import evidence_spans, evidence_terms

TEXT = "Responding to a duty call: one of the children on my caseload had not had his immunisations"
MODEL = {"keywords": [{"start": 53, "end": 61, "text": "caseload"}],
         "terms": [{"term": "caseload", "start": 53, "end": 61, "weight": 1.19},
                   {"term": "child", "start": 38, "end": 46, "weight": 0.33},
                   {"term": ":", "start": 25, "end": 26, "weight": 0.18},
                   {"term": "respond", "start": 0, "end": 10, "weight": 0.07}],
         "sentence": [0, 91]}


def test_model_terms_are_listed_as_words_strongest_first_and_weak_ones_left_out():
    # as the response has them ("children"), not by the base form the model counts ("child")
    assert evidence_terms(MODEL, TEXT) == ["caseload", "children"]


def test_a_term_whose_offsets_do_not_fit_the_text_is_named_by_its_form():
    terms = {"terms": [{"term": "medium", "start": 200, "end": 205, "weight": 1.0}]}
    assert evidence_terms(terms, TEXT) == ["medium"]


def test_only_keywords_and_strong_terms_are_underlined():
    assert evidence_spans(MODEL) == [(38, 46), (53, 61)]


def test_keyword_evidence_and_unknown_shapes_still_read():
    assert evidence_terms({"keywords": [{"start": 0, "end": 10, "text": "Responding"}]}, TEXT) == ["Responding"]
    assert evidence_terms({"matches": [{"start": 16, "end": 20}]}, TEXT) == ["duty"]
    assert evidence_terms({"terms": "not a list"}, TEXT) == [] and evidence_spans(None) == []


def test_a_model_term_inside_a_matched_keyword_is_not_named_again():
    """The panel read "service user, service, user": the keyword and the model's two words in it."""
    text = "Visited a service user at home"
    evidence = {"keywords": [{"start": 10, "end": 22, "text": "service user"}],
                "terms": [{"term": "service", "start": 10, "end": 17, "weight": 0.9},
                          {"term": "user", "start": 18, "end": 22, "weight": 0.8},
                          {"term": "visit", "start": 0, "end": 7, "weight": 0.5}]}
    assert evidence_terms(evidence, text) == ["service user", "Visited"]
