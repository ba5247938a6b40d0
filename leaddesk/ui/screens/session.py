"""Call session modals: the optional goal before it starts, the summary when it ends.

Neither writes: they return what the rep chose and the desk calls the core.
"""

from __future__ import annotations

from dataclasses import dataclass

from pendulum import DateTime
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from leaddesk.core.domain.text import percent, stopwatch
from leaddesk.core.writes.sessions import MAX_GOAL, SessionView


@dataclass(frozen=True)
class SessionRequest:
    goal: int | None  # dials; None = no goal


def parse_goal(text: str) -> int | None:
    """'' -> None; '60' -> 60; anything else raises ValueError with the reason."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) <= MAX_GOAL:
        raise ValueError(f"a goal is a number of dials, 1 to {MAX_GOAL} (or empty: no goal)")
    return int(text)


class SessionStart(ModalScreen[SessionRequest | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel", id="session-cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="session-start", classes="modal-box"):
            yield Label(Text("Start a call session", style="bold"))
            yield Label(Text("goal: how many dials? (optional)", style="dim"))
            yield Input(placeholder="e.g. 60 — or leave empty", id="goal")
            yield Static("", id="session-echo")
            yield Static(Text("enter starts · escape cancels", style="dim"))

    def on_input_changed(self, event: Input.Changed) -> None:
        echo = self.query_one("#session-echo", Static)
        try:
            goal = parse_goal(event.value)
        except ValueError as exc:
            echo.update(Text(f"✗ {exc}", style="red"))
            return
        echo.update(Text(f"→ goal {goal} dials" if goal else "→ no goal", style="green"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            goal = parse_goal(event.value)
        except ValueError as exc:
            self.query_one("#session-echo", Static).update(Text(f"✗ {exc}", style="red"))
            return
        self.dismiss(SessionRequest(goal))

    def action_cancel(self) -> None:
        self.dismiss(None)


def summary_table(session: SessionView, now: DateTime) -> Table:
    t = session.tally
    table = Table.grid(padding=(0, 3))
    table.add_column(style="dim")
    table.add_column(justify="right", style="bold")
    goal = f" of {session.goal}" if session.goal else ""
    rows = [
        ("time", stopwatch(session.elapsed_seconds(now), hours=True)),
        ("dials", f"{t.dials}{goal}"),
        ("connects", f"{t.connects}"),
        ("contact rate", percent(t.connects, t.dials)),
        ("voicemails", f"{t.voicemails}"),
        ("appointments", f"{t.appointments}"),
        ("wins", f"{t.wins}"),
    ]
    for label, value in rows:
        table.add_row(label, value)
    return table


class SessionSummary(ModalScreen[bool]):
    """The numbers of a session just ended (already stored). Returns True to resume it."""

    BINDINGS = [
        Binding("escape,enter,q", "close", "close", id="session-summary-close"),
        Binding("r", "resume", "resume the session", id="session-resume"),
    ]

    def __init__(self, session: SessionView, now: DateTime) -> None:
        super().__init__()
        self.session = session
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(id="session-summary", classes="modal-box"):
            yield Label(Text("Session ended — saved", style="bold"))
            yield Static(summary_table(self.session, self.now), id="session-numbers")
            reached = self.session.goal and self.session.tally.dials >= self.session.goal
            if reached:
                yield Static(Text("goal reached", style="bold green"))
            yield Static(Text("enter closes · r resumes it (ended by mistake)", "dim"))

    def action_close(self) -> None:
        self.dismiss(False)

    def action_resume(self) -> None:
        self.dismiss(True)
