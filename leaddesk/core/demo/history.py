"""One lead's history in memory, advanced through the services' own `plan_touch`."""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import date

from pendulum import DateTime

from leaddesk.core.demo.numbers import Need, day_bit
from leaddesk.core.domain.caps import Cap, cap_blocks, company_caps, free_at, rule_caps
from leaddesk.core.domain.lead_state import (
    DAY_MS,
    NOT_A_CALL_TO_THE_LEAD,
    new_lead_state,
    priority_for,
)
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_NEW, TIER_NURTURE, TIER_PROMISE
from leaddesk.core.domain.touches import plan_touch, wait_for_number
from leaddesk.core.domain.windows import next_open, window_open, zones_or_rep
from leaddesk.core.store.db import from_ms, to_ms

MINUTE, HOUR, DAY = 60, 3600, 86400  # seconds


# --- one lead's history, built like writes.outcomes.log_outcome builds it -----------


@dataclass
class DemoTouch:
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
    calls_24h: int | None = None  # calls: earlier calls to that number in the 24 h before


@dataclass
class DemoPromise:
    at: DateTime
    kind: str
    note: str
    touch: int  # index of the touch that made it
    created_at: DateTime
    done_at: DateTime | None = None


class History:
    """A lead's schedule in memory, advanced one outcome at a time."""

    def __init__(
        self,
        settings: Settings,
        received: DateTime,
        zones: tuple[str, ...],
        phones: int,
        has_email: bool,
        has_address: bool,
        places: tuple[str, ...] = (),
    ) -> None:
        self.settings = settings
        self.received = received
        self.zones = zones
        self.rules = settings.compliance.book.for_places(places)
        self.places = places
        self._caps: dict[date, tuple[tuple[Cap, ...], int]] = {}
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
        state = replace(
            state,
            call_zones=zones,
            places=places,
            received_at=received,
            has_email=has_email,
            has_address=has_address,
        )
        self.state = replace(state, priority=priority_for(state))
        self.touches: list[DemoTouch] = []
        self.promises: list[DemoPromise] = []
        self.last_at: DateTime = received
        self.talks = 0  # touches in a row while engaged: conversations come to a head

    def open_promises(self) -> list[int]:
        live = [i for i, p in enumerate(self.promises) if p.done_at is None]
        return sorted(live, key=lambda i: self.promises[i].at)

    def log(
        self, name: str, at: DateTime, next_at: DateTime | None, note: str, secs: int | None
    ) -> None:
        """Log one outcome through the services' own pure planner (`plan_touch`)."""
        live = self.open_promises()
        state = replace(self.state, recent_calls=self.recent_calls(at))
        plan = plan_touch(
            state, self.bad, [self.promises[i].at for i in live], name, at, self.settings,
            next_at=next_at, note=note,
        )  # fmt: skip
        after = plan.state
        if plan.channel == "call" and plan.phone is not None:
            # As log_outcome: a call taking its number to a cap puts the next after it frees.
            caps, least = self.caps_on(at)
            calls = [*self._calls_to(plan.phone, at), to_ms(at)]
            if len(calls) >= least:
                per_number = [c for c in caps if c.per_number]
                times = [from_ms(c) for c in calls]
                free = free_at(cap_blocks("", times, [], per_number, at, self.zone))
                if free is not None:
                    after = wait_for_number(after, free, self.zones, self.settings)
        self.touches.append(
            DemoTouch(
                at=to_ms(at),
                channel=plan.channel,
                outcome=name,
                note=plan.note,
                duration_s=secs,
                phone=plan.phone,
                lead_local=plan.lead_local,
                in_window=plan.in_window,
                counted=plan.decision.counted,
                scheduled_due_at=ms_or_none(after.next_due_at),
                scheduled_channel=after.next_channel,
                before_lead=json.dumps(plan.before),
                closed=tuple(live[i] for i in plan.closed),
                bad_phone=plan.bad_phone,
                calls_24h=self.calls_to(plan.phone, at) if plan.channel == "call" else None,
            )
        )
        self.talks = self.talks + 1 if self.state.status in ("engaged", "appointment") else 0
        self.state = after
        self.last_at = at
        for i in plan.closed:
            self.promises[live[i]].done_at = at
        if plan.decision.promise:
            kind, when = plan.decision.promise
            self.promises.append(DemoPromise(when, kind, note, len(self.touches) - 1, at))
        if plan.bad_phone is not None:
            self.bad[plan.bad_phone] = True

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

    def caps_on(self, at: DateTime) -> tuple[tuple[Cap, ...], int]:
        """The caps on this lead's calls at `at`, as blocked_by and log_outcome take them,
        and the fewest calls any of them allows (fewer calls than that: no cap to check)."""
        day = at.date()
        found = self._caps.get(day)
        if found is None:
            caps = (*rule_caps(self.places, self.settings, day), *company_caps(self.settings))
            least = min((c.calls for c in caps if c.calls), default=1 << 30)
            found = self._caps[day] = (caps, least)
        return found

    def _calls_to(self, phone: int, at: DateTime) -> list[int]:
        """Calls to the number at `phone` in (at - 24 h, at], in ms, oldest first."""
        end = to_ms(at)
        calls = []
        for t in reversed(self.touches):
            if t.at <= end - DAY_MS:
                break
            if t.channel == "call" and t.phone == phone and t.at <= end:
                calls.append(t.at)
        return calls[::-1]

    def calls_to(self, phone: int | None, at: DateTime) -> int:
        """Calls to the number at `phone` in (at - 24 h, at], as log_outcome records them
        (the numbers' dealer keeps other leads' calls a day or more away: numbers.py)."""
        end = to_ms(at)
        return sum(
            1
            for t in self.touches
            if t.channel == "call" and t.phone == phone and end - DAY_MS < t.at <= end
        )

    def needs(self, now: DateTime) -> tuple[Need, ...]:
        """What this history's calls ask of each of its numbers (numbers.py): the days
        it called each, and its calls near `now` — its next call too, counted at the
        time it falls due (or now, when overdue), since the rep will make it."""
        now_ms = to_ms(now)
        days = [0] * len(self.bad)
        near = [0] * len(self.bad)
        calls = [(t.at, t.phone) for t in self.touches if t.channel == "call"]
        s = self.state
        if s.next_channel == "call" and s.next_due_at is not None and self.can_call():
            calls.append((max(to_ms(s.next_due_at), now_ms), self.bad.index(False)))
        for at, phone in calls:
            if phone is None:
                continue
            days[phone] |= day_bit(at, now_ms)
            near[phone] += now_ms - DAY_MS < at < now_ms + DAY_MS
        return tuple(Need.of(d, n) for d, n in zip(days, near, strict=True))

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
        if s.next_channel == "call" and self.can_call():
            # As log_outcome refuses a call at a cap, the rep waits until the number frees.
            calls = self._calls_to(self.bad.index(False), at)
            caps, least = self.caps_on(at)
            mine = self.recent_calls(at)
            if len(calls) >= least or len(mine) >= least:
                times = [from_ms(c) for c in calls]
                free = free_at(cap_blocks("", times, mine, caps, at, self.zone))
                if free is not None and free > at:
                    at = free.add(seconds=rng.randint(60, 30 * MINUTE))
        if s.next_channel == "call" and not window_open(
            at, self.zones, self.settings, rules=self.rules
        ):
            opened = next_open(at, self.zones, self.settings, rules=self.rules)
            # Nobody dials at 08:00:00 sharp.
            later = opened.add(seconds=rng.randint(60, 90 * MINUTE))
            at = (
                later if window_open(later, self.zones, self.settings, rules=self.rules) else opened
            )
        return max(at, self.last_at.add(seconds=30))


def ms_or_none(at: DateTime | None) -> int | None:
    return to_ms(at) if at is not None else None


def before_json(lead_json: str, closed: list[int], bad_phone: int | None) -> str:
    # Same text as json.dumps({"lead": ..., "closed": ..., "bad_phone": ...}).
    tail = f'"closed": {json.dumps(closed)}, "bad_phone": {json.dumps(bad_phone)}'
    return f'{{"lead": {lead_json}, {tail}}}'
