"""Free-text times for the next contact: "thu 3pm", "in 2 weeks", "2026-12-01 10:30".

Read in the lead's local zone, relative to an injected `now`; the result is a
UTC instant. Anything unclear raises InvalidInput saying why.
"""

from __future__ import annotations

import re

import pendulum
from pendulum import DateTime

from leaddesk.core.errors import InvalidInput
from leaddesk.core.tz import tz

DAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}
UNITS = {
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes",
    "minutes": "minutes", "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours",
    "hours": "hours", "d": "days", "day": "days", "days": "days", "w": "weeks",
    "wk": "weeks", "week": "weeks", "weeks": "weeks", "mo": "months", "month": "months",
    "months": "months",
}  # fmt: skip

_TIME = re.compile(r"^(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\s*(?P<ap>am|pm|a|p)?$")
_REL = re.compile(r"^(?:in\s+|\+)?(?P<n>\d+)\s*(?P<u>[a-z]+)$")


def parse_when(text: str, now: DateTime, zone: str, morning_hour: int = 9) -> DateTime:
    """Parse `text` as a moment in `zone`; return it in UTC."""
    raw = " ".join((text or "").strip().lower().replace(",", " ").split())
    if not raw:
        raise InvalidInput("no time given")
    local_now = now.in_timezone(tz(zone))
    try:
        result = _parse(raw, local_now, zone, morning_hour)
        if result is None:
            raise InvalidInput(
                f"cannot read {text.strip()!r} as a time; try 'tomorrow 9', 'thu 3pm', "
                "'in 2 weeks' or '2026-12-01 10:30'"
            )
        return result.in_timezone("UTC")
    except (OverflowError, ValueError):
        # "in 99999999 weeks", "9999-12-31 23:59": past what a date can hold
        raise InvalidInput(f"cannot use {text.strip()!r}: it is too far away") from None


def quick(key: str, now: DateTime, zone: str, morning_hour: int = 9) -> DateTime | None:
    """The picker's one-key choices: 1-9 days, t tomorrow morning, w next week."""
    local = now.in_timezone(tz(zone))
    if key.isdigit() and key != "0":
        return _at(local.add(days=int(key)), morning_hour, 0, zone).in_timezone("UTC")
    if key == "t":
        return _at(local.add(days=1), morning_hour, 0, zone).in_timezone("UTC")
    if key == "w":
        monday = local.add(days=7 - local.weekday())
        return _at(monday, morning_hour, 0, zone).in_timezone("UTC")
    return None


def _parse(raw: str, now: DateTime, zone: str, morning: int) -> DateTime | None:
    iso = _iso(raw, zone, morning)
    if iso is not None:
        return iso
    rel = _REL.match(raw)
    if rel and rel.group("u") in UNITS:
        n, unit = int(rel.group("n")), UNITS[rel.group("u")]
        if unit in ("minutes", "hours"):
            return now.add(**{unit: n})
        return _at(now.add(**{unit: n}), morning, 0, zone)

    words = raw.split()
    day: DateTime | None = None
    rest: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("at", "on", "next"):
            i += 1
            continue
        if day is None and word in ("today", "tonight"):
            day = now
        elif day is None and word in ("tomorrow", "tmrw", "tmr"):
            day = now.add(days=1)
        elif day is None and word in DAYS:
            ahead = (DAYS[word] - now.weekday()) % 7 or 7
            day = now.add(days=ahead)
        elif day is None and word in MONTHS and i + 1 < len(words) and words[i + 1].isdigit():
            day = _month_day(now, MONTHS[word], int(words[i + 1]), zone)
            i += 1
        elif day is None and word.isdigit() and i + 1 < len(words) and words[i + 1] in MONTHS:
            day = _month_day(now, MONTHS[words[i + 1]], int(word), zone)
            i += 1
        else:
            rest.append(word)
        i += 1
    clock = _clock(" ".join(rest)) if rest else None
    if rest and clock is None:
        return None
    if day is None and clock is None:
        return None
    if day is None:
        candidate = _at(now, clock[0], clock[1], zone)
        return candidate if candidate > now else _at(now.add(days=1), clock[0], clock[1], zone)
    hour, minute = clock if clock else (morning, 0)
    return _at(day, hour, minute, zone)


