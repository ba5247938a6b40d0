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
            ("lead: undo last touch", screen.action_undo, "u"),
            ("queue: refresh", screen.action_reload, "r"),
            ("data: import spreadsheet", screen.action_import_file, "i"),
            ("app: help (every key)", self.app.action_help, "?"),
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
