"""Sending mail as the rep (issue 16): the `[mail]` settings and the message itself.

Pure values and message building; the transports (SMTP, a sendmail command) are
in `core.transfer.transport`, the outbox and the touches in `core.transfer.mailing`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pendulum import DateTime

from leaddesk.core.domain.record import Record

if TYPE_CHECKING:
    from email.message import EmailMessage

# The `email` package (~3 ms to import) loads when a message is built: the settings
# import this module, and commands that send nothing (`due`, `log`) should not pay it.

SECURITIES = ("none", "starttls", "tls")


class MailSettings(Record):
    """`[mail]` of config.toml. The password is never here: `password_command`
    prints it, else the system keyring holds it (service "leaddesk", the user)."""

    sender: str = ""  # `from`: "Dana Whitfield <dana@example.com>" or a bare address
    host: str = ""
    port: int = 0  # 0 = the usual port of `security` (25, 587, 465)
    security: str = "starttls"
    user: str = ""
    password_command: str = ""
    sendmail_command: str = ""  # reads the message on stdin, e.g. "/usr/sbin/sendmail -t -i"
    per_minute: int = 20  # batches wait between sends so a provider's limits hold
    templates_dir: str = ""  # the config folder's templates/ (set by the CLI)

    @property
    def configured(self) -> bool:
        """A transport is set: `e` and `mail send` send; else `e` only logs."""
        return bool(self.sender and (self.host or self.sendmail_command))

    @property
    def port_or_default(self) -> int:
        # RFC 8314 §3.3: implicit TLS submission, default port 465; RFC 6409 (abstract):
        # submission normally over port 587 (STARTTLS); 25: plain SMTP relay.
        return self.port or {"tls": 465, "starttls": 587}.get(self.security, 25)


class Draft(Record):
    """A rendered message for one lead, before it is sent."""

    lead_id: int
    to: str
    subject: str
    body: str
    template: str


def build_message(
    draft: Draft, sender: str, now: DateTime, *, message_id: str = ""
) -> EmailMessage:
    """The message as it goes out, with a Message-ID of our own (replies find the
    lead by it, and the outbox knows the message by it)."""
    from email.message import EmailMessage
    from email.utils import format_datetime

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = draft.to
    msg["Subject"] = draft.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id or new_message_id(sender)
    msg.set_content(draft.body)
    return msg


def new_message_id(sender: str) -> str:
    """A unique Message-ID (RFC 5322 §3.6.4) on the sender's domain."""
    from email.utils import make_msgid

    domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "leaddesk.invalid"
    return make_msgid("leaddesk", domain=domain)


def address_of(name: str, email: str) -> str:
    from email.utils import formataddr

    return formataddr((name, email)) if name else email


def build_invitation(
    draft: Draft, calendar: str, method: str, sender: str, now: DateTime
) -> EmailMessage:
    """An iMIP message (RFC 6047 §2.4): the text for a person, then the same event
    as text/calendar whose `method` parameter repeats the calendar's METHOD, as
    multipart/alternative so a mail client shows its accept/decline buttons."""
    msg = build_message(draft, sender, now)
    msg.add_alternative(calendar, subtype="calendar", params={"method": method})
    return msg
