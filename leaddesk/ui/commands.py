"""Command palette (ctrl+p): every desk action, with namespaced titles.

`PALETTE` lists the actions as data — a title ("namespace: what"), the
action to run on the desk screen (or "app.…"), and the binding id whose key
is shown beside it. To offer a new action, add a line; it is listed only
while the desk allows it (`check_action`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from leaddesk.core.domain.rules import OUTCOMES
from leaddesk.ui.keymap import key_display


@dataclass(frozen=True)
class PaletteCommand:
    title: str  # "lead: add"
    action: str  # an action of the desk screen, e.g. "lead_add", or "app.help"
    binding_id: str = ""  # its key is shown as the help text


def _outcome_commands() -> Iterator[PaletteCommand]:
    for name, spec in OUTCOMES.items():
        if spec.channel == "system":
            continue  # decisions about the lead have their own entries in PALETTE
        yield PaletteCommand(f"lead: log {spec.label}", f"outcome('{name}')", f"outcome-{name}")
        if not spec.needs_time:
            yield PaletteCommand(
                f"lead: log {spec.label}, pick next date",
                f"outcome('{name}', True)",
                f"outcome-{name}-pick",
            )


PALETTE: list[PaletteCommand] = [
    *_outcome_commands(),
    PaletteCommand("lead: undo last touch", "undo", "undo"),
    PaletteCommand("lead: close as lost", "close_lost", "lead-close-lost"),
    PaletteCommand("lead: do not mail (on / off)", "toggle_mail", "lead-do-not-mail"),
    PaletteCommand("lead: clear do-not-call (they asked to be called)", "clear_dnc"),
    PaletteCommand("lead: move to another cadence", "move_cadence"),
    PaletteCommand("queue: shift schedule (vacation)", "shift"),
    PaletteCommand("team: take this lead (assign it to me)", "take_lead"),
    PaletteCommand("team: give this lead back to the pool", "to_pool"),
    PaletteCommand("call: dial", "dial", "dial"),
    PaletteCommand("call: stop the call timer", "cancel_call", "call-cancel"),
    PaletteCommand("session: start/stop", "session", "session"),
    PaletteCommand("stats: your numbers", "stats", "stats"),
    PaletteCommand("data: import spreadsheet", "import_file", "import"),
    PaletteCommand("lead: add", "lead_add", "lead-add"),
    PaletteCommand("lead: edit", "lead_edit", "lead-edit"),
    PaletteCommand("lead: note", "note", "note"),
    PaletteCommand("find: search leads", "find", "find"),
    PaletteCommand("find: lead list (filters)", "lead_list", "lead-list"),
    PaletteCommand("find: back to the queue", "back_to_queue", "back-to-queue"),
    PaletteCommand("queue: refresh", "reload", "refresh"),
    PaletteCommand("queue: load demo leads", "demo", "load-demo"),
    PaletteCommand("app: help (every key)", "app.help", "help"),
    PaletteCommand("app: quit", "app.quit", "quit"),
]


class DeskCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from leaddesk.ui.app import LeadDeskApp
        from leaddesk.ui.screens.desk import DeskScreen

        screen, app = self.screen, self.app
        if not isinstance(screen, DeskScreen) or not isinstance(app, LeadDeskApp):
            return []
        keys = {b.id: b.key for b in app._all_bindings() if b.id} | app.settings.keys
        commands: list[tuple[str, Callable[[], object], str]] = []
        for command in PALETTE:
            target = app if command.action.startswith("app.") else screen
            action = command.action.removeprefix("app.")
            name = action.split("(")[0]
            if target is screen and screen.check_action(name, ()) is False:
                continue
            shown = keys.get(command.binding_id, "")
            commands.append((command.title, partial(target.run_action, action), key_display(shown)))
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
