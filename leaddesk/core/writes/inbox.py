"""A message read from the inbox, written: one transaction each.

A reply, a bounce or a request to stop becomes a touch through the one outcome
path (`log_outcome`: replied, bounced, unsubscribed) carrying the message's
Message-ID; every handled message, automatic and unmatched mail included, is
remembered in `inbox_message`, so the next check leaves it alone.
"""

from __future__ import annotations

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.inbox import AUTO_REPLY, BOUNCE, REPLY, UNSUBSCRIBE, Incoming
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.inbox import handled_ids
from leaddesk.core.store.db import atomic_write
from leaddesk.core.store.models import InboxMessage, Lead, Touch
from leaddesk.core.writes.outcomes import log_outcome

UNMATCHED = "unmatched"  # from nobody we know, about nothing we sent
OUTCOME_OF = {REPLY: "replied", BOUNCE: "bounced", UNSUBSCRIBE: "unsubscribed"}


def handle_message(item: Incoming, now: DateTime, settings: Settings) -> tuple[str, int | None]:
    """Write what `item` means; (its kind, or UNMATCHED; the lead) — ("", None) when
    it was handled before."""

    def write() -> tuple[str, int | None]:
        if handled_ids([item.message_id]):
            return "", None
        lead_id = None if item.kind == AUTO_REPLY else lead_for(item)
        kind = item.kind if lead_id is not None or item.kind == AUTO_REPLY else UNMATCHED
        outcome = OUTCOME_OF.get(kind)
        if outcome is not None and lead_id is not None:
            logged = log_outcome(lead_id, outcome, now, settings, note=note_for(item))
            Touch.update(message_id=item.message_id).where(Touch.id == logged.touch_id).execute()
        InboxMessage.create(message_id=item.message_id, kind=kind, lead=lead_id, seen_at=now)
        return kind, lead_id

    return atomic_write(write)


def lead_for(item: Incoming) -> int | None:
    """The lead a message is about: the touch whose Message-ID it answers (a
    bounce: the returned message), else its address (a bounce: the failed one)."""
    refs = [*item.refs, *(r.strip("<>") for r in item.refs)]
    if refs:
        touch = (
            Touch.select(Touch.lead)
            .where(Touch.message_id.in_(refs) & (Touch.message_id != ""))
            .order_by(Touch.id.desc())
            .first()
        )
        if touch is not None:
            return int(touch.lead_id)
    addresses = item.bounced if item.kind == BOUNCE else (item.sender,)
    for address in (a for a in addresses if a):
        exact = Lead.email == address
        lead = (
            Lead.select(Lead.id).where(exact).order_by(Lead.id.desc()).first()
            or Lead.select(Lead.id)
            .where(pw.fn.LOWER(Lead.email) == address)
            .order_by(Lead.id.desc())
            .first()
        )
        if lead is not None:
            return int(lead.id)
    return None


def note_for(item: Incoming) -> str:
    if item.kind == BOUNCE:
        failed = ", ".join(item.bounced[:3])
        return " ".join(f"bounced: {failed} {item.status}".split())
    return item.subject or "(no subject)"
