"""Pure scheduling: outcome + lead state + now + settings -> what changes.

No database, no UI, no wall clock. The service layer loads a `LeadState`,
asks `plan_outcome`, and writes the `Decision` in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import time

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput, NeedsConfirmation
from leaddesk.core.domain.holidays import holiday_name
from leaddesk.core.domain.settings import WEEKDAYS, Settings
from leaddesk.core.domain.tiers import TIER_CADENCE, TIER_NEW, TIER_NURTURE, TIER_PROMISE
from leaddesk.core.domain.tz import tz


@dataclass(frozen=True)
class Outcome:
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
        # Decisions about the lead rather than contacts with it: touches of the
        # "system" channel, in the history and undoable like any other.
        Outcome("lost", "closed as lost", "system"),
        Outcome("dnc-clear", "do-not-call cleared", "system"),
        Outcome("dnm", "do not mail", "system"),
        Outcome("dnm-clear", "do-not-mail cleared", "system"),
        Outcome("cadence", "moved to cadence", "system"),
    )
}
ATTEMPT_OUTCOMES = {"no-answer", "voicemail", "busy", "gatekeeper"}
# A wrong number rang somebody else: it is no call to the lead, so the attempt
# caps do not count it (the lead's spare phone may be tried at once).
NOT_A_CALL_TO_THE_LEAD = ("wrong-number",)
OPEN_STATUSES = ("new", "working")  # still on the first-contact cadence


def outcome(name: str) -> Outcome:
    try:
        return OUTCOMES[name]
    except KeyError:
        known = " ".join(OUTCOMES)
        raise InvalidInput(f"unknown outcome {name!r}; use one of: {known}") from None


@dataclass(frozen=True)
class LeadState:
    """Everything the rules read about a lead (and all they may change)."""

    status: str = "new"
    attempts: int = 0
    no_count: int = 0
    do_not_call: bool = False
    dnc_at: DateTime | None = None
    do_not_mail: bool = False
    dnm_at: DateTime | None = None
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
        "closed_early",
        "cadence",
        "cadence_step",
        "cadence_started_at",
        "last_touch_at",
        "next_due_at",
        "next_channel",
        "priority",
    )


@dataclass(frozen=True)
class Decision:
    state: LeadState
    channel: str  # of the touch
    counted: bool  # counted as an attempt
    promise: tuple[str, DateTime] | None = None  # (kind, at) to create
    phone_bad: bool = False  # the dialled number is wrong
    summary: str = ""


# --- calling windows -------------------------------------------------------


def zones_or_rep(zones: tuple[str, ...], settings: Settings) -> tuple[str, ...]:
    return zones or (settings.rep_timezone,)


def _windows(local: DateTime, zone: str, settings: Settings) -> tuple[tuple[time, time], ...]:
    """The calling windows of a local date: none on an observed public holiday."""
    if settings.holidays and holiday_name(local.date(), zone, settings.holidays):
        return ()
    return settings.calling_hours[WEEKDAYS[local.weekday()]]


def _open_in_zone(at: DateTime, zone: str, settings: Settings) -> bool:
    local = at.in_timezone(tz(zone))
    t = local.time().replace(tzinfo=None)
    return any(start <= t < end for start, end in _windows(local, zone, settings))


def closing_holiday(at: DateTime, zones: tuple[str, ...], settings: Settings) -> str | None:
    """The observed public holiday that closes the window at `at`, if any ("Thanksgiving Day")."""
    for zone in zones_or_rep(zones, settings):
        name = holiday_name(at.in_timezone(tz(zone)).date(), zone, settings.holidays)
        if name:
            return name
    return None


def window_open(at: DateTime, zones: tuple[str, ...], settings: Settings) -> bool:
    """True when a call at `at` is inside the window of every zone."""
    return all(_open_in_zone(at, z, settings) for z in zones_or_rep(zones, settings))


def _next_open_in_zone(at: DateTime, zone: str, settings: Settings) -> DateTime:
    local = at.in_timezone(tz(zone))
    # Two weeks: a run of holidays (Christmas to New Year) can close a week.
    for day in range(15):
        date = local.add(days=day)
        for start, end in _windows(date, zone, settings):
            begin = _local_at(date, start)
            finish = _local_at(date, end)
            if local < finish:
                return max(begin, local).in_timezone("UTC")
    raise InvalidInput("calling_hours has no open window in the week")


def _local_at(date: DateTime, t: time) -> DateTime:
    # pendulum keeps the wall-clock time across DST (a 09:00 stays 09:00).
    return date.set(hour=t.hour, minute=t.minute, second=0, microsecond=0)


def next_open(at: DateTime, zones: tuple[str, ...], settings: Settings) -> DateTime:
    """The first instant at or after `at` inside the window of every zone.

    Falls back to the rep's zone when the zones' windows never intersect
    within a week.
    """
    candidates = zones_or_rep(zones, settings)
    t = at
    for _ in range(4 * len(candidates) + 8):
        moved = t
        for zone in candidates:
            moved = _next_open_in_zone(moved, zone, settings)
        if moved == t and window_open(t, candidates, settings):
            return t
        t = moved
        if t.timestamp() - at.timestamp() > 7 * 86400:
            break
    return _next_open_in_zone(at, settings.rep_timezone, settings)


# --- the schedule ----------------------------------------------------------


def lead_zone(state: LeadState, settings: Settings) -> str:
    return zones_or_rep(state.call_zones, settings)[0]


def add_local(at: DateTime, minutes: int, zone: str) -> DateTime:
    """`minutes` later, whole days counted on the wall clock of `zone`.

    "+1 d" from Saturday 10:00 is Sunday 10:00 local even when the clocks
    change overnight (a 23- or 25-hour day); the remainder is exact minutes.
    """
    days, rest = divmod(minutes, 24 * 60)
    return at.in_timezone(tz(zone)).add(days=days).add(minutes=rest).in_timezone("UTC")


def add_business_days(
    at: DateTime, days: int, zone: str, observed: tuple[str, ...] = ()
) -> DateTime:
    """`days` Monday-to-Friday days later on the wall clock of `zone`.

    Public holidays of the zone's country count as no business day when that
    country is `observed` (`Settings.holidays`).
    """
    local = at.in_timezone(tz(zone))
    while days > 0:
        local = local.add(days=1)
        if local.weekday() < 5 and not holiday_name(local.date(), zone, observed):
            days -= 1
    return local.in_timezone("UTC")


def _call_allowed(state: LeadState) -> bool:
    return state.has_phone and not state.do_not_call


def _mail_allowed(state: LeadState, channel: str) -> bool:
    if state.do_not_mail:
        return False
    return state.has_email if channel == "email" else state.has_address


def channel_allowed(state: LeadState, channel: str) -> bool:
    return _call_allowed(state) if channel == "call" else _mail_allowed(state, channel)


def place(at: DateTime, channel: str, state: LeadState, settings: Settings) -> DateTime:
    """Move a computed due time to the next legal instant for its channel.

    A call waits for the attempt caps (`state.calls_free_at`), then for the
    calling window. Times the rep gave (promises, `--next`) use `place_given`.
    """
    if channel == "call":
        if state.calls_free_at is not None:
            at = max(at, state.calls_free_at)
        return next_open(at, state.call_zones, settings)
    return at


def place_given(at: DateTime, channel: str, state: LeadState, settings: Settings) -> DateTime:
    """A time the rep chose: into the calling window, but not held back by the caps."""
    return next_open(at, state.call_zones, settings) if channel == "call" else at


DAY_MS = 24 * 3600 * 1000


def calls_in_last_day(calls: tuple[DateTime, ...], now: DateTime) -> tuple[DateTime, ...]:
    """The calls in the rolling 24 h that end at `now`: (now - 24 h, now], oldest first.

    Services load exactly this range from the touches (in milliseconds).
    """
    end = _ms(now)
    return tuple(sorted(c for c in calls if end - DAY_MS < _ms(c) <= end))


def _ms(at: DateTime) -> int:
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


def _advance_cadence(state: LeadState, now: DateTime, settings: Settings) -> LeadState:
    """The next cadence step this lead can take, else nurture."""
    steps = settings.cadence(state.cadence).steps
    anchor = state.cadence_started_at or now
    for index in range(state.cadence_step + 1, len(steps)):
        step = steps[index]
        if not channel_allowed(state, step.channel):
            continue
        due = add_local(anchor, step.after_minutes, lead_zone(state, settings))
        # never before now; a call also waits for the gap after the last call (place)
        due = place(max(due, now), step.channel, state, settings)
        return replace(
            state,
            cadence_step=index,
            cadence_started_at=anchor,
            next_due_at=due,
            next_channel=step.channel,
        )
    return _nurture(
        replace(state, cadence_step=len(steps), cadence_started_at=anchor, status="nurture"),
        now,
        settings.rules.nurture_every_days,
        settings,
    )


def _nurture(state: LeadState, now: DateTime, days: int, settings: Settings) -> LeadState:
    """A touch in `days` days, by the first channel the lead still allows."""
    for channel in ("call", "email", "letter"):
        if channel_allowed(state, channel):
            later = add_local(now, days * 24 * 60, lead_zone(state, settings))
            due = place(later, channel, state, settings)
            return replace(state, next_due_at=due, next_channel=channel)
    return replace(state, next_due_at=None, next_channel="")


def _touched(status: str) -> str:
    return "working" if status == "new" else status


def _retry(state: LeadState, at: DateTime, settings: Settings) -> LeadState:
    if not _call_allowed(state):
        return _advance_cadence(state, at, settings)
    return replace(state, next_due_at=place(at, "call", state, settings), next_channel="call")


def _after_attempt(state: LeadState, now: DateTime, settings: Settings) -> LeadState:
    if state.status in OPEN_STATUSES:
        return _advance_cadence(replace(state, status="working"), now, settings)
    if state.status in ("nurture", "won"):
        return _nurture(state, now, settings.rules.nurture_every_days, settings)
    # engaged / appointment: a missed follow-up is retried next business day
    zone = lead_zone(state, settings)
    return _retry(state, add_business_days(now, 1, zone, settings.holidays), settings)


def _check_allowed(
    state: LeadState, name: str, settings: Settings, confirmed: bool, cadence: str | None
) -> None:
    """Refuse what makes no sense for this lead, and the give-up guard."""
    if name == "lost":
        if state.status == "lost":
            raise InvalidInput("the lead is already closed as lost")
        floor = settings.rules.min_attempts_before_lost
        if state.attempts < floor and not confirmed:
            raise NeedsConfirmation(f"only {state.attempts} of {floor} attempts so far")
    elif name == "dnc-clear" and not state.do_not_call:
        raise InvalidInput("the lead is not on do-not-call")
    elif name == "dnm" and state.do_not_mail:
        raise InvalidInput("the lead is already on do-not-mail")
    elif name == "dnm-clear" and not state.do_not_mail:
        raise InvalidInput("the lead is not on do-not-mail")
    elif name == "cadence":
        if not cadence:
            raise InvalidInput("moving to a cadence needs its name")
        if cadence not in settings.cadences:
            known = ", ".join(sorted(settings.cadences))
            raise InvalidInput(f"no cadence named {cadence!r}; defined: {known}")


def plan_outcome(
    state: LeadState,
    name: str,
    now: DateTime,
    settings: Settings,
    next_at: DateTime | None = None,
    *,
    confirmed: bool = False,
    cadence: str | None = None,
) -> Decision:
    """Apply one logged outcome to a lead's schedule.

    `next_at` overrides the computed next contact (shift keys, `--next`);
    `callback` and `appointment` require it. `confirmed` answers the give-up
    guard (closing as lost before `min_attempts_before_lost` attempts);
    `cadence` names the cadence a `cadence` outcome moves the lead to.
    """
    spec = outcome(name)
    if spec.needs_time and next_at is None:
        raise InvalidInput(f"{name} needs a time for the next contact (--next WHEN)")
    if name == "lost" and next_at is not None:
        raise InvalidInput("a lead closed as lost has no next contact")
    _check_allowed(state, name, settings, confirmed, cadence)
    rules = settings.rules
    calls = calls_in_last_day(state.recent_calls, now)
    if spec.channel == "call" and name not in NOT_A_CALL_TO_THE_LEAD:
        calls = (*calls, now)
    s = replace(
        state,
        last_touch_at=now,
        recent_calls=calls,
        calls_free_at=calls_free_at(calls, settings),
    )
    counted = False
    promise: tuple[str, DateTime] | None = None
    phone_bad = False

    if name in ATTEMPT_OUTCOMES:
        counted = True
        s = replace(s, attempts=s.attempts + 1, cadence_started_at=s.cadence_started_at or now)
        if name == "busy":
            s = replace(s, status="working" if s.status == "new" else s.status)
            retry = now.add(minutes=max(rules.busy_retry_minutes, rules.min_call_gap_minutes))
            s = _retry(s, retry, settings)
        else:
            s = _after_attempt(s, now, settings)
    elif name == "connected":
        counted = True
        s = replace(s, attempts=s.attempts + 1, status="engaged")
        zone = lead_zone(s, settings)
        due = add_business_days(
            now, rules.connected_followup_business_days, zone, settings.holidays
        )
        s = _retry(s, due, settings)
    elif name in ("callback", "appointment"):
        counted = True
        assert next_at is not None
        status = "appointment" if name == "appointment" else "engaged"
        s = replace(s, attempts=s.attempts + 1, status=status)
        at = place_given(next_at, "call", s, settings) if name == "callback" else next_at
        promise = (name, at)
        earliest = min(at, s.open_promise_at) if s.open_promise_at is not None else at
        s = replace(s, next_due_at=at, next_channel="call", open_promise_at=earliest)
    elif name == "not-interested":
        s = replace(s, no_count=s.no_count + 1, status="nurture")
        s = _nurture(s, now, rules.not_interested_nurture_days, settings)
    elif name == "dnc":
        # They were reached: the lead is no longer a never-touched new lead.
        s = replace(s, do_not_call=True, dnc_at=now, status=_touched(s.status))
        if s.next_channel == "call" or s.next_due_at is None:
            if s.status in OPEN_STATUSES:
                s = _advance_cadence(s, now, settings)
            else:
                s = _nurture(s, now, rules.nurture_every_days, settings)
    elif name == "wrong-number":
        phone_bad = True
        # The lead has been touched: it is no longer a speed-to-lead "new" lead.
        s = replace(s, status="working" if s.status == "new" else s.status)
        if state.spare_phones > 0:
            s = _retry(replace(s, spare_phones=s.spare_phones - 1), now, settings)
        else:
            s = replace(s, has_phone=False)
            mail = [c for c in ("email", "letter") if _mail_allowed(s, c)]
            if mail:
                s = replace(s, next_due_at=now, next_channel=mail[0])
            else:
                s = replace(s, status="bad", next_due_at=None, next_channel="")
    elif name == "won":
        s = replace(s, status="won")
        s = _nurture(s, now, rules.won_checkin_days, settings)
    elif name == "lost":
        early = state.attempts < rules.min_attempts_before_lost
        s = replace(s, status="lost", closed_early=early, next_due_at=None, next_channel="")
        s = replace(s, open_promise_at=None)  # services close every open promise
    elif name == "dnc-clear":
        # Cleared by hand: calls may resume. Whatever is scheduled stays; a lead
        # that had dropped out of every queue gets a call at the next open slot.
        s = replace(s, do_not_call=False, dnc_at=None)
        if s.next_due_at is None and s.status not in ("lost", "bad") and s.has_phone:
            s = _retry(s, now, settings)
    elif name == "dnm":
        s = replace(s, do_not_mail=True, dnm_at=now)
        if s.next_channel in ("email", "letter"):
            if s.status in OPEN_STATUSES:
                s = _advance_cadence(s, now, settings)
            else:
                s = _nurture(s, now, rules.nurture_every_days, settings)
    elif name == "dnm-clear":
        s = replace(s, do_not_mail=False, dnm_at=None)
        if s.next_due_at is None and s.status not in ("lost", "bad"):
            mail = [c for c in ("email", "letter") if _mail_allowed(s, c)]
            if mail:
                s = replace(s, next_due_at=now, next_channel=mail[0])
    elif name == "cadence":
        assert cadence is not None
        # A fresh start on the new cadence from its first step; a never-touched
        # lead stays new (speed to lead), anyone else is worked again.
        status = "new" if s.status == "new" and s.attempts == 0 else "working"
        s = replace(s, cadence=cadence, cadence_step=-1, cadence_started_at=now, status=status)
        s = _advance_cadence(s, now, settings)
    elif name in ("email", "letter"):
        if s.next_channel == name and s.status in OPEN_STATUSES:
            counted = True
            s = replace(s, attempts=s.attempts + 1, status="working")
            s = replace(s, cadence_started_at=s.cadence_started_at or now)
            s = _advance_cadence(s, now, settings)
        elif s.next_channel == name:
            # The mail that was due went out (nurture, check-in, or an engaged
            # lead that can no longer be called): the next one in a cycle.
            s = _nurture(s, now, rules.nurture_every_days, settings)

    if next_at is not None and promise is None:
        channel = s.next_channel or spec.channel
        if not channel_allowed(s, channel):
            # never back on the phone after DNC or a wrong number: the next open channel
            channel = next((c for c in ("call", "email", "letter") if channel_allowed(s, c)), "")
        if channel:
            due = place_given(next_at, channel, s, settings)
            s = replace(s, next_due_at=due, next_channel=channel)
        if s.status in ("bad", "lost"):
            s = replace(s, next_due_at=None)

    # A promise still open (an appointment next week) outranks a later step.
    if (
        s.open_promise_at is not None
        and _call_allowed(s)
        and s.status not in ("bad", "lost")
        and (s.next_due_at is None or s.open_promise_at <= s.next_due_at)
    ):
        s = replace(s, next_due_at=s.open_promise_at, next_channel="call")
    s = replace(s, priority=priority_for(s), calls_free_at=None)
    return Decision(s, spec.channel, counted, promise, phone_bad)


def new_lead_state(received_at: DateTime, has_phone: bool) -> LeadState:
    """A fresh lead is due the moment it arrives (speed to lead)."""
    channel = "call" if has_phone else "email"
    return LeadState(
        status="new", received_at=received_at, next_due_at=received_at, next_channel=channel
    )


def waiting_heat(waited_minutes: float, settings: Settings) -> str:
    """hot | warm | cold, for the speed-to-lead clock."""
    if waited_minutes < settings.rules.new_lead_hot_minutes:
        return "hot"
    if waited_minutes <= settings.rules.new_lead_cold_minutes:
        return "warm"
    return "cold"


def plan_edit(before: LeadState, after: LeadState, now: DateTime, settings: Settings) -> LeadState:
    """The schedule after the rep edited a lead's contact details (not a touch).

    `before` and `after` are the same lead with its old and new phones, email,
    address and zones. A due call moves into the new zones' calling window
    (promises keep the time given); a channel the lead no longer allows gives
    way to the next one; a lead that could not be reached and now can is due
    at once; a new, never-touched lead that gained a number is called.
    """
    s = after
    if s.next_due_at is not None and not channel_allowed(s, s.next_channel):
        channel = next((c for c in ("call", "email", "letter") if channel_allowed(s, c)), "")
        if channel:
            s = replace(s, next_due_at=place_given(s.next_due_at, channel, s, settings))
            s = replace(s, next_channel=channel)
        else:
            s = replace(s, next_due_at=None, next_channel="")
    elif (
        s.next_due_at is not None
        and s.next_channel == "call"
        and s.call_zones != before.call_zones
        and s.priority != TIER_PROMISE
    ):
        s = replace(s, next_due_at=next_open(s.next_due_at, s.call_zones, settings))
    elif s.next_due_at is None and s.status in (*OPEN_STATUSES, "bad"):
        channel = next((c for c in ("call", "email", "letter") if channel_allowed(s, c)), "")
        if channel:
            status = "working" if s.status == "bad" else s.status
            # a new lead is due since now, like one just received (speed to lead)
            due = now if status == "new" else place_given(now, channel, s, settings)
            s = replace(s, status=status, next_due_at=due, next_channel=channel)
    elif s.status == "new" and s.attempts == 0 and s.next_channel != "call" and _call_allowed(s):
        s = replace(s, next_channel="call")
    return replace(s, priority=priority_for(s))
