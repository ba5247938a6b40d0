"""Read models for one lead: detail, phones, history — plain dataclasses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.errors import NotFound
from leaddesk.core.domain.hours import blocked_by, touch_text
from leaddesk.core.domain.jurisdictions import lead_places
from leaddesk.core.domain.jurisdictions import shown as shown_places
from leaddesk.core.domain.lead_state import DAY_MS, NOT_A_CALL_TO_THE_LEAD, LeadState
from leaddesk.core.domain.phone_text import extension_of, is_valid_e164, shown_phone
from leaddesk.core.domain.record import Record
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_NAMES
from leaddesk.core.domain.touches import schedule_values
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.windows import closing_holiday, next_open, window_open, zones_or_rep
from leaddesk.core.reads.queue.rows import places_of, zones_of
from leaddesk.core.store.db import from_ms, to_ms, tuples
from leaddesk.core.store.models import Appointment, Lead, Phone, Rep, Touch


@dataclass(frozen=True)
class PhoneView:
    e164: str
    raw: str
    label: str
    bad: bool

    # phonenumbers (~25 ms of CPU to import) loads only for a number that is not
    # North American (phone_text.py): the desk's first lead is shown without it.

    @property
    def display(self) -> str:
        """`+1 212-555-0142 ext. 3`; `555-0104 (not a valid number)`."""
        return shown_phone(self.e164, self.raw)

    @property
    def valid(self) -> bool:
        return is_valid_e164(self.e164) if self.e164 else False

    @property
    def extension(self) -> str:
        return extension_of(self.raw, self.e164)


@dataclass(frozen=True)
class TouchView:
    id: int
    at: DateTime
    channel: str
    outcome: str
    note: str
    duration_s: int | None
    scheduled_due_at: DateTime | None
    scheduled_channel: str
    by: str = ""  # the colleague who logged it (team mode); "" = you, or the system
    outside_hours: bool = False  # a call the rep confirmed outside the calling hours

    @property
    def outcome_text(self) -> str:
        """'no answer', or 'no answer · outside hours (confirmed)' for a marked call."""
        return touch_text(self.outcome.replace("-", " "), self.outside_hours)


@dataclass(frozen=True)
class PromiseView:
    id: int
    at: DateTime
    kind: str


class LeadView(Record):
    """One lead as the desk and `show` read it. A record (domain/record.py), not a
    frozen dataclass: its 46 fields cost ~18 M instructions to define as one, ~1 % of
    the desk's CPU to its first lead (issue 15 point 2)."""

    id: int
    name: str
    company: str
    title: str
    email: str
    address: str
    city: str
    region: str
    postcode: str
    country: str
    phones: tuple[PhoneView, ...]
    timezone: str  # IANA zone used for this lead (the rep's if unknown)
    timezone_source: str  # manual | phone | rep
    call_zones: tuple[str, ...]
    jurisdictions: tuple[str, ...]  # "US", "US-FL": the places whose calling rules apply
    rules_text: str  # "US-FL from phone, US-NY from address"
    blocked_by: str | None  # the window closed now: a rule id, "company-hours", or None
    local_now: DateTime
    window_open: bool
    window_opens_at: DateTime | None
    holiday: str | None  # an observed public holiday closing today's window
    source: str
    interest: str
    first_contact_on: date | None
    received_at: DateTime
    status: str
    tier: str | None
    do_not_call: bool
    dnc_at: DateTime | None
    do_not_mail: bool
    dnm_at: DateTime | None
    closed_early: bool
    no_count: int
    attempts: int
    steps: int
    cadence: str
    cadence_step: int
    next_due_at: DateTime | None
    next_channel: str
    tags: str
    notes: str
    promises: tuple[PromiseView, ...]
    touches: tuple[TouchView, ...]
    owner: str = ""  # the owning rep's name; "" = the team's pool
    claimed_by: str = ""  # the rep calling it right now (an unexpired claim), if any
    claimed_until: DateTime | None = None

    @property
    def phone(self) -> str:
        good = [p for p in self.phones if not p.bad]
        return good[0].e164 if good else ""


