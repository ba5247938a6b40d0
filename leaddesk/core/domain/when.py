"""Free-text times for the next contact: "thu 3pm", "in 2 weeks", "2026-12-01 10:30".

Read in the lead's local zone, relative to an injected `now`; the result is a
UTC instant. Anything unclear raises InvalidInput saying why.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pendulum
from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.tz import tz

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

# Parts of the day the rep may type instead of a clock time ("tomorrow morning").
# Morning is the configured morning hour; the others sit inside usual calling hours.
AFTERNOON_HOUR, EVENING_HOUR = 14, 18
_ARTICLE = {"a": "1", "an": "1"}

# Patterns as text, compiled by `re` on first use and kept in its cache
# (https://docs.python.org/3/library/re.html#re.compile): a command that parses
# no typed time (`due` without --now) compiles none of them.
_AGO_AT = r"^(?P<n>\d+|a|an)\s*(?P<u>[a-z]+)\s+ago$"
_TIME = r"^(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\s*(?P<ap>am|pm|a|p)?$"
_REL = r"^(?:in\s+|\+)?(?P<n>\d+)\s*(?P<u>[a-z]+)$"


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


def parse_past(text: str, now: DateTime, zone: str, morning_hour: int = 9) -> DateTime:
    """When something already happened (`log --at`), typed like the picker, in UTC.

    The picker's words read backwards: a bare clock time or a weekday is its
    latest occurrence up to `now` ("3pm" at 16:00 is today's, "thu 3pm" last
    Thursday's), "yesterday 14:00" and "2 hours ago" work too; anything that
    still lands after `now` is refused.
    """
    raw = " ".join((text or "").strip().lower().replace(",", " ").split())
    local = now.in_timezone(tz(zone))
    words = raw.split()
    ago = re.match(_AGO_AT, raw)
    if ago and ago.group("u") in UNITS:
        n = 1 if ago.group("n") in _ARTICLE else int(ago.group("n"))
        return local.subtract(**{UNITS[ago.group("u")]: n}).in_timezone("UTC")
    if words and words[0] == "yesterday":
        result = parse_when(" ".join(["today", *words[1:]]), local.subtract(days=1), zone,
                            morning_hour)  # fmt: skip
    else:
        result = parse_when(text, now, zone, morning_hour)
        dated = _iso(raw, zone, morning_hour) is not None or any(
            w in MONTHS or w in ("today", "tonight", "tomorrow", "tmrw", "tmr") for w in words
        )
        # The picker looks forward: step a weekday back by weeks, a bare time by days.
        step = 7 if any(w in DAYS for w in words) else 1
        for _ in range(2):
            if dated or result <= now:
                break
            result = result.in_timezone(tz(zone)).subtract(days=step).in_timezone("UTC")
    if result > now:
        shown = result.in_timezone(tz(zone)).format("YYYY-MM-DD HH:mm")
        raise InvalidInput(f"{text.strip()!r} is {shown} their time, in the future")
    return result


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
    if raw == "next week":
        return quick("w", now, zone, morning)
    words = raw.split()
    if len(words) == 3 and words[0] == "in" and words[1] in _ARTICLE:
        raw = f"in {_ARTICLE[words[1]]} {words[2]}"  # "in a week", "in an hour"
    rel = re.match(_REL, raw)
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
        if word in ("at", "on", "next", "this"):
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
    clock = _clock(" ".join(rest), morning) if rest else None
    if rest and clock is None:
        return None
    if day is None and clock is None:
        return None
    if clock is None and "tonight" in words:
        clock = (EVENING_HOUR, 0)
    if day is None:
        assert clock is not None  # both None returned above
        candidate = _at(now, clock[0], clock[1], zone)
        return candidate if candidate > now else _at(now.add(days=1), clock[0], clock[1], zone)
    hour, minute = clock if clock else (morning, 0)
    return _at(day, hour, minute, zone)


def _clock(text: str, morning: int = 9) -> tuple[int, int] | None:
    parts_of_day = {
        "noon": 12, "midday": 12, "morning": morning, "afternoon": AFTERNOON_HOUR,
        "evening": EVENING_HOUR,
    }  # fmt: skip
    if text in parts_of_day:
        return parts_of_day[text], 0
    match = re.match(_TIME, text.replace(" ", ""))
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
    """The next `month` `day` from today on: this year's, else a later year's.

    Feb 29 waits for the next leap year; a day no month has is refused.
    """
    for year in range(now.year, now.year + 9):
        try:
            candidate = pendulum.datetime(year, month, day, tz=zone)
        except ValueError:
            continue
        if candidate.date() >= now.date():
            return candidate
    name = pendulum.date(2000, month, 1).format("MMMM")
    raise InvalidInput(f"there is no day {day} in month {month} ({name})")


_ISO_LOCAL = r"^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{1,2}):(\d{2})(?::\d{2})?)?$"


def _iso(raw: str, zone: str, morning: int) -> DateTime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", raw):
        return None
    local = re.match(_ISO_LOCAL, raw)
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
    if isinstance(wall, DateTime) and wall.tzinfo is None and wall.naive() != parsed.naive():
        raise InvalidInput(
            f"{text!r}: {wall:%H:%M} on {wall:%Y-%m-%d} does not exist in {zone} "
            "(the clocks skip it)"
        )
    return parsed.in_timezone("UTC")


_AGO = r"^(?P<n>\d+|a|an)\s*(?P<u>d|days?|w|wks?|weeks?)\s+ago$"
_DAY_HINT = "use 2026-11-20, today, yesterday, 3 days ago or nov 20"


def parse_day(text: str, today: date) -> date | None:
    """A past or present calendar day as typed (a first-contact date); blank is None.

    Month and day without a year mean the latest such day up to today.
    """
    raw = " ".join((text or "").strip().lower().replace(",", " ").split())
    if not raw:
        return None
    today = date(today.year, today.month, today.day)  # a plain date: sqlite3 binds no subclass
    found = _day(raw, today)
    if found is None:
        raise InvalidInput(f"{text.strip()!r} is not a date ({_DAY_HINT})")
    if found > today:
        raise InvalidInput(f"{found.isoformat()} is in the future")
    return found


def _day(raw: str, today: date) -> date | None:
    if raw == "today":
        return today
    if raw == "yesterday":
        return today - timedelta(days=1)
    ago = re.match(_AGO, raw)
    if ago:
        n = 1 if ago.group("n") in _ARTICLE else int(ago.group("n"))
        days = n * (7 if ago.group("u").startswith("w") else 1)
        if days > 365 * 200:
            return None
        return today - timedelta(days=days)
    iso = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", raw)
    words = raw.split()
    year: int | None
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif len(words) in (2, 3) and words[0] in MONTHS and words[1].isdigit():
        month, day = MONTHS[words[0]], int(words[1])
        year = int(words[2]) if len(words) == 3 and words[2].isdigit() else None
    elif len(words) in (2, 3) and words[1] in MONTHS and words[0].isdigit():
        month, day = MONTHS[words[1]], int(words[0])
        year = int(words[2]) if len(words) == 3 and words[2].isdigit() else None
    else:
        return None
    if len(words) == 3 and year is None:
        return None
    years = [year] if year is not None else list(range(today.year, today.year - 9, -1))
    for candidate_year in years:
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if year is not None or candidate <= today:
            return candidate
    name = date(2000, month, 1).strftime("%B") if 1 <= month <= 12 else str(month)
    raise InvalidInput(f"there is no day {day} in {name}" + (f" {year}" if year else ""))
