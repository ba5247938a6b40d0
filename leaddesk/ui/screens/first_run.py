"""The first run: who the rep is and their time zone, asked once when there is no
config file. Shows what will be written; returns a checked `RepAnswer` (the app
has config code write the file), or None when the rep skips it for now.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from leaddesk.config import ConfigError, RepAnswer, checked_answer, first_config_text
from leaddesk.ui.render import safe


@dataclass(frozen=True)
class FirstRunOffer:
    """No config file yet: where to write one, the prefilled answer, and a warning."""

    path: Path
    guess: RepAnswer
    warning: str = ""  # e.g. the machine says UTC


class FirstRunScreen(ModalScreen[RepAnswer | None]):
    BINDINGS = [
        Binding("escape", "skip", "skip", tooltip="ask again next time", id="first-run-skip")
    ]

    def __init__(self, offer: FirstRunOffer) -> None:
        super().__init__()
        self.guess = offer.guess
        self.warning = offer.warning
        self.path = str(offer.path)

    def compose(self) -> ComposeResult:
        with Vertical(id="first-run"):
            yield Label(Text("Welcome to leaddesk", style="bold"), id="first-run-title")
            yield Static(Text("Two questions, asked once.", style="dim"))
            with Horizontal(classes="form-row"):
                yield Label("your name", classes="form-label")
                yield Input(self.guess.name, id="first-name", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("time zone", classes="form-label")
                yield Input(self.guess.timezone, id="first-zone", compact=True)
            yield Static(Text(f"⚠ {self.warning}", style="yellow") if self.warning else "")
            yield Static("", id="first-preview")
            yield Static("", id="first-message")
            yield Static(Text("enter writes it · escape skips (asked again next time)", "dim"))

    def on_mount(self) -> None:
        self.query_one("#first-name", Input).focus()
        self._preview()

    def answer(self) -> RepAnswer:
        name = self.query_one("#first-name", Input).value
        return RepAnswer(name, self.query_one("#first-zone", Input).value)

    @on(Input.Changed)
    def _preview(self) -> None:
        self.query_one("#first-message", Static).update("")  # an old refusal no longer holds
        try:
            text = first_config_text(self.answer())
        except ConfigError as exc:
            shown = Text(f"✗ {safe(str(exc))}", style="red")
        else:
            shown = Text(f"writes {safe(self.path)}:", style="dim")
            for line in text.splitlines():
                shown.append("\n  " + safe(line))
        self.query_one("#first-preview", Static).update(shown)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            answer = checked_answer(self.answer())  # the app has config code write it
        except ConfigError as exc:
            self.query_one("#first-message", Static).update(Text(f"✗ {exc}", style="red"))
            return
        self.dismiss(answer)

    def action_skip(self) -> None:
        self.dismiss(None)
