"""The Textual application: settings, clock and database thread, injected.

`make_app` is the one factory the CLI and the tests use; the app never reads
argv, the environment or the wall clock itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from leaddesk.config import ConfigError, RepAnswer, write_first_config
from leaddesk.core.domain.clock import Clock
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Settings
from leaddesk.logs import logger
from leaddesk.ui.actions import bindings, help_groups
from leaddesk.ui.commands import DeskCommands
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.host import DeskHost
from leaddesk.ui.keymap import modal_bindings

# The help and first-run screens load when shown, not before the desk's first paint.
if TYPE_CHECKING:
    from concurrent.futures import Future

    from leaddesk.core.desk.snapshot import DeskSnapshot
    from leaddesk.ui.dbthread import DbThread
    from leaddesk.ui.screens.first_run import FirstRunOffer

# Textual's own palette entries a rep may want, renamed into our namespaces;
# the rest (Keys, Maximize, Screenshot, Bell, its Quit) mean nothing at the desk.
SYSTEM_COMMANDS = {"Theme": "app: theme (colours)"}

# The rules of every screen but the desk: added to the stylesheet when the first of
# them is shown (LeadDeskApp._load_screen_css), not parsed while the desk opens.
SCREENS_CSS = Path(__file__).parent / "screens" / "screens.tcss"


class LeadDeskApp(DeskHost):
    CSS_PATH = "app.tcss"
    TITLE = "leaddesk"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {DeskCommands}
    BINDINGS = bindings("app")

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        target: str,
        command: str = "leaddesk",
        first_run: FirstRunOffer | None = None,
        db: DbThread | None = None,
        first_page: Future[DeskSnapshot] | None = None,
    ) -> None:
        super().__init__(settings, clock, target, db, first_page)
        self.command = command
        self.first_run = first_run

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self._apply_keymap()
        if self.first_run is None:
            self.push_screen(DeskScreen())
        else:
            from leaddesk.ui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen(self.first_run), self._first_run_answered)

    def _first_run_answered(self, answer: RepAnswer | None) -> None:
        offer, self.first_run = self.first_run, None
        if answer is not None and offer is not None:
            try:
                rep = write_first_config(offer.path, answer)
            except (ConfigError, OSError) as exc:
                self.startup_warnings.append(f"config not written: {exc}")
            else:
                # the desk (and the demo's touches) work as this rep from now on
                self.settings = replace(self.settings, rep_name=rep.name, rep_timezone=rep.timezone)
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
        generated = [b for target in ("app", "desk", "queue") for b in bindings(target)]
        return [*generated, *modal_bindings()]

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title in SYSTEM_COMMANDS:
                yield command._replace(title=SYSTEM_COMMANDS[command.title])

    def action_help(self) -> None:
        from leaddesk.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(help_groups(self.settings.keys, modal_bindings())))

    async def action_quit(self) -> None:
        desk = next((s for s in self.screen_stack if isinstance(s, DeskScreen)), None)
        if desk is not None:
            await desk.claims.release_all()  # the lead is free for the others at once
        self.exit()

    def _load_screen_css(self, screen: Screen) -> None:
        # Textual parses every stylesheet again for each widget class it meets on the
        # way to the desk's first paint, and the other screens' rules were ~60 % of
        # app.tcss (issue 15 point 2). Added here, at app.tcss's priority and after it as
        # when they were one file, they are parsed alone into the stylesheet that holds
        # the others' parse: a screen's CSS_PATH would make Textual parse every source
        # again in a fresh stylesheet and restyle every widget (~25 ms more on the first
        # modal). Textual's hook, pinned at 8.2.8 like `_handle_exception`.
        if type(screen).__module__.startswith("leaddesk.ui.screens."):
            where = (str(SCREENS_CSS), "")
            if not self.stylesheet.has_source(*where):
                css = SCREENS_CSS.read_text(encoding="utf-8")
                self.stylesheet.add_source(css, read_from=where, is_default_css=False)
        super()._load_screen_css(screen)

    def on_unmount(self) -> None:
        self.db.close()

    def _handle_exception(self, error: Exception) -> None:
        # A bug: the traceback goes to the log file for the bug report
        # (Textual is pinned exactly, so this private hook cannot shift).
        logger.error("the desk stopped on an unexpected error", exc_info=error)
        super()._handle_exception(error)


def make_app(
    settings: Settings,
    clock: Clock,
    target: str,
    command: str = "leaddesk",
    first_run: FirstRunOffer | None = None,
    db: DbThread | None = None,
    first_page: Future[DeskSnapshot] | None = None,
) -> LeadDeskApp:
    """The desk. `command` is how the rep runs leaddesk from a shell (the empty desk
    prints it); `first_run` asks who the rep is before the desk opens; `db` and
    `first_page`: the database thread, already reading the first page (first_page.py)."""
    return LeadDeskApp(settings, clock, target, command, first_run, db, first_page)
