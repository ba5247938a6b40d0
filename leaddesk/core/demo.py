"""Synthetic leads with believable histories, for trying the desk and for benchmarks.

Every history is replayed through `rules.plan_outcome` the way
`writes.outcomes.log_outcome` applies it — same state in, same columns out, the same
`before` snapshot — so a demo lead is indistinguishable from one worked by
hand, and `undo` walks back through demo touches exactly.

Replaying costs ~2–3 ms per lead (pendulum arithmetic inside the rules), so
above `HISTORY_POOL` leads the remaining leads reuse a replayed history under
a new identity: other names and numbers, the same zone set, phone count and
reachability, hence the same rule inputs and the same rows. Rows go in with
`executemany` on peewee's connection inside one transaction (FACTS.md: 3 s
for 1.1M rows, against 38 s through `insert_many`).

Numbers use 555-01xx subscribers (reserved for fiction in North America) and
the drama ranges elsewhere, so they parse as possible numbers; with only a
few thousand of them, large fills repeat numbers across leads.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import accumulate

import peewee
import pendulum
from pendulum import DateTime

from leaddesk.core.domain.phones import parse_phone, resolve_zone
from leaddesk.core.domain.rules import (
    DAY_MS,
    NOT_A_CALL_TO_THE_LEAD,
    OUTCOMES,
    LeadState,
    new_lead_state,
    next_open,
    plan_outcome,
    priority_for,
    window_open,
    zones_or_rep,
)
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_NEW, TIER_NURTURE, TIER_PROMISE
from leaddesk.core.reads.queue import end_of_rep_day, zone_key
from leaddesk.core.reads.search import bulk_indexing
from leaddesk.core.store.db import (
    atomic_write,
    database,
    execute_many,
    from_ms,
    insert_sql,
    sync_sequences,
    to_ms,
)
from leaddesk.core.store.models import Appointment, BaseModel, Lead, Phone, Touch, ZoneSet
from leaddesk.core.writes.team import ensure_rep

HISTORY_POOL = 4000  # distinct replayed histories; more leads reuse them
BATCH = 2000  # leads per executemany round (bounds memory at 1M rows)
MINUTE, HOUR, DAY = 60, 3600, 86400

# --- people, companies, places ---------------------------------------------

FIRST_NAMES = (
    "Dana", "Ravi", "Lee", "Sam", "Maria", "James", "Aisha", "Tom", "Mei", "Carlos",
    "Olivia", "Noah", "Priya", "Ethan", "Fatima", "Liam", "Grace", "Diego", "Hannah",
    "Kwame", "Sofia", "Marcus", "Yuki", "Isabel", "Owen", "Chloe", "Andre", "Nina",
    "Victor", "Emma", "Hiroshi", "Leah", "Mateo", "Zoe", "Ibrahim", "Rachel", "Kevin",
    "Ana", "Brian", "Keisha", "Daniel", "Elena", "Jamal", "Laura", "Arjun", "Megan",
    "Luis", "Tara", "Connor", "Amara", "Greg", "Naomi", "Pedro", "Julia", "Tyrone",
    "Sarah", "Wei", "Molly", "Omar", "Claire", "Jorge", "Bethany", "Sanjay", "Erin",
    "Malik", "Heather", "Tomasz", "Lucy", "Dmitri", "Paige", "Andrew", "Rosa", "Felix",
    "Ingrid", "Patrick", "Leila", "Scott", "Mariana", "Derek", "Joy",
)  # fmt: skip
LAST_NAMES = (
    "Whitfield", "Patel", "Okafor", "Ito", "Garcia", "Nguyen", "Smith", "Kowalski",
    "Johnson", "Chen", "Martinez", "Brown", "Haddad", "Williams", "Kim", "Rossi",
    "Murphy", "Singh", "Anderson", "Tanaka", "Lopez", "Walker", "Mensah", "Schmidt",
    "Rivera", "O'Brien", "Hughes", "Novak", "Bennett", "Castillo", "Fischer", "Reyes",
    "Campbell", "Sato", "Ward", "Abubakar", "Dubois", "Foster", "Larsen", "Morales",
    "Price", "Yamamoto", "Coleman", "Baptiste", "Gallagher", "Ortiz", "Sullivan",
    "Volkov", "Henderson", "Ahmed", "Brooks", "Jensen", "Flores", "Kaplan", "Russo",
    "Mitchell", "Oyelaran", "Park", "Delgado", "Stewart", "Lindqvist", "Fernandes",
    "McAllister", "Banerjee", "Hoffman", "Tran", "Esposito", "Cooper", "Nakamura",
    "Adeyemi", "Bishop", "Quinn",
)  # fmt: skip
TRADES = (
    "Roofing", "Builders", "Construction", "Property Management", "Home Services",
    "Exteriors", "Contracting", "Renovations", "Restoration", "Realty", "Remodeling",
    "Facilities", "Homes", "Storm Repair",
)  # fmt: skip
PLACE_WORDS = (
    "Summit", "Blue Ridge", "Lakeside", "Granite", "Cedar", "Harbor", "Pioneer",
    "Keystone", "Evergreen", "Red Oak", "Silver Creek", "Northstar", "Prairie",
    "Ironwood", "Bayview", "Canyon", "Maple Leaf", "Copperline",
)  # fmt: skip
TITLES = (
    "Owner", "Owner", "Operations Manager", "Purchasing Manager", "Project Manager",
    "Estimator", "Office Manager", "Facilities Director", "General Manager",
    "VP Operations", "Property Manager", "Procurement Lead",
)  # fmt: skip
# (source, weight): inbound sources dominate a rep's list.
SOURCES = (
    ("web form", 30), ("trade show", 12), ("referral", 12), ("cold list", 14),
    ("Google Ads", 14), ("partner", 6), ("Facebook Ads", 5), ("inbound call", 5),
    ("LinkedIn", 2),
)  # fmt: skip
# The product lines of a roofing and exteriors supplier.
INTERESTS = (
    "metal roof", "standing seam panels", "solar shingles", "gutter guards", "skylights",
    "roof coating", "attic insulation", "storm windows", "roof inspection", "siding",
)  # fmt: skip
TAGS = ("", "", "", "commercial", "residential", "hot", "multi-site", "budget approved")
STREETS = (
    "Maple", "Oak", "Cedar", "Pine", "Elm", "Washington", "Lincoln", "Park", "Lake",
    "Hill", "Sunset", "Ridge", "Church", "Mill", "River", "Highland", "Franklin",
    "Jefferson", "Willow", "Cherry", "Spring", "Meadow", "Forest", "Union",
)  # fmt: skip
STREET_KINDS = ("St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Way", "Ct", "Pl")
PERSONAL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com")
# Zones set by hand on a few leads (a New York mobile, living in LA).
OVERRIDE_ZONES = ("America/Los_Angeles", "America/Chicago", "America/New_York")
TLDS = {"US": "com", "CA": "ca", "GB": "co.uk", "DE": "de", "AU": "com.au", "MX": "com.mx"}


@dataclass(frozen=True)
class Area:
    """A place numbers come from: numbers as typed there, and a matching address."""

    country: str
    city: str
    region: str
    postcode: str  # prefix; digits are appended (# = digit, @ = letter)
    numbers: tuple[str, ...]  # patterns; each # is a digit of the fictional range
    weight: int


def _us(code: str, city: str, state: str, zip3: str, weight: int = 3) -> Area:
    patterns = (
        f"({code}) 555-01##",
        f"{code}-555-01##",
        f"{code}.555.01##",
        f"+1 {code} 555 01##",
        f"1-{code}-555-01##",
        f"{code}55501##",
    )
    return Area("US", city, state, zip3 + "##", patterns, weight)


def _ca(code: str, city: str, province: str, postcode: str) -> Area:
    return Area("CA", city, province, postcode, (f"({code}) 555-01##", f"+1 {code} 555 01##"), 2)


AREAS: tuple[Area, ...] = (
    _us("212", "New York", "NY", "100", 6),
    _us("718", "Brooklyn", "NY", "112", 4),
    _us("917", "New York", "NY", "100", 3),
    _us("617", "Boston", "MA", "021"),
    _us("215", "Philadelphia", "PA", "191"),
    _us("404", "Atlanta", "GA", "303", 4),
    _us("305", "Miami", "FL", "331", 4),
    _us("704", "Charlotte", "NC", "282"),
    _us("313", "Detroit", "MI", "482", 2),
    _us("312", "Chicago", "IL", "606", 5),
    _us("773", "Chicago", "IL", "606", 3),
    _us("214", "Dallas", "TX", "752", 4),
    _us("713", "Houston", "TX", "770", 4),
    _us("612", "Minneapolis", "MN", "554", 2),
    _us("504", "New Orleans", "LA", "701", 2),
    _us("303", "Denver", "CO", "802", 3),
    _us("801", "Salt Lake City", "UT", "841", 2),
    _us("505", "Albuquerque", "NM", "871", 1),
    _us("602", "Phoenix", "AZ", "850", 3),  # no DST
    _us("520", "Tucson", "AZ", "857", 1),
    _us("208", "Boise", "ID", "837", 1),  # two zones: Boise and Los Angeles
    _us("213", "Los Angeles", "CA", "900", 4),
    _us("310", "Santa Monica", "CA", "904", 2),
    _us("415", "San Francisco", "CA", "941", 3),
    _us("206", "Seattle", "WA", "981", 3),
    _us("503", "Portland", "OR", "972", 2),
    _us("702", "Las Vegas", "NV", "891", 2),
    _us("907", "Anchorage", "AK", "995", 1),  # Adak and Anchorage
    _us("808", "Honolulu", "HI", "968", 1),
    _ca("416", "Toronto", "ON", "M5V #@#"),
    _ca("604", "Vancouver", "BC", "V6B #@#"),
    _ca("403", "Calgary", "AB", "T2P #@#"),
    _ca("514", "Montreal", "QC", "H2X #@#"),
    Area("GB", "London", "", "EC1A #@@", ("+44 20 7946 0###", "+44 (0)20 7946 0###"), 2),
    Area("GB", "Manchester", "", "M1 #@@", ("+44 161 496 0###",), 1),
    Area("DE", "Berlin", "", "101##", ("+49 30 23125 ###", "+49 (0)30 23125###"), 1),
    Area("DE", "München", "", "803##", ("+49 89 99998 ###",), 1),
    Area("AU", "Sydney", "NSW", "20##", ("+61 2 5550 ####",), 1),
    # Australian mobiles span every Australian zone: no usable window, rep's zone.
    Area("AU", "Melbourne", "VIC", "30##", ("+61 491 570 15#",), 1),
    Area("MX", "Ciudad de México", "CDMX", "066##", ("+52 55 5555 0###",), 1),
    Area("MX", "Monterrey", "NL", "640##", ("+52 81 5555 0###",), 1),
)
# Company main lines: toll-free numbers are in no one zone.
TOLL_FREE = Area("US", "", "", "", ("(800) 555-01##", "1-888-555-01##"), 0)

# --- what happens on a call --------------------------------------------------

Mix = tuple[tuple[str, ...], tuple[float, ...]]


def _mix(*pairs: tuple[str, float]) -> Mix:
    names = tuple(n for n, _ in pairs)
    return names, tuple(accumulate(w for _, w in pairs))


ATTEMPTS_ONLY = _mix(("no-answer", 50), ("voicemail", 28), ("gatekeeper", 14), ("busy", 8))
# A call's outcome by the lead's status: most calls on a cold list do not connect.
CALL_MIX: dict[str, Mix] = {
    "new": _mix(
        ("no-answer", 44), ("voicemail", 25), ("gatekeeper", 10), ("busy", 5),
        ("connected", 7), ("callback", 3), ("not-interested", 3), ("appointment", 1),
        ("wrong-number", 1), ("dnc", 0.5),
    ),
    "engaged": _mix(
        ("connected", 25), ("voicemail", 22), ("no-answer", 22), ("appointment", 8),
        ("callback", 8), ("won", 4), ("not-interested", 10), ("dnc", 2),
    ),
    "appointment": _mix(
        ("connected", 50), ("won", 15), ("not-interested", 15), ("no-answer", 10),
        ("callback", 10),
    ),
    "nurture": _mix(
        ("no-answer", 48), ("voicemail", 32), ("connected", 5), ("not-interested", 8),
        ("callback", 3), ("dnc", 2), ("won", 1),
    ),
    "won": _mix(("connected", 60), ("voicemail", 25), ("no-answer", 15)),
}  # fmt: skip
CALL_MIX["working"] = CALL_MIX["new"]

NOTES: dict[str, tuple[str, ...]] = {
    "connected": (
        "asked for pricing on {interest}",
        "wants a site visit first",
        "comparing three quotes",
        "budget opens next quarter",
        "needs sign-off from the owner",
        "sent spec sheet",
        "happy with samples, checking lead times",
        "",
    ),
    "callback": ("in a meeting, call back", "driving, asked for a call later", "call back"),
    "appointment": ("site visit booked", "demo of {interest} booked", "meeting at their office"),
    "not-interested": (
        "went with a competitor",
        "no budget this year",
        "not a fit right now",
        "already has a supplier",
    ),
    "dnc": ("asked not to be called; email is fine", "do not call — prefers email"),
    "won": ("signed for {interest}", "PO received", "deposit paid"),
    "wrong-number": ("number belongs to someone else", "disconnected"),
    "gatekeeper": ("spoke to the front desk", "assistant took a message", ""),
    "voicemail": ("", "", "left VM with callback number"),
    "email": ("", "follow-up email: {interest} brochure"),
    "letter": ("", "mailed catalogue"),
}
# seconds on the phone, by outcome (None: the rep did not record one)
DURATIONS: dict[str, tuple[int, int]] = {
    "connected": (90, 1500),
    "callback": (30, 120),
    "appointment": (180, 900),
    "not-interested": (30, 240),
    "dnc": (15, 90),
    "won": (300, 1800),
    "voicemail": (25, 60),
    "gatekeeper": (30, 150),
}

# --- one lead's history, built like writes.outcomes.log_outcome builds it -----------


@dataclass
class _Touch:
    at: int  # ms
    channel: str
    outcome: str
    note: str
    duration_s: int | None
    phone: int | None  # position of the number dialled
    lead_local: str
    in_window: bool | None
    counted: bool
    scheduled_due_at: int | None
    scheduled_channel: str
    before_lead: str  # JSON of the lead's schedule before the touch
    closed: tuple[int, ...]  # indexes of promises this touch kept
    bad_phone: int | None  # position marked bad


@dataclass
class _Promise:
    at: DateTime
    kind: str
    note: str
    touch: int  # index of the touch that made it
    created_at: DateTime
    done_at: DateTime | None = None


class _History:
    """A lead's schedule in memory, advanced one outcome at a time."""

    def __init__(
        self,
        settings: Settings,
        received: DateTime,
        zones: tuple[str, ...],
        phones: int,
        has_email: bool,
        has_address: bool,
    ) -> None:
        self.settings = settings
        self.received = received
        self.zones = zones
        self.zone = zones_or_rep(zones, settings)[0]
        self.bad = [False] * phones
        self.has_email = has_email
        self.has_address = has_address
        # As services._insert_lead starts a lead.
        state = new_lead_state(received, has_phone=phones > 0)
        if not phones:
            channel = "email" if has_email else ("letter" if has_address else "")
            state = replace(state, next_channel=channel, has_phone=False)
            if not channel:
                state = replace(state, next_due_at=None)
        state = replace(state, call_zones=zones, received_at=received)
        self.state = replace(state, priority=priority_for(state))
        self.touches: list[_Touch] = []
        self.promises: list[_Promise] = []
        self.last_at: DateTime = received
        self.talks = 0  # touches in a row while engaged: conversations come to a head

    def open_promises(self) -> list[int]:
        live = [i for i, p in enumerate(self.promises) if p.done_at is None]
        return sorted(live, key=lambda i: self.promises[i].at)

    def log(self, name: str, at: DateTime, next_at: DateTime | None, note: str, secs: int | None):
        spec = OUTCOMES[name]
        good = [i for i, bad in enumerate(self.bad) if not bad]
        current = good[0] if good else None
        is_call = spec.channel == "call"
        if is_call and (current is None or self.state.do_not_call):
            raise AssertionError(f"demo history would call a lead that cannot be called: {name}")
        slack = at.add(minutes=self.settings.rules.promise_slack_minutes)
        live = self.open_promises()
        closing = [i for i in live if is_call and self.promises[i].at <= slack]
        remaining = [i for i in live if i not in closing]
        facts = replace(
            self.state,
            has_phone=bool(good),
            has_email=self.has_email,
            has_address=self.has_address,
            spare_phones=max(len(good) - 1, 0),
            open_promise_at=self.promises[remaining[0]].at if remaining else None,
            recent_calls=self.recent_calls(at),
        )
        decision = plan_outcome(facts, name, at, self.settings, next_at=next_at)
        bad_phone = current if decision.phone_bad else None
        after = decision.state
        self.touches.append(
            _Touch(
                at=to_ms(at),
                channel=spec.channel,
                outcome=name,
                note=note,
                duration_s=secs,
                phone=current if is_call else None,
                lead_local=at.in_timezone(self.zone).isoformat(),
                in_window=window_open(at, self.zones, self.settings) if is_call else None,
                counted=decision.counted,
                scheduled_due_at=_ms(after.next_due_at),
                scheduled_channel=after.next_channel,
                before_lead=_schedule_json(self.state),
                closed=tuple(closing),
                bad_phone=bad_phone,
            )
        )
        self.talks = self.talks + 1 if self.state.status in ("engaged", "appointment") else 0
        self.state = after
        self.last_at = at
        for i in closing:
            self.promises[i].done_at = at
        if decision.promise:
            kind, when = decision.promise
            self.promises.append(_Promise(when, kind, note, len(self.touches) - 1, at))
        if bad_phone is not None:
            self.bad[bad_phone] = True

    def recent_calls(self, at: DateTime) -> tuple[DateTime, ...]:
        """As reads.leads.recent_calls reads the touches: calls in (at - 24 h, at]."""
        end = to_ms(at)
        calls = []
        for t in reversed(self.touches):
            if t.at <= end - DAY_MS:
                break
            if t.channel == "call" and t.outcome not in NOT_A_CALL_TO_THE_LEAD and t.at <= end:
                calls.append(from_ms(t.at))
        return tuple(reversed(calls))

    def can_call(self) -> bool:
        return not self.state.do_not_call and not all(self.bad)

    def act_at(self, rng: random.Random) -> DateTime | None:
        """When a busy but diligent rep gets to this lead's next step."""
        s = self.state
        if s.next_due_at is None:
            return None
        if s.priority == TIER_PROMISE:
            # Promises are kept, some a little early (the slack still counts them kept).
            early = rng.random() < 0.2
            delay = -rng.randint(5, 45) * MINUTE if early else rng.randint(0, 12 * MINUTE)
        elif s.priority == TIER_NEW:
            delay = int(math.exp(rng.uniform(math.log(2 * MINUTE), math.log(4 * HOUR))))
        elif s.priority == TIER_NURTURE:
            delay = rng.randint(0, 3 * DAY)
        else:
            r = rng.random()
            if r < 0.7:
                delay = rng.randint(0, 3 * HOUR)
            elif r < 0.95:
                delay = rng.randint(3 * HOUR, 30 * HOUR)
            else:
                delay = rng.randint(DAY, 4 * DAY)
        at = s.next_due_at.add(seconds=delay)
        if s.next_channel == "call" and not window_open(at, self.zones, self.settings):
            opened = next_open(at, self.zones, self.settings)
            # Nobody dials at 08:00:00 sharp.
            later = opened.add(seconds=rng.randint(60, 90 * MINUTE))
            at = later if window_open(later, self.zones, self.settings) else opened
        return max(at, self.last_at.add(seconds=30))


