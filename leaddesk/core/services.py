"""The only writers. Each public function is one transaction: read, decide
(through `rules`), write — so an acknowledged change is a committed one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, TypeVar

import peewee as pw
from pendulum import DateTime

from leaddesk.core.db import atomic_write, from_ms, lock_row, to_ms
from leaddesk.core.emails import normalise_email
from leaddesk.core.errors import InvalidDraft, InvalidInput, NotFound, NothingToUndo
from leaddesk.core.models import TIER_PROMISE, Appointment, Lead, Phone, Rep, Touch, ZoneSet
from leaddesk.core.phones import ParsedPhone, parse_phone, resolve_zone
from leaddesk.core.queue import zone_key
from leaddesk.core.rules import (
    DAY_MS,
    NOT_A_CALL_TO_THE_LEAD,
    LeadState,
    add_business_days,
    new_lead_state,
    next_open,
    outcome,
    plan_edit,
    plan_outcome,
    priority_for,
    window_open,
    zones_or_rep,
)
from leaddesk.core.settings import Settings
from leaddesk.core.team import check_not_claimed, ensure_rep, scope_for, scope_where
from leaddesk.core.text import next_contact
from leaddesk.core.tz import tz

MAX_FIELD = 2000
T = TypeVar("T")


@dataclass
class LeadDraft:
    """A lead as typed or imported, before validation."""

    name: str
    phones: list[tuple[str, str]] = field(default_factory=list)  # (raw, label)
    email: str = ""
    company: str = ""
    title: str = ""
    address: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""
    source: str = ""
    interest: str = ""
    first_contact_on: date | None = None
    received_at: DateTime | None = None
    tz_override: str | None = None
    tags: str = ""
    notes: str = ""
    owner: int | None = None  # a rep's id; None = the team's pool (core/team.py)


@dataclass(frozen=True)
class LogResult:
    touch_id: int
    lead_id: int
    name: str
    outcome: str
    label: str
    next_due_at: DateTime | None
    next_channel: str
    status: str
    lead_zone: str
    summary: str  # "no answer · next: call Thu 10:00 their time (09:00 yours)"


@dataclass(frozen=True)
class UndoResult:
    lead_id: int
    name: str
    outcome: str
    summary: str
    touch_id: int = 0  # the touch removed


def _clean(value: str, what: str, limit: int = MAX_FIELD) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(f"{what} is too long ({len(text)} characters; at most {limit})")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # bytes that were not UTF-8, e.g. from a shell
            raise InvalidInput(f"{what} holds bytes that are not text (UTF-8)") from None
    return text


# Short text fields (at most 200 characters each); name and company are checked first.
SHORT_FIELDS = ("title", "source", "interest", "tags", "city", "region", "postcode", "country")
MAX_LABEL = 40


def validate_draft(draft: LeadDraft, settings: Settings) -> list[ParsedPhone]:
    """Check every field of a draft; return its parsed phones.

    Raises InvalidDraft mapping each bad field to its message (phone rows are
    `phones.N`), so a form can show every error beside its field at once.
    """
    errors: dict[str, str] = {}

    def check(where: str, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except InvalidInput as exc:
            errors.setdefault(where, str(exc))
            return None

    name = check("name", lambda: _clean(draft.name, "name", 200))
    company = check("company", lambda: _clean(draft.company, "company", 200))
    if name == "" and company == "":
        errors["name"] = "a lead needs a name (or a company)"
    parsed: list[ParsedPhone] = []
    seen: dict[str, int] = {}
    for index, (raw, label) in enumerate(draft.phones):
        if not raw.strip():
            continue
        where = f" ({label.strip()})" if label.strip() else ""
        phone = check(f"phones.{index}", lambda raw=raw, where=where: _phone(raw, where, settings))
        check(f"phones.{index}", lambda label=label: _clean(label, "phone label", MAX_LABEL))
        if phone is None:
            continue
        if phone.e164 in seen:
            errors.setdefault(
                f"phones.{index}", f"phone{where}: the same number as phone {seen[phone.e164] + 1}"
            )
            continue
        seen[phone.e164] = len(parsed)
        parsed.append(phone)
    check("email", lambda: normalise_email(draft.email))
    if draft.tz_override:
        check("tz_override", lambda: _zone_name(draft.tz_override or ""))
    for f in SHORT_FIELDS:
        check(f, lambda f=f: _clean(getattr(draft, f), f, 200))
    check("address", lambda: _clean(draft.address, "address"))
    check("notes", lambda: _clean(draft.notes, "notes", 20_000))
    if errors:
        raise InvalidDraft(errors)
    return parsed


def require_name(draft: LeadDraft) -> None:
    if not _clean(draft.name, "name", 200) and not _clean(draft.company, "company", 200):
        raise InvalidInput("a lead needs a name (or a company)")


def check_draft_fields(draft: LeadDraft) -> None:
    """The time zone and the length of every text field (phones and email aside)."""
    if draft.tz_override:
        _zone_name(draft.tz_override)
    for f in ("company", *SHORT_FIELDS):
        _clean(getattr(draft, f), f, 200)
    _clean(draft.address, "address")
    _clean(draft.notes, "notes", 20_000)


def _phone(raw: str, where: str, settings: Settings) -> ParsedPhone:
    try:
        return parse_phone(raw, settings.default_region)
    except InvalidInput as exc:
        raise InvalidInput(f"phone{where}: {exc}") from None


def _zone_name(name: str) -> str:
    import pendulum

    try:
        pendulum.timezone(name)
    except Exception:
        raise InvalidInput(
            f"time zone {name!r} is not an IANA zone (e.g. America/New_York)"
        ) from None
    return name


def _plain_date(day: date | None) -> date | None:
    # sqlite3 binds `datetime.date` itself, not subclasses such as pendulum.Date
    return date(day.year, day.month, day.day) if day is not None else None


def normalise_tags(text: str) -> str:
    """Comma-separated tags, trimmed, each once (the first spelling wins): "hot, vip"."""
    tags: dict[str, str] = {}
    for part in (text or "").split(","):
        tag = " ".join(part.split())
        if tag:
            tags.setdefault(tag.lower(), tag)
    return ", ".join(tags.values())


def add_lead(draft: LeadDraft, now: DateTime, settings: Settings) -> int:
    """Create a lead: it is due at once (speed to lead). Returns its id."""
    phones = validate_draft(draft, settings)

    def write() -> int:
        return _insert_lead(draft, phones, now, settings)

    return atomic_write(write)


@dataclass(frozen=True)
class NewLead:
    """The rows one new lead becomes — shared by `add_lead` and bulk imports."""

    lead: dict[str, Any]  # Lead field name -> value (no id)
    phones: list[dict[str, Any]]  # Phone field name -> value (no id, no lead)
    received: dict[str, Any]  # the "received" system Touch (no id, no lead)

    @property
    def zone_key(self) -> str:
        return self.lead["call_zones"]


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
    zone = resolve_zone(draft.tz_override, [p.e164 for p in phones])
    state = new_lead_state(received, has_phone=bool(phones))
    if email is None:
        email = normalise_email(draft.email)
    if not phones:
        channel = "email" if email else ("letter" if draft.address.strip() else "")
        state = replace(state, next_channel=channel, has_phone=False)
        if not channel:
            state = replace(state, next_due_at=None)
    country = draft.country.strip().upper() or (phones[0].region if phones else "")
    lead = dict(
        name=draft.name.strip() or draft.company.strip(),
        company=draft.company.strip(),
        title=draft.title.strip(),
        email=email,
        address=draft.address.strip(),
        city=draft.city.strip(),
        region=draft.region.strip(),
        postcode=draft.postcode.strip(),
        country=country,
        tz_override=draft.tz_override or None,
        timezone=zone.timezone,
        timezone_source=zone.source,
        call_zones=zone_key(zone.call_zones),
        source=draft.source.strip(),
        interest=draft.interest.strip(),
        first_contact_on=_plain_date(draft.first_contact_on),
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
    via = f" ({draft.source.strip()})" if draft.source.strip() else ""
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


def get_lead(lead_id: int) -> Lead:
    lead = Lead.get_or_none(Lead.id == lead_id)
    if lead is None:
        raise NotFound(f"no lead with id {lead_id}")
    return lead


def rep_id(name: str) -> int:
    return ensure_rep(name)


def recent_calls(lead_id: int, now: DateTime) -> tuple[DateTime, ...]:
    """The lead's calls in (now - 24 h, now], oldest first: what the attempt caps count.

    One range scan of the Touch(lead, at) index.
    """
    return tuple(at for (at,) in recent_calls_query(lead_id, now).tuples())


def recent_calls_query(lead_id: int, now: DateTime) -> pw.ModelSelect:
    end = to_ms(now)
    return (
        Touch.select(Touch.at)
        .where(
            (Touch.lead == lead_id)
            & (Touch.at > from_ms(end - DAY_MS))
            & (Touch.at <= now)
            & (Touch.channel == "call")
            & Touch.outcome.not_in(NOT_A_CALL_TO_THE_LEAD)
        )
        .order_by(Touch.at)
    )


def _state(
    lead: Lead,
    phones: list[Phone],
    open_promises: list[Appointment],
    calls: tuple[DateTime, ...] = (),
) -> LeadState:
    good = [p for p in phones if not p.bad]
    values = {f: getattr(lead, f) for f in LeadState.SCHEDULE_FIELDS}
    return LeadState(
        **values,
        received_at=lead.received_at,
        call_zones=tuple(lead.call_zones.split()) if lead.call_zones else (),
        has_phone=bool(good),
        has_email=bool(lead.email),
        has_address=bool(lead.address),
        spare_phones=max(len(good) - 1, 0),
        open_promise_at=open_promises[0].at if open_promises else None,
        recent_calls=calls,
    )


def _snapshot(lead: Lead, closed: list[int], bad_phone: int | None) -> str:
    values = {}
    for name in LeadState.SCHEDULE_FIELDS:
        value = getattr(lead, name)
        values[name] = to_ms(value) if isinstance(value, DateTime) else value
    return json.dumps({"lead": values, "closed": closed, "bad_phone": bad_phone})


_TIME_FIELDS = {f.name for f in fields(LeadState) if f.name.endswith("_at")}


def log_outcome(
    lead_id: int,
    name: str,
    now: DateTime,
    settings: Settings,
    *,
    next_at: DateTime | None = None,
    note: str = "",
    duration_s: int | None = None,
    confirmed: bool = False,
    cadence: str | None = None,
) -> LogResult:
    """Log one touch, apply the scheduling rule and save — one transaction.

    `confirmed` answers the give-up guard (`lost` before enough attempts raises
    NeedsConfirmation otherwise); `cadence` names the target of a `cadence` move.
    """
    spec = outcome(name)
    note = _clean(note, "note", 20_000)

    def write() -> LogResult:
        lock_row(Lead, lead_id)
        lead = get_lead(lead_id)
        check_not_claimed(lead, now, settings)
        if spec.channel == "call" and lead.do_not_call:
            raise InvalidInput(f"lead {lead_id} ({lead.name}) is on do-not-call: no calls")
        phones = list(lead.phones.order_by(Phone.position))
        current = next((p for p in phones if not p.bad), None)
        if spec.channel == "call" and current is None:
            raise InvalidInput(f"lead {lead_id} ({lead.name}) has no good phone number to call")
        open_promises = list(
            Appointment.select()
            .where((Appointment.lead == lead) & (Appointment.done == False))  # noqa: E712
            .order_by(Appointment.at)
        )
        slack = now.add(minutes=settings.rules.promise_slack_minutes)
        # A call keeps the promises it was due for; closing the lead ends them all.
        closing = [
            p for p in open_promises if (spec.channel == "call" and p.at <= slack) or name == "lost"
        ]
        remaining = [p for p in open_promises if p not in closing]
        state = _state(lead, phones, remaining, recent_calls(lead.id, now))
        decision = plan_outcome(
            state, name, now, settings, next_at=next_at, confirmed=confirmed, cadence=cadence
        )
        bad_phone = current.id if decision.phone_bad and current is not None else None
        zones = tuple(lead.call_zones.split()) if lead.call_zones else ()
        zone = zones_or_rep(zones, settings)[0]
        touch = Touch.create(
            lead=lead,
            at=now,
            channel=spec.channel,
            outcome=name,
            note=note or _automatic_note(name, state, decision.state, settings),
            rep=rep_id(settings.rep_name),
            duration_s=duration_s,
            phone=current.e164 if spec.channel == "call" and current else "",
            lead_local=now.in_timezone(tz(zone)).isoformat(),
            in_window=window_open(now, zones, settings) if spec.channel == "call" else None,
            counted=decision.counted,
            scheduled_due_at=decision.state.next_due_at,
            scheduled_channel=decision.state.next_channel,
            before=_snapshot(lead, [p.id for p in closing], bad_phone),
        )
        for field_name in LeadState.SCHEDULE_FIELDS:
            setattr(lead, field_name, getattr(decision.state, field_name))
        lead.updated_at = now
        lead.claimed_by = lead.claimed_until = None  # an outcome ends the call's claim
        lead.save()
        if closing:
            Appointment.update(done=True, done_at=now).where(
                Appointment.id.in_([p.id for p in closing])
            ).execute()
        if decision.promise:
            kind, at = decision.promise
            Appointment.create(lead=lead, at=at, kind=kind, touch=touch, created_at=now, note=note)
        if bad_phone is not None:
            Phone.update(bad=True).where(Phone.id == bad_phone).execute()
        s = decision.state
        summary = f"{spec.label} · " + next_contact(
            s.next_due_at, s.next_channel, zone, settings.rep_timezone, now
        )
        return LogResult(
            touch_id=touch.id,
            lead_id=lead.id,
            name=lead.name,
            outcome=name,
            label=spec.label,
            next_due_at=s.next_due_at,
            next_channel=s.next_channel,
            status=s.status,
            lead_zone=zone,
            summary=summary,
        )

    return atomic_write(write)


def _automatic_note(name: str, before: LeadState, after: LeadState, settings: Settings) -> str:
    """What the history should say about a decision when the rep wrote nothing."""
    if name == "cadence":
        return f"moved to cadence {after.cadence}"
    if name == "lost" and after.closed_early:
        floor = settings.rules.min_attempts_before_lost
        return f"closed early: after {before.attempts} of {floor} attempts"
    return ""


def undo_last(now: DateTime, settings: Settings) -> UndoResult:
    """Reverse the most recent logged touch and everything it scheduled."""

    def write() -> UndoResult:
        # Per rep: in team mode each rep undoes their own newest touch, never a colleague's.
        mine = Touch.rep == rep_id(settings.rep_name)
        touch = (
            Touch.select()
            .where((Touch.outcome != "received") & mine)
            .order_by(Touch.id.desc())
            .first()
        )
        if touch is None:
            raise NothingToUndo("nothing to undo")
        later = (
            Touch.select(Touch.id, Rep.name)
            .join(Rep, pw.JOIN.LEFT_OUTER, on=(Touch.rep == Rep.id))
            .where((Touch.lead == touch.lead_id) & (Touch.id > touch.id))
            .tuples()
            .first()
        )
        if later is not None:
            # Restoring the lead as it was before this touch would erase theirs.
            raise NothingToUndo(
                f"{later[1] or 'someone'} has logged on this lead since your last change; "
                "it cannot be undone"
            )
        if touch.outcome == SHIFTED:
            # Undoing an older touch now would restore a due time from before the
            # shift and silently drop the shift for that lead.
            raise NothingToUndo(
                "the last change was a schedule shift; it cannot be undone "
                "(shift again, or log the next outcome)"
            )
        lock_row(Lead, touch.lead_id)
        lead = touch.lead
        before = json.loads(touch.before) if touch.before else {"lead": {}}
        for name, value in before["lead"].items():
            if name in _TIME_FIELDS and value is not None:
                value = from_ms(value)
            setattr(lead, name, value)
        lead.updated_at = now
        lead.save()
        if before.get("closed"):
            Appointment.update(done=False, done_at=None).where(
                Appointment.id.in_(before["closed"])
            ).execute()
        if before.get("bad_phone"):
            Phone.update(bad=False).where(Phone.id == before["bad_phone"]).execute()
        Appointment.delete().where(Appointment.touch == touch).execute()
        label = touch.outcome.replace("-", " ")
        touch_id = touch.id
        touch.delete_instance()
        summary = f"undone: {label} on {lead.name}"
        return UndoResult(lead.id, lead.name, touch.outcome, summary, touch_id)

    return atomic_write(write)


@dataclass(frozen=True)
class ShiftResult:
    moved: int  # leads whose next due time moved
    days: int
    kept: int  # leads left alone: a promise (callback, appointment) is open


SHIFTED = "shifted"  # the outcome of the history touch a vacation shift leaves


def shift_schedule(days: int, now: DateTime, settings: Settings) -> ShiftResult:
    """The vacation shift: every future due time `days` business days later — one
    transaction.

    Counts Monday–Friday on the lead's wall clock (a Friday 10:00 step moved one
    day is Monday 10:00 their time, across DST; observed holidays are skipped),
    then moves calls into the calling window. Promises are commitments made to a
    person: a lead with an open callback or appointment is left exactly as it
    is. Each moved lead gets a system touch in its history saying so; `undo`
    stops at a shift rather than reaching behind it.
    """
    if days < 1:
        raise InvalidInput(f"shift by at least one business day, not {days}")

    def write() -> ShiftResult:
        promised = Appointment.select(Appointment.lead).where(
            Appointment.done == False  # noqa: E712
        )
        future = (Lead.priority.is_null(False)) & (Lead.next_due_at > now)
        # Team mode: only the rep's own queue (theirs and, by default, the pool), and
        # not a lead a colleague is calling right now.
        future &= scope_where(scope_for(settings), now)
        kept = Lead.select().where(future & Lead.id.in_(promised)).count()
        rows = (
            Lead.select(Lead.id, Lead.next_due_at, Lead.next_channel, Lead.call_zones)
            .where(future & (Lead.priority != TIER_PROMISE) & Lead.id.not_in(promised))
            .tuples()
        )
        unit = "business day" if days == 1 else "business days"
        rep = rep_id(settings.rep_name)
        history = []
        for lead_id, due_at, channel, zones_key in list(rows):
            zones = tuple(zones_key.split()) if zones_key else ()
            zone = zones_or_rep(zones, settings)[0]
            later = add_business_days(due_at, days, zone, settings.holidays)
            if channel == "call":
                later = next_open(later, zones, settings)
            Lead.update(next_due_at=later, updated_at=now).where(Lead.id == lead_id).execute()
            history.append(
                {
                    "lead": lead_id,
                    "at": now,
                    "channel": "system",
                    "outcome": SHIFTED,
                    "note": f"schedule shifted {days} {unit}",
                    "rep": rep,
                    "scheduled_due_at": later,
                    "scheduled_channel": channel,
                    "before": json.dumps({"lead": {"next_due_at": to_ms(due_at)}}),
                }
            )
        for chunk in pw.chunked(history, 500):
            Touch.insert_many(chunk).execute()
        return ShiftResult(moved=len(history), days=days, kept=kept)

    return atomic_write(write)


# --- editing a lead, notes ---------------------------------------------------------

# What the edit form may change (the schedule, status and counters are the rules').
EDITABLE_FIELDS = (
    "name", "company", "title", "email", "address", "city", "region", "postcode", "country",
    "source", "interest", "first_contact_on", "tz_override", "tags", "notes",
)  # fmt: skip


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
        before = _state(lead, old_rows, open_promises)
        old = {f: getattr(lead, f) for f in (*EDITABLE_FIELDS, "call_zones", "next_due_at")}
        new_rows = _replace_phones(lead, old_rows, phones, draft)
        good = [p.e164 for p in new_rows if not p.bad] + [p.e164 for p in new_rows if p.bad]
        zone = resolve_zone(draft.tz_override or None, good)
        values = _draft_values(draft)
        values["country"] = values["country"] or (phones[0].region if phones else "")
        for name, value in values.items():
            setattr(lead, name, value)
        lead.timezone, lead.timezone_source = zone.timezone, zone.source
        lead.call_zones = zone_key(zone.call_zones)
        after = plan_edit(before, _state(lead, new_rows, open_promises), now, settings)
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
        summary = f"saved {lead.name}: " + (", ".join(changed) or "no changes")
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
        "name": draft.name.strip() or draft.company.strip(),
        "company": draft.company.strip(),
        "title": draft.title.strip(),
        "email": normalise_email(draft.email),
        "address": draft.address.strip(),
        "city": draft.city.strip(),
        "region": draft.region.strip(),
        "postcode": draft.postcode.strip(),
        "country": draft.country.strip().upper(),
        "source": draft.source.strip(),
        "interest": draft.interest.strip(),
        "first_contact_on": _plain_date(draft.first_contact_on),
        "tz_override": draft.tz_override or None,
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
    note = _clean(text, "note", 20_000)
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
            rep=rep_id(settings.rep_name),
            before=_snapshot(lead, [], None),
        )
        return NoteResult(touch.id, lead.id, lead.name, f"note added to {lead.name}")

    return atomic_write(write)


def set_touch_note(touch_id: int, text: str, now: DateTime) -> NoteResult:
    """Attach a note to a touch already logged (the `o` after an outcome key).

    Added below any note the touch has; a promise the touch created gets the
    same note. One transaction.
    """
    note = _clean(text, "note", 20_000)
    if not note:
        raise InvalidInput("the note is empty: nothing saved")

    def write() -> NoteResult:
        touch = Touch.get_or_none(Touch.id == touch_id)
        if touch is None:
            raise NotFound("that touch is gone (undone?): the note was not saved")
        combined = f"{touch.note}\n{note}" if touch.note else note
        _clean(combined, "note", 20_000)
        Touch.update(note=combined).where(Touch.id == touch_id).execute()
        Appointment.update(note=combined).where(Appointment.touch == touch_id).execute()
        name = touch.lead.name
        label = touch.outcome.replace("-", " ")
        return NoteResult(touch.id, touch.lead_id, name, f"note added to {label} on {name}")

    return atomic_write(write)
