"""Plain records passed between the store and the rest of the library.

Frozen dataclasses, so a record read from the project cannot be changed behind
the store's back; build a new one with `dataclasses.replace` to change it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Response:
    """One respondent's answer: their own id, the text, and attribute values."""

    id: str
    text: str
    position: int = 0
    attributes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Theme:
    """A theme of the framework (a top-level group of codes)."""

    id: str
    index: str
    label: str
    description: str = ""
    position: int = 0
    retired: bool = False


@dataclass(frozen=True)
class Code:
    """A code of the framework, with the rules coders apply it by."""

    id: str
    theme_id: str
    index: str
    label: str
    definition: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    color: str | None = None
    key: str | None = None
    position: int = 0
    retired: bool = False


@dataclass(frozen=True)
class Codebook:
    """A whole framework: themes in order and codes in order within them."""

    name: str
    themes: tuple[Theme, ...]
    codes: tuple[Code, ...]
    version: str = ""
    method: str = ""

    def codes_of(self, theme_id: str) -> list[Code]:
        """The codes of one theme, in framework order."""
        return [c for c in self.codes if c.theme_id == theme_id]


@dataclass(frozen=True)
class Coding:
    """A human decision: `code_id` applies to a response (or a span of it)."""

    response_id: str
    code_id: str
    coder: str
    start: int | None = None
    end: int | None = None
    origin: str = "manual"
    created_at: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Suggestion:
    """Machine output: `code_id` is suggested when `score >= threshold`."""

    response_id: str
    code_id: str
    score: float
    threshold: float
    engine: str
    evidence: dict = field(default_factory=dict)
    run_id: int | None = None
