"""`?`: every key, grouped by purpose (reflecting the rep's keymap), with binding ids."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS_WIDTH = 16


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "close", id="help-close")]

    def __init__(self, groups: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        parts: list[Text | Table] = []
        for title, rows in self.groups:
            parts.append(Text(title, style="bold underline"))
            table = Table.grid(padding=(0, 2))
            table.add_column(style="bold cyan", no_wrap=True, width=KEYS_WIDTH)
            table.add_column(ratio=1)
            table.add_column(style="dim", no_wrap=True)
            for keys, what, binding_id in rows:
                table.add_row(Text(keys), Text(what), Text(binding_id))
            parts.extend((table, Text("")))
        with VerticalScroll(id="help"):
            yield Static(Group(*parts))
            yield Static(
                Text("remap any key by its id in config.toml [keys] · escape closes", style="dim")
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
