"""Writing leads: add, edit, notes. Each public function is one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.emails import normalise_email
from leaddesk.core.domain.errors import InvalidInput, NotFound
from leaddesk.core.domain.jurisdictions import place_codes
from leaddesk.core.domain.lead_state import LeadState, new_lead_state, priority_for
from leaddesk.core.domain.phones import ParsedPhone, resolve_zone
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.rules import plan_edit
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.text import clean_text, field_words, next_contact
from leaddesk.core.domain.validate import (
    EDITABLE_FIELDS,
    LeadDraft,
    normalise_tags,
    one_spaced,
    plain_date,
    validate_draft,
    zone_override,
)
from leaddesk.core.domain.windows import zones_or_rep
from leaddesk.core.reads.leads import get_lead, schedule_snapshot, state_of
from leaddesk.core.reads.queue.rows import zone_key
from leaddesk.core.store.db import atomic_write
from leaddesk.core.store.models import Appointment, Lead, Phone, Touch, ZoneSet
from leaddesk.core.writes.dnc import apply_lists
from leaddesk.core.writes.spellings import Spellings
from leaddesk.core.writes.team import ensure_rep


def add_lead(draft: LeadDraft, now: DateTime, settings: Settings) -> int:
    """Create a lead: it is due at once (speed to lead). Returns its id."""
    phones = validate_draft(draft, settings)

    def write() -> int:
        lead_id = _insert_lead(Spellings().draft(draft), phones, now, settings)
        apply_lists([lead_id], now, settings)  # a number already on do-not-call stays off
        return lead_id

    return atomic_write(write)


@dataclass(frozen=True)
class NewLead:
    """The rows one new lead becomes — shared by `add_lead` and bulk imports."""

    lead: dict[str, Any]  # Lead field name -> value (no id)
    phones: list[dict[str, Any]]  # Phone field name -> value (no id, no lead)
    received: dict[str, Any]  # the "received" system Touch (no id, no lead)

    @property
    def zone_key(self) -> str:
        key: str = self.lead["call_zones"]
        return key


def new_lead_rows(
    draft: LeadDraft,
    phones: list[ParsedPhone],
    now: DateTime,
    settings: Settings,
    email: str | None = None,
) -> NewLead:
    """A validated draft as the rows of a new lead, due at once (speed to lead).

    `email` is the draft's address already normalised, when the caller has it.
    """
    received = draft.received_at or now
    override = zone_override(draft)
    e164s = [p.e164 for p in phones]
    zone = resolve_zone(override, e164s)
    state = new_lead_state(received, has_phone=bool(phones))
    if email is None:
        email = normalise_email(draft.email)
    if not phones:
        channel = "email" if email else ("letter" if draft.address.strip() else "")
        state = replace(state, next_channel=channel, has_phone=False)
        if not channel:
            state = replace(state, next_due_at=None)
    country = draft.country.strip().upper() or (phones[0].region if phones else "")
    places = place_codes(e164s, country, draft.region)
    source = one_spaced(draft.source)
    lead = dict(
        name=one_spaced(draft.name) or one_spaced(draft.company),
        company=one_spaced(draft.company),
        title=draft.title.strip(),
        email=email,
        address=draft.address.strip(),
        city=draft.city.strip(),
        region=draft.region.strip(),
        postcode=draft.postcode.strip(),
        country=country,
        tz_override=override,
        timezone=zone.timezone,
        timezone_source=zone.source,
        call_zones=zone_key(zone.call_zones, places),
        source=source,
        interest=draft.interest.strip(),
        first_contact_on=plain_date(draft.first_contact_on),
        received_at=received,
        status="new",
        cadence=settings.default_cadence,
        next_due_at=state.next_due_at,
        next_channel=state.next_channel,
        priority=priority_for(state),
        tags=normalise_tags(draft.tags),
        notes=draft.notes.strip(),
        owner=draft.owner,
        created_at=now,
        updated_at=now,
    )
    labels = [label for raw, label in draft.phones if raw.strip()]
    phone_rows = [
        dict(position=position, label=label, raw=parsed.raw, e164=parsed.e164)
        for position, (parsed, label) in enumerate(zip(phones, labels, strict=True))
    ]
    via = f" ({source})" if source else ""  # one_spaced is "" only for a blank text
    touch = dict(at=received, channel="system", outcome="received", note=f"received{via}")
    return NewLead(lead, phone_rows, touch)


def _insert_lead(
    draft: LeadDraft, phones: list[ParsedPhone], now: DateTime, settings: Settings
) -> int:
    rows = new_lead_rows(draft, phones, now, settings)
    lead = Lead.create(**rows.lead)
    for phone in rows.phones:
        Phone.create(lead=lead, **phone)
    ZoneSet.insert(key=rows.zone_key).on_conflict_ignore().execute()
    Touch.create(lead=lead, **rows.received)
    return lead.id


@dataclass(frozen=True)
class UpdateResult:
    lead_id: int
    name: str
    changed: tuple[str, ...]  # fields that changed ("phones", "zone", "next contact" too)
    summary: str  # "saved Dana Whitfield: phones, zone · next: call Thu 10:00 …"


def update_lead(lead_id: int, draft: LeadDraft, now: DateTime, settings: Settings) -> UpdateResult:
    """Save an edited lead — one transaction. Not a touch: `undo` does not reverse it.

    Phone rows whose number (E.164) is unchanged keep their id and `bad` flag;
    the zone and `call_zones` are recomputed from the good numbers (or the
    override), and the schedule follows (`rules.plan_edit`).
    """
    phones = validate_draft(draft, settings)

    def write() -> UpdateResult:
        lead = get_lead(lead_id)
        old_rows = list(lead.phones.order_by(Phone.position))
        open_promises = list(
            Appointment.select()
            .where((Appointment.lead == lead) & (Appointment.done == False))  # noqa: E712
            .order_by(Appointment.at)
        )
        before = state_of(lead, old_rows, open_promises)
        old = {f: getattr(lead, f) for f in (*EDITABLE_FIELDS, "call_zones", "next_due_at")}
        new_rows = _replace_phones(lead, old_rows, phones, draft)
        good = [p.e164 for p in new_rows if not p.bad] + [p.e164 for p in new_rows if p.bad]
        zone = resolve_zone(zone_override(draft), good)
        values = _draft_values(Spellings(editing=lead_id).draft(draft))
        values["country"] = values["country"] or (phones[0].region if phones else "")
        for name, value in values.items():
            setattr(lead, name, value)
        lead.timezone, lead.timezone_source = zone.timezone, zone.source
        lead.call_zones = zone_key(zone.call_zones, place_codes(good, lead.country, lead.region))
        if lead.email != old["email"]:
            lead.email_bad = False  # a new address has not bounced (issue 16)
        after = plan_edit(before, state_of(lead, new_rows, open_promises), now, settings)
        for name in LeadState.SCHEDULE_FIELDS:
            setattr(lead, name, getattr(after, name))
        lead.updated_at = now
        lead.save()
        ZoneSet.insert(key=lead.call_zones).on_conflict_ignore().execute()
        changed = [f for f in EDITABLE_FIELDS if getattr(lead, f) != old[f]]
        if [(p.e164, p.label) for p in old_rows] != [(p.e164, p.label) for p in new_rows]:
            changed.append("phones")
        if lead.call_zones != old["call_zones"]:
            changed.append("zone")
        summary = f"saved {lead.name}: " + (field_words(changed) or "no changes")
        if lead.next_due_at != old["next_due_at"]:
            changed.append("next contact")
            zone_name = zones_or_rep(zone.call_zones, settings)[0]
            summary += " · " + next_contact(
                lead.next_due_at, lead.next_channel, zone_name, settings.rep_timezone, now
            )
        return UpdateResult(lead.id, lead.name, tuple(changed), summary)

    return atomic_write(write)


def _draft_values(draft: LeadDraft) -> dict[str, object]:
    """The draft's fields as stored (trimmed, normalised), `EDITABLE_FIELDS` only."""
    return {
        "name": one_spaced(draft.name) or one_spaced(draft.company),
        "company": one_spaced(draft.company),
        "title": draft.title.strip(),
        "email": normalise_email(draft.email),
        "address": draft.address.strip(),
        "city": draft.city.strip(),
        "region": draft.region.strip(),
        "postcode": draft.postcode.strip(),
        "country": draft.country.strip().upper(),
        "source": one_spaced(draft.source),
        "interest": draft.interest.strip(),
        "first_contact_on": plain_date(draft.first_contact_on),
        "tz_override": zone_override(draft),
        "tags": normalise_tags(draft.tags),
        "notes": draft.notes.strip(),
    }


