"""`?`: every key, grouped by purpose (reflecting the rep's keymap)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "close", id="help-close")]

    def __init__(self, groups: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for title, rows in self.groups:
            table.add_row(Text(title, style="bold underline"), "")
            for keys, what in rows:
                # Text, not str: a key from the config file is never markup.
                table.add_row(Text(keys), Text(what))
            table.add_row("", "")
        with VerticalScroll(id="help"):
            yield Static(table)
            yield Static(Text("escape closes", style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
