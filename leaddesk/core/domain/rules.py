"""Pure scheduling: outcome + lead state + now + settings -> what changes.

No database, no UI, no wall clock. The service layer loads a `LeadState`,
asks `plan_outcome` (through `touches.plan_touch`), and writes the `Decision`
in one transaction.
"""

from __future__ import annotations

from pendulum import DateTime

from leaddesk.core.domain.compliance import Rule
from leaddesk.core.domain.errors import InvalidInput, NeedsConfirmation
from leaddesk.core.domain.lead_state import (
    ATTEMPT_OUTCOMES,
    NOT_A_CALL_TO_THE_LEAD,
    OPEN_STATUSES,
    Decision,
    LeadState,
    call_allowed,
    calls_free_at,
    calls_in_last_day,
    channel_allowed,
    mail_allowed,
    outcome,
    priority_for,
)
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_PROMISE
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.windows import add_business_days, add_local, next_open, zones_or_rep


def lead_zone(state: LeadState, settings: Settings) -> str:
    return zones_or_rep(state.call_zones, settings)[0]


def place(at: DateTime, channel: str, state: LeadState, settings: Settings) -> DateTime:
    """Move a computed due time to the next legal instant for its channel.

    A call waits for the attempt caps (`state.calls_free_at`), then for the
    calling window. Times the rep gave (promises, `--next`) use `place_given`.
    """
    if channel == "call":
        if state.calls_free_at is not None:
            at = max(at, state.calls_free_at)
        margin = settings.rules.window_end_margin_minutes
        return next_open(at, state.call_zones, settings, margin, rules=_rules(state, settings))
    return at


def step_channel(state: LeadState, channel: str, fallback: tuple[str, ...]) -> str | None:
    """The channel a cadence step takes for this lead: its own when the lead can
    receive it, else the first of `fallback` that it can; None = skip the step."""
    if channel_allowed(state, channel):
        return channel
    return next((c for c in fallback if channel_allowed(state, c)), None)


def step_time(
    state: LeadState, index: int, channel: str, anchor: DateTime, settings: Settings
) -> DateTime:
    """When cadence step `index` falls due for this lead, before the window and the caps.

    A call step a day or more after the first attempt lands at the next of
    `rules.call_dayparts` (local hours) in turn: successive attempts try the
    lead in the morning, at midday, in the afternoon, in the evening.
    """
    cadence = settings.cadence(state.cadence)
    step = cadence.steps[index]
    zone = lead_zone(state, settings)
    due = add_local(anchor, step.after_minutes, zone)
    parts = settings.rules.call_dayparts
    if channel != "call" or step.after_minutes < 24 * 60 or not parts:
        return due
    calls = [
        i
        for i in range(index + 1)
        if step_channel(state, cadence.steps[i].channel, cadence.fallback) == "call"
    ]
    hour = parts[(len(calls) - 1) % len(parts)]
    local = due.in_timezone(tz(zone))
    # pendulum keeps the wall-clock hour across a DST change
    return local.set(hour=hour, minute=0, second=0, microsecond=0).in_timezone("UTC")


def _rules(state: LeadState, settings: Settings) -> tuple[Rule, ...]:
    return settings.compliance.book.for_places(state.places)


def place_given(at: DateTime, channel: str, state: LeadState, settings: Settings) -> DateTime:
    """A time the rep chose: into the calling window, but not held back by the caps."""
    if channel != "call":
        return at
    return next_open(at, state.call_zones, settings, rules=_rules(state, settings))


