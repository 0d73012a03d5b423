"""The fuzzy code picker (`c`): a command-palette provider over the codebook's codes.

Typing part of a code's label or its index finds it; choosing it toggles the code
on the current response (or on the selected span), like its key would.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class CodePicker(Provider):
    """Hits for every code that can be applied; the calling screen does the toggling."""

    def _codes(self):
        return self.screen.active_codes()

    def _entry(self, code) -> str:
        return f"{code.index} {code.label}"

    async def discover(self) -> Hits:
        for code in self._codes():
            yield DiscoveryHit(self._entry(code), partial(self.screen.toggle_code, code.id),
                               help=code.definition)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for code in self._codes():
            entry = self._entry(code)
            score = max(matcher.match(entry), matcher.match(code.id))
            if score > 0:
                yield Hit(score, matcher.highlight(entry), partial(self.screen.toggle_code, code.id),
                          text=entry, help=code.definition)
