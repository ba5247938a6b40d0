"""Calling windows and wall-clock arithmetic: when a call may be placed in a set
of zones, and "N days later" counted on a zone's own clock (across DST)."""

from __future__ import annotations

from datetime import time

from pendulum import DateTime

from leaddesk.core.domain.compliance import Rule
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.holidays import holiday_name
from leaddesk.core.domain.settings import WEEKDAYS, Settings
from leaddesk.core.domain.tz import tz


def zones_or_rep(zones: tuple[str, ...], settings: Settings) -> tuple[str, ...]:
    return zones or (settings.rep_timezone,)


Windows = tuple[tuple[time, time], ...]


def _intersect(a: Windows, b: Windows) -> Windows:
    found = ((max(s1, s2), min(e1, e2)) for s1, e1 in a for s2, e2 in b)
    return tuple(sorted((s, e) for s, e in found if s < e))


def _windows(
    local: DateTime, zone: str, settings: Settings, rules: tuple[Rule, ...] = ()
) -> Windows:
    """The calling windows of a local date: none on an observed public holiday; only
    the hours where the company's window and every rule in force are all open."""
    if settings.holidays and holiday_name(local.date(), zone, settings.holidays):
        return ()
    found = settings.calling_hours[WEEKDAYS[local.weekday()]]
    for rule in rules:
        theirs = rule.windows(local.date())
        if theirs is not None:
            found = _intersect(found, theirs)
    return found


def _open_in_zone(
    at: DateTime, zone: str, settings: Settings, margin: int = 0, rules: tuple[Rule, ...] = ()
) -> bool:
    local = at.in_timezone(tz(zone))
    t = local.time().replace(tzinfo=None)
    if margin:
        return any(
            start <= t and local < _local_at(local, end).subtract(minutes=margin)
            for start, end in _windows(local, zone, settings, rules)
        )
    return any(start <= t < end for start, end in _windows(local, zone, settings, rules))


def rule_open(at: DateTime, zones: tuple[str, ...], settings: Settings, rule: Rule) -> bool:
    """True when `rule` alone lets a call at `at` through in every zone."""
    for zone in zones_or_rep(zones, settings):
        local = at.in_timezone(tz(zone))
        found = rule.windows(local.date())
        t = local.time().replace(tzinfo=None)
        if found is not None and not any(start <= t < end for start, end in found):
            return False
    return True


def closing_holiday(at: DateTime, zones: tuple[str, ...], settings: Settings) -> str | None:
    """The observed public holiday that closes the window at `at`, if any ("Thanksgiving Day")."""
    for zone in zones_or_rep(zones, settings):
        name = holiday_name(at.in_timezone(tz(zone)).date(), zone, settings.holidays)
        if name:
            return name
    return None


def window_open(
    at: DateTime,
    zones: tuple[str, ...],
    settings: Settings,
    margin: int = 0,
    rules: tuple[Rule, ...] = (),
) -> bool:
    """True when a call at `at` is inside the window of every zone (and at least
    `margin` minutes before each window's end), every one of `rules` included."""
    where = zones_or_rep(zones, settings)
    return all(_open_in_zone(at, z, settings, margin, rules) for z in where)


def _next_open_in_zone(
    at: DateTime, zone: str, settings: Settings, margin: int = 0, rules: tuple[Rule, ...] = ()
) -> DateTime:
    local = at.in_timezone(tz(zone))
    # Two weeks: a run of holidays (Christmas to New Year) can close a week.
    for day in range(15):
        date = local.add(days=day)
        for start, end in _windows(date, zone, settings, rules):
            begin = _local_at(date, start)
            finish = _local_at(date, end).subtract(minutes=margin)
            if local < finish and begin < finish:
                return max(begin, local).in_timezone("UTC")
    raise InvalidInput("calling_hours has no open window in the week")


def _local_at(date: DateTime, t: time) -> DateTime:
    # pendulum keeps the wall-clock time across DST (a 09:00 stays 09:00).
    return date.set(hour=t.hour, minute=t.minute, second=0, microsecond=0)


def next_open(
    at: DateTime,
    zones: tuple[str, ...],
    settings: Settings,
    margin: int = 0,
    rules: tuple[Rule, ...] = (),
) -> DateTime:
    """The first instant at or after `at` inside the window of every zone.

    `margin` keeps that many minutes clear before each window's end (computed
    calls: a call begun as the window shuts cannot be finished in it). Falls
    back to the rep's zone when the zones' windows never intersect within a week.
    """
    candidates = zones_or_rep(zones, settings)
    t = at
    for _ in range(4 * len(candidates) + 8):
        moved = t
        for zone in candidates:
            moved = _next_open_in_zone(moved, zone, settings, margin, rules)
        if moved == t and window_open(t, candidates, settings, margin, rules):
            return t
        t = moved
        if t.timestamp() - at.timestamp() > 7 * 86400:
            break
    return _next_open_in_zone(at, settings.rep_timezone, settings, margin, rules)


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
