"""Cell values as spreadsheets write them: one-line text, dates, country names."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import pendulum
from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.when import MONTHS
from leaddesk.core.store.db import from_ms

# What our CSV export puts before a cell a spreadsheet would evaluate.
_NEUTRALISED = re.compile(r"^'[=+\-@\t\r]")
# --- cells and values ------------------------------------------------------------


GOOGLE_SYSTEM_GROUPS = frozenset({"mycontacts", "starred"})


def one_line(text: str) -> str:
    """A single-line field: a newline or tab inside it becomes a space."""
    if "\n" in text or "\r" in text or "\t" in text:
        return " ".join(text.split())
    return text


def lines(text: str) -> str:
    """A multi-line field with plain newlines (files from Windows carry CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def clean_cell(value: str) -> str:
    text = value.strip()
    if text[:1] == "'" and _NEUTRALISED.match(text):
        return text[1:].strip()  # our own export's formula guard
    return text


_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?P<time>.*)$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?P<time>.*)$")
_DAY_MONTH = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4})(?P<time>.*)$"
)
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?P<time>.*)$")
_TIME = re.compile(r"^[\sT,]*(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])?\.?m?\.?$")
MONTH_FIRST_REGIONS = frozenset({"US", "CA", "PH", "FM", "MH", "PW"})


def parse_sheet_date(text: str, zone: str, month_first: bool) -> DateTime:
    """A date (and maybe time) as spreadsheets write them; naive values are in `zone`.

    ISO 8601, 2024/03/05, 3/5/2024 (month first where the rep's region writes
    it so, else day first), 5.3.2024 (always day first), 5 Mar 2024, March 5,
    2024 — each with an optional 14:30 or 2:30 PM. Raises InvalidInput when it
    cannot be read.
    """
    raw = " ".join(text.strip().split())
    lower = raw.lower()
    try:
        iso = _ISO.match(raw)
        if iso:
            y, mo, d = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
            hh, mm, ss = (int(iso.group(i) or 0) for i in (4, 5, 6))
            offset = iso.group(7)
            if offset:
                value = pendulum.parse(raw.replace(" ", "T", 1))
                if isinstance(value, DateTime):
                    return value.in_timezone("UTC")
            return local_instant(y, mo, d, hh, mm, ss, zone)
        for pattern, order in ((_YMD, "ymd"), (_NUMERIC, "mdy" if month_first else "dmy")):
            m = pattern.match(lower)
            if m:
                if pattern is _NUMERIC and "." in lower.split(" ", 1)[0]:
                    order = "dmy"  # 5.3.2024 is day first wherever it is written
                a, b, c = int(m[1]), int(m[2]), int(m[3])
                y, mo, d = (
                    (a, b, c) if order == "ymd" else (c, a, b) if order == "mdy" else (c, b, a)
                )
                return _with_time(_year(y), mo, d, m.group("time"), zone, raw)
        m = _DAY_MONTH.match(lower)
        if m and m.group(2) in MONTHS:
            d, mo, y = int(m.group(1)), MONTHS[m.group(2)], int(m.group(3))
            return _with_time(y, mo, d, m.group("time"), zone, raw)
        m = _MONTH_DAY.match(lower)
        if m and m.group(1) in MONTHS:
            mo, d, y = MONTHS[m.group(1)], int(m.group(2)), int(m.group(3))
            return _with_time(y, mo, d, m.group("time"), zone, raw)
    except (ValueError, OverflowError, pendulum.parsing.exceptions.ParserError):
        raise InvalidInput(f"{raw!r} is not a real date") from None
    raise InvalidInput(f"{raw!r} is not a date leaddesk can read (e.g. 2024-03-05)")


def _year(y: int) -> int:
    if y >= 100:
        return y
    return 2000 + y if y < 70 else 1900 + y


def _with_time(y: int, mo: int, d: int, rest: str, zone: str, raw: str) -> DateTime:
    hh = mm = ss = 0
    if rest.strip():
        t = _TIME.match(rest)
        if not t:
            raise InvalidInput(f"{raw!r}: cannot read the time of day")
        hh, mm, ss = int(t.group(1)), int(t.group(2)), int(t.group(3) or 0)
        if t.group(4):
            if not 1 <= hh <= 12:
                raise InvalidInput(f"{raw!r}: {hh} is not an hour on a 12-hour clock")
            hh = hh % 12 + (12 if t.group(4) == "p" else 0)
    return local_instant(y, mo, d, hh, mm, ss, zone)


def local_instant(y: int, mo: int, d: int, hh: int, mm: int, ss: int, zone: str) -> DateTime:
    """A wall-clock time in `zone`, as a UTC instant (what pendulum.datetime gives).

    On a day without a clock change the offset is one number: it is worked out
    once per zone and day, not per row (pendulum takes ~5 µs a value).
    """
    if not (0 <= hh <= 23 and 0 <= mm <= 59 and 0 <= ss <= 59):
        raise ValueError(f"{hh:02d}:{mm:02d}:{ss:02d} is not a time of day")
    day = date(y, mo, d)  # ValueError for a day that does not exist
    offset = _day_offset(zone, day)
    if offset is None:  # the clocks change that day: pendulum's rules for gaps and folds
        return pendulum.datetime(y, mo, d, hh, mm, ss, tz=tz(zone)).in_timezone(pendulum.UTC)
    seconds = (day.toordinal() - _EPOCH_DAY) * 86400 + hh * 3600 + mm * 60 + ss - offset
    return from_ms(seconds * 1000)


_EPOCH_DAY = date(1970, 1, 1).toordinal()


@lru_cache(maxsize=4096)
def _day_offset(zone: str, day: date) -> int | None:
    """The zone's UTC offset in seconds all through `day`, or None if it changes."""
    start = pendulum.datetime(day.year, day.month, day.day, tz=tz(zone))
    end = start.add(hours=23, minutes=59, seconds=59)
    offset = start.utcoffset()
    if offset is None or offset != end.utcoffset() or end.day != day.day:
        return None
    return int(offset.total_seconds())


COUNTRIES = {
    "usa": "US", "united states": "US", "united states of america": "US", "america": "US",
    "us": "US", "u s": "US", "u s a": "US", "canada": "CA", "uk": "GB",
    "united kingdom": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "ireland": "IE", "germany": "DE", "deutschland": "DE", "france": "FR",
    "spain": "ES", "espana": "ES", "italy": "IT", "italia": "IT", "netherlands": "NL",
    "the netherlands": "NL", "belgium": "BE", "switzerland": "CH", "austria": "AT",
    "australia": "AU", "new zealand": "NZ", "mexico": "MX", "brazil": "BR", "india": "IN",
    "japan": "JP", "china": "CN", "sweden": "SE", "norway": "NO", "denmark": "DK",
    "finland": "FI", "poland": "PL", "portugal": "PT", "south africa": "ZA",
}  # fmt: skip


def country_code(text: str) -> str:
    """ISO 3166 alpha-2 for a country as people write it; "" when unsure."""
    value = text.strip()
    if not value:
        return ""  # most rows: no country column, or an empty cell
    if len(value) == 2 and value.isalpha():
        return value.upper()
    return COUNTRIES.get(re.sub(r"[^a-z]+", " ", value.lower()).strip(), "")
