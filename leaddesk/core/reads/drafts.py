"""Drafts for the add and edit forms: an existing lead as a draft, and duplicates.

Read-only: saving goes through `writes.leads.add_lead` / `writes.leads.update_lead`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leaddesk.core.domain.emails import normalise_email
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.phone_text import pretty
from leaddesk.core.domain.phones import parse_phone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.validate import EDITABLE_FIELDS, LeadDraft
from leaddesk.core.reads.leads import get_lead
from leaddesk.core.store.db import tuples
from leaddesk.core.store.models import Lead, Phone


@dataclass(frozen=True)
class Duplicate:
    """An existing lead that shares a phone number or the email with a draft."""

    lead_id: int
    name: str
    company: str
    status: str
    matches: tuple[str, ...]  # "phone +1 212-555-0142", "email dana@x.com"

    @property
    def describe(self) -> str:
        who = f"{self.name} · {self.company}" if self.company else self.name
        return f"#{self.lead_id} {who} ({self.status}) has the same {' and '.join(self.matches)}"


def draft_for(lead_id: int) -> LeadDraft:
    """The lead as the edit form shows it (phones as typed, in order)."""
    lead: Lead = get_lead(lead_id)
    phones = [(p.raw or p.e164, p.label) for p in lead.phones.order_by(Phone.position)]
    values = {f: getattr(lead, f) for f in EDITABLE_FIELDS}
    return LeadDraft(**values, phones=phones, received_at=lead.received_at)


def find_duplicates(
    draft: LeadDraft, settings: Settings, exclude: int | None = None
) -> list[Duplicate]:
    """Leads (other than `exclude`) with one of the draft's numbers (E.164) or its email.

    Two indexed lookups; unreadable phones or email are skipped (validation
    reports them).
    """
    numbers: list[str] = []
    for raw, _label in draft.phones:
        try:
            numbers.append(parse_phone(raw, settings.default_region).e164)
        except InvalidInput:
            continue
    try:
        email = normalise_email(draft.email)
    except InvalidInput:
        email = ""
    found: dict[int, tuple[tuple[Any, ...], list[str]]] = {}
    columns = (Lead.id, Lead.name, Lead.company, Lead.status)
    others = (Lead.id != exclude) if exclude is not None else True
    if numbers:
        rows = tuples(
            Phone.select(*columns, Phone.e164)
            .join(Lead)
            .where(Phone.e164.in_(numbers) & others)
            .order_by(Lead.id, Phone.position)
        )
        for *lead, e164 in rows:
            found.setdefault(lead[0], (tuple(lead), []))[1].append(f"phone {pretty(e164)}")
    if email:
        for row in tuples(Lead.select(*columns).where((Lead.email == email) & others)):
            found.setdefault(row[0], (row, []))[1].append(f"email {email}")
    return [
        Duplicate(lead_id, name, company, status, tuple(dict.fromkeys(matches)))
        for (lead_id, name, company, status), matches in (found[k] for k in sorted(found))
    ]
