"""Auto-advance on the coding screen (ctrl+n turns it on or off).

When it is on, the cursor moves to the next uncoded response in the list (as `n`
does) after a code goes on the whole response (a code key, the code picker or the
codebook panel, with no text selected) and after suggestions are accepted (enter,
`A`). It does not move after a code is removed, a suggestion rejected, or text
selected by mouse or by sentence coded (the reader is still working through the text). The choice is
remembered for the coder in the project. A mixin of CodingScreen.
"""

from __future__ import annotations

from coder.store.settings import coder_setting, set_coder_setting

SETTING = "auto_advance"


class AdvanceActions:
    """`action_toggle_auto_advance`, and `advance` for the actions that code a response."""

    auto_advance = False

    def load_auto_advance(self) -> None:
        """Read the coder's remembered choice."""
        self.auto_advance = coder_setting(self.conn, self.coder, SETTING) == "on"

    def action_toggle_auto_advance(self) -> None:
        """Turn auto-advance on or off, and remember it for this coder."""
        wanted = not self.auto_advance
        if not self.saved(lambda: set_coder_setting(self.conn, self.coder, SETTING, "on" if wanted else "off")):
            return
        self.auto_advance = wanted
        self.notify("Auto-advance on: coding a whole response or accepting suggestions moves to the next "
                    "uncoded response (ctrl+n turns it off)." if wanted else "Auto-advance off.")
        self.refresh_progress(recount=False)

    def advance(self) -> None:
        """After a response was coded: go to the next uncoded one if auto-advance is on."""
        if self.auto_advance:
            self.action_next_uncoded()
