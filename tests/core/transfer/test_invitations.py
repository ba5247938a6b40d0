"""Calendar invitations for appointments (issue 16 point 5) against a real SMTP
server on loopback, both engines: the REQUEST parsed back, a move, a cancel."""

from __future__ import annotations

import icalendar
import pytest

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.mail import MailSettings
from leaddesk.core.domain.record import replace
from leaddesk.core.store.models import Appointment, MailOutbox, Touch
from leaddesk.core.transfer.invitations import (
    cancelled_by,
    invitation_for,
    send_cancel,
    send_invitation,
)
from leaddesk.core.transfer.transport import MailError, transport_for
from leaddesk.core.writes.outcomes import log_outcome


@pytest.fixture
def mailing(settings, smtp_server):
    mail = MailSettings(
        sender="Tester <tester@example.com>", host="127.0.0.1", port=smtp_server.port,
        security="none",
    )  # fmt: skip
    return replace(settings, mail=mail)


def appointment(lead_id, mailing, now, days=2):
    logged = log_outcome(lead_id, "appointment", now, mailing, next_at=now.add(days=days).at(15))
    offer = invitation_for(logged.touch_id)
    assert offer is not None
    return offer


def calendar_of(msg):
    assert msg.get_content_type() == "multipart/alternative"
    plain, cal = msg.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert cal.get_content_type() == "text/calendar"
    method = cal.get_param("method")
    parsed = icalendar.Calendar.from_ical(cal.get_content())
    assert str(parsed["METHOD"]) == method
    [event] = parsed.walk("VEVENT")
    return parsed, event


def test_a_request_carries_uid_sequence_and_the_lead_zone(
    store, make_lead, mailing, now, smtp_server
):
    lead_id = make_lead("Dana Whitfield", email="dana@example.com", tz_override="America/Chicago")
    offer = appointment(lead_id, mailing, now)
    assert (offer.to, offer.update) == ("dana@example.com", False)
    sent = send_invitation(offer.appointment_id, now, mailing, transport_for(mailing.mail))
    [msg] = smtp_server.messages
    cal, event = calendar_of(msg)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == sent.uid and sent.uid.endswith("@example.com")
    assert int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert [str(t["TZID"]) for t in cal.walk("VTIMEZONE")] == ["America/Chicago"]
    stored = Appointment.get_by_id(offer.appointment_id)
    assert event["DTSTART"].dt.timestamp() == stored.at.timestamp()
    assert str(event["ORGANIZER"]) == "mailto:tester@example.com"
    assert str(event["ATTENDEE"]) == "mailto:dana@example.com"
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert "DTSTAMP" in event and "Dana Whitfield" in str(event["SUMMARY"])
    assert (stored.ical_uid, stored.ical_sequence) == (sent.uid, 0)
    touch = Touch.get_by_id(sent.touch_id)
    assert (touch.channel, touch.note, touch.message_id) == ("email", sent.subject, sent.message_id)
    assert msg["Subject"] == sent.subject


def test_a_move_is_the_same_uid_with_sequence_plus_one_and_a_cancel_follows(
    store, make_lead, mailing, now, smtp_server
):
    send = transport_for(mailing.mail)
    lead_id = make_lead("Dana Whitfield", email="dana@example.com")
    first = send_invitation(appointment(lead_id, mailing, now).appointment_id, now, mailing, send)
    later = now.add(minutes=5)
    offer = appointment(lead_id, mailing, later, days=3)
    assert offer.update
    moved = send_invitation(offer.appointment_id, later, mailing, send)
    assert (moved.uid, moved.sequence) == (first.uid, 1)
    _, event = calendar_of(smtp_server.messages[1])
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (first.uid, 1)
    assert Appointment.get_by_id(first.appointment_id).done  # the old time is replaced
    closed = log_outcome(lead_id, "lost", later.add(minutes=1), mailing, confirmed=True)
    [cancel_id] = cancelled_by(closed.touch_id)
    cancelled = send_cancel(cancel_id, later.add(minutes=2), mailing, send)
    cal, event = calendar_of(smtp_server.messages[2])
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (first.uid, 2) == (
        cancelled.uid, cancelled.sequence,
    )  # fmt: skip


def test_do_not_mail_gets_no_invitation(store, make_lead, mailing, now, smtp_server):
    lead_id = make_lead("Dana Whitfield", email="dana@example.com")
    log_outcome(lead_id, "dnm", now, mailing)
    logged = log_outcome(lead_id, "appointment", now, mailing, next_at=now.add(days=2).at(15))
    with pytest.raises(InvalidInput, match="asked not to be mailed"):
        invitation_for(logged.touch_id)
    [a] = Appointment.select().where(Appointment.touch == logged.touch_id)
    with pytest.raises(InvalidInput, match="asked not to be mailed"):
        send_invitation(a.id, now, mailing, transport_for(mailing.mail))
    assert smtp_server.messages == []


def test_a_refusal_keeps_the_appointment_and_logs_no_email(
    store, make_lead, mailing, now, smtp_server
):
    lead_id = make_lead("Dana Whitfield", email="dana@example.com")
    offer = appointment(lead_id, mailing, now)
    smtp_server.answer = "554 5.7.1 rejected"
    with pytest.raises(MailError, match=r"^not sent: 127\.0\.0\.1 answered 554"):
        send_invitation(offer.appointment_id, now, mailing, transport_for(mailing.mail))
    kept = Appointment.get_by_id(offer.appointment_id)
    assert (kept.done, kept.ical_uid) == (False, "")
    assert not Touch.select().where((Touch.lead == lead_id) & (Touch.channel == "email")).exists()
    assert not MailOutbox.select().exists()
