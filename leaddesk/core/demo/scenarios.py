"""The situations a desk should show at `now`: fresh leads, promises due, wins, DNC."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from pendulum import DateTime

from leaddesk.core.demo.calls import act, attempts_only, natural, round_up, work_until
from leaddesk.core.demo.history import DAY, HOUR, MINUTE, History, before_json
from leaddesk.core.demo.identities import Identity, Shape, region_of
from leaddesk.core.demo.numbers import Need
from leaddesk.core.domain.jurisdictions import place_codes
from leaddesk.core.domain.phones import resolve_zone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.windows import next_open, window_open, zones_or_rep
from leaddesk.core.reads.queue.rows import zone_key
from leaddesk.core.reads.queue.where import end_of_rep_day


@dataclass
class Template:
    shape: Shape
    h: History
    zone: tuple[str, str, str]  # timezone, timezone_source, call_zones key
    before_full: list[str | None] = field(default_factory=list)  # touches with no ids in JSON
    who: Identity | None = None  # the first identity: later ones live in its areas
    needs: tuple[Need, ...] = ()  # what its calls ask of each number (numbers.py)


def days_span(rng: random.Random, lo: float, hi: float) -> int:
    return int(rng.uniform(lo, hi) * DAY)


Zones = tuple[str, ...]
Rng = random.Random


class Scenarios:
    def __init__(self, now: DateTime, settings: Settings, places: tuple[str, ...] = ()) -> None:
        self.now = now
        self.settings = settings
        self.places = places  # the lead's jurisdictions: their windows shape its calls
        self.rules = settings.compliance.book.for_places(places)

    def build(
        self, scenario: str, shape: Shape, zones: tuple[str, ...], rng: random.Random
    ) -> History:
        make: Callable[[Shape, Zones, Rng, int], History | None] = getattr(self, f"_{scenario}")
        for attempt in range(25):  # a forced scenario may not fit `now`; draw again
            h = make(shape, zones, rng, attempt)
            if h is not None:
                return h
        return self._bulk(shape, zones, rng)

    def _new(self, shape: Shape, zones: Zones, received: DateTime) -> History:
        return History(
            self.settings, received, zones, len(shape.phones), shape.email, shape.address,
            self.places,
        )  # fmt: skip

    def _fresh(self, shape: Shape, zones: Zones, rng: Rng, attempt: int = 0) -> History:
        return self._new(shape, zones, self.now.subtract(seconds=rng.randint(60, 55 * MINUTE)))

    def _new_today(self, shape: Shape, zones: Zones, rng: Rng, attempt: int = 0) -> History:
        return self._new(
            shape, zones, self.now.subtract(seconds=rng.randint(65 * MINUTE, 9 * HOUR))
        )

    def _bulk(self, shape: Shape, zones: Zones, rng: Rng, attempt: int = 0) -> History:
        # A third still on the first cadence (30 days), the rest nurtured for months.
        r = rng.random()
        span = (0.1, 30) if r < 0.35 else (30, 180) if r < 0.8 else (180, 400)
        ago = days_span(rng, *span)
        h = self._new(shape, zones, self.now.subtract(seconds=ago))
        work_until(h, self.now, natural, rng, shape.interest)
        return h

    def _until(
        self,
        shape: Shape,
        zones: Zones,
        rng: Rng,
        received_days: tuple[float, float],
        horizon_days: tuple[float, float],
    ) -> tuple[History, DateTime]:
        received = self.now.subtract(seconds=days_span(rng, *received_days))
        h = self._new(shape, zones, received)
        horizon = min(received.add(seconds=days_span(rng, *horizon_days)), self.now)
        return h, horizon

    def _pending(
        self, h: History, horizon: DateTime, rng: Rng, shape: Shape, limit: DateTime
    ) -> DateTime | None:
        at = work_until(h, horizon, attempts_only, rng, shape.interest)
        ok = at is not None and at <= limit and h.state.next_channel == "call" and h.can_call()
        return at if ok else None

    def _overdue_callback(
        self, shape: Shape, zones: Zones, rng: Rng, attempt: int
    ) -> History | None:
        # Promised for the last few hours (further back when the window was shut).
        ago = rng.randint(10 * MINUTE, 4 * HOUR if attempt < 10 else 40 * HOUR)
        asked = round_up(self.now.subtract(seconds=ago), zones_or_rep(zones, self.settings)[0], 15)
        if asked > self.now.subtract(minutes=5) or not window_open(
            asked, zones, self.settings, rules=self.rules
        ):
            return None
        received = asked.subtract(seconds=rng.randint(2 * HOUR, 6 * DAY))
        h = self._new(shape, zones, received)
        span = int((asked - received).total_seconds()) - HOUR
        horizon = received.add(seconds=rng.randint(0, span))
        at = self._pending(h, horizon, rng, shape, asked.subtract(minutes=30))
        if at is None:
            return None
        act(h, "callback", at, asked, rng, shape.interest)
        return h

    def _appointment_today(
        self, shape: Shape, zones: Zones, rng: Rng, attempt: int = 0
    ) -> History | None:
        h, horizon = self._until(shape, zones, rng, (1, 10), (0, 8))
        horizon = min(horizon, self.now.subtract(minutes=30))
        at = self._pending(h, horizon, rng, shape, self.now)
        if at is None:
            return None
        start = round_up(self.now.add(seconds=rng.randint(HOUR, 4 * HOUR)), h.zone, 30)
        slot = next_open(start, zones, self.settings, rules=self.rules)
        if slot >= end_of_rep_day(self.now, self.settings):
            slot = start  # late in the rep's day: the earliest slot, even outside the window
        act(h, "appointment", at, slot, rng, shape.interest)
        return h

    def _won(self, shape: Shape, zones: Zones, rng: Rng, attempt: int = 0) -> History | None:
        h, horizon = self._until(shape, zones, rng, (15, 120), (2, 12))
        at = self._pending(h, horizon, rng, shape, self.now.subtract(days=2))
        if at is None:
            return None
        act(h, "connected", at, None, rng, shape.interest)
        signed = h.act_at(rng)
        if signed is None or signed > self.now:
            return None
        act(h, "won", signed, None, rng, shape.interest)
        work_until(h, self.now, natural, rng, shape.interest)
        return h

    def _dnc(self, shape: Shape, zones: Zones, rng: Rng, attempt: int = 0) -> History | None:
        h, horizon = self._until(shape, zones, rng, (6, 40), (0.5, 3))
        at = self._pending(h, horizon, rng, shape, self.now.subtract(days=3))
        if at is None or h.state.status not in ("new", "working"):
            return None
        act(h, "dnc", at, None, rng, shape.interest)
        work_until(h, self.now, natural, rng, shape.interest)  # only email and letter steps remain
        return h

    def _bad(self, shape: Shape, zones: Zones, rng: Rng, attempt: int = 0) -> History | None:
        h, horizon = self._until(shape, zones, rng, (2, 30), (0, 4))
        at = self._pending(h, horizon, rng, shape, self.now)
        if at is None:
            return None
        act(h, "wrong-number", at, None, rng, shape.interest)
        return h

    def _not_interested(
        self, shape: Shape, zones: Zones, rng: Rng, attempt: int = 0
    ) -> History | None:
        h, horizon = self._until(shape, zones, rng, (5, 200), (1, 20))
        at = self._pending(h, horizon, rng, shape, self.now)
        if at is None:
            return None
        act(h, "not-interested", at, None, rng, shape.interest)
        work_until(h, self.now, natural, rng, shape.interest)
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


def scenario_list(count: int, rng: random.Random) -> list[str]:
    chosen: list[str] = []
    for name, share, least in SPECIAL:
        chosen += [name] * max(least, int(count * share))
    chosen = chosen[:count]
    chosen += ["bulk"] * (count - len(chosen))
    rng.shuffle(chosen)
    return chosen


def make_template(
    scenario: str,
    shape: Shape,
    who: Identity,
    now: DateTime,
    settings: Settings,
    rng: random.Random,
) -> Template:
    zone = resolve_zone(shape.tz_override, [e164 for _, e164, _ in who.phones])
    e164s = [e164 for _, e164, _ in who.phones]
    country = who.country or (region_of(e164s[0]) if e164s else "")
    places = place_codes(e164s, country, who.region)
    key = zone_key(zone.call_zones, places)
    h = Scenarios(now, settings, places).build(scenario, shape, zone.call_zones, rng)
    tpl = Template(shape, h, (zone.timezone, zone.source, key))
    tpl.who = who
    tpl.needs = h.needs(now)
    tpl.before_full = [
        None if (t.closed or t.bad_phone is not None) else before_json(t.before_lead, [], None)
        for t in h.touches
    ]
    return tpl
