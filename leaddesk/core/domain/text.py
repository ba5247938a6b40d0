"""Plain-text phrasing shared by the desk and the CLI (no markup here)."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from leaddesk.core.domain.errors import InvalidInput

if TYPE_CHECKING:
    from pendulum import DateTime
    from pendulum.tz.timezone import Timezone

# Letters that are not a base letter plus a mark, so NFKD leaves them whole.
_LETTERS = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    """Text as search compares it: no accents, no case ('Zoë Ångström' → 'zoe angstrom')."""
    text = text or ""
    if text.isascii():
        # the same answer (NFKD, the marks and _LETTERS change no ASCII character),
        # ~10x sooner: search folds every field of every candidate on each keystroke
        return text.lower()
    import unicodedata  # here: only non-ASCII text needs it, and every command loads this module

    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return plain.casefold().translate(_LETTERS)


def minutes_between(start: DateTime, end: DateTime) -> int:
    # Timestamps, not `end - start`: pendulum builds a costly Interval for that.
    return int((end.timestamp() - start.timestamp()) // 60)


def span(minutes: int) -> str:
    """12m, 3h 05m, 4d."""
    minutes = max(minutes, 0)
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 24 * 60:
        return f"{minutes // 60}h {minutes % 60:02d}m"
    return f"{minutes // (24 * 60)}d"


def span_words(minutes: int) -> str:
    minutes = max(minutes, 0)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        h, m = divmod(minutes, 60)
        return f"{h} h {m:02d} min" if m else f"{h} h"
    days = minutes // (24 * 60)
    return f"{days} day" + ("s" if days != 1 else "")


def _zone(name: str) -> Timezone:
    # pendulum loads on first use, not with this module: everything the CLI
    # prints passes `printable`, `leaddesk --version` included.
    from leaddesk.core.domain.tz import tz

    return tz(name)


# Times are spelled out here, not with pendulum's `format`: its first call loads
# the locale and compiles its token patterns (~24 ms at load 7, once per process),
# then ~10-20 µs a call, and the queue spells two per row (issue 15). The words are
# pendulum's "ddd" in its default locale (pendulum/locales/en/locale.py), which
# leaddesk never changes: the same text, byte for byte.
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def clock_text(local: DateTime) -> str:
    """'14:05' (pendulum "HH:mm")."""
    return f"{local.hour:02d}:{local.minute:02d}"


def weekday_clock(local: DateTime) -> str:
    """'Thu 14:05' (pendulum "ddd HH:mm")."""
    return f"{WEEKDAY_NAMES[local.weekday()]} {clock_text(local)}"


def _date_text(local: DateTime) -> str:
    # pendulum "YYYY-MM-DD": the year unpadded, as pendulum writes it
    return f"{local.year:d}-{local.month:02d}-{local.day:02d}"


def when_local(at: DateTime, zone: str, now: DateTime, *, day: bool = False) -> str:
    """'14:30' today, 'Thu 10:00' later this week, '2026-12-03 10:00' otherwise.

    A bare weekday reads as upcoming, so it is only used for the rest of the
    current week (Monday to Sunday); past days and next week show the date.
    With `day`, today shows its weekday too ('Mon 14:30').
    """
    local = at.in_timezone(_zone(zone))
    today = now.in_timezone(_zone(zone)).date()
    days = (local.date() - today).days
    if days == 0 and not day:
        return clock_text(local)
    if 0 <= days < 7 - today.weekday():
        return weekday_clock(local)
    return f"{_date_text(local)} {clock_text(local)}"


def history_stamp(at: DateTime, zone: str, now: DateTime) -> str:
    """'11-20 09:29' within the last 300 days; '2025-11-23' (padded) beyond.

    A month and day from last year would read as this year's (even as later
    today), so older touches show the year, and the time gives way to keep the
    column 11 wide.
    """
    local = at.in_timezone(_zone(zone))
    if now.timestamp() - at.timestamp() < 300 * 86400:
        return f"{local.month:02d}-{local.day:02d} {clock_text(local)}"
    return _date_text(local).ljust(11)


def next_contact(
    due: DateTime | None, channel: str, lead_zone: str, rep_zone: str, now: DateTime
) -> str:
    """'next: call Thu 10:00 their time (09:00 yours)', or 'due since …' when past.

    When the two sides fall on different days (their Tuesday morning is the
    rep's Monday evening), both name the day.
    """
    if due is None:
        return "no next contact (out of the queue)"
    differ = lead_zone != rep_zone and (
        due.in_timezone(_zone(lead_zone)).date() != due.in_timezone(_zone(rep_zone)).date()
    )
    theirs = when_local(due, lead_zone, now, day=differ)
    text = f"{'due since' if due <= now else 'next:'} {channel} {theirs}"
    if lead_zone != rep_zone:
        text += f" their time ({when_local(due, rep_zone, now, day=differ)} yours)"
    return text


# How a rep names a field of a lead (the store's names never reach the screen).
FIELD_WORDS = {
    "first_contact_on": "first contact",
    "tz_override": "time zone",
    "zone": "calling zone",
    "next contact": "next contact",
}


def field_words(fields: list[str] | tuple[str, ...]) -> str:
    """'time zone, phones': changed fields as a rep says them, each once."""
    words = dict.fromkeys(FIELD_WORDS.get(f, f.replace("_", " ")) for f in fields)
    if "time zone" in words:
        words.pop("calling zone", None)  # the zone changed because the rep set it
    return ", ".join(words)


_TO = {"email": "to", "letter": "to"}


def touch_subject(channel: str, label: str, name: str) -> str:
    """'the call with Naomi Fischer (no answer)', 'the email to Naomi Fischer'."""
    if channel == "system":  # a decision about the lead, not a contact
        return f"{name}: {label}"
    what = f"the {channel} {_TO.get(channel, 'with')} {name}"
    return what if label in (channel, f"{channel} sent") else f"{what} ({label})"


def stopwatch(seconds: int, *, hours: bool = False) -> str:
    """02:13, or 1:02:13 past an hour; with `hours` always HH:MM:SS (00:42:10)."""
    seconds = max(int(seconds), 0)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if hours:
        return f"{h:02d}:{m:02d}:{s:02d}"
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def percent(part: float, whole: float) -> str:
    """'38%' for 12 of 32, '–' without a whole: the one way a rate is shown.

    The header, the session summary and the stats (`F`, `leaddesk stats`) all
    use it, so they agree. Halves round up (37.5 → 38); the tiny epsilon keeps
    a half that binary floating point stores as 14.4999… a half.
    """
    if not whole:
        return "–"
    return f"{math.floor(100 * part / whole + 0.5 + 1e-9)}%"


def count_text(count: int, capped: bool = False) -> str:
    """'141', or '1,000+' for a count that stopped at its cap: the section holds at
    least that many, and a capped count must never look exact (issue 15)."""
    return f"{count:,}+" if capped else str(count)


# What a terminal would obey rather than show: C0 controls but tab and newline
# (ESC starts escape sequences), DEL, C1 controls (0x9b is a one-byte CSI on
# some terminals), and the Unicode bidi controls that reorder the rest of a
# line (U+202E shows "exe.txt" as "txt.exe"); and lone surrogates (bytes that
# were not UTF-8), which cannot be written at all. Letters of right-to-left
# scripts, emoji and combining marks are text and stay.
CONTROLS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
    # a carriage return only as part of a CRLF line end (CSV written to stdout):
    # alone it would send the cursor back over what the line already showed
    r"|\r(?!\n)"
)
CONTROL_MARK = "\ufffd"  # REPLACEMENT CHARACTER (a \N{} escape: compiling it loads unicodedata)


def printable(text: str) -> str:
    """`text` with every terminal control shown as a visible placeholder.

    Newlines and tabs stay: this is for whole outputs. One-line fields use
    `one_line`.
    """
    return CONTROLS.sub(CONTROL_MARK, text)


# These two as text, compiled by `re` on the first `one_line` (every command loads
# this module for `printable`; a command printing no field compiles neither).
_BREAKS = "\r\n|[\n\r\u2028\u2029]"
# Joiners, presentation selectors and skin-tone modifiers glue emoji into one
# glyph on some terminals and not on others (tmux 3.3 draws 👩🏽‍💻 three glyphs
# wide, Rich counts two cells), so a pane's columns would slide. Without them
# every terminal agrees: 👩🏽‍💻 shows as 👩💻.
_UNSTABLE_WIDTH = "[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]"


def one_line(value: object) -> str:
    """A field for one line of a screen or a table: controls neutralised,
    line breaks shown as ⏎, tabs as a space, emoji in their plain form."""
    text = re.sub(_BREAKS, " ⏎ ", str(value or "")).replace("\t", " ")
    return printable(re.sub(_UNSTABLE_WIDTH, "", text))


MAX_FIELD = 2000  # characters in one typed field


def clean_text(value: str, what: str, limit: int = MAX_FIELD) -> str:
    """`value` trimmed; InvalidInput naming `what` if too long, with NUL or not UTF-8.

    Here rather than in `validate`: logging an outcome cleans its note and
    must not load the phone parser that validation needs.
    """
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(f"{what} is too long ({len(text)} characters; at most {limit})")
    if "\x00" in text:
        # PostgreSQL refuses NUL in text outright (a raw ValueError from the driver).
        raise InvalidInput(f"{what} holds a NUL character (\\x00), which is not text")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # bytes that were not UTF-8, e.g. from a shell
            raise InvalidInput(f"{what} holds bytes that are not text (UTF-8)") from None
    return text
