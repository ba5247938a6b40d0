"""A free-text note: on the selected lead, or on the touch just logged.

Returns the text (the desk saves it through the core), or None when cancelled.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from leaddesk.ui.render import safe


class NoteScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "cancel", "cancel", tooltip="close without saving", id="note-cancel")
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="note"):
            yield Label(Text(safe(self.title_text), style="bold"), id="note-title")
            yield Input(placeholder="what was said, what to do next …", id="note-text")
            yield Static("", id="note-message")
            yield Static(Text("enter saves · escape cancels", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.query_one("#note-message", Static).update(
                Text("✗ type a note first, or escape to cancel", style="red")
            )
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
