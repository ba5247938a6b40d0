"""Duplicates: which leads already hold a row's phone, email or address, and
`--on-duplicate update` filling in what a lead is missing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import peewee
from pendulum import DateTime

from leaddesk.core.domain.jurisdictions import place_codes
from leaddesk.core.domain.phones import ParsedPhone, resolve_zone
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.queue.rows import zone_key, zones_of
from leaddesk.core.store.db import BaseModel, database
from leaddesk.core.store.models import Lead, Phone, ZoneSet

# What a lead is known by: ("p", e164), ("e", email), or for a lead reachable
# by post only ("a", address, name).
Key = tuple[str, ...]


def address_key(address: str, name: str) -> Key:
    return ("a", address, " ".join(name.lower().split()))


def known_keys(keys: Iterable[Key], before: int | None = None) -> dict[Key, set[int]]:
    """Which leads already hold each key (("p", "+1212…"), ("e", "dana@…"),
    ("a", address, name)), looked up in chunks.

    Written SQL through peewee's connection: peewee compiling a 900-value IN
    list costs more than the indexed lookup itself.
    """
    keys = list(keys)
    db = database.obj
    lookups = (
        ("p", _quoted(db, Phone, "e164", "lead")),
        ("e", _quoted(db, Lead, "email", "id")),
    )
    found: dict[Key, set[int]] = {}
    for prefix, (table, key_column, id_column) in lookups:
        values = sorted({k[1] for k in keys if k[0] == prefix})
        for chunk in _chunks(values, 900):
            marks = ", ".join([db.param] * len(chunk))
            sql = f"SELECT {key_column}, {id_column} FROM {table} WHERE {key_column} IN ({marks})"
            for value, lead_id in db.execute_sql(sql, chunk):
                found.setdefault((prefix, value), set()).add(lead_id)
    addresses = sorted({k[1] for k in keys if k[0] == "a"})
    if addresses:
        # the partial index lead_address (migration 0023) answers it: its WHERE written out
        table, address_column, name_column, id_column = _quoted(db, Lead, "address", "name", "id")
        for chunk in _chunks(addresses, 900):
            marks = ", ".join([db.param] * len(chunk))
            sql = (
                f"SELECT {address_column}, {name_column}, {id_column} FROM {table}"
                f" WHERE {address_column} IN ({marks}) AND {address_column} <> ''"
            )
            for address, name, lead_id in db.execute_sql(sql, chunk):
                found.setdefault(address_key(address, name), set()).add(lead_id)
    if before is not None:
        found = {k: {i for i in ids if i < before} for k, ids in found.items()}
        found = {k: ids for k, ids in found.items() if ids}
    return found


def _quoted(db: peewee.Database, model: type[BaseModel], *fields: str) -> tuple[str, ...]:
    def q(name: str) -> str:
        quoted: str = db.get_sql_context().sql(peewee.Entity(name)).query()[0]
        return quoted

    columns = (q(model._meta.fields[f].column_name) for f in fields)
    return (q(model._meta.table_name), *columns)


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


Update = tuple[int, LeadDraft, list[ParsedPhone]]  # lead id, what the row holds


def update_leads(updates: Sequence[Update], now: DateTime) -> list[bool]:
    """`--on-duplicate update`: fill in what each lead is missing; for each
    update, whether it changed its lead (a lead may appear more than once).

    Fills company, title, email, source, interest and the first-contact date
    when the lead has none; the address (street, city, region, postcode,
    country together) when it has none; adds phone numbers it does not have
    (after its own), tags it does not have, and notes it does not already hold.
    Never overwrites or erases a value; never touches the schedule, status,
    history, do-not-call/mail or the received time. The leads and their phones
    are read in one query each, and only changed leads are written.
    """
    ids = sorted({lead_id for lead_id, _, _ in updates})
    leads = {lead.id: lead for lead in Lead.select().where(Lead.id.in_(ids))}
    phones: dict[int, list[Phone]] = {lead_id: [] for lead_id in ids}
    for phone in Phone.select().where(Phone.lead.in_(ids)).order_by(Phone.lead, Phone.position):
        phones[phone.lead_id].append(phone)
    changed: set[int] = set()
    results = []
    for lead_id, draft, parsed in updates:
        did = _fill(leads[lead_id], draft, parsed, phones[lead_id])
        results.append(did)
        if did:
            changed.add(lead_id)
    for lead_id in sorted(changed):
        lead = leads[lead_id]
        lead.updated_at = now
        lead.save()
        for phone in phones[lead_id]:
            if phone.id is None:
                phone.save()
        if lead.call_zones:
            ZoneSet.insert(key=lead.call_zones).on_conflict_ignore().execute()
    return results


def _fill(lead: Lead, draft: LeadDraft, parsed: list[ParsedPhone], existing: list[Phone]) -> bool:
    """Fill `lead` (and append to `existing`) in memory; True if anything changed."""
    changed = False
    for name in ("company", "title", "email", "source", "interest", "first_contact_on"):
        value = getattr(draft, name)
        if value and not getattr(lead, name):
            setattr(lead, name, value)
            changed = True
    if draft.address and not (lead.address or lead.city):
        for name in ("address", "city", "region", "postcode", "country"):
            setattr(lead, name, getattr(draft, name))
        changed = True
    if draft.tags:
        have = [t.strip() for t in lead.tags.split(",") if t.strip()]
        new = [t for t in (t.strip() for t in draft.tags.split(",")) if t and t not in have]
        if new:
            lead.tags = ", ".join([*have, *new])[:200]
            changed = True
    if draft.notes and draft.notes not in lead.notes:
        lead.notes = f"{lead.notes}\n{draft.notes}".strip()[:20_000]
        changed = True
    have_numbers = {p.e164 for p in existing}
    labels = dict(zip([p.e164 for p in parsed], [label for _, label in draft.phones], strict=True))
    added = [p for p in parsed if p.e164 not in have_numbers]
    position = max((p.position for p in existing), default=-1) + 1
    for offset, phone in enumerate(added):
        existing.append(
            Phone(lead=lead.id, position=position + offset, label=labels[phone.e164],
                  raw=phone.raw, e164=phone.e164)
        )  # fmt: skip
    zones = zones_of(lead.call_zones)
    if added and lead.timezone_source != "manual":
        zone = resolve_zone(lead.tz_override, [p.e164 for p in existing if not p.bad])
        lead.timezone, lead.timezone_source, zones = zone.timezone, zone.source, zone.call_zones
    # the address may have gained a region, the phones a state: the rules follow
    places = place_codes([p.e164 for p in existing], lead.country, lead.region)
    lead.call_zones = zone_key(zones, places)
    return changed or bool(added)