def _ms(at: DateTime | None) -> int | None:
    return to_ms(at) if at is not None else None


def _schedule_json(state: LeadState) -> str:
    # Exactly the "lead" part of services._snapshot, from the same values.
    values = {}
    for name in LeadState.SCHEDULE_FIELDS:
        value = getattr(state, name)
        values[name] = to_ms(value) if isinstance(value, DateTime) else value
    return json.dumps(values)


# --- choosing what happens --------------------------------------------------

Policy = Callable[[_History, DateTime, random.Random], tuple[str, DateTime | None]]


def _pick(rng: random.Random, mix: Mix) -> str:
    names, cum = mix
    return rng.choices(names, cum_weights=cum)[0]


def _local_slot(at: DateTime, zone: str, days: int, hour: int, minute: int = 0) -> DateTime:
    local = at.in_timezone(zone).add(days=days)
    return local.set(hour=hour, minute=minute, second=0, microsecond=0).in_timezone("UTC")


def _round_up(at: DateTime, zone: str, step_minutes: int) -> DateTime:
    local = at.in_timezone(zone).set(second=0, microsecond=0)
    extra = (-local.minute) % step_minutes or step_minutes
    return local.add(minutes=extra).in_timezone("UTC")


def _callback_time(h: _History, at: DateTime, rng: random.Random) -> DateTime:
    choice = rng.random()
    if choice < 0.4:
        return _round_up(at.add(minutes=rng.randint(60, 180)), h.zone, 15)
    if choice < 0.8:
        return _local_slot(at, h.zone, 1, rng.choice((9, 10, 11, 14, 15, 16)))
    return _local_slot(at, h.zone, rng.randint(2, 5), rng.choice((10, 11, 14)), 30)


