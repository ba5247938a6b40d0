"""The desk's footer: Textual's Footer, built once the desk has painted its first lead.

Textual's Footer makes a widget per key (~40 at the desk), and rebuilds them all
each time the screen's bindings change — four times while the desk opens (stack,
focus, idle callbacks), each ~15 ms quiet, before and after the first screen with
a lead (issue 15). This footer keeps its keys back until `release()` (after
that first paint) and folds a burst of binding changes into one rebuild; what
it shows once built is Textual's own, unchanged.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class DeskFooter(Footer):
    def __init__(self, *, compact: bool = False, show_command_palette: bool = True) -> None:
        super().__init__(compact=compact, show_command_palette=show_command_palette)
        self.held = True  # no keys until the first lead is on screen
        self._queued = False  # a rebuild is already waiting for the next refresh

    def release(self) -> None:
        """The desk has painted its first lead: build the keys now."""
        if self.held:
            self.held = False
            # through the footer's own queue: its keys bind to it while they are built
            self.call_later(self.bindings_changed, self.screen)

    def bindings_changed(self, screen: Screen) -> None:
        if self.held or self._queued:
            return
        super().bindings_changed(screen)
        # Textual queues the rebuild only under these conditions (textual 8.2.8, pinned)
        self._queued = screen.app.app_focus and self.is_attached and screen is self.screen

    async def recompose(self) -> None:
        self._queued = False
        await super().recompose()
