"""The Textual application: settings, clock and database thread, injected.

`make_app` is the one factory the CLI and the tests use; the app never reads
argv, the environment or the wall clock itself.
"""

from __future__ import annotations

from pendulum import DateTime
from textual.app import App
from textual.binding import Binding

from leaddesk.core.domain.clock import Clock
from leaddesk.core.domain.settings import Settings
from leaddesk.logs import logger
from leaddesk.ui.commands import DeskCommands
from leaddesk.ui.dbthread import DbThread
from leaddesk.ui.keymap import help_groups, modal_bindings
from leaddesk.ui.screens.desk import DeskScreen
from leaddesk.ui.screens.help import HelpScreen


class LeadDeskApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "leaddesk"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {DeskCommands}
    BINDINGS = [
        Binding("question_mark", "help", "help", tooltip="this help: every key", id="help"),
        Binding(
            "ctrl+p",
            "command_palette",
            "palette",
            show=False,
            priority=True,
            tooltip="the command palette: every action by name",
            id="command-palette",
        ),
        Binding("q", "quit", "quit", id="quit"),
    ]

    def __init__(self, settings: Settings, clock: Clock, target: str) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock
        self.target = target
        self.db = DbThread()
        self.startup_warnings: list[str] = []

    def now(self) -> DateTime:
        return self.clock.now()

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self._apply_keymap()
        self.push_screen(DeskScreen())

    def _apply_keymap(self) -> None:
        if not self.settings.keys:
            return
        known = {b.id for b in self._all_bindings() if b.id}
        unknown = sorted(set(self.settings.keys) - known)
        if unknown:
            self.startup_warnings.append(
                f"config [keys]: unknown binding id {', '.join(unknown)} (see ? for ids)"
            )
        self.set_keymap({k: v for k, v in self.settings.keys.items() if k in known})

    def _all_bindings(self) -> list[Binding]:
        from leaddesk.ui.widgets.queue_list import QueueList

        return [*self.BINDINGS, *DeskScreen.BINDINGS, *QueueList.BINDINGS, *modal_bindings()]

    def action_help(self) -> None:
        self.push_screen(HelpScreen(help_groups(self._all_bindings(), self.settings.keys)))

    async def action_quit(self) -> None:
        desk = next((s for s in self.screen_stack if isinstance(s, DeskScreen)), None)
        if desk is not None:
            await desk.team.release_all()  # the lead is free for the others at once
        self.exit()

    def on_unmount(self) -> None:
        self.db.close()

    def _handle_exception(self, error: Exception) -> None:
        # A bug: the traceback goes to the log file for the bug report
        # (Textual is pinned exactly, so this private hook cannot shift).
        logger.error("the desk stopped on an unexpected error", exc_info=error)
        super()._handle_exception(error)


def make_app(settings: Settings, clock: Clock, target: str) -> LeadDeskApp:
    return LeadDeskApp(settings, clock, target)
