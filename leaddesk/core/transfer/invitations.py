"""Calendar invitations for appointments (issue 16): iTIP (RFC 5546) over email
(iMIP, RFC 6047), sent only when the rep says so (`a` then y in the desk,
`log … appointment --invite` on the command line).

One event per appointment, known to the lead's calendar by its UID (stored in
`appointment.ical_uid`) and versioned by SEQUENCE (`appointment.ical_sequence`):
- the first invitation is METHOD:REQUEST, SEQUENCE 0, a new UID;
- a new appointment set while an invited one is still open is a *move*: the
  new appointment takes the old one's UID with SEQUENCE + 1 (RFC 5546 §2.1.4: a
  REQUEST that changes the time increments it) and the old one is closed;
- a cancellation is METHOD:CANCEL with STATUS:CANCELLED, the same UID, SEQUENCE
  + 1 (§2.1.4: "MUST be incremented each time the Organizer uses the ... CANCEL
  methods"; §3.2.5).
Each goes through the outbox like any email (`mailing.through_outbox`): the email
touch (note = the subject, the Message-ID) and the UID/SEQUENCE are written only
after the server accepted the message; a refusal changes nothing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from email.utils import parseaddr

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.ical import CANCEL, REQUEST, Meeting, calendar_text
from leaddesk.core.domain.mail import Draft, build_invitation
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.store.db import tuples
from leaddesk.core.store.models import Appointment, Lead, Touch
from leaddesk.core.transfer.exporting import APPOINTMENT_MINUTES
from leaddesk.core.transfer.mailing import check_mailable, log_email, through_outbox, who
from leaddesk.core.transfer.transport import Send


@dataclass(frozen=True)
class Invitation:
    """What the rep is asked before anything is sent."""

    appointment_id: int
    lead_id: int
    to: str
    update: bool  # an invitation for this lead's earlier time exists: this moves it


@dataclass(frozen=True)
class Invited:
    lead_id: int
    appointment_id: int
    method: str  # REQUEST | CANCEL
    uid: str
    sequence: int
    to: str
    subject: str
    message_id: str
    touch_id: int


def _appointment(appointment_id: int) -> Appointment:
    found: Appointment | None = (
        Appointment.select(Appointment, Lead)
        .join(Lead)
        .where(Appointment.id == appointment_id)
        .first()
    )
    if found is None:
        raise InvalidInput(f"no appointment {appointment_id}")
    return found


def _earlier(a: Appointment) -> Appointment | None:
    """The lead's other open appointment an invitation went out for, if any."""
    found: Appointment | None = (
        Appointment.select()
        .where(
            (Appointment.lead == a.lead_id)
            & (Appointment.id != a.id)
            & (Appointment.done == False)  # noqa: E712
            & (Appointment.kind == "appointment")
            & (Appointment.ical_uid != "")
        )
        .order_by(Appointment.at.desc())
        .first()
    )
    return found


def invitation_for(touch_id: int) -> Invitation | None:
    """The appointment an `appointment` touch created, if its lead may be invited:
    None for a lead without an email address (nothing to ask), InvalidInput (one
    line, naming the lead) for one who may not be mailed."""
    found = Appointment.select(Appointment.id).where(
        (Appointment.touch == touch_id) & (Appointment.kind == "appointment")
    )
    ids = [i for (i,) in tuples(found)]
    if not ids:
        raise InvalidInput(f"touch {touch_id} set no appointment")
    a = _appointment(ids[0])
    if not a.lead.email:
        return None
    check_mailable(a.lead)
    return Invitation(a.id, a.lead_id, a.lead.email, update=_earlier(a) is not None)


def _organizer(settings: Settings) -> tuple[str, str]:
    name, address = parseaddr(settings.mail.sender)
    return (name or settings.rep_name, address)


def _meeting(
    a: Appointment, settings: Settings, uid: str, sequence: int, *, cancel: bool
) -> Meeting:
    lead = a.lead
    rep = settings.rep_name or _organizer(settings)[1]
    return Meeting(
        uid=uid,
        start=a.at,
        minutes=APPOINTMENT_MINUTES["appointment"],
        zone=lead.timezone or settings.rep_timezone,
        summary=f"{lead.name} and {rep}" + (f" ({lead.company})" if lead.company else ""),
        description=a.note,
        sequence=sequence,
        organizer=_organizer(settings),
        attendee=(lead.name, lead.email),
        cancelled=cancel,
    )


