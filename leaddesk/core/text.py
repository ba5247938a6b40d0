"""Plain-text phrasing shared by the desk and the CLI (no markup here)."""

from __future__ import annotations

from pendulum import DateTime

from leaddesk.core.tz import tz


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


def when_local(at: DateTime, zone: str, now: DateTime) -> str:
    """'14:30' today, 'Thu 10:00' within a week, '2026-12-03 10:00' beyond."""
    local = at.in_timezone(tz(zone))
    today = now.in_timezone(tz(zone)).date()
    days = (local.date() - today).days
    if days == 0:
        return local.format("HH:mm")
    if 0 < days < 7 or -7 < days < 0:
        return local.format("ddd HH:mm")
    return local.format("YYYY-MM-DD HH:mm")


def next_contact(
    due: DateTime | None, channel: str, lead_zone: str, rep_zone: str, now: DateTime
) -> str:
    """'next: call Thu 10:00 their time (09:00 yours)', or 'due since …' when past."""
    if due is None:
        return "no next contact (out of the queue)"
    theirs = when_local(due, lead_zone, now)
    text = f"{'due since' if due <= now else 'next:'} {channel} {theirs}"
    if lead_zone != rep_zone:
        text += f" their time ({when_local(due, rep_zone, now)} yours)"
    return text


def stopwatch(seconds: int, *, hours: bool = False) -> str:
    """02:13, or 1:02:13 past an hour; with `hours` always HH:MM:SS (00:42:10)."""
    seconds = max(int(seconds), 0)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if hours:
        return f"{h:02d}:{m:02d}:{s:02d}"
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def percent(part: int, whole: int) -> str:
    """'16%' (rounded down, as the header always showed it), '' without a whole."""
    return f"{100 * part // whole}%" if whole else ""
