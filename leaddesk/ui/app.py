"""The Textual application: settings, clock and database thread, injected.

`make_app` is the one factory the CLI and the tests use; the app never reads
argv, the environment or the wall clock itself.
"""

from __future__ import annotations

from pendulum import DateTime
from textual.app import App
from textual.binding import Binding

from leaddesk.core.clock import Clock
from leaddesk.core.settings import Settings
from leaddesk.ui.commands import DeskCommands
from leaddesk.ui.dbthread import DbThread
from leaddesk.ui.screens.desk import OUTCOME_KEYS, DeskScreen
from leaddesk.ui.screens.help import HelpScreen


class LeadDeskApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "leaddesk"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {DeskCommands}
    BINDINGS = [
        Binding("question_mark", "help", "help", id="help"),
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

        return [*self.BINDINGS, *DeskScreen.BINDINGS, *QueueList.BINDINGS]

    def action_help(self) -> None:
        keymap = {**{b.id: b.key for b in self._all_bindings() if b.id}, **self.settings.keys}
        outcomes = []
        for key, name, _label, shift in OUTCOME_KEYS:
            binding_id = f"outcome-{name}"
            keys = keymap.get(binding_id, key)
            if shift:
                keys += f" / {keymap.get(binding_id + '-pick', shift)} (pick date)"
            outcomes.append((keys, f"{name.replace('-', ' ')}   [id {binding_id}]"))
        groups = [
            ("Log the call (then the next lead is selected)", outcomes),
            (
                "Move",
                [
                    ("j / down, k / up", "next / previous lead"),
                    ("pagedown / pageup, home / end", "page, first / last"),
                ],
            ),
            (
                "Desk",
                [
                    (keymap.get("undo", "u,ctrl+z"), "undo the last logged touch, repeatedly"),
                    ("r", "refresh the queue now"),
                    ("D", "load demo leads (empty database only)"),
                    (keymap.get("import", "i"), "import a spreadsheet (CSV, or a JSONL export)"),
                    ("ctrl+p", "command palette"),
                    ("?", "this help"),
                    (keymap.get("quit", "q"), "quit"),
                ],
            ),
        ]
        self.push_screen(HelpScreen(groups))

    async def action_quit(self) -> None:
        self.exit()

    def on_unmount(self) -> None:
        self.db.close()


def make_app(settings: Settings, clock: Clock, target: str) -> LeadDeskApp:
    return LeadDeskApp(settings, clock, target)
