"""The header bar (today's counts, clock) and the confirmation line."""

from __future__ import annotations

from pendulum import DateTime
from rich.text import Text
from textual.widgets import Static

from leaddesk.core.desk import DayCounts
from leaddesk.ui.render import safe


class DeskHeader(Static):
    def __init__(self, rep_zone: str, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.rep_zone = rep_zone
        self.counts = DayCounts(0, 0, 0)
        self.now: DateTime | None = None

    def set_counts(self, counts: DayCounts) -> None:
        self.counts = counts
        self._draw()

    def tick(self, now: DateTime) -> None:
        self.now = now
        self._draw()

    def _draw(self) -> None:
        c = self.counts
        rate = f" ({100 * c.connects // c.dials}%)" if c.dials else ""
        left = Text.assemble(
            ("leaddesk", "bold"),
            f" ─ today · dials {c.dials} · connects {c.connects}{rate} · appts {c.appointments}",
        )
        right = ""
        if self.now is not None:
            right = self.now.in_timezone(self.rep_zone).format("ddd HH:mm")
        gap = max(self.size.width - left.cell_len - len(right), 1)
        left.append(" " * gap)
        left.append(right, style="bold")
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
