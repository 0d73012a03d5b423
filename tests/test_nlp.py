"""The shared spaCy pipeline: lemmas from the lookup table, code-point offsets, sentences."""

from coder.nlp import analyse, lemmatize_lower, parse, pipeline


def test_lemmas_come_from_the_lookup_table_on_lower_case():
    (result,) = analyse(["Crashing systems, Cases"])
    assert result.tokens == ("Crashing", "systems", ",", "Cases")
    assert result.lemmas == ("crash", "system", ",", "case")
    assert lemmatize_lower("children") == "child"
    assert lemmatize_lower("zzyzx") == "zzyzx"


def test_offsets_are_code_points_and_sentences_are_found():
    text = "Café staff — crashing. Second one here!"
    (result,) = analyse([text])
    for token, (start, end) in zip(result.tokens, result.offsets):
        assert text[start:end] == token
    assert [text[s:e] for s, e in result.sentences] == ["Café staff — crashing.", "Second one here!"]


def test_batch_keeps_order_and_empty_texts():
    docs = list(parse(["one", "", "three words here"]))
    assert [len(d) for d in docs] == [1, 0, 3]
    assert pipeline() is pipeline()
    assert pipeline().pipe_names == ["coder_lemmatizer", "sentencizer"]
