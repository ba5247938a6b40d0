"""Holding back the other leads that share a number at its cap.

A call that takes a number to its cap (the company's, or a jurisdiction's per
number) moves every other queued lead whose next call would dial that number
to the instant it frees (inside the lead's calling window), in the same
transaction as the call. The queue then needs no per-number check: it stays
the one indexed range scan it was. The call's touch keeps what it moved
(`before["held"]`), so undo puts each lead back unless it has moved since.
"""

from __future__ import annotations

from pendulum import DateTime

from leaddesk.core.domain.caps import cap_blocks, company_caps, free_at
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.windows import next_open
from leaddesk.core.reads.queue.blocked import current_numbers, number_calls
from leaddesk.core.reads.queue.rows import zones_of
from leaddesk.core.store.db import to_ms, tuples
from leaddesk.core.store.models import Lead, Phone

Held = list[list[int]]  # [lead id, next_due_at before (ms), after (ms)]


def hold_carriers(
    number: str, free: DateTime, skip: int, now: DateTime, settings: Settings
) -> Held:
    """Inside a write: the leads (but `skip`) about to dial `number` wait until `free`."""
    ids = {i for (i,) in tuples(Phone.select(Phone.lead).where(Phone.e164 == number))} - {skip}
    dialling = [i for i, n in current_numbers(sorted(ids)).items() if n == number]
    if not dialling:
        return []
    rows = Lead.select(Lead.id, Lead.next_due_at, Lead.call_zones).where(
        Lead.id.in_(dialling)
        & Lead.priority.is_null(False)
        & (Lead.next_channel == "call")
        & (Lead.next_due_at < free)
    )
    held: Held = []
    for lead_id, due_at, zones in tuples(rows):
        later = next_open(free, zones_of(zones), settings)
        Lead.update(next_due_at=later, updated_at=now).where(Lead.id == lead_id).execute()
        held.append([lead_id, to_ms(due_at), to_ms(later)])
    return held


def release(held: Held) -> None:
    """Undo `hold_carriers`: each lead back to its time, unless it has moved since."""
    for lead_id, before, after in held:
        Lead.update(next_due_at=before).where(
            (Lead.id == lead_id) & (Lead.next_due_at == after)
        ).execute()


def hold_new_leads(
    lead_ids: list[int], now: DateTime, settings: Settings, numbers: dict[int, str] | None = None
) -> None:
    """Inside a write: new leads (added, imported) whose number is already at its cap wait
    until it frees, as the leads already carrying it do. `numbers`: each lead's number a
    call would dial, when the caller has read them."""
    caps = [c for c in company_caps(settings) if c.per_number]
    if not caps:
        return
    numbers = current_numbers(lead_ids) if numbers is None else numbers
    if not numbers:
        return
    calls = number_calls(numbers.values(), now)
    for lead_id, number in numbers.items():
        free = free_at(cap_blocks(number, calls.get(number, []), [], caps, now, "UTC"))
        if free is None:
            continue
        lead = Lead.get_by_id(lead_id)
        if lead.priority is not None and lead.next_channel == "call" and lead.next_due_at < free:
            later = next_open(free, zones_of(lead.call_zones), settings)
            Lead.update(next_due_at=later).where(Lead.id == lead_id).execute()