def _appointment_time(h: _History, at: DateTime, rng: random.Random) -> DateTime:
    slot = _local_slot(at, h.zone, rng.randint(1, 6), rng.choice((9, 10, 11, 13, 14, 15, 16)))
    while slot.in_timezone(h.zone).weekday() >= 5:
        slot = slot.add(days=1)
    return slot


def _natural(h: _History, at: DateTime, rng: random.Random) -> tuple[str, DateTime | None]:
    channel = h.state.next_channel
    if channel != "call":
        return channel, None
    status = h.state.status
    name = _pick(rng, CALL_MIX.get(status, CALL_MIX["new"]))
    if status in ("engaged", "appointment") and rng.random() < min(0.15 * h.talks, 0.9):
        # after a few conversations a deal is won or the lead says no
        name = (
            "won" if rng.random() < (0.5 if status == "appointment" else 0.3) else "not-interested"
        )
    slack = h.settings.rules.promise_slack_minutes
    if name == "dnc" and (
        status in ("engaged", "appointment")
        or any(h.promises[i].at > at.add(minutes=slack) for i in h.open_promises())
    ):
        # An engaged lead put on DNC gets an email step that logging the email
        # never advances (see the report on rules.plan_outcome); and a DNC lead
        # with an appointment still open would be called.
        name = "voicemail"
    if name == "callback":
        return name, _callback_time(h, at, rng)
    if name == "appointment":
        return name, _appointment_time(h, at, rng)
    return name, None


