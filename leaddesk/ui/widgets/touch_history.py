"""Every touch of the selected lead, newest first."""

from __future__ import annotations

from pendulum import DateTime
from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from leaddesk.core.domain.text import history_stamp, when_local
from leaddesk.core.reads.leads import LeadView
from leaddesk.ui.render import safe

CHANNEL_MARK = {"call": "☎", "email": "✉", "letter": "✎", "system": "•", "note": "✐"}


class TouchHistory(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.lead_id: int | None = None
        self.touch_count = 0

    def show(self, lead: LeadView | None, now: DateTime, rep_zone: str) -> None:
        self.lead_id = lead.id if lead else None
        self.touch_count = len(lead.touches) if lead else 0
        if lead is None:
            self.update("", layout=False)
            return
        lines = [Text(f"HISTORY ({len(lead.touches)})", style="bold")]
        for touch in lead.touches:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(history_stamp(touch.at, rep_zone, now), style="dim")
            line.append(f"  {CHANNEL_MARK.get(touch.channel, '·')} ")
            if touch.by:  # a colleague's touch (team mode)
                line.append(f"{safe(touch.by)}: ", style="cyan")
            if touch.outcome == "received":
                line.append(safe(touch.note or "received"))
            else:
                line.append(touch.outcome_text, style="bold")
            if touch.duration_s:
                line.append(f" {touch.duration_s // 60}:{touch.duration_s % 60:02d}", "dim")
            if touch.note and touch.outcome != "received":
                line.append(" — " + safe(touch.note), style="italic")
            if touch.scheduled_due_at is not None and touch.outcome != "received":
                stamp = when_local(touch.scheduled_due_at, rep_zone, now)
                line.append(f"  → {touch.scheduled_channel} {stamp}", style="dim")
            lines.append(line)
        self.update(Group(*lines), layout=False)