def _advance_cadence(state: LeadState, now: DateTime, settings: Settings) -> LeadState:
    """The next cadence step this lead can take, else nurture."""
    cadence = settings.cadence(state.cadence)
    steps = cadence.steps
    anchor = state.cadence_started_at or now
    for index in range(state.cadence_step + 1, len(steps)):
        channel = step_channel(state, steps[index].channel, cadence.fallback)
        if channel is None:
            continue
        due = step_time(state, index, channel, anchor, settings)
        # never before now; a call also waits for the gap after the last call (place)
        due = place(max(due, now), channel, state, settings)
        return replace(
            state,
            cadence_step=index,
            cadence_started_at=anchor,
            next_due_at=due,
            next_channel=channel,
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


def _mail_refused(state: LeadState, now: DateTime, settings: Settings) -> LeadState:
    """After do-not-mail or a bounce: a due mail step the lead can no longer take
    gives way to the next step (cadence) or the next nurture touch."""
    if state.next_channel not in ("email", "letter") or channel_allowed(state, state.next_channel):
        return state
    if state.status in OPEN_STATUSES:
        return _advance_cadence(state, now, settings)
    return _nurture(state, now, settings.rules.nurture_every_days, settings)


def _touched(status: str) -> str:
    return "working" if status == "new" else status


def _retry(state: LeadState, at: DateTime, settings: Settings) -> LeadState:
    if not call_allowed(state):
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
    elif name in ("dnm", "dnm-list") and state.do_not_mail:
        raise InvalidInput("the lead is already on do-not-mail")
    elif name == "dnc-list" and state.do_not_call:
        raise InvalidInput("the lead is already on do-not-call")
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
        # The time the lead asked for, even outside the window (hours.promise_warning says so).
        at = next_at
        promise = (name, at)
        earliest = min(at, s.open_promise_at) if s.open_promise_at is not None else at
        s = replace(s, next_due_at=at, next_channel="call", open_promise_at=earliest)
    elif name == "not-interested":
        s = replace(s, no_count=s.no_count + 1, status="nurture")
        s = _nurture(s, now, rules.not_interested_nurture_days, settings)
    elif name in ("dnc", "dnc-list"):
        s = replace(s, do_not_call=True, dnc_at=now)
        if name == "dnc":  # they were reached: no longer a never-touched new lead
            s = replace(s, status=_touched(s.status))
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
            mail = [c for c in ("email", "letter") if mail_allowed(s, c)]
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
    elif name in ("dnm", "dnm-list", "unsubscribed"):
        s = _mail_refused(replace(s, do_not_mail=True, dnm_at=s.dnm_at or now), now, settings)
    elif name == "bounced":
        s = _mail_refused(replace(s, email_bad=True, has_email=False), now, settings)
    elif name == "replied":
        # The lead wrote back: answering them is a promise due now, above every step.
        status = s.status if s.status in ("appointment", "won") else "engaged"
        channel = "call" if call_allowed(s) else "email"
        promise = ("reply", now)
        earliest = min(now, s.open_promise_at) if s.open_promise_at is not None else now
        s = replace(s, status=status, next_channel=channel)
        s = replace(s, next_due_at=earliest, open_promise_at=earliest)
    elif name == "dnm-clear":
        s = replace(s, do_not_mail=False, dnm_at=None)
        if s.next_due_at is None and s.status not in ("lost", "bad"):
            mail = [c for c in ("email", "letter") if mail_allowed(s, c)]
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
        and call_allowed(s)
        and s.status not in ("bad", "lost")
        and (s.next_due_at is None or s.open_promise_at <= s.next_due_at)
    ):
        s = replace(s, next_due_at=s.open_promise_at, next_channel="call")
    s = replace(s, priority=priority_for(s), calls_free_at=None)
    return Decision(s, spec.channel, counted, promise, phone_bad)


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
        and (s.call_zones, s.places) != (before.call_zones, before.places)
        and s.priority != TIER_PROMISE
    ):
        opens = next_open(s.next_due_at, s.call_zones, settings, rules=_rules(s, settings))
        s = replace(s, next_due_at=opens)
    elif s.next_due_at is None and s.status in (*OPEN_STATUSES, "bad"):
        channel = next((c for c in ("call", "email", "letter") if channel_allowed(s, c)), "")
        if channel:
            status = "working" if s.status == "bad" else s.status
            # a new lead is due since now, like one just received (speed to lead)
            due = now if status == "new" else place_given(now, channel, s, settings)
            s = replace(s, status=status, next_due_at=due, next_channel=channel)
    elif s.status == "new" and s.attempts == 0 and s.next_channel != "call" and call_allowed(s):
        s = replace(s, next_channel="call")
    return replace(s, priority=priority_for(s))