def _attempts_only(h: _History, at: DateTime, rng: random.Random) -> tuple[str, DateTime | None]:
    channel = h.state.next_channel
    return (channel, None) if channel != "call" else (_pick(rng, ATTEMPTS_ONLY), None)


def _note(rng: random.Random, name: str, interest: str) -> str:
    options = NOTES.get(name)
    return rng.choice(options).format(interest=interest) if options else ""


def _duration(rng: random.Random, name: str) -> int | None:
    span = DURATIONS.get(name)
    return rng.randint(*span) if span else None


def _log(
    h: _History,
    name: str,
    at: DateTime,
    next_at: DateTime | None,
    rng: random.Random,
    interest: str,
) -> None:
    h.log(name, at, next_at, _note(rng, name, interest), _duration(rng, name))


def _run(
    h: _History, until: DateTime, policy: Policy, rng: random.Random, interest: str
) -> DateTime | None:
    """Work the lead as it falls due until `until`; return the next pending action time."""
    for _ in range(80):
        at = h.act_at(rng)
        if at is None or at > until:
            return at
        if h.state.next_channel == "call" and not h.can_call():
            return None
        name, next_at = policy(h, at, rng)
        due = h.state.next_due_at
        _log(h, name, at, next_at, rng, interest)
        if h.state.next_due_at == due and due is not None and due <= at:
            return None  # the rules did not move it: stop rather than log it again
    return None