def _clock(text: str) -> tuple[int, int] | None:
    if text == "noon":
        return 12, 0
    if text in ("morning",):
        return None
    match = _TIME.match(text.replace(" ", ""))
    if not match:
        return None
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    ap = match.group("ap")
    if ap:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ap.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(f"{text!r} is not a time of day")
    return hour, minute


def _month_day(now: DateTime, month: int, day: int, zone: str) -> DateTime:
    for year in (now.year, now.year + 1):
        try:
            candidate = pendulum.datetime(year, month, day, tz=zone)
        except ValueError:
            raise InvalidInput(f"there is no day {day} in month {month}") from None
        if candidate.date() >= now.date():
            return candidate
    return candidate


_ISO_LOCAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{1,2}):(\d{2})(?::\d{2})?)?$")


def _iso(raw: str, zone: str, morning: int) -> DateTime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", raw):
        return None
    local = _ISO_LOCAL.match(raw)
    if local:
        year, month, day = (int(g) for g in local.groups()[:3])
        try:
            date = pendulum.datetime(year, month, day, tz=zone)
        except ValueError:
            raise InvalidInput(f"{raw!r} is not a real date") from None
        if local.group(4) is None:
            return _at(date, morning, 0, zone)
        hour, minute = int(local.group(4)), int(local.group(5))
        if hour > 23 or minute > 59:
            raise InvalidInput(f"{raw!r} is not a time of day")
        return _at(date, hour, minute, zone)
    try:
        parsed = pendulum.parse(raw.upper().replace(" ", "T", 1), tz=zone)
    except (ValueError, pendulum.parsing.exceptions.ParserError) as exc:
        raise InvalidInput(f"{raw!r} is not a real date/time ({exc})") from None
    return parsed if isinstance(parsed, DateTime) else None


def _at(day: DateTime, hour: int, minute: int, zone: str) -> DateTime:
    """Wall-clock `hour:minute` on `day` in `zone`, refusing a time DST skips."""
    local = day.in_timezone(tz(zone))
    result = pendulum.datetime(local.year, local.month, local.day, hour, minute, tz=zone)
    if (result.hour, result.minute) != (hour, minute):
        raise InvalidInput(
            f"{hour:02d}:{minute:02d} on {local.to_date_string()} does not exist in {zone} "
            "(the clocks skip it)"
        )
    return result


def parse_instant(text: str, zone: str = "UTC") -> DateTime:
    """A strict ISO 8601 instant (for --now, --received); naive means `zone`."""
    try:
        # exact: a bare "14:00" stays a Time (refused below) instead of becoming
        # "today at 14:00" by the wall clock
        parsed = pendulum.parse(text.strip(), tz=zone, exact=True)
    except (ValueError, pendulum.parsing.exceptions.ParserError) as exc:
        raise InvalidInput(f"{text!r} is not an ISO 8601 time ({exc})") from None
    if not isinstance(parsed, DateTime):
        if isinstance(parsed, pendulum.Date):
            midnight = pendulum.datetime(parsed.year, parsed.month, parsed.day, tz=zone)
            return midnight.in_timezone("UTC")
        raise InvalidInput(f"{text!r} is not a date and time")
    wall = pendulum.parse(text.strip(), tz=None, exact=True)
    if wall.tzinfo is None and wall.naive() != parsed.naive():
        raise InvalidInput(
            f"{text!r}: {wall:%H:%M} on {wall:%Y-%m-%d} does not exist in {zone} "
            "(the clocks skip it)"
        )
    return parsed.in_timezone("UTC")
