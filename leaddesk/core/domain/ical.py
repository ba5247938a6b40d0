"""THE iCalendar writer: the `export --format ics` file and the invitations a rep
sends for an appointment are both built here, so there is one place that folds,
escapes and names time zones.

The serialising is the icalendar library's, which does what RFC 5545 asks of a
writer: content lines folded at 75 octets with CRLF + one space (§3.1, "Lines of
text SHOULD NOT be longer than 75 octets, excluding the line break"), and TEXT
values with `\\`, `;`, `,` and newlines escaped as `\\\\`, `\\;`, `\\,` and `\\n`
(§3.3.11). A time in the lead's zone is written with a TZID and the calendar
carries a VTIMEZONE for every TZID it names (§3.2.19 and §3.6.5: "An individual
VTIMEZONE calendar component MUST be specified for each unique TZID parameter
value"), only for the years the events span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText
from pendulum import DateTime

PRODID = "-//leaddesk//leaddesk//EN"
REQUEST, CANCEL = "REQUEST", "CANCEL"


@dataclass(frozen=True)
class Meeting:
    """One VEVENT, in plain values."""

    uid: str
    start: DateTime
    minutes: int
    zone: str  # the lead's IANA zone: DTSTART/DTEND carry it as TZID
    summary: str
    description: str = ""
    categories: tuple[str, ...] = ()
    sequence: int | None = None  # invitations only (RFC 5546 §2.1.4)
    organizer: tuple[str, str] | None = None  # (name, address)
    attendee: tuple[str, str] | None = None
    cancelled: bool = False


def calendar_text(
    meetings: Sequence[Meeting], now: DateTime, *, method: str = "", name: str = ""
) -> str:
    """The whole VCALENDAR, CRLF-terminated lines, ready to write or attach."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        # RFC 5545 §3.7.2: the MIME part's method parameter must say the same
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    stamp = datetime.fromtimestamp(now.timestamp(), ZoneInfo("UTC"))
    for meeting in meetings:
        cal.add_component(_event(meeting, stamp))
    if meetings:
        last = max(m.start.year for m in meetings)
        cal.add_missing_timezones(first_date=date(now.year, 1, 1), last_date=date(last + 2, 1, 1))
    return str(cal.to_ical().decode("utf-8"))


def _event(m: Meeting, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", m.uid)
    event.add("dtstamp", stamp)
    start = datetime.fromtimestamp(m.start.timestamp(), ZoneInfo(m.zone))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=m.minutes))
    event.add("summary", m.summary)
    if m.sequence is not None:
        event.add("sequence", m.sequence)
    if m.organizer is not None:
        event.add("organizer", _address(*m.organizer))
    if m.attendee is not None:
        attendee = _address(*m.attendee)
        # RFC 5546 §3.2.2: the organizer asks the attendee for a reply
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee)
    if m.cancelled:
        event.add("status", "CANCELLED")
    elif m.organizer is not None:
        event.add("status", "CONFIRMED")
    if m.description:
        event.add("description", m.description)
    if m.categories:
        event.add("categories", list(m.categories))
    return event


def _address(name: str, email: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    return address