# --- scenarios --------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What the rules see of a lead; leads of one shape share histories."""

    phones: tuple[tuple[int, str], ...]  # (phone group, label) per position
    email: bool
    address: bool
    tz_override: str | None
    interest: str
    company: bool


@dataclass
class _Template:
    shape: Shape
    h: _History
    zone: tuple[str, str, str]  # timezone, timezone_source, call_zones key
    before_full: list[str | None] = field(default_factory=list)  # touches with no ids in JSON


def _days(rng: random.Random, lo: float, hi: float) -> int:
    return int(rng.uniform(lo, hi) * DAY)


class _Scenarios:
    def __init__(self, now: DateTime, settings: Settings) -> None:
        self.now = now
        self.settings = settings

    def build(
        self, scenario: str, shape: Shape, zones: tuple[str, ...], rng: random.Random
    ) -> _History:
        make = getattr(self, f"_{scenario}")
        for attempt in range(25):  # a forced scenario may not fit `now`; draw again
            h = make(shape, zones, rng, attempt)
            if h is not None:
                return h
        return self._bulk(shape, zones, rng)

    def _new(self, shape: Shape, zones, received: DateTime) -> _History:
        return _History(
            self.settings, received, zones, len(shape.phones), shape.email, shape.address
        )

    def _fresh(self, shape, zones, rng, attempt=0) -> _History:
        return self._new(shape, zones, self.now.subtract(seconds=rng.randint(60, 55 * MINUTE)))

    def _new_today(self, shape, zones, rng, attempt=0) -> _History:
        return self._new(
            shape, zones, self.now.subtract(seconds=rng.randint(65 * MINUTE, 9 * HOUR))
        )

    def _bulk(self, shape, zones, rng, attempt=0) -> _History:
        # A third still on the first cadence (30 days), the rest nurtured for months.
        r = rng.random()
        span = (0.1, 30) if r < 0.35 else (30, 180) if r < 0.8 else (180, 400)
        ago = _days(rng, *span)
        h = self._new(shape, zones, self.now.subtract(seconds=ago))
        _run(h, self.now, _natural, rng, shape.interest)
        return h

    def _until(self, shape, zones, rng, received_days, horizon_days) -> tuple[_History, DateTime]:
        received = self.now.subtract(seconds=_days(rng, *received_days))
        h = self._new(shape, zones, received)
        horizon = min(received.add(seconds=_days(rng, *horizon_days)), self.now)
        return h, horizon

    def _pending(self, h, horizon, rng, shape, limit: DateTime) -> DateTime | None:
        at = _run(h, horizon, _attempts_only, rng, shape.interest)
        ok = at is not None and at <= limit and h.state.next_channel == "call" and h.can_call()
        return at if ok else None

    def _overdue_callback(self, shape, zones, rng, attempt) -> _History | None:
        # Promised for the last few hours (further back when the window was shut).
        ago = rng.randint(10 * MINUTE, 4 * HOUR if attempt < 10 else 40 * HOUR)
        asked = _round_up(self.now.subtract(seconds=ago), zones_or_rep(zones, self.settings)[0], 15)
        if asked > self.now.subtract(minutes=5) or not window_open(asked, zones, self.settings):
            return None
        received = asked.subtract(seconds=rng.randint(2 * HOUR, 6 * DAY))
        h = self._new(shape, zones, received)
        span = int((asked - received).total_seconds()) - HOUR
        horizon = received.add(seconds=rng.randint(0, span))
        at = self._pending(h, horizon, rng, shape, asked.subtract(minutes=30))
        if at is None:
            return None
        _log(h, "callback", at, asked, rng, shape.interest)
        return h

    def _appointment_today(self, shape, zones, rng, attempt=0) -> _History | None:
        h, horizon = self._until(shape, zones, rng, (1, 10), (0, 8))
        horizon = min(horizon, self.now.subtract(minutes=30))
        at = self._pending(h, horizon, rng, shape, self.now)
        if at is None:
            return None
        start = _round_up(self.now.add(seconds=rng.randint(HOUR, 4 * HOUR)), h.zone, 30)
        slot = next_open(start, zones, self.settings)
        if slot >= end_of_rep_day(self.now, self.settings):
            slot = start  # late in the rep's day: the earliest slot, even outside the window
        _log(h, "appointment", at, slot, rng, shape.interest)
        return h

    def _won(self, shape, zones, rng, attempt=0) -> _History | None:
        h, horizon = self._until(shape, zones, rng, (15, 120), (2, 12))
        at = self._pending(h, horizon, rng, shape, self.now.subtract(days=2))
        if at is None:
            return None
        _log(h, "connected", at, None, rng, shape.interest)
        signed = h.act_at(rng)
        if signed is None or signed > self.now:
            return None
        _log(h, "won", signed, None, rng, shape.interest)
        _run(h, self.now, _natural, rng, shape.interest)
        return h

    def _dnc(self, shape, zones, rng, attempt=0) -> _History | None:
        h, horizon = self._until(shape, zones, rng, (6, 40), (0.5, 3))
        at = self._pending(h, horizon, rng, shape, self.now.subtract(days=3))
        if at is None or h.state.status not in ("new", "working"):
            return None
        _log(h, "dnc", at, None, rng, shape.interest)
        _run(h, self.now, _natural, rng, shape.interest)  # only email and letter steps remain
        return h

    def _bad(self, shape, zones, rng, attempt=0) -> _History | None:
        h, horizon = self._until(shape, zones, rng, (2, 30), (0, 4))
        at = self._pending(h, horizon, rng, shape, self.now)
        if at is None:
            return None
        _log(h, "wrong-number", at, None, rng, shape.interest)
        return h

    def _not_interested(self, shape, zones, rng, attempt=0) -> _History | None:
        h, horizon = self._until(shape, zones, rng, (5, 200), (1, 20))
        at = self._pending(h, horizon, rng, shape, self.now)
        if at is None:
            return None
        _log(h, "not-interested", at, None, rng, shape.interest)
        _run(h, self.now, _natural, rng, shape.interest)
        return h


