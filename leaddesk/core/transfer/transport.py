"""Handing a message to the rep's mail server: SMTP or a sendmail-style command.

Every failure is one MailError line that says nothing was sent and never holds
the password (it is masked even if a server echoes it back).
"""

from __future__ import annotations

import shlex
import smtplib
import ssl
import subprocess
from collections.abc import Callable
from email.message import EmailMessage

from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.domain.mail import MailSettings
from leaddesk.core.transfer.secrets import PasswordCommandFailed, command_password

SMTP_TIMEOUT_S = 30
COMMAND_TIMEOUT_S = 60

Send = Callable[[EmailMessage], None]


class MailError(LeadDeskError):
    """The message was not accepted: nothing was sent, nothing is logged."""


class MailUnavailable(MailError):
    """No message can go out now (server unreachable, login refused): a batch stops."""


def transport_for(mail: MailSettings) -> Send:
    """The configured way to send; MailError when none is ([mail] host or
    sendmail_command, and from)."""
    if not mail.sender:
        raise MailError("not sent: [mail] from is not set in the config")
    if mail.sendmail_command:
        return lambda msg: _sendmail(msg, mail.sendmail_command)
    if mail.host:
        return lambda msg: _smtp(msg, mail)
    raise MailError("not sent: set [mail] host (SMTP) or sendmail_command in the config")


def password(mail: MailSettings) -> str:
    """The first line `password_command` prints, else the keyring's entry for
    (leaddesk, user), else "" (a server that needs none)."""
    if mail.password_command:
        try:
            return command_password(mail.password_command, COMMAND_TIMEOUT_S)
        except PasswordCommandFailed as exc:
            raise MailUnavailable(f"not sent: [mail] password_command {exc}") from None
    try:
        import keyring  # type: ignore[import-not-found]  # optional: the system keyring
    except ImportError:
        return ""
    try:
        found = keyring.get_password("leaddesk", mail.user)
    except Exception as exc:  # any keyring backend's failure: say it, send nothing
        raise MailUnavailable(
            f"not sent: the keyring could not be read ({type(exc).__name__})"
        ) from None
    return str(found or "")


def _smtp(msg: EmailMessage, mail: MailSettings) -> None:
    secret = password(mail) if mail.user else ""
    host, port = mail.host, mail.port_or_default
    try:
        context = ssl.create_default_context()
        if mail.security == "tls":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=SMTP_TIMEOUT_S, context=context
            )
        else:
            server = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_S)
        with server:
            if mail.security == "starttls":
                server.starttls(context=context)
            if mail.user:
                server.login(mail.user, secret)
            refused = server.send_message(msg)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailUnavailable(
            f"not sent: {host} refused the login for {mail.user} ({_reply(exc)})"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(
            f"not sent: {host} refused the address {msg['To']} ({_first(exc)})"
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"not sent: {host} answered {_reply(exc)}") from None
    except (smtplib.SMTPException, OSError) as exc:
        said = _masked(str(exc) or type(exc).__name__, secret)
        raise MailUnavailable(f"not sent: cannot reach {host}:{port} ({said})") from None
    if refused:
        raise MailError(f"not sent: {host} refused {', '.join(refused)}")


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
    return f"{exc.smtp_code} {' '.join(text.split())}".strip()


def _first(exc: smtplib.SMTPRecipientsRefused) -> str:
    for code, text in exc.recipients.values():
        return f"{code} {text.decode('utf-8', 'replace')}"
    return "refused"


def _masked(text: str, secret: str) -> str:
    return text.replace(secret, "********") if secret else text


def _sendmail(msg: EmailMessage, command: str) -> None:
    try:
        done = subprocess.run(
            shlex.split(command),
            input=msg.as_bytes(),
            capture_output=True,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise MailError(f"not sent: [mail] sendmail_command failed ({exc})") from None
    if done.returncode != 0:
        said = " ".join(done.stderr.decode("utf-8", "replace").split())[:200]
        raise MailError(
            f"not sent: [mail] sendmail_command exited with status {done.returncode}"
            + (f" ({said})" if said else "")
        )
