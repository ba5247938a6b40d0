"""Command palette (ctrl+p): every action of ui/actions.py that has a title
("namespace: what"), with its key as remapped, offered while it is enabled."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from leaddesk.ui.actions import ACTIONS, Action, key_display, keys_of
from leaddesk.ui.host import DeskHost


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        screen, app = self.screen, self.app
        state = getattr(screen, "state", None)  # the desk's, without importing the desk
        if state is None or not isinstance(app, DeskHost):
            return []  # not on the desk
        now = state()
        commands: list[tuple[str, Callable[[], object], str]] = []
        for action in ACTIONS:
            if not action.title or (action.target == "desk" and not now.allows(action)):
                continue
            shown = key_display(keys_of(action, app.settings.keys))
            commands.append((action.title, self._runner(action), shown))
        return commands

    def _runner(self, action: Action) -> Callable[[], object]:
        if action.target == "app":
            return partial(self.app.run_action, action.run)
        return partial(self.screen.run_action, f"act('{action.id}')")

    async def discover(self) -> Hits:
        for title, run, help_text in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, run, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
