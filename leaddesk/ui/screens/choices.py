"""Small modals for the engine's rarer actions: pick a cadence, shift the schedule.

Each returns a plain value (a cadence name, a number of business days) or None
when cancelled; neither writes to the database.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from leaddesk.core.domain.settings import Cadence


def describe_cadence(cadence: Cadence) -> str:
    """ "0m call · 1h call · 1d call · 2d email …" """
    parts = []
    for step in cadence.steps:
        minutes = step.after_minutes
        unit = next(
            (f"{minutes // size}{u}" for u, size in (("w", 10080), ("d", 1440), ("h", 60))
             if minutes and minutes % size == 0),
            f"{minutes}m",
        )  # fmt: skip
        parts.append(f"{unit} {step.channel}")
    return " · ".join(parts)


class CadenceChooser(ModalScreen[str | None]):
    """Which cadence to move a lead to (it restarts there from the first step)."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="cadence-cancel")]

    def __init__(self, lead_name: str, current: str, cadences: dict[str, Cadence]) -> None:
        super().__init__()
        self.lead_name = lead_name
        self.current = current
        self.cadences = cadences

    def compose(self) -> ComposeResult:
        with Vertical(id="chooser"):
            yield Label(Text(f"Move {self.lead_name} to the cadence…", style="bold"))
            yield Label(Text(f"now on {self.current}; the new one starts at its first step", "dim"))
            options = []
            for name, cadence in self.cadences.items():
                line = Text(name, style="bold")
                line.append(f"  {describe_cadence(cadence)}", style="dim")
                options.append(Option(line, id=name))
            yield OptionList(*options, id="cadences")
            yield Static(Text("enter moves · escape cancels", style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ShiftPrompt(ModalScreen[int | None]):
    """The vacation shift: how many business days to move every future due time."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="shift-cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="chooser"):
            yield Label(Text("Shift the schedule (vacation)", style="bold"))
            yield Label(
                Text(
                    "Every future due time moves this many business days later, calls into"
                    " the lead's calling window. Promised callbacks and appointments keep"
                    " their time. It cannot be undone with u.",
                    style="dim",
                )
            )
            yield Input(placeholder="business days, e.g. 5", id="shift-days")
            yield Static("", id="shift-echo")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        echo = self.query_one("#shift-echo", Static)
        if not text.isdigit() or not 1 <= int(text) <= 260:
            echo.update(Text("✗ a whole number of business days, 1 to 260", style="red"))
            return
        self.dismiss(int(text))

    def action_cancel(self) -> None:
        self.dismiss(None)
