"""Reading suggestion evidence (JSON written by the suggestion engines) for display.

Model evidence lists the terms that pushed a score up, each with its weight; only
those that carry weight for the code are shown (`strong_terms`), so function words
and punctuation with a sliver of weight are neither listed nor underlined.
"""

from __future__ import annotations

STRONG_SHARE = 0.25   # a model term is shown when it has at least this share of the strongest term's weight


def strong_terms(terms: object) -> list[dict]:
    """The model terms (`{term, start, end, weight}`) worth showing, strongest first."""
    if not isinstance(terms, list):
        return []
    rows = [t for t in terms if isinstance(t, dict) and isinstance(t.get("term"), str)
            and any(ch.isalnum() for ch in t["term"])]
    top = max((_weight(t) for t in rows), default=0.0)
    return sorted((t for t in rows if top <= 0 or _weight(t) >= STRONG_SHARE * top), key=lambda t: -_weight(t))


def _weight(term: dict) -> float:
    weight = term.get("weight")
    return float(weight) if isinstance(weight, (int, float)) else 0.0


def _walk(evidence: object, visit) -> None:
    """Call visit(node) on every mapping in the evidence; model `terms` lists give only their strong terms."""
    if isinstance(evidence, dict):
        visit(evidence)
        for key, value in evidence.items():
            _walk(strong_terms(value) if key == "terms" else value, visit)
    elif isinstance(evidence, list):
        for value in evidence:
            _walk(value, visit)


def evidence_spans(evidence: object) -> list[tuple[int, int]]:
    """Every character span (a mapping with integer `start` and `end`) in the evidence worth underlining."""
    found: list[tuple[int, int]] = []

    def visit(node: dict) -> None:
        start, end = node.get("start"), node.get("end")
        if isinstance(start, int) and isinstance(end, int) and end > start:
            found.append((start, end))

    _walk(evidence, visit)
    return sorted(set(found))


def evidence_terms(evidence: object, text: str, limit: int = 6) -> list[str]:
    """Short words or phrases the evidence points at (matched keywords, strong model terms), as the
    response has them: a model term is named by its base form ("medium" for "media", "ring" for
    "rang"), which the researcher would look for in the text in vain. A word inside a phrase
    already named (a model term inside a matched keyword) is not named again."""
    terms: list[str] = []
    named: list[tuple[int, int]] = []   # spans already named

    def visit(node: dict) -> None:
        start, end = node.get("start"), node.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text) and end - start <= 40:
            if not any(a <= start and end <= b for a, b in named):   # "service" inside "service user": once
                named.append((start, end))
                terms.append(" ".join(text[start:end].split()))
            return
        for key in ("term", "text", "word"):
            value = node.get(key)
            if isinstance(value, str) and len(value) <= 40:
                terms.append(value)

    _walk(evidence, visit)
    if not terms:
        terms = [text[s:e] for s, e in evidence_spans(evidence) if e - s <= 40]
    return list(dict.fromkeys(t for t in terms if t))[:limit]
