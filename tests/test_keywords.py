"""Keyword matching on token arrays finds what spaCy's PhraseMatcher finds."""

from helpers import CODEBOOK, demo_comments

from spacy.matcher import PhraseMatcher

from coder.codebook.yaml_file import read_yaml_codebook
from coder.nlp import pipeline, tokenize
from coder.records import Code
from coder.suggest.keywords import KeywordMatcher


def _phrase_matcher_spans(codes: list[Code], texts: list[str]) -> list[dict[int, list[tuple[int, int]]]]:
    """Per text, each code's distinct matched spans with inner spans of the same code dropped, by PhraseMatcher
    (lemmas as NORM; all-caps keywords as written)."""
    tokenizer = pipeline().tokenizer
    by_lemma, as_written = PhraseMatcher(pipeline().vocab, attr="NORM"), PhraseMatcher(pipeline().vocab, attr="ORTH")
    for column, code in enumerate(codes):
        keywords = [k for k in dict.fromkeys(k.strip() for k in code.keywords) if k]
        acronyms = [k for k in keywords if k.isupper() and " " not in k]
        if acronyms:
            as_written.add(str(column), [tokenizer(k) for k in acronyms])
        if len(acronyms) < len(keywords):
            by_lemma.add(str(column), [tokenizer(k) for k in keywords if k not in acronyms])
    out = []
    for text in texts:
        doc = tokenizer(text)
        found: dict[int, set] = {}
        for matcher in (by_lemma, as_written):
            for match_id, start, end in matcher(doc):
                found.setdefault(int(pipeline().vocab.strings[match_id]), set()).add((start, end))
        out.append({column: sorted(s for s in spans if not any(a <= s[0] and s[1] <= b and (a, b) != s
                                                                 for a, b in spans))
                    for column, spans in found.items()})
    return out


def _our_spans(codes: list[Code], texts: list[str]) -> list[dict[int, list[tuple[int, int]]]]:
    matches = KeywordMatcher(codes).matches(tokenize(texts))
    out: list[dict] = [{} for _ in texts]
    for doc, code, start, end in zip(*(a.tolist() for a in (matches.doc, matches.code, matches.start, matches.end))):
        out[doc].setdefault(code, []).append((start, end))
    return out


def test_the_shipped_codebook_matches_the_corpus_as_the_phrase_matcher_does():
    codes = list(read_yaml_codebook(CODEBOOK).codes)
    texts = [row["text"] for row in demo_comments()]
    ours = _our_spans(codes, texts)
    assert ours == _phrase_matcher_spans(codes, texts)
    assert sum(len(spans) for found in ours for spans in found.values()) > 300


def test_long_shared_and_overlapping_phrases():
    codes = [Code("a", "t", "1", "A", keywords=("case load", "case", "heavy case load", "IT", "load")),
             Code("b", "t", "2", "B", keywords=("case load", "the the the the the the the", "IT system")),
             Code("c", "t", "3", "C", keywords=())]
    texts = ["A heavy case load, heavy case loads", "the " * 9, "IT system and it system", "case  load", "",
             "load case load case"]
    assert _our_spans(codes, texts) == _phrase_matcher_spans(codes, texts)


def test_a_word_ending_in_a_star_matches_every_word_starting_so_in_any_language():
    """The lemma table is English: "agotado" did not find "agotada", nor "niños" "NIÑOS"."""
    codes = [Code("tired", "t", "1", "Tired", keywords=("agotad*", "Überstund*")),
             Code("admin", "t", "2", "Admin", keywords=("bureaucra*", "a*", "red tape*"))]
    texts = ["Estoy AGOTADA, agotado; agotamiento no.", "Bureaucratic bureaucracy", "Zu viele Überstunden",
             "zu viele uberstunden", "red tape everywhere"]
    assert _our_spans(codes, texts) == [{0: [(1, 2), (3, 4)]}, {1: [(0, 1), (1, 2)]}, {0: [(2, 3)]},
                                        {0: [(2, 3)]}, {}]   # "a*" is too short, "red tape*" a phrase


def test_prefixes_hold_across_batches_as_the_lexicon_grows():
    matcher = KeywordMatcher([Code("t", "t", "1", "T", keywords=("stress*",))])
    first = matcher.matches(tokenize(["stressed"]))
    second = matcher.matches(tokenize(["never", "stressful days"]))
    assert first.doc.tolist() == [0] and second.doc.tolist() == [1] and second.start.tolist() == [0]
