"""Email steps that send themselves (issue 16): render a lead's template, hand the
message to the server, log the touch.

The crash window between "the server accepted it" and "the touch is committed"
is guarded by the outbox (`MailOutbox`, migration 0015): a row with our
Message-ID is committed *before* the hand-off and marked sent, in the same
transaction as the touch, right after. A failure the server reports deletes the
row (nothing was sent). A row left neither sent nor deleted means the program
died mid-send: that lead is listed as unconfirmed and left out of every batch
— the rep looks in their Sent folder and either lets it be or sends again with
`mail send ID --resend` — so nothing is ever sent twice blindly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import IO, TypeVar

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.mail import Draft, build_message
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.templates import Template, pick, render, template_for
from leaddesk.core.domain.tz import tz
from leaddesk.core.reads.leads import get_lead
from leaddesk.core.store.db import atomic_write, lock_row
from leaddesk.core.store.models import Appointment, Lead, MailOutbox
from leaddesk.core.transfer.transport import MailError, MailUnavailable, Send
from leaddesk.core.writes.outcomes import log_outcome

CLOSED = ("lost", "bad")
T = TypeVar("T")


@dataclass(frozen=True)
class Sent:
    lead_id: int
    message_id: str
    subject: str
    touch_id: int
    to: str = ""


@dataclass(frozen=True)
class Unconfirmed:
    """A message handed to the server whose outcome a crash hid."""

    lead_id: int
    message_id: str
    subject: str
    created_at: DateTime


@dataclass(frozen=True)
class DueMail:
    drafts: list[Draft]
    problems: list[str]  # one line each: a lead whose message cannot be rendered
    unconfirmed: list[Unconfirmed]


def lead_values(lead: Lead, settings: Settings, now: DateTime) -> dict[str, str]:
    """The merge fields of `lead` (domain.templates.FIELDS)."""
    words = lead.name.split()
    today = now.in_timezone(tz(settings.rep_timezone))
    return {
        "first_name": words[0] if words else "",
        "last_name": words[-1] if len(words) > 1 else "",
        "name": lead.name,
        "company": lead.company,
        "title": lead.title,
        "email": lead.email,
        "interest": lead.interest,
        "source": lead.source,
        "city": lead.city,
        "region": lead.region,
        "address": lead.address,
        "postcode": lead.postcode,
        "country": lead.country,
        "rep_name": settings.rep_name,
        "date": f"{today.format('MMMM')} {today.day}, {today.year}",
    }


def who(lead: Lead) -> str:
    return f"lead {lead.id} ({lead.name})"


def template_of(lead: Lead, templates: dict[str, Template], channel: str) -> Template:
    return template_for(templates, lead.cadence, lead.cadence_step, lead.status, channel)


def check_mailable(lead: Lead) -> None:
    """The lead's own request wins: InvalidInput when it may not be emailed."""
    if lead.do_not_mail:
        raise InvalidInput(f"not sent: {who(lead)} asked not to be mailed")
    if not lead.email:
        raise InvalidInput(f"not sent: {who(lead)} has no email address")
    if lead.email_bad:
        raise InvalidInput(f"not sent: {who(lead)}'s address {lead.email} bounced")
    if lead.status in CLOSED:
        raise InvalidInput(f"not sent: {who(lead)} is closed ({lead.status})")


def draft_of(
    lead: Lead,
    templates: dict[str, Template],
    settings: Settings,
    now: DateTime,
    template_name: str | None = None,
) -> Draft:
    """The lead's next email, rendered; InvalidInput for a lead that may not be
    mailed or a field that is empty for it."""
    check_mailable(lead)
    if template_name:
        template = pick(templates, template_name)
    else:
        template = template_of(lead, templates, "email")
    done = render(template, lead_values(lead, settings, now), who(lead))
    return Draft(lead.id, lead.email, done.subject, done.body, template.name)


def draft_for(
    lead_id: int,
    templates: dict[str, Template],
    settings: Settings,
    now: DateTime,
    template_name: str | None = None,
) -> Draft:
    return draft_of(get_lead(lead_id), templates, settings, now, template_name)


