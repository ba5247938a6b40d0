"""`leaddesk dnc`: add, lift and import do-not-call entries, each one transaction that
also takes the leads carrying them off the phone (`outcomes.put_on_list`)."""

from __future__ import annotations

from collections.abc import Sequence

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.caps import list_warning
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.queue.blocked import exempt_leads, listed
from leaddesk.core.store.batch import execute_many, insert_sql
from leaddesk.core.store.db import atomic_write, database, to_ms, tuples
from leaddesk.core.store.models import Lead, Phone, Suppression
from leaddesk.core.writes.holds import hold_new_leads
from leaddesk.core.writes.outcomes import put_on_list
from leaddesk.core.writes.suppressions import SuppressResult, normalise_value, suppress


def add_suppression(
    text: str, now: DateTime, settings: Settings, reason: str = ""
) -> SuppressResult:
    """`leaddesk dnc add`: one transaction."""
    value, kind = normalise_value(text, settings)

    def write() -> SuppressResult:
        _, warning, leads = suppress(value, kind, "manual", now, settings, reason=reason)
        done = put_on_list(leads, kind, warning, now, settings)
        return SuppressResult(value, kind, len(done), warning)

    return atomic_write(write)


def remove_suppression(text: str, now: DateTime, settings: Settings) -> int:
    """`leaddesk dnc remove`: every active entry of the value, recorded as lifted by whom.

    Leads stay as they are: a lead's own do-not-call is cleared on the lead (`dnc-clear`).
    """
    value, _ = normalise_value(text, settings)

    def write() -> int:
        active = (Suppression.value == value) & Suppression.removed_at.is_null()
        if not Suppression.select().where(active).exists():
            raise InvalidInput(f"{value} is not on the do-not-call or do-not-mail list")
        changed: int = (
            Suppression.update(removed_at=now, removed_by=settings.rep_name).where(active).execute()
        )
        return changed

    return atomic_write(write)


def import_registry(
    numbers: Sequence[str], as_of: DateTime, now: DateTime, settings: Settings
) -> tuple[int, int]:
    """A registry scrub: every number in one bulk write, then the leads carrying them
    (less those exempt at `now`) off the phone — one transaction. (rows, leads)."""

    def write() -> tuple[int, int]:
        db = database.obj
        fields = ("value", "kind", "source", "reason", "added_at", "added_by", "removed_by")
        rows = [(n, "phone", "registry", "", to_ms(as_of), settings.rep_name, "") for n in numbers]
        execute_many(db, insert_sql(Suppression, fields, db), rows)
        found: set[int] = set()
        for chunk in pw.chunked(sorted(set(numbers)), 500):
            query = Phone.select(Phone.lead).where(Phone.e164.in_(chunk) & (Phone.bad == False))  # noqa: E712
            found.update(i for (i,) in tuples(query))
        leads = sorted(found - exempt_leads(sorted(found), now))
        warning = list_warning("registry", as_of, None, "", settings.rep_timezone)
        return len(rows), len(put_on_list(leads, "phone", warning, now, settings))

    return atomic_write(write)


def apply_lists(
    lead_ids: Sequence[int],
    now: DateTime,
    settings: Settings,
    written: tuple[dict[int, list[str]], dict[int, str]] | None = None,
) -> list[str]:
    """Inside a write: new leads (added, imported) whose number is at its cap wait for it
    to free; those whose number or address is already on a list go off that channel.
    The warnings, one per lead put on a list ("lead 12: +13055550142 on the do-not-call
    list since 2026-11-02 (request by lead 412)"). `written`: what the caller just wrote
    of these leads — each one's numbers in order (none marked bad) and its address, in
    lower case (none empty) — instead of reading it back."""
    ids = list(lead_ids)
    if not ids:
        return []
    phones: dict[int, list[str]] = {}  # each lead's good numbers, the one a call dials first
    emails: dict[int, str] = {}
    chunks: list[tuple[pw.Expression, pw.Expression]] = []
    if written is not None:
        phones, emails = written
    elif ids == list(range(ids[0], ids[-1] + 1)):
        # an import's batch, a new lead: one range, not IN lists (peewee compiles those
        # value by value — most of a 1,000-row batch's time here)
        chunks = [(Phone.lead.between(ids[0], ids[-1]), Lead.id.between(ids[0], ids[-1]))]
    else:
        chunks = [(Phone.lead.in_(c), Lead.id.in_(c)) for c in pw.chunked(ids, 500)]
    for of_phone, of_lead in chunks:
        query = Phone.select(Phone.lead, Phone.e164).where(
            of_phone & (Phone.bad == False) & (Phone.e164 != "")  # noqa: E712
        )
        for lead_id, e164 in tuples(query.order_by(Phone.lead, Phone.position)):
            phones.setdefault(lead_id, []).append(e164)
        rows = Lead.select(Lead.id, Lead.email).where(of_lead & (Lead.email != ""))
        emails.update((i, e.lower()) for i, e in tuples(rows))
    hold_new_leads(ids, now, settings, {i: ns[0] for i, ns in phones.items()})
    if not Suppression.select().where(Suppression.removed_at.is_null()).exists():
        return []  # no list holds anything (yet)
    lists = listed([n for ns in phones.values() for n in ns] + list(emails.values()))
    if not lists:
        return []
    registry = [i for i, ns in phones.items() if any(n in lists for n in ns)]
    exempt = exempt_leads(registry, now)
    warnings = []
    for lead_id in ids:
        hits = [e for n in phones.get(lead_id, []) for e in lists.get(n, [])]
        hits = [e for e in hits if e.source != "registry" or lead_id not in exempt]
        mail = lists.get(emails.get(lead_id, ""), [])
        for kind, entries in (("phone", hits), ("email", mail)):
            if entries:
                e = entries[0]
                zone = settings.rep_timezone
                warning = list_warning(e.source, e.added_at, e.lead_id, e.added_by, zone)
                if put_on_list([lead_id], kind, warning, now, settings):
                    warnings.append(f"lead {lead_id}: {e.value} {warning}")
    return warnings
