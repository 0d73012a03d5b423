"""The shared spaCy pipeline: lemmas from the lookup table, code-point offsets, sentences."""

from coder.nlp import analyse, lemmatize_lower, parse, pipeline, token_arrays


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
    assert pipeline().pipe_names == ["sentencizer"]


def test_words_new_to_the_vocabulary_get_their_lemma_as_norm():
    (doc,) = parse(["Zorbling geese, Mice and the UK's £5"])
    assert [t.norm_ for t in doc][:4] == ["zorbling", "goose", ",", "mouse"]


def test_sentence_starts_from_token_arrays_match_the_sentencizer():
    texts = ["Café staff — crashing. Second one here!", "No end", "", "?! Starts with marks. Then (text).",
             "Wait... what?? Yes!  Two spaces. \"Quoted.\" After", "a.b c. d", "Ends with. ", "..."]
    docs = list(parse(texts))
    tokens = token_arrays(docs)
    for i, doc in enumerate(docs):
        pipeline().get_pipe("sentencizer")(doc)
        assert tokens.sentences(i) == [(s.start_char, s.end_char) for s in doc.sents]