def unconfirmed() -> list[Unconfirmed]:
    rows = MailOutbox.select().where(MailOutbox.sent_at.is_null()).order_by(MailOutbox.id)
    return [Unconfirmed(r.lead_id, r.message_id, r.subject, r.created_at) for r in rows]


def awaiting_answer() -> pw.Select:
    """The leads who wrote back and wait for the rep's own answer (an open reply
    promise): a batch's template step must not answer them."""
    return Appointment.select(Appointment.lead).where(
        (Appointment.kind == "reply") & (Appointment.done == False)  # noqa: E712
    )


def email_due(
    until: DateTime, now: DateTime, settings: Settings, templates: dict[str, Template]
) -> DueMail:
    """Every email step due by `until` that may be sent, rendered; the leads whose
    template cannot be filled in are problems (never sent with a blank)."""
    pending = unconfirmed()
    held = {p.lead_id for p in pending}
    query = (
        Lead.select()
        .where(
            Lead.priority.is_null(False)
            & (Lead.next_channel == "email")
            & (Lead.next_due_at <= until)
            & (Lead.do_not_mail == False)  # noqa: E712
            & (Lead.email_bad == False)  # noqa: E712
            & (Lead.email != "")
            & Lead.status.not_in(CLOSED)
            & Lead.id.not_in(awaiting_answer())
        )
        .order_by(Lead.next_due_at, Lead.id)
    )
    drafts, problems = [], []
    for lead in query:
        if lead.id in held:
            continue
        try:
            drafts.append(draft_of(lead, templates, settings, now))
        except InvalidInput as exc:
            problems.append(str(exc))
    return DueMail(drafts, problems, pending)


def send_draft(
    draft: Draft,
    now: DateTime,
    settings: Settings,
    send: Send,
    *,
    due_by: DateTime | None = None,
    resend: bool = False,
) -> Sent:
    """Send one rendered message and log it as the lead's email touch.

    `due_by` (a batch) re-checks that the lead's email step is still due, so a
    resumed batch never sends a step twice; `resend` drops an unconfirmed
    outbox row of this lead first (the rep checked it did not go out).
    """
    msg = build_message(draft, settings.mail.sender, now)

    def check(lead: Lead) -> None:
        check_mailable(lead)  # asked not to be mailed since the draft was made: not sent
        if lead.email != draft.to:
            raise InvalidInput(f"not sent: {who(lead)}'s address changed; render it again")
        if due_by is not None and not (
            lead.next_channel == "email"
            and lead.next_due_at is not None
            and lead.next_due_at <= due_by
            and lead.priority is not None
        ):
            raise InvalidInput(f"not sent: {who(lead)}'s email step is no longer due")
        if due_by is not None and awaiting_answer().where(Appointment.lead == lead.id).exists():
            raise InvalidInput(f"not sent: {who(lead)} wrote back; answer them yourself")

    def logged(message_id: str) -> Sent:
        touch_id = log_email(draft.lead_id, draft.subject, message_id, now, settings)
        return Sent(draft.lead_id, message_id, draft.subject, touch_id, draft.to)

    return through_outbox(msg, draft, now, send, check, logged, resend=resend)


def log_email(
    lead_id: int, subject: str, message_id: str, now: DateTime, settings: Settings
) -> int:
    """The email touch of a message the server accepted; its touch id."""
    logged = log_outcome(lead_id, "email", now, settings, note=subject, message_id=message_id)
    MailOutbox.update(sent_at=now, touch=logged.touch_id).where(
        MailOutbox.message_id == message_id
    ).execute()
    return logged.touch_id