def _replace_phones(
    lead: Lead, old_rows: list[Phone], parsed: list[ParsedPhone], draft: LeadDraft
) -> list[Phone]:
    """The lead's phone rows as the draft lists them; unchanged numbers keep their row."""
    by_number: dict[str, list[Phone]] = {}
    for row in old_rows:
        by_number.setdefault(row.e164, []).append(row)
    labels = [label.strip() for raw, label in draft.phones if raw.strip()]
    rows = []
    for position, (phone, label) in enumerate(zip(parsed, labels, strict=True)):
        kept = by_number.get(phone.e164)
        if kept:
            row = kept.pop(0)
            if (row.position, row.label, row.raw) != (position, label, phone.raw):
                row.position, row.label, row.raw = position, label, phone.raw
                row.save()
        else:
            row = Phone.create(
                lead=lead, position=position, label=label, raw=phone.raw, e164=phone.e164
            )
        rows.append(row)
    gone = [row.id for left in by_number.values() for row in left]
    if gone:
        Phone.delete().where(Phone.id.in_(gone)).execute()
    return rows


@dataclass(frozen=True)
class NoteResult:
    touch_id: int
    lead_id: int
    name: str
    summary: str


def add_note(lead_id: int, text: str, now: DateTime, settings: Settings) -> NoteResult:
    """A free-text note as a touch (channel and outcome "note") — one transaction.

    It changes nothing about the lead's schedule; `undo` removes it.
    """
    note = clean_text(text, "note", 20_000)
    if not note:
        raise InvalidInput("the note is empty: nothing saved")

    def write() -> NoteResult:
        lead = get_lead(lead_id)
        touch = Touch.create(
            lead=lead,
            at=now,
            channel="note",
            outcome="note",
            note=note,
            rep=ensure_rep(settings.rep_name),
            before=schedule_snapshot(lead, [], None),
        )
        return NoteResult(touch.id, lead.id, lead.name, f"note added to {lead.name}")

    return atomic_write(write)


def set_touch_note(touch_id: int, text: str, now: DateTime) -> NoteResult:
    """Attach a note to a touch already logged (the `o` after an outcome key).

    Added below any note the touch has; a promise the touch created gets the
    same note. One transaction.
    """
    note = clean_text(text, "note", 20_000)
    if not note:
        raise InvalidInput("the note is empty: nothing saved")

    def write() -> NoteResult:
        touch = Touch.get_or_none(Touch.id == touch_id)
        if touch is None:
            raise NotFound("that touch is gone (undone?): the note was not saved")
        combined = f"{touch.note}\n{note}" if touch.note else note
        clean_text(combined, "note", 20_000)
        Touch.update(note=combined).where(Touch.id == touch_id).execute()
        Appointment.update(note=combined).where(Appointment.touch == touch_id).execute()
        name = touch.lead.name
        label = touch.outcome.replace("-", " ")
        return NoteResult(touch.id, touch.lead_id, name, f"note added to {label} on {name}")

    return atomic_write(write)
