"""What the rules read and write about a lead: the outcomes, the lead's state, a
decision, which channels it allows, the attempt caps and its queue tier."""

from __future__ import annotations

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.record import Record
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_CADENCE, TIER_NEW, TIER_NURTURE, TIER_PROMISE


class Outcome(Record):
    name: str
    label: str
    channel: str  # channel of the touch it logs
    needs_time: bool = False  # a picker must give the next contact


OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome("no-answer", "no answer", "call"),
        Outcome("voicemail", "left voicemail", "call"),
        Outcome("busy", "busy", "call"),
        Outcome("gatekeeper", "spoke to gatekeeper", "call"),
        Outcome("connected", "talked", "call"),
        Outcome("callback", "asked to call back", "call", needs_time=True),
        Outcome("appointment", "appointment set", "call", needs_time=True),
        Outcome("not-interested", "not interested", "call"),
        Outcome("dnc", "do not call", "call"),
        Outcome("wrong-number", "wrong number", "call"),
        Outcome("won", "sold / won", "call"),
        Outcome("email", "email sent", "email"),
        Outcome("letter", "letter sent", "letter"),
        # Read from the inbox (`mail check`): inbound email touches, never counted as attempts.
        Outcome("replied", "replied by email", "email"),
        Outcome("bounced", "email bounced", "email"),
        Outcome("unsubscribed", "asked to stop emails", "email"),
        # Decisions about the lead rather than contacts with it: touches of the
        # "system" channel, in the history and undoable like any other.
        Outcome("lost", "closed as lost", "system"),
        Outcome("dnc-clear", "do-not-call cleared", "system"),
        Outcome("dnm", "do not mail", "system"),
        Outcome("dnm-clear", "do-not-mail cleared", "system"),
        Outcome("cadence", "moved to cadence", "system"),
        # Another lead's request or a list put this lead's number (address) on the
        # do-not-call (do-not-mail) list: written by the core, never typed (LIST_OUTCOMES).
        Outcome("dnc-list", "number on the do-not-call list", "system"),
        Outcome("dnm-list", "address on the do-not-mail list", "system"),
    )
}
ATTEMPT_OUTCOMES = {"no-answer", "voicemail", "busy", "gatekeeper"}
# A wrong number rang somebody else: it is no call to the lead, so the attempt
# caps do not count it (the lead's spare phone may be tried at once).
NOT_A_CALL_TO_THE_LEAD = ("wrong-number",)
LIST_OUTCOMES = ("dnc-list", "dnm-list")
OPEN_STATUSES = ("new", "working")  # still on the first-contact cadence


def outcome(name: str) -> Outcome:
    try:
        return OUTCOMES[name]
    except KeyError:
        known = " ".join(OUTCOMES)
        raise InvalidInput(f"unknown outcome {name!r}; use one of: {known}") from None


class LeadState(Record):
    """Everything the rules read about a lead (and all they may change)."""

    status: str = "new"
    attempts: int = 0
    no_count: int = 0
    do_not_call: bool = False
    dnc_at: DateTime | None = None
    do_not_mail: bool = False
    dnm_at: DateTime | None = None
    email_bad: bool = False  # the address bounced: no email step until it is changed
    closed_early: bool = False
    cadence: str = "new-lead"
    cadence_step: int = 0
    cadence_started_at: DateTime | None = None
    last_touch_at: DateTime | None = None
    next_due_at: DateTime | None = None
    next_channel: str = "call"
    priority: int | None = TIER_NEW
    # Read-only facts about the lead:
    received_at: DateTime | None = None
    call_zones: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # jurisdictions ("US", "US-FL"): their rules' windows apply
    has_phone: bool = True  # a good number is left to dial
    has_email: bool = False
    has_address: bool = False
    spare_phones: int = 0  # good phones besides the current one
    open_promise_at: DateTime | None = None  # earliest promise this touch leaves open
    # Call touches of the last 24 h before the touch being planned (any order);
    # the attempt caps read them. `plan_outcome` returns them with this touch added.
    recent_calls: tuple[DateTime, ...] = ()
    # Set by `plan_outcome` while it plans: no computed call before this instant
    # (the attempt caps). Never stored; None in every returned state.
    calls_free_at: DateTime | None = None

    SCHEDULE_FIELDS = (
        "status",
        "attempts",
        "no_count",
        "do_not_call",
        "dnc_at",
        "do_not_mail",
        "dnm_at",
        "email_bad",
        "closed_early",
        "cadence",
        "cadence_step",
        "cadence_started_at",
        "last_touch_at",
        "next_due_at",
        "next_channel",
        "priority",
    )


class Decision(Record):
    state: LeadState
    channel: str  # of the touch
    counted: bool  # counted as an attempt
    promise: tuple[str, DateTime] | None = None  # (kind, at) to create
    phone_bad: bool = False  # the dialled number is wrong
    summary: str = ""


def call_allowed(state: LeadState) -> bool:
    return state.has_phone and not state.do_not_call


def mail_allowed(state: LeadState, channel: str) -> bool:
    if state.do_not_mail:
        return False
    return state.has_email if channel == "email" else state.has_address


def channel_allowed(state: LeadState, channel: str) -> bool:
    return call_allowed(state) if channel == "call" else mail_allowed(state, channel)


DAY_MS = 24 * 3600 * 1000


def calls_in_last_day(calls: tuple[DateTime, ...], now: DateTime) -> tuple[DateTime, ...]:
    """The calls in the rolling 24 h that end at `now`: (now - 24 h, now], oldest first.

    Services load exactly this range from the touches (in milliseconds).
    """
    end = epoch_ms(now)
    return tuple(sorted(c for c in calls if end - DAY_MS < epoch_ms(c) <= end))


def epoch_ms(at: DateTime) -> int:
    return round(at.timestamp() * 1000)  # as db.to_ms stores instants


def calls_free_at(calls: tuple[DateTime, ...], settings: Settings) -> DateTime | None:
    """The first instant another call attempt is allowed after `calls` (oldest first).

    At least `min_call_gap_minutes` after the last one, and — once the last
    `max_calls_per_24h` calls are all in the past 24 h — 24 h after the oldest of
    them, so no rolling 24 h ever holds more than that many calls.
    """
    rules = settings.rules
    if not calls:
        return None
    free = calls[-1].add(minutes=rules.min_call_gap_minutes)
    cap = rules.max_calls_per_24h
    if cap and len(calls) >= cap:
        free = max(free, calls[-cap].add(hours=24))
    return free


def priority_for(state: LeadState) -> int | None:
    if state.next_due_at is None or state.status in ("lost", "bad"):
        return None
    if state.open_promise_at is not None and state.next_due_at == state.open_promise_at:
        return TIER_PROMISE
    if state.status == "new" and state.attempts == 0:
        return TIER_NEW
    if state.status in ("nurture", "won"):
        return TIER_NURTURE
    return TIER_CADENCE


def new_lead_state(received_at: DateTime, has_phone: bool) -> LeadState:
    """A fresh lead is due the moment it arrives (speed to lead)."""
    channel = "call" if has_phone else "email"
    return LeadState(
        status="new", received_at=received_at, next_due_at=received_at, next_channel=channel
    )
