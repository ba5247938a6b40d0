"""Pick the next contact: quick keys or free text, echoed as a concrete time.

A quick key (`t`, `1`–`9`, `w`) pressed first applies at once: one key, and the
desk's status line shows the time chosen with `u` to undo. Free text is echoed
and applied with enter; text that starts like a quick key ("thu 3pm",
"2026-12-01") is typed after a space.

Returns the chosen UTC instant, or None when cancelled. It never writes.
"""

from __future__ import annotations

from collections.abc import Callable

from pendulum import DateTime
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.when import parse_when, quick
from leaddesk.ui.render import safe

QUICK_KEYS = tuple("123456789tw")
MAX_WHEN = 100
HINT = (
    "at once: t tomorrow morning · 1-9 days · w next week — or type a time and enter:"
    " in 2 weeks, dec 3 10:30, fri 3pm (space first for thu 3pm, 2026-12-01)"
    " · escape cancels"
)


class NextContactPicker(ModalScreen[DateTime | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel", id="picker-cancel")]

    def __init__(
        self,
        title: str,
        now: DateTime,
        lead_zone: str,
        rep_zone: str,
        morning_hour: int = 9,
        warn: Callable[[DateTime], str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.now = now
        self.lead_zone = lead_zone
        self.rep_zone = rep_zone
        self.morning_hour = morning_hour
        self.candidate: DateTime | None = None
        self.problem = ""  # why the text typed so far gives no time
        self.warn = warn  # what the core says of a time (a promise outside the window)
        self._fresh = True  # nothing typed yet: a quick key now applies at once

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(Text(safe(self.title_text), style="bold"), id="picker-title")
            yield Label(Text(f"times are their local time ({self.lead_zone})", "dim"))
            yield Input(
                placeholder="when? t, 1-9, w at once — or type: fri 3pm, dec 3 10:30",
                id="when",
                # A paste never carries terminal controls in, nor a novel.
                restrict=r"[^\x00-\x1f\x7f-\x9f]*",
                max_length=MAX_WHEN,
            )
            yield Static("", id="picker-echo")
            yield Static(Text(HINT, style="dim"), id="picker-hint")

    def on_input_changed(self, event: Input.Changed) -> None:
        first_key, self._fresh = self._fresh and len(event.value) == 1, False
        text = event.value.strip().lower()
        echo = self.query_one("#picker-echo", Static)
        self.candidate = None
        self.problem = ""
        if not text:
            echo.update("")
            return
        if first_key and text in QUICK_KEYS:
            at = quick(text, self.now, self.lead_zone, self.morning_hour)
            if at is not None and at >= self.now:
                self.dismiss(at)  # one key: the desk says what was set, u undoes it
                return
        try:
            if text in QUICK_KEYS:
                self.candidate = quick(text, self.now, self.lead_zone, self.morning_hour)
            else:
                self.candidate = parse_when(text, self.now, self.lead_zone, self.morning_hour)
        except InvalidInput as exc:
            self.problem = str(exc)
        if self.candidate is not None and self.candidate < self.now:
            self.problem = f"{self.describe(self.candidate)}: that time has already passed"
            self.candidate = None
        if self.problem:
            echo.update(Text(f"✗ {self.problem}", style="red"))
            return
        echo.update(Text(f"→ {self.describe(self.candidate)}", style="green"))
        warning = self.warn(self.candidate) if self.warn is not None else ""
        if warning:
            echo.update(Text(f"→ {self.describe(self.candidate)}\n{warning}", style="yellow"))

    def describe(self, at: DateTime) -> str:
        theirs = at.in_timezone(self.lead_zone)
        text = f"{theirs:%a %d %b %Y %H:%M} their time"
        if self.rep_zone != self.lead_zone:
            text += f" · {at.in_timezone(self.rep_zone):%a %H:%M} yours"
        return text

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.candidate is None:
            # keep the reason the text was refused, and say what to do
            hint = "type a time first, or escape to cancel"
            text = f"✗ {self.problem} — {hint}" if self.problem else f"✗ {hint}"
            self.query_one("#picker-echo", Static).update(Text(text, style="red"))
            return
        self.dismiss(self.candidate)

    def action_cancel(self) -> None:
        self.dismiss(None)