def _draft(a: Appointment, settings: Settings, *, cancel: bool, update: bool) -> Draft:
    lead = a.lead
    zone = lead.timezone or settings.rep_timezone
    # a letter to a person: the whole date, their wall clock, no abbreviations
    when = a.at.in_timezone(tz(zone)).format("dddd, MMMM D, YYYY [at] HH:mm")
    rep = settings.rep_name or _organizer(settings)[1]
    if cancel:
        subject = f"Cancelled: our appointment {when}"
        body = f"Hello {lead.name},\n\nour appointment {when} ({zone}) is cancelled.\n\n{rep}\n"
    else:
        subject = f"{'Moved' if update else 'Invitation'}: our appointment {when}"
        body = (
            f"Hello {lead.name},\n\n"
            + ("our appointment has moved to" if update else "this confirms our appointment")
            + f" {when} ({zone}).\nThe invitation is attached for your calendar.\n\n{rep}\n"
        )
    return Draft(lead.id, lead.email, subject, body, "invitation")


def send_invitation(appointment_id: int, now: DateTime, settings: Settings, send: Send) -> Invited:
    """METHOD:REQUEST for an open appointment (a move when the lead has an earlier
    invited one); logged as the lead's email touch once the server accepted it."""
    a = _appointment(appointment_id)
    earlier = None if a.ical_uid else _earlier(a)
    if a.ical_uid:
        uid, sequence = a.ical_uid, a.ical_sequence
    elif earlier is not None:
        uid, sequence = earlier.ical_uid, earlier.ical_sequence + 1
    else:
        uid, sequence = new_uid(settings.mail.sender), 0
    draft = _draft(a, settings, cancel=False, update=earlier is not None or sequence > 0)
    ics = calendar_text([_meeting(a, settings, uid, sequence, cancel=False)], now, method=REQUEST)
    msg = build_invitation(draft, ics, REQUEST, settings.mail.sender, now)

    def check(lead: Lead) -> None:
        check_mailable(lead)
        if Appointment.get_by_id(a.id).done:
            raise InvalidInput(f"not sent: {who(lead)}'s appointment is no longer open")

    def logged(message_id: str) -> Invited:
        Appointment.update(ical_uid=uid, ical_sequence=sequence).where(
            Appointment.id == a.id
        ).execute()
        if earlier is not None:
            _close_moved(earlier, a, now)
        touch_id = log_email(draft.lead_id, draft.subject, message_id, now, settings)
        return Invited(
            a.lead_id, a.id, REQUEST, uid, sequence, draft.to, draft.subject, message_id, touch_id
        )

    return through_outbox(msg, draft, now, send, check, logged, kind="invitation")


def send_cancel(appointment_id: int, now: DateTime, settings: Settings, send: Send) -> Invited:
    """METHOD:CANCEL for an appointment an invitation went out for."""
    a = _appointment(appointment_id)
    if not a.ical_uid:
        raise InvalidInput(f"not sent: no invitation went out for appointment {a.id}")
    sequence = a.ical_sequence + 1
    draft = _draft(a, settings, cancel=True, update=False)
    ics = calendar_text(
        [_meeting(a, settings, a.ical_uid, sequence, cancel=True)], now, method=CANCEL
    )
    msg = build_invitation(draft, ics, CANCEL, settings.mail.sender, now)

    def check(lead: Lead) -> None:
        # a closed lead may still be told its appointment is off; its own requests win
        if lead.do_not_mail or not lead.email or lead.email_bad:
            check_mailable(lead)

    def logged(message_id: str) -> Invited:
        Appointment.update(ical_sequence=sequence).where(Appointment.id == a.id).execute()
        touch_id = log_email(draft.lead_id, draft.subject, message_id, now, settings)
        return Invited(
            a.lead_id, a.id, CANCEL, a.ical_uid, sequence, draft.to, draft.subject, message_id,
            touch_id,
        )  # fmt: skip

    return through_outbox(msg, draft, now, send, check, logged, kind="invitation")


def cancelled_by(touch_id: int) -> list[int]:
    """The invited appointments a touch closed without them being held (closing
    the lead as lost ends every open promise): each gets a CANCEL if the rep says so."""
    touch = Touch.get_or_none(Touch.id == touch_id)
    if touch is None or touch.outcome != "lost" or not touch.before:
        return []
    closed = json.loads(touch.before).get("closed", [])  # what undo would reopen: exact
    query = Appointment.select(Appointment.id).where(
        Appointment.id.in_(closed) & (Appointment.ical_uid != "")
    )
    return [i for (i,) in tuples(query.order_by(Appointment.id))]


def _close_moved(earlier: Appointment, moved_to: Appointment, now: DateTime) -> None:
    """The earlier time is replaced, not held: closed, its event handed on (the UID
    now belongs to the new time, so a later cancel names it once), and the lead's
    promise moves with it."""
    Appointment.update(done=True, done_at=now, ical_uid="").where(
        Appointment.id == earlier.id
    ).execute()
    lead = Lead.get_by_id(moved_to.lead_id)
    if lead.next_due_at == earlier.at:
        Lead.update(next_due_at=moved_to.at).where(Lead.id == lead.id).execute()


def new_uid(sender: str) -> str:
    """A globally unique UID (RFC 5545 §3.8.4.7) on the sender's domain."""
    domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "leaddesk.invalid"
    return f"{uuid.uuid4()}@{domain}"