# (scenario, share of leads, minimum when there is room); the rest is "bulk".
SPECIAL = (
    ("fresh", 0.03, 3),
    ("overdue_callback", 0.02, 2),
    ("appointment_today", 0.005, 2),
    ("new_today", 0.03, 2),
    ("won", 0.02, 2),
    ("dnc", 0.015, 2),
    ("bad", 0.01, 1),
    ("not_interested", 0.03, 2),
)


def _scenario_list(count: int, rng: random.Random) -> list[str]:
    chosen: list[str] = []
    for name, share, least in SPECIAL:
        chosen += [name] * max(least, int(count * share))
    chosen = chosen[:count]
    chosen += ["bulk"] * (count - len(chosen))
    rng.shuffle(chosen)
    return chosen


# --- identities ---------------------------------------------------------------


@lru_cache(maxsize=1)
def _groups() -> tuple[tuple[tuple[str, ...], str, tuple[Area, ...]], ...]:
    """Areas grouped by (zones, country): a lead's number may come from any of a group."""
    found: dict[tuple[tuple[str, ...], str], list[Area]] = {}
    for area in (*AREAS, TOLL_FREE):
        zones = parse_phone(_digits(area.numbers[0], random.Random(0)), "US").zones
        found.setdefault((zones, area.country), []).append(area)
    return tuple((zones, country, tuple(areas)) for (zones, country), areas in found.items())


def _digits(pattern: str, rng: random.Random) -> str:
    out = []
    for c in pattern:
        if c == "#":
            out.append(str(rng.randrange(10)))
        elif c == "@":
            out.append(rng.choice("ABCEGHJKLMNPRSTVWXY"))
        else:
            out.append(c)
    return "".join(out)


def _group_for(rng: random.Random, areas: Sequence[Area], weights: Sequence[int]) -> int:
    area = rng.choices(areas, weights=weights)[0]
    for index, (_, _, members) in enumerate(_groups()):
        if area in members:
            return index
    raise AssertionError(area)


def _random_shape(scenario: str, rng: random.Random) -> Shape:
    weights = [a.weight for a in AREAS]
    us = [a for a in AREAS if a.country == "US"]
    us_weights = [a.weight for a in us]
    reachable_now = scenario in ("overdue_callback", "appointment_today")
    n_phones = 1 if scenario == "bad" else rng.choices((0, 1, 2), weights=(4, 70, 26))[0]
    if scenario != "bulk":
        n_phones = max(n_phones, 1)
    phones: list[tuple[int, str]] = []
    for position in range(n_phones):
        pool, pool_weights = (us, us_weights) if reachable_now else (AREAS, weights)
        if position > 0 and rng.random() < 0.12:
            pool, pool_weights = [TOLL_FREE], [1]  # the company's main line
        elif position > 0 and rng.random() < 0.8:
            # A work number is usually in the same area as the mobile.
            pool = _groups()[phones[0][0]][2]
            pool_weights = [1] * len(pool)
        phones.append((_group_for(rng, pool, pool_weights), ""))
    labels: tuple[str, ...]
    if n_phones == 2:
        labels = rng.choice((("mobile", "work"), ("work", "mobile"), ("mobile", "home")))
    elif n_phones == 1:
        labels = (rng.choice(("mobile", "work", "", "mobile")),)
    else:
        labels = ()
    phones = [(g, label) for (g, _), label in zip(phones, labels, strict=True)]
    company = rng.random() < 0.75
    if scenario == "bad":
        email, address = False, False
    elif scenario == "dnc" or n_phones == 0:
        email, address = True, rng.random() < 0.5
    else:
        email, address = rng.random() < 0.85, rng.random() < 0.45
    override = None
    if phones and rng.random() < 0.01:
        override = rng.choice(OVERRIDE_ZONES)
    return Shape(tuple(phones), email, address, override, rng.choice(INTERESTS), company)


