"""Reading the inbox: a local Maildir (stdlib `mailbox` layout, read in place) or
an IMAP folder. No database: the caller says which Message-IDs it has handled.

IMAP goes through the standard library's imaplib: the four commands used here
(LOGIN, SELECT read-only, UID SEARCH SINCE, UID FETCH BODY.PEEK) need no more,
and it is one dependency fewer. Nothing is deleted or flagged: the folder is
selected read-only and bodies are fetched with BODY.PEEK, so \\Seen stays as it was.
The password comes from `password_command` and is never logged or shown.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import re
import socket
import ssl
from collections.abc import Callable, Iterable
from email.parser import BytesHeaderParser
from pathlib import Path

from pendulum import DateTime

from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.domain.mail_in import MailIn
from leaddesk.core.transfer.secrets import PasswordCommandFailed, command_password

Known = Callable[[list[str]], set[str]]  # which of these Message-IDs were handled
LOOKBACK_DAYS = 30  # how far back a check looks: older mail was read by earlier checks
TIMEOUT_S = 30
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UID = re.compile(rb"UID (\d+)")


class MailboxError(LeadDeskError):
    """The inbox could not be read: one line, nothing written."""


def fetch_new(mail: MailIn, now: DateTime, known: Known) -> list[bytes]:
    """The raw messages of the last LOOKBACK_DAYS not handled yet (Maildir, then IMAP)."""
    found = []
    if mail.maildir:
        found += _maildir(Path(mail.maildir), now, known)
    if mail.imap_host:
        found += _imap(mail, now, known)
    return found


def _message_id(raw_headers: bytes) -> str:
    headers = BytesHeaderParser().parsebytes(raw_headers)
    return str(headers.get("Message-ID", "")).strip()


def _unknown(ids: dict[str, str], known: Known) -> list[str]:
    """Keys whose Message-ID was not handled (no Message-ID: always read)."""
    done = known([i for i in ids.values() if i])
    return [key for key, mid in ids.items() if not mid or mid not in done]


def _maildir(folder: Path, now: DateTime, known: Known) -> list[bytes]:
    if not (folder / "cur").is_dir() or not (folder / "new").is_dir():
        raise MailboxError(f"{folder} is not a Maildir (it needs cur/ and new/ folders)")
    since = now.subtract(days=LOOKBACK_DAYS).timestamp()
    files = {}
    for sub in ("new", "cur"):
        for entry in os.scandir(folder / sub):
            if (
                entry.is_file()
                and not entry.name.startswith(".")
                and entry.stat().st_mtime >= since
            ):
                with open(entry.path, "rb") as handle:
                    files[entry.path] = _message_id(_head(handle.read()))
    return [Path(path).read_bytes() for path in sorted(_unknown(files, known))]


def _head(raw: bytes) -> bytes:
    end = raw.find(b"\n\n")
    end2 = raw.find(b"\r\n\r\n")
    cut = min(e for e in (end, end2, len(raw)) if e >= 0)
    return raw[:cut]


def password(mail: MailIn) -> str:
    """Run `password_command` (its first line is the password)."""
    if not mail.password_command:
        raise MailboxError("[mail] imap_host needs password_command to get the password")
    try:
        return command_password(mail.password_command, TIMEOUT_S)
    except PasswordCommandFailed as exc:
        raise MailboxError(f"[mail] password_command {exc}") from None


def _connect(mail: MailIn) -> imaplib.IMAP4:
    where = f"{mail.imap_host}:{mail.port}"
    try:
        if mail.imap_security == "tls":
            context = ssl.create_default_context()
            return imaplib.IMAP4_SSL(
                mail.imap_host, mail.port, ssl_context=context, timeout=TIMEOUT_S
            )
        conn = imaplib.IMAP4(mail.imap_host, mail.port, timeout=TIMEOUT_S)
        if mail.imap_security == "starttls":
            conn.starttls(ssl.create_default_context())
        return conn
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"cannot reach the IMAP server {where}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return f"TLS failed ({exc.reason if isinstance(exc, ssl.SSLError) else exc})"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "no answer (timed out)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__


def _imap(mail: MailIn, now: DateTime, known: Known) -> list[bytes]:
    secret = password(mail)
    conn = _connect(mail)
    where = f"{mail.imap_host}:{mail.port}"
    try:
        try:
            conn.login(mail.imap_user, secret)
        except imaplib.IMAP4.error as exc:
            text = " ".join(str(exc).split())
            raise MailboxError(
                f"the IMAP server {where} refused {mail.imap_user}: {text}"
            ) from None
        return _imap_messages(conn, mail, now, known)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(
            f"reading {mail.imap_folder} on {where} failed: {_reason(exc)}"
        ) from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            conn.logout()


def _imap_messages(conn: imaplib.IMAP4, mail: MailIn, now: DateTime, known: Known) -> list[bytes]:
    folder = '"' + mail.imap_folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
    status, data = conn.select(folder, readonly=True)
    if status != "OK":
        raise MailboxError(f"no folder {mail.imap_folder!r} on {mail.imap_host}")
    day = now.subtract(days=LOOKBACK_DAYS)
    since = f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"  # RFC 3501 date, not locale
    status, data = conn.uid("SEARCH", "SINCE", since)
    uids = [u.decode() for u in (data[0] or b"").split()] if status == "OK" and data else []
    if not uids:
        return []
    ids = {
        uid: _message_id(body)
        for uid, body in _fetched(conn, uids, "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    }
    return [body for _uid, body in _fetched(conn, _unknown(ids, known), "(UID BODY.PEEK[])")]


def _fetched(conn: imaplib.IMAP4, uids: Iterable[str], what: str) -> list[tuple[str, bytes]]:
    wanted = list(uids)
    out: list[tuple[str, bytes]] = []
    for start in range(0, len(wanted), 200):
        status, data = conn.uid("FETCH", ",".join(wanted[start : start + 200]), what)
        if status != "OK":
            raise MailboxError(f"the IMAP server would not give the messages: {status}")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                match = _UID.search(item[0])
                if match:
                    out.append((match.group(1).decode(), bytes(item[1])))
    return out
