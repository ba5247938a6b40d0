"""One logged outcome, planned in full: the one pure function behind every touch.

`writes.outcomes.log_outcome` and the demo's histories both call `plan_touch`
with a lead's state and get back everything the touch writes — the lead's new
schedule, the touch row's facts, the `before` snapshot that makes undo exact,
the promises it keeps and creates, the number it marks bad. The service adds
only ids and the transaction; there is no second implementation to keep in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.lead_state import Decision, LeadState, epoch_ms, outcome
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.rules import plan_outcome
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.windows import next_open, window_open, zones_or_rep


@dataclass(frozen=True)
class TouchPlan:
    """What one outcome writes. Phones and promises are positions in the lists given."""

    decision: Decision  # the lead's new schedule, the promise to create, counted
    channel: str
    note: str  # the rep's note, or what the history says about the decision
    phone: int | None  # position of the number dialled (calls)
    zone: str  # the lead's zone (the rep's when its numbers give none)
    lead_local: str  # the lead's wall-clock time of the touch (ISO 8601)
    in_window: bool | None  # calls: inside the lead's calling window
    closed: tuple[int, ...]  # open promises this touch ends
    bad_phone: int | None  # position of the number found wrong
    before: dict[str, Any]  # the schedule before, as stored (instants in epoch ms)

    @property
    def state(self) -> LeadState:
        return self.decision.state


def plan_touch(
    state: LeadState,
    bad_phones: Sequence[bool],
    open_promises: Sequence[DateTime],
    name: str,
    now: DateTime,
    settings: Settings,
    *,
    next_at: DateTime | None = None,
    note: str = "",
    confirmed: bool = False,
    cadence: str | None = None,
    who: str = "the lead",
    replies: Sequence[bool] = (),
) -> TouchPlan:
    """Plan outcome `name` at `now` for a lead.

    `state` holds the lead's schedule fields, received time, zones and whether
    it has an email and an address (the rest is derived here); `bad_phones` is
    per phone position; `open_promises` are the open promises' times, earliest
    first; `state.recent_calls` its calls of the last 24 h. `who` names the lead
    in refusals ("lead 12 (Dana Whitfield)").
    """
    spec = outcome(name)
    is_call = spec.channel == "call"
    good = [i for i, bad in enumerate(bad_phones) if not bad]
    current = good[0] if good else None
    if is_call and state.do_not_call:
        raise InvalidInput(f"{who} is on do-not-call: no calls")
    if is_call and current is None:
        raise InvalidInput(f"{who} has no good phone number to call")
    slack = now.add(minutes=settings.rules.promise_slack_minutes)
    # A call keeps the promises it was due for; closing the lead ends them all; an
    # email answers a lead who wrote (`replies`: per promise, whether it is a reply's).
    answered = {i for i, reply in enumerate(replies) if reply and name == "email"}
    closing = tuple(
        i
        for i, at in enumerate(open_promises)
        if (is_call and at <= slack) or name == "lost" or i in answered
    )
    remaining = [at for i, at in enumerate(open_promises) if i not in closing]
    facts = replace(
        state,
        has_phone=bool(good),
        spare_phones=max(len(good) - 1, 0),
        open_promise_at=remaining[0] if remaining else None,
    )
    decision = plan_outcome(
        facts, name, now, settings, next_at=next_at, confirmed=confirmed, cadence=cadence
    )
    zones = state.call_zones
    rules = settings.compliance.book.for_places(state.places)
    zone = zones_or_rep(zones, settings)[0]
    return TouchPlan(
        decision=decision,
        channel=spec.channel,
        note=note or automatic_note(name, facts, decision.state, settings),
        phone=current if is_call else None,
        zone=zone,
        lead_local=now.in_timezone(tz(zone)).isoformat(),
        in_window=window_open(now, zones, settings, rules=rules) if is_call else None,
        closed=closing,
        bad_phone=current if decision.phone_bad else None,
        before=schedule_values(state),
    )


def schedule_values(state: LeadState) -> dict[str, Any]:
    """The schedule fields as stored: what undo puts back."""
    values: dict[str, Any] = {}
    for field_name in LeadState.SCHEDULE_FIELDS:
        value = getattr(state, field_name)
        values[field_name] = epoch_ms(value) if isinstance(value, DateTime) else value
    return values


def automatic_note(name: str, before: LeadState, after: LeadState, settings: Settings) -> str:
    """What the history should say about a decision when the rep wrote nothing."""
    if name == "cadence":
        return f"moved to cadence {after.cadence}"
    if name == "lost" and after.closed_early:
        floor = settings.rules.min_attempts_before_lost
        return f"closed early: after {before.attempts} of {floor} attempts"
    return ""


def wait_for_number(
    state: LeadState, free: DateTime, zones: tuple[str, ...], settings: Settings
) -> LeadState:
    """`state` after a call that took its number to a cap freeing at `free`: its next
    call waits until then (log_outcome, and the demo's histories, which it replays)."""
    if state.next_channel == "call" and state.next_due_at is not None and state.next_due_at < free:
        return replace(state, next_due_at=next_open(free, zones, settings))
    return state