@dataclass(frozen=True)
class Identity:
    name: str
    company: str
    title: str
    email: str
    address: str
    city: str
    region: str
    postcode: str
    country: str
    source: str
    tags: str
    notes: str
    phones: tuple[tuple[str, str, str], ...]  # (raw, e164, label)


_SOURCE_NAMES = tuple(s for s, _ in SOURCES)
_SOURCE_CUM = tuple(accumulate(w for _, w in SOURCES))


def _slug(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def _identity(shape: Shape, rng: random.Random) -> Identity:
    groups = _groups()
    phones = []
    home: Area | None = None
    for group, label in shape.phones:
        area = rng.choice(groups[group][2])
        raw = _digits(rng.choice(area.numbers), rng)
        phones.append((raw, _e164(raw), label))
        if home is None and area.city:
            home = area
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    domain_country = home.country if home else "US"
    company = title = ""
    if shape.company:
        r = rng.random()
        lead_name = last if r < 0.5 else rng.choice(LAST_NAMES)
        company = f"{lead_name if r < 0.75 else rng.choice(PLACE_WORDS)} {rng.choice(TRADES)}"
        title = rng.choice(TITLES)
    email = ""
    if shape.email:
        local = rng.choice(
            (f"{first}.{last}", f"{first[0]}{last}", first, f"{first}{last[0]}", f"{first}_{last}")
        )
        domain = (
            f"{_slug(company)}.{TLDS.get(domain_country, 'com')}"
            if company and rng.random() < 0.8
            else rng.choice(PERSONAL_DOMAINS)
        )
        email = f"{_email_local(local)}@{domain}"
    # Without an address, the writer takes the country from the first phone (as services does).
    address = city = region = postcode = country = ""
    if shape.address:
        area = home or rng.choice([a for a in AREAS if a.country == "US"])
        number = rng.randint(12, 9800)
        address = f"{number} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"
        if rng.random() < 0.15:
            address += f", Suite {rng.randint(100, 900)}"
        city, region, postcode = area.city, area.region, _digits(area.postcode, rng)
        country = area.country
    source = rng.choices(_SOURCE_NAMES, cum_weights=_SOURCE_CUM)[0]
    notes = ""
    if source == "referral":
        notes = f"referred by {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    elif source == "trade show" and rng.random() < 0.5:
        notes = f"met at booth {rng.randint(1, 240)}"
    return Identity(
        name=f"{first} {last}",
        company=company,
        title=title,
        email=email,
        address=address,
        city=city,
        region=region,
        postcode=postcode,
        country=country,
        source=source,
        tags=rng.choice(TAGS),
        notes=notes,
        phones=tuple(phones),
    )


def _email_local(local: str) -> str:
    return "".join(c for c in local.lower() if c.isalnum() or c in "._")


# --- writing ------------------------------------------------------------------

LEAD_COLUMNS = (
    "id", "name", "company", "title", "email", "address", "city", "region", "postcode",
    "country", "tz_override", "timezone", "timezone_source", "call_zones", "source",
    "interest", "first_contact_on", "received_at", "status", "owner", "do_not_call",
    "dnc_at", "do_not_mail", "dnm_at", "no_count", "attempts", "cadence", "cadence_step",
    "cadence_started_at", "last_touch_at", "next_due_at", "next_channel", "priority",
    "closed_early", "tags", "notes", "created_at", "updated_at", "claimed_by", "claimed_until",
)  # fmt: skip
PHONE_COLUMNS = ("id", "lead", "position", "label", "raw", "e164", "bad")
TOUCH_COLUMNS = (
    "id", "lead", "at", "channel", "outcome", "note", "rep", "duration_s", "phone",
    "lead_local", "in_window", "outside_hours", "counted", "scheduled_due_at",
    "scheduled_channel", "before",
)  # fmt: skip
APPOINTMENT_COLUMNS = (
    "id", "lead", "at", "kind", "note", "done", "done_at", "touch", "created_at",
)  # fmt: skip


class _Writer:
    """Turns templates and identities into rows, with ids assigned here."""

    def __init__(self, db: peewee.Database, rep: int) -> None:
        self.db = db
        self.rep = rep
        self.next = {m: _max_id(m) + 1 for m in (Lead, Phone, Touch, Appointment)}
        self.rows: dict[type[BaseModel], list[tuple]] = {m: [] for m in self.next}
        self.sql = {
            Lead: insert_sql(Lead, LEAD_COLUMNS, db),
            Phone: insert_sql(Phone, PHONE_COLUMNS, db),
            Touch: insert_sql(Touch, TOUCH_COLUMNS, db),
            Appointment: insert_sql(Appointment, APPOINTMENT_COLUMNS, db),
        }
        self.zone_keys: set[str] = set()
        self.made = 0

    def _take(self, model: type[BaseModel], n: int) -> int:
        first = self.next[model]
        self.next[model] = first + n
        return first

    def add(self, tpl: _Template, who: Identity, rng: random.Random) -> None:
        h = tpl.h
        s = h.state
        lead_id = self._take(Lead, 1)
        phone0 = self._take(Phone, len(who.phones))
        touch0 = self._take(Touch, len(h.touches) + 1)
        promise0 = self._take(Appointment, len(h.promises))
        received = to_ms(h.received)
        first_contact = None
        if who.source == "trade show":
            first_contact = h.received.subtract(days=rng.randint(0, 5)).date().isoformat()
        timezone, tz_source, zones = tpl.zone
        country = who.country or (_region_of(who.phones[0][1]) if who.phones else "")
        self.zone_keys.add(zones)
        self.rows[Lead].append(
            (
                lead_id, who.name, who.company, who.title, who.email.lower(), who.address,
                who.city, who.region, who.postcode, country, tpl.shape.tz_override, timezone,
                tz_source, zones, who.source, tpl.shape.interest, first_contact, received,
                s.status, None, s.do_not_call, _ms(s.dnc_at), s.do_not_mail, None, s.no_count,
                s.attempts, s.cadence, s.cadence_step, _ms(s.cadence_started_at),
                _ms(s.last_touch_at), _ms(s.next_due_at), s.next_channel, s.priority, False,
                who.tags, who.notes, received, h.touches[-1].at if h.touches else received,
                None, None,
            )
        )  # fmt: skip
        phone_rows = self.rows[Phone]
        for position, (raw, e164, label) in enumerate(who.phones):
            bad = h.bad[position]
            phone_rows.append((phone0 + position, lead_id, position, label, raw, e164, bad))
        via = f" ({who.source})" if who.source else ""
        touches = self.rows[Touch]
        touches.append(
            (touch0, lead_id, received, "system", "received", f"received{via}", None, None, "",
             "", None, None, False, None, "", "")
        )  # fmt: skip
        for i, t in enumerate(h.touches):
            before = tpl.before_full[i]
            if before is None:
                closed = [promise0 + p for p in t.closed]
                bad_phone = phone0 + t.bad_phone if t.bad_phone is not None else None
                before = _before(t.before_lead, closed, bad_phone)
            phone = who.phones[t.phone][1] if t.phone is not None else ""
            touches.append(
                (touch0 + 1 + i, lead_id, t.at, t.channel, t.outcome, t.note, self.rep,
                 t.duration_s, phone, t.lead_local, t.in_window, None, t.counted,
                 t.scheduled_due_at,
                 t.scheduled_channel, before)
            )  # fmt: skip
        for j, p in enumerate(h.promises):
            self.rows[Appointment].append(
                (promise0 + j, lead_id, to_ms(p.at), p.kind, p.note, p.done_at is not None,
                 _ms(p.done_at), touch0 + 1 + p.touch, to_ms(p.created_at))
            )  # fmt: skip
        self.made += 1

    def flush(self) -> None:
        for model in (Lead, Phone, Touch, Appointment):
            rows = self.rows[model]
            if rows:
                execute_many(self.db, self.sql[model], rows)
                rows.clear()

    def finish(self) -> None:
        self.flush()
        keys = sorted(self.zone_keys)
        if keys:
            ZoneSet.insert_many([{"key": k} for k in keys]).on_conflict_ignore().execute()
        sync_sequences(self.db, tuple(self.next))


def _before(lead_json: str, closed: list[int], bad_phone: int | None) -> str:
    # Same text as json.dumps({"lead": ..., "closed": ..., "bad_phone": ...}).
    tail = f'"closed": {json.dumps(closed)}, "bad_phone": {json.dumps(bad_phone)}'
    return f'{{"lead": {lead_json}, {tail}}}'


def _hold_zones(settings: Settings) -> list[object]:
    names = {settings.rep_timezone, "UTC"}
    names.update(z for zones, _, _ in _groups() for z in zones)
    names.update(OVERRIDE_ZONES)
    return [pendulum.timezone(name) for name in sorted(names)]


@cache
def _e164(raw: str) -> str:
    return parse_phone(raw, "US").e164


@lru_cache(maxsize=256)
def _region_of(e164: str) -> str:
    return parse_phone(e164, "US").region


def _max_id(model: type[BaseModel]) -> int:
    return model.select(peewee.fn.MAX(model.id)).scalar() or 0


def _template(
    scenario: str,
    shape: Shape,
    who: Identity,
    now: DateTime,
    settings: Settings,
    rng: random.Random,
) -> _Template:
    zone = resolve_zone(shape.tz_override, [e164 for _, e164, _ in who.phones])
    h = _Scenarios(now, settings).build(scenario, shape, zone.call_zones, rng)
    tpl = _Template(shape, h, (zone.timezone, zone.source, zone_key(zone.call_zones)))
    tpl.before_full = [
        None if (t.closed or t.bad_phone is not None) else _before(t.before_lead, [], None)
        for t in h.touches
    ]
    return tpl


def fill_demo(count: int, now: DateTime, settings: Settings, seed: int | None = None) -> int:
    """Add `count` synthetic leads with histories up to `now`; return how many were added.

    The same seed, `now` and settings give the same leads, numbers and history.
    """
    if count <= 0:
        return 0
    rng = random.Random(seed)
    now = now.in_timezone("UTC").set(microsecond=0)
    # zoneinfo keeps only 8 zones strongly cached; past that, every
    # `in_timezone(name)` in the rules re-reads the zone file (~35 µs). Holding
    # every zone the demo uses makes the weak cache hit: replay runs ~2x faster.
    held = _hold_zones(settings)
    scenarios = _scenario_list(count, rng)
    db = database.obj

    def write() -> int:
        writer = _Writer(db, ensure_rep(settings.rep_name))
        pool: list[_Template] = []
        with bulk_indexing(db):  # the search index, once at the end (search.py)
            for index, scenario in enumerate(scenarios):
                if index < HISTORY_POOL:
                    shape = _random_shape(scenario, rng)
                    who = _identity(shape, rng)
                    tpl = _template(scenario, shape, who, now, settings, rng)
                    pool.append(tpl)
                else:
                    tpl = rng.choice(pool)
                    who = _identity(tpl.shape, rng)
                writer.add(tpl, who, rng)
                if writer.made % BATCH == 0:
                    writer.flush()
            writer.finish()
        return writer.made

    try:
        return atomic_write(write)
    finally:
        del held