def lead_view(lead_id: int, now: DateTime, settings: Settings, touches: int = 200) -> LeadView:
    lead: Lead = get_lead(lead_id)
    # only the columns the index holds (0025): read from it alone, not from the table
    numbers_of = Phone.select(Phone.e164, Phone.raw, Phone.label, Phone.bad)
    phones = tuple(
        PhoneView(*row)
        for row in tuples(numbers_of.where(Phone.lead == lead.id).order_by(Phone.position))
    )
    zones, places = zones_of(lead.call_zones), places_of(lead.call_zones)
    zone = zones_or_rep(zones, settings)[0]
    rules = settings.compliance.book.for_places(places)
    is_open = window_open(now, zones, settings, rules=rules)
    numbers = [p.e164 for p in phones]
    found = lead_places(numbers, lead.country, lead.region)
    history = (
        Touch.select()
        .where(Touch.lead == lead)
        .order_by(Touch.at.desc(), Touch.id.desc())
        .limit(touches)
    )
    promises = (
        Appointment.select()
        .where((Appointment.lead == lead) & (Appointment.done == False))  # noqa: E712
        .order_by(Appointment.at)
    )
    # a handful of rows: who else is on the team, to name their touches
    colleagues: dict[int | None, str] = dict(
        tuples(Rep.select(Rep.id, Rep.name).where(Rep.name != settings.rep_name))
    )
    claimed = lead.claimed_until is not None and lead.claimed_until > now and lead.claimed_by_id
    holder = lead.claimed_by if claimed else None
    return LeadView(
        owner=lead.owner.name if lead.owner is not None else "",
        claimed_by=holder.name if holder is not None else "",
        claimed_until=lead.claimed_until if claimed else None,
        id=lead.id,
        name=lead.name,
        company=lead.company,
        title=lead.title,
        email=lead.email,
        address=lead.address,
        city=lead.city,
        region=lead.region,
        postcode=lead.postcode,
        country=lead.country,
        phones=phones,
        timezone=zone,
        timezone_source=lead.timezone_source,
        call_zones=zones,
        jurisdictions=places,
        rules_text=shown_places(found),
        blocked_by=blocked_by(now, zones, places, settings),
        local_now=now.in_timezone(tz(zone)),
        window_open=is_open,
        window_opens_at=None if is_open else next_open(now, zones, settings, rules=rules),
        holiday=None if is_open else closing_holiday(now, zones, settings),
        source=lead.source,
        interest=lead.interest,
        first_contact_on=lead.first_contact_on,
        received_at=lead.received_at,
        status=lead.status,
        tier=TIER_NAMES.get(lead.priority) if lead.priority is not None else None,
        do_not_call=lead.do_not_call,
        dnc_at=lead.dnc_at,
        do_not_mail=lead.do_not_mail,
        dnm_at=lead.dnm_at,
        closed_early=lead.closed_early,
        no_count=lead.no_count,
        attempts=lead.attempts,
        steps=len(settings.cadence(lead.cadence).steps),
        cadence=lead.cadence,
        cadence_step=lead.cadence_step,
        next_due_at=lead.next_due_at,
        next_channel=lead.next_channel,
        tags=lead.tags,
        notes=lead.notes,
        promises=tuple(PromiseView(p.id, p.at, p.kind) for p in promises),
        touches=tuple(
            TouchView(
                t.id,
                t.at,
                t.channel,
                t.outcome,
                t.note,
                t.duration_s,
                t.scheduled_due_at,
                t.scheduled_channel,
                colleagues.get(t.rep_id, ""),
                bool(t.outside_hours),
            )
            for t in history
        ),
    )


def lead_count(cap: int | None = None) -> int:
    """Leads in the store; with `cap`, counted only up to `cap` (the desk asks whether
    it is empty: a full count walks every lead, 60 ms at 1M on PostgreSQL)."""
    query = Lead.select(Lead.id)
    count: int = (query if cap is None else query.limit(cap)).count()
    return count


def get_lead(lead_id: int) -> Lead:
    lead = Lead.get_or_none(Lead.id == lead_id)
    if lead is None:
        raise NotFound(f"no lead with id {lead_id}")
    return lead


def recent_calls(lead_id: int, now: DateTime) -> tuple[DateTime, ...]:
    """The lead's calls in (now - 24 h, now], oldest first: what the attempt caps count.

    One range scan of the Touch(lead, at) index.
    """
    return tuple(at for (at,) in tuples(recent_calls_query(lead_id, now)))


def recent_calls_query(lead_id: int, now: DateTime) -> pw.ModelSelect[Touch]:
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


def state_of(
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
        call_zones=zones_of(lead.call_zones),
        places=places_of(lead.call_zones),
        has_phone=bool(good),
        has_email=bool(lead.email) and not lead.email_bad,
        has_address=bool(lead.address),
        spare_phones=max(len(good) - 1, 0),
        open_promise_at=open_promises[0].at if open_promises else None,
        recent_calls=calls,
    )


def schedule_snapshot(lead: Lead, closed: list[int], bad_phone: int | None) -> str:
    """A touch's `before` for `lead` as stored: what undo puts back."""
    # Only the schedule fields are read: no phones or promises needed.
    values = schedule_values(state_of(lead, [], []))
    return json.dumps({"lead": values, "closed": closed, "bad_phone": bad_phone})
