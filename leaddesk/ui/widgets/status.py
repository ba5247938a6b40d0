"""The header bar (today's counts, clock) and the confirmation line."""

from __future__ import annotations

from pendulum import DateTime
from rich.text import Text
from textual.widgets import Static

from leaddesk.core.desk.snapshot import DayCounts
from leaddesk.core.domain.text import percent, stopwatch, weekday_clock
from leaddesk.core.writes.sessions import SessionView
from leaddesk.ui.render import safe

CALL_NAME_WIDTH = 24
WIDE = 100  # columns from which the call timer is spelled out


class DeskHeader(Static):
    def __init__(self, rep_zone: str, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.rep_zone = rep_zone
        self.counts = DayCounts(0, 0, 0)
        self.now: DateTime | None = None
        self.session: SessionView | None = None
        self.call: tuple[str, DateTime] | None = None  # (lead name, dialled at)
        self.stale_scrub = ""  # the do-not-call registry scrub is out of date: say so

    @property
    def plain(self) -> str:
        """The header as the rep reads it, without styles."""
        return str(self.content)

    def set_counts(self, counts: DayCounts, stale_scrub: str = "") -> None:
        self.counts = counts
        self.stale_scrub = stale_scrub
        self._draw()

    def set_session(self, session: SessionView | None) -> None:
        """While a call session runs the header shows its numbers instead of today's."""
        self.session = session
        self._draw()

    def set_call(self, name: str | None, started_at: DateTime | None = None) -> None:
        """The call timer, redrawn by `tick` every second (no database involved)."""
        self.call = (name, started_at) if name is not None and started_at is not None else None
        self._draw()

    def _session_text(self, session: SessionView) -> str:
        t = session.tally
        elapsed = stopwatch(session.elapsed_seconds(self.now or session.started_at), hours=True)
        goal = f"/{session.goal}" if session.goal else ""
        rate = f" ({percent(t.connects, t.dials)})" if t.dials else ""
        return (
            f" ─ session {elapsed} · dials {t.dials}{goal} · connects {t.connects}"
            + rate
            + f" · appts {t.appointments}"
        )

    def tick(self, now: DateTime) -> None:
        self.now = now
        self._draw()

    def _draw(self) -> None:
        c = self.counts
        rate = f" ({100 * c.connects // c.dials}%)" if c.dials else ""
        if self.session is not None:
            counts = self._session_text(self.session)
        else:
            counts = (
                f" ─ today · dials {c.dials} · connects {c.connects}{rate} · appts {c.appointments}"
            )
        left = Text.assemble(("leaddesk", "bold"), counts)
        if self.stale_scrub:
            left.append(f" ─ ⚠ {self.stale_scrub}", style="bold yellow")
        right = Text()
        if self.call is not None and self.now is not None:
            name, started = self.call
            seconds = int(self.now.timestamp() - started.timestamp())
            wide = self.size.width >= WIDE  # narrow: keep room for the counts
            label = "☎ on call" if wide else "☎"
            right.append(f"{label} {stopwatch(seconds)} ", style="bold green")
            right.append(safe(name)[: CALL_NAME_WIDTH if wide else 12] + "   ", style="green")
        if self.now is not None:
            right.append(weekday_clock(self.now.in_timezone(self.rep_zone)), style="bold")
        left.truncate(max(self.size.width - right.cell_len - 2, 10), overflow="ellipsis")
        gap = max(self.size.width - left.cell_len - right.cell_len, 1)
        left.append(" " * gap)
        left.append_text(right)
        self.update(left, layout=False)


class StatusLine(Static):
    """What the last keystroke did ("… · u to undo"), or what went wrong."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.message = ""
        self.is_error = False

    def ok(self, message: str) -> None:
        self.message, self.is_error = message, False
        self.update(Text("✓ " + safe(message), style="green"), layout=False)

    def info(self, message: str) -> None:
        self.message, self.is_error = message, False
        self.update(Text(safe(message), style="dim"), layout=False)

    def error(self, message: str) -> None:
        self.message, self.is_error = message, True
        self.update(Text("✗ " + safe(message), style="bold red"), layout=False)