def through_outbox(
    msg: EmailMessage,
    draft: Draft,
    now: DateTime,
    send: Send,
    check: Callable[[Lead], None],
    logged: Callable[[str], T],
    *,
    kind: str = "email",
    resend: bool = False,
) -> T:
    """Hand `msg` to the server between two commits: the outbox row before (after
    `check` passed on the locked lead), `logged(message_id)` right after the
    server accepted it. A refusal deletes the row and re-raises: nothing logged."""
    message_id = str(msg["Message-ID"])

    def hold() -> None:
        lock_row(Lead, draft.lead_id)
        lead = get_lead(draft.lead_id)
        check(lead)
        open_rows = MailOutbox.select().where(
            (MailOutbox.lead == lead.id) & MailOutbox.sent_at.is_null()
        )
        if open_rows.exists():
            if not resend:
                raise InvalidInput(
                    f"not sent: a message to {who(lead)} may have gone out already "
                    f"(unconfirmed since a crash); check your Sent folder, then "
                    f"`leaddesk mail send {lead.id} --resend` sends it again"
                )
            MailOutbox.delete().where(
                (MailOutbox.lead == lead.id) & MailOutbox.sent_at.is_null()
            ).execute()
        MailOutbox.create(
            lead=lead.id,
            message_id=message_id,
            kind=kind,
            recipient=draft.to,
            subject=draft.subject,
            created_at=now,
        )

    atomic_write(hold)
    try:
        send(msg)
    except Exception:
        # The server said no (or we never reached it): nothing went out. An
        # interrupt (ctrl+c) or a kill leaves the row: whether it went out is unknown.
        atomic_write(MailOutbox.delete().where(MailOutbox.message_id == message_id).execute)
        raise
    return atomic_write(lambda: logged(message_id))


@dataclass(frozen=True)
class BatchResult:
    sent: list[Sent]
    skipped: list[str]  # one line each: not sent, and why


def send_batch(
    drafts: Sequence[Draft],
    until: DateTime,
    now: Callable[[], DateTime],
    settings: Settings,
    send: Send,
    *,
    sleep: Callable[[float], None],
    monotonic: Callable[[], float],
    progress: Callable[[Draft, str], None] = lambda d, s: None,
) -> BatchResult:
    """Send `drafts` one by one, each its own touch committed right after the
    server accepts it, at most `[mail] per_minute` a minute (`sleep` and
    `monotonic` injected, so tests never wait). A refused message is skipped
    with its reason; a server that cannot be reached stops the batch (what was
    sent stays sent, and running it again sends only the rest)."""
    gap = 60.0 / max(settings.mail.per_minute, 1)
    last: float | None = None
    sent: list[Sent] = []
    skipped: list[str] = []
    for draft in drafts:
        if last is not None:
            wait = gap - (monotonic() - last)
            if wait > 0:
                sleep(wait)
        last = monotonic()
        try:
            sent.append(send_draft(draft, now(), settings, send, due_by=until))
            progress(draft, "sent")
        except InvalidInput as exc:
            skipped.append(str(exc))
            progress(draft, "skipped")
        except MailUnavailable:
            raise
        except MailError as exc:
            skipped.append(f"lead {draft.lead_id}: {exc}")
            progress(draft, "refused")
    return BatchResult(sent, skipped)


# Between letters: a cut line (a form feed would be neutralised on a terminal,
# as every control character leaddesk prints is).
LETTER_BREAK = "\n" + "-" * 72 + "\n\n"


def write_letter_texts(
    out: IO[str],
    lead_ids: Sequence[int],
    templates: dict[str, Template],
    settings: Settings,
    now: DateTime,
) -> int:
    """The letters due as printable text, one rendered letter per lead (the
    lead's letter template), separated by a cut line. Every letter is rendered
    before any is written: one that cannot be (an empty field) refuses the lot,
    so `--mark-sent` never logs a letter that was not printed."""
    leads = {lead.id: lead for lead in Lead.select().where(Lead.id.in_(list(lead_ids)))}
    texts = []
    for lead_id in lead_ids:
        lead = leads[lead_id]
        template = template_of(lead, templates, "letter")
        done = render(template, lead_values(lead, settings, now), who(lead))
        texts.append(done.body)
    out.write(LETTER_BREAK.join(texts))
    return len(texts)
