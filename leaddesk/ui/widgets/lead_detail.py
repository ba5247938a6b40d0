"""Everything known about the selected lead, and why it is due now."""

from __future__ import annotations

from pendulum import DateTime
from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from leaddesk.core.domain.compliance import COMPANY
from leaddesk.core.domain.text import minutes_between, next_contact, span, weekday_clock
from leaddesk.core.reads.leads import LeadView
from leaddesk.core.reads.queue.rows import QueueRow
from leaddesk.ui.render import HEAT, safe

SOURCE_WORDS = {"manual": "set by hand", "phone": "from phone", "rep": "unknown: yours"}


class LeadDetail(Static):
    """Renders a LeadView; `lead_id` says which lead is on screen."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.lead_id: int | None = None

    def show(
        self,
        lead: LeadView | None,
        row: QueueRow | None,
        now: DateTime,
        rep_zone: str,
        banner: str = "",
    ) -> None:
        """`banner`: one line above the lead (a lead shown from search, not the queue)."""
        self.lead_id = lead.id if lead else None
        if lead is None:
            self.update(Text("No lead selected.", style="dim"), layout=False)
            return
        lines = self._lines(lead, row, now, rep_zone)
        if banner:
            lines.insert(0, Text(banner, style="reverse bold", no_wrap=True, overflow="ellipsis"))
        self.update(Group(*lines), layout=False)

    def _lines(
        self, lead: LeadView, row: QueueRow | None, now: DateTime, rep_zone: str
    ) -> list[Text]:
        # The badge goes first so a long company or title never hides it.
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append_text(self._badge(lead, now))
        title.append("  ")
        title.append(safe(lead.name), style="bold")
        if lead.company:
            title.append(" · " + safe(lead.company))
        if lead.title:
            title.append(f" ({safe(lead.title)})", style="dim")
        lines = [title]

        zone = lead.timezone
        local = lead.local_now
        where = Text(no_wrap=True, overflow="ellipsis")
        for phone in lead.phones:
            style = "strike dim" if phone.bad else "bold"
            where.append(safe(phone.display), style=style)
            if phone.label:
                where.append(f" {safe(phone.label)}", style="dim")
            where.append("  ")
        if not lead.phones:
            where.append("no phone  ", style="dim")
        lines.append(where)
        clock = Text(no_wrap=True, overflow="ellipsis")
        clock.append("their time ", style="dim")
        clock.append(weekday_clock(local), style="bold")
        if lead.window_open:
            clock.append(" · window open", style="green")
        else:
            opens = lead.window_opens_at.in_timezone(zone) if lead.window_opens_at else None
            closed = f" · closed ({lead.holiday})" if lead.holiday else " · closed"
            if lead.blocked_by and lead.blocked_by != COMPANY:
                closed = f" · closed by {lead.blocked_by}"
            closed += f", opens {opens:%a %H:%M}" if opens else ""
            clock.append(closed, style="yellow")
        clock.append(f" · {zone} ({SOURCE_WORDS.get(lead.timezone_source, '')})", style="dim")
        lines.append(clock)
        if lead.rules_text:
            lines.append(Text(f"rules: {lead.rules_text}", style="dim", no_wrap=True))

        if lead.email:
            mail = Text(safe(lead.email), no_wrap=True, overflow="ellipsis")
            if lead.do_not_mail:
                mail.append("  do not mail", style="bold red")
            lines.append(mail)
        address = ", ".join(safe(p) for p in (lead.address, lead.city, lead.region) if p)
        if address:
            lines.append(Text(address, style="dim", no_wrap=True, overflow="ellipsis"))
        facts = [
            f"{label}: {safe(value)}"
            for label, value in (("source", lead.source), ("interest", lead.interest))
            if value
        ]
        if facts:
            lines.append(Text(" · ".join(facts), no_wrap=True, overflow="ellipsis"))

        state = Text(no_wrap=True, overflow="ellipsis")
        state.append(f"{lead.status}", style="bold")
        if lead.do_not_call:
            # first, before the line's end is cut: the one fact the rep must not miss
            dnc = f" (since {lead.dnc_at.in_timezone(rep_zone):%Y-%m-%d})" if lead.dnc_at else ""
            state.append(f" · DO NOT CALL{dnc}", style="bold red")
            if lead.email and not lead.do_not_mail:
                # in DUE for an email step: why a lead nobody may call is there
                state.append(" · email only", style="bold")
        if lead.status in ("new", "working"):
            state.append(f" · {self._cadence(lead)}")
        state.append(f" · attempts {lead.attempts} · no's {lead.no_count}")
        if lead.do_not_mail and not lead.email:
            state.append(" · do not mail", style="bold red")
        if lead.owner:  # team mode; a pool lead says nothing
            state.append(f" · owner {safe(lead.owner)}", style="dim")
        lines.append(state)

        if row is not None and row.lead_id == lead.id:
            why = Text("why now: ", style="bold")
            why.append(safe(row.reason))
            lines.append(why)
        for promise in lead.promises:
            label = {"callback": "callback promised", "reply": "email reply to answer, since"}
            at = f"{promise.at.in_timezone(zone):%a %d %b %H:%M} their time"
            lines.append(
                Text(f"{label.get(promise.kind, 'appointment promised')}: {at}", style="yellow")
            )
        lines.append(
            Text(next_contact(lead.next_due_at, lead.next_channel, zone, rep_zone, now), "dim")
        )
        if lead.notes:
            lines.append(Text("notes: " + safe(lead.notes), style="italic", overflow="ellipsis"))
        return lines

    @staticmethod
    def _cadence(lead: LeadView) -> str:
        """Where the lead stands on its cadence: "new-lead 4/10", or "new-lead done"."""
        safe_name = safe(lead.cadence)
        if lead.cadence_step >= lead.steps:
            return f"{safe_name} done"
        return f"{safe_name} {lead.cadence_step + 1}/{lead.steps}"

    def _badge(self, lead: LeadView, now: DateTime) -> Text:
        if lead.status == "new" and lead.attempts == 0:
            waited = minutes_between(lead.received_at, now)
            heat = "hot" if waited < 5 else ("warm" if waited <= 60 else "cold")
            return Text(f"NEW {span(waited)}", style=HEAT[heat])
        style = {"won": "bold green", "lost": "dim", "bad": "dim red"}.get(lead.status, "bold")
        badge = Text(lead.status.upper(), style=style)
        if lead.status == "lost" and lead.closed_early:
            badge.append(" (closed early)", style="yellow")
        return badge
