"""Reading suggestion evidence (JSON written by the suggestion engines) for display."""

from __future__ import annotations


def evidence_spans(evidence: object) -> list[tuple[int, int]]:
    """Every character span (a mapping with integer `start` and `end`) anywhere in the evidence."""
    found: list[tuple[int, int]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            start, end = node.get("start"), node.get("end")
            if isinstance(start, int) and isinstance(end, int) and end > start:
                found.append((start, end))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(evidence)
    return sorted(set(found))


def evidence_terms(evidence: object, text: str, limit: int = 6) -> list[str]:
    """Short words or phrases the evidence points at (matched text or listed terms)."""
    terms: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key in ("term", "text", "word"):
                value = node.get(key)
                if isinstance(value, str) and len(value) <= 40:
                    terms.append(value)
            for key, value in node.items():
                if key == "terms" and isinstance(value, list):
                    terms.extend(str(t[0] if isinstance(t, (list, tuple)) else t) for t in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(evidence)
    if not terms:
        terms = [text[s:e] for s, e in evidence_spans(evidence) if e - s <= 40]
    return list(dict.fromkeys(t for t in terms if t))[:limit]
