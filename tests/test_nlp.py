"""Tokens: spaCy's own tokens, lemmas from the lookup table, code-point offsets, sentences."""

import random
from helpers import demo_comments

import numpy as np
import pytest

from coder.nlp import analyse, lemmatize_lower, pipeline, shared_lexicon, tokenize
from coder.nlp import lexicon as lexicon_module  # the module


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
    tokens = tokenize(["one", "", "three words here"])
    assert np.diff(tokens.bounds).tolist() == [1, 0, 3]
    assert len(tokens) == 3 and len(tokenize([])) == 0
    assert pipeline() is pipeline()
    assert pipeline().pipe_names == ["sentencizer"]


def test_words_new_to_the_vocabulary_get_their_lemma_as_norm():
    (result,) = analyse(["Zorbling geese, Mice and the UK's £5"])
    assert result.lemmas[:4] == ("zorbling", "goose", ",", "mouse")


def test_content_words_are_known_per_word_type():
    tokens = tokenize(["The Printer says it can't print 300 pages, with 2nd-hand toner! Budgets= less"])
    lex = tokens.lexicon()
    content = {lex.type_text[t]: bool(lex.type_content.values[t]) for t in tokens.type_of_token.tolist()}
    # stop words by form or by lemma ("says": "say"), punctuation and numbers are not content words
    assert [word for word, is_content in content.items() if is_content] == ["Printer", "print", "pages", "2nd",
                                                                           "hand", "toner"]
    assert "Budgets=" in content   # a word the tokenizer left glued to a mark
    # but words naming an absence are: what a response lacks is often why it has a code
    tokens = tokenize(["There is not enough time and no support, never any"])
    lex = tokens.lexicon()
    assert [lex.type_text[t] for t in tokens.type_of_token.tolist() if lex.type_content.values[t]] == [
        "enough", "time", "no", "support", "never"]


def test_sentence_starts_from_token_arrays_match_the_sentencizer():
    texts = ["Café staff — crashing. Second one here!", "No end", "", "?! Starts with marks. Then (text).",
             "Wait... what?? Yes!  Two spaces. \"Quoted.\" After", "a.b c. d", "Ends with. ", "...",
             "Line one.\nLine two"]
    tokens = tokenize(texts)
    for i, text in enumerate(texts):
        doc = pipeline()(text)
        assert tokens.sentences(i) == [(s.start_char, s.end_char) for s in doc.sents]


def _spacy_rows(text: str) -> list[tuple[int, int, int, int]]:
    doc = pipeline().tokenizer(text)
    return [(t.orth, t.norm, t.idx, len(t.text)) for t in doc]


def _our_rows(tokens, i: int) -> list[tuple[int, int, int, int]]:
    span = slice(tokens.bounds[i], tokens.bounds[i + 1])
    orths = shared_lexicon().type_orth.values[tokens.type_of_token[span]]
    return list(zip(orths.tolist(), tokens.norm[span].tolist(), tokens.start[span].tolist(),
                    tokens.length[span].tolist()))


def _assert_same_as_spacy(texts: list[str]) -> None:
    tokens = tokenize(texts)
    for i, text in enumerate(texts):
        assert _our_rows(tokens, i) == _spacy_rows(text), repr(text)


def test_tokens_are_spacys_on_real_survey_text():
    texts = [row["text"] for row in demo_comments()]
    _assert_same_as_spacy(texts)
    _assert_same_as_spacy(texts)  # a second time, from the lexicon alone


def test_tokens_are_spacys_on_awkward_whitespace_and_special_cases():
    # Runs of spaces (leading, inner, trailing), other whitespace, and special cases next to
    # each other, where spaCy's last special-case pass looks across pieces ("8):) )").
    _assert_same_as_spacy(["", " ", "   ", " a", "  a", "a ", "a  ", "a   b", "a \n b", "\ta\t", "a\xa0b",
                           "8):) )", "x: (1) y", "don't  can't", "it 's", "U.K. e.g. a.m. 3p.m.", "w /o",
                           "reasons: ( so", "o.O  12 : o.O--", "\u2028x", "end."])


def test_tokens_are_spacys_on_random_strings_of_special_cases():
    atoms = ["a", "b.", ":", ")", "(", "'s", "n't", "can't", "a.m.", "Dr.", ":)", "-", "--", ".", "...", "e.g.",
             "U.K.", "'", '"', "x", "Mr", "12", "3p.m.", ";)", "<3", "8)", "o.O", "(:", "—", "’", "don't",
             "e-mail", "http://x.com", "£5", "5%", "O'Neil", "St.", "?!", "w/o", "and/or"]
    gaps = [" ", " ", " ", "", "  ", "\n", "\t", " \n ", "\xa0", "   "]
    rng = random.Random(5)
    texts = []
    for _ in range(3000):
        text = "".join(rng.choice(atoms) + rng.choice(gaps) for _ in range(rng.randint(0, 8)))
        texts.append(rng.choice(gaps) + text if rng.random() < 0.3 else text)
    _assert_same_as_spacy(texts)


def test_a_full_lexicon_starts_again_with_the_same_tokens(monkeypatch):
    lex = shared_lexicon()
    monkeypatch.setattr(lexicon_module, "PIECE_LIMIT", len(lex.pieces) - 1)
    generation = lex.generation
    _assert_same_as_spacy(["a fresh start, for the lexicon", "another text"])
    assert lex.generation == generation + 1
    with lex.hold():
        held = tokenize(["held: no fresh start while type ids are in use"])
        assert lex.generation == generation + 1
    assert held.lexicon().type_text[held.type_of_token[0]] == "held"
    monkeypatch.setattr(lexicon_module, "PIECE_LIMIT", len(lex.pieces) - 1)
    tokenize(["an unheld call starts again"])
    with pytest.raises(RuntimeError, match="earlier lexicon generation"):
        held.lexicon()   # its type ids would name other words now
