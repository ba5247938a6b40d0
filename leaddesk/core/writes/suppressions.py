"""Do-not-call numbers and do-not-mail addresses: the rows, and who carries them.

A lead's own request (`d`, `dnm`), a rep's `dnc add`, or a registry scrub
(`dnc import`) writes one `Suppression` row and takes every lead carrying the
number (address) off the phone (mail) with a system touch that names the list
— through `log_outcome`, the one path a lead's schedule changes by, so the
history says why and `u` on that lead undoes it. Registry entries spare the
leads an established business relationship exempts (`domain.exemptions`);
a lead's own request spares nobody. Removing is recorded, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.caps import list_warning
from leaddesk.core.domain.emails import normalise_email
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.db import tuples
from leaddesk.core.store.models import Lead, Phone, Suppression

SOURCES = ("lead", "manual", "registry")


@dataclass(frozen=True)
class SuppressResult:
    value: str
    kind: str  # phone | email
    leads: int  # leads taken off the phone (mail) now
    warning: str  # "on the do-not-call list since 2026-11-02 (added by dana)"


def normalise_value(text: str, settings: Settings) -> tuple[str, str]:
    """(value, kind): an E.164 number or a lowercased address; InvalidInput naming it."""
    text = text.strip()
    if "@" in text:
        return normalise_email(text).lower(), "email"
    from leaddesk.core.domain.phones import parse_phone  # `log` never parses a number

    parsed = parse_phone(text, settings.default_region)
    if not parsed.valid:
        raise InvalidInput(f"{text!r} is not a valid phone number")
    return parsed.e164, "phone"


def carriers(value: str, kind: str, skip: int | None = None) -> list[int]:
    """The leads carrying a number (as a good phone) or an address, `skip` left out."""
    query: pw.SelectBase
    if kind == "email":
        query = Lead.select(Lead.id).where(Lead.email == value)
    else:
        query = Phone.select(Phone.lead).where((Phone.e164 == value) & (Phone.bad == False))  # noqa: E712
    return sorted({i for (i,) in tuples(query)} - {skip})


def suppress(
    value: str,
    kind: str,
    source: str,
    now: DateTime,
    settings: Settings,
    *,
    lead_id: int | None = None,
    reason: str = "",
) -> tuple[int, str, list[int]]:
    """Inside a write: the row, its warning, and the other leads it applies to."""
    row = Suppression.create(
        value=value, kind=kind, source=source, reason=reason, added_at=now,
        added_by=settings.rep_name, lead_id=lead_id,
    )  # fmt: skip
    warning = list_warning(source, now, lead_id, settings.rep_name, settings.rep_timezone)
    return row.id, warning, carriers(value, kind, skip=lead_id)
