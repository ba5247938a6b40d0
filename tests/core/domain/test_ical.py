"""The one iCalendar writer (domain/ical.py): RFC 5545 §3.1 folding and §3.3.11
escaping, a VTIMEZONE for the TZID it names."""

from __future__ import annotations

import icalendar
import pendulum

from leaddesk.core.domain.ical import REQUEST, Meeting, calendar_text

NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")


def test_lines_fold_at_75_octets_and_text_is_escaped():
    summary = "Zoë, Renée; Åsa \\ " + "é" * 80
    meeting = Meeting(
        uid="u-1@example.com", start=NOW.add(days=2), minutes=30, zone="Europe/Paris",
        summary=summary, description="line one\nline two", sequence=3,
        organizer=("Sam", "sam@example.com"), attendee=("Zoë", "zoe@example.com"),
    )  # fmt: skip
    text = calendar_text([meeting], NOW, method=REQUEST)
    lines = text.split("\r\n")
    assert max(len(line.encode("utf-8")) for line in lines) <= 75
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Zoë\\, Renée\\; Åsa \\\\ " in unfolded
    assert "DESCRIPTION:line one\\nline two" in unfolded
    parsed = icalendar.Calendar.from_ical(text)
    [event] = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == summary and int(event["SEQUENCE"]) == 3
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert [str(t["TZID"]) for t in parsed.walk("VTIMEZONE")] == ["Europe/Paris"]
