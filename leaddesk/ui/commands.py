"""Command palette (ctrl+p): every desk action, with namespaced titles."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from leaddesk.core.rules import OUTCOMES


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from leaddesk.ui.screens.desk import DeskScreen

        screen = self.screen
        if not isinstance(screen, DeskScreen):
            return []
        commands: list[tuple[str, Callable[[], object], str]] = []
        for name, spec in OUTCOMES.items():
            if spec.channel == "system":
                continue  # decisions about the lead have their own entries below
            commands.append((f"lead: log {spec.label}", partial(screen.action_outcome, name), name))
            if not spec.needs_time:
                commands.append(
                    (
                        f"lead: log {spec.label}, pick next date",
                        partial(screen.action_outcome, name, True),
                        name,
                    )
                )
        commands += [
            ("lead: close as lost", screen.action_close_lost, "K"),
            ("lead: do not mail (on / off)", screen.action_toggle_mail, "M"),
            ("lead: clear do-not-call (they asked to be called)", screen.action_clear_dnc, ""),
            ("lead: move to another cadence", screen.action_move_cadence, ""),
            ("queue: shift schedule (vacation)", screen.action_shift, ""),
            ("lead: undo last touch", screen.action_undo, "u"),
            ("queue: refresh", screen.action_reload, "r"),
            ("app: help (every key)", self.app.action_help, "?"),
            ("call: dial", screen.action_dial, "enter"),
            ("session: start/stop", screen.action_session, "S"),
            ("stats: your numbers", screen.action_stats, "F"),
        ]
        return commands

    async def discover(self) -> Hits:
        for title, run, help_text in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, run, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
