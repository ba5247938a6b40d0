"""What an incoming email is: a reply, an automatic reply, a bounce, or a request
to stop mailing. Pure: the standard library's email parser, no database, no network.

Sources for the header rules (checked 2026-12-06):
- RFC 3834 ("Recommendations for Automatic Responses to Electronic Mail", §5):
  `Auto-Submitted` with any value other than "no" (auto-replied, auto-generated;
  auto-notified from RFC 5436) marks mail a program sent, not a person.
  `Precedence: bulk/junk/auto_reply` and `X-Autoreply`/`X-Autorespond` are the
  older conventions many responders (and Exchange's X-Auto-Response-Suppress)
  still set; subjects such as "Out of Office" cover those that set nothing.
- RFC 3464 (DSN) inside RFC 3462/6522 `multipart/report; report-type=delivery-status`:
  a `message/delivery-status` part holds per-recipient fields `Final-Recipient:
  rfc822; addr`, `Action: failed|delayed|delivered|relayed|expanded`, `Status:
  5.1.1`. Only `failed` is a bounce; a `delayed` notice is automatic mail only.
- Classic bounces (qmail, older Sendmail/Exchange): sent by MAILER-DAEMON or
  postmaster with a subject such as "Undelivered Mail Returned to Sender".
- RFC 2369 `List-Unsubscribe: <mailto:…>`: mail sent to that mailbox (its local
  part `unsubscribe` or `…+unsubscribe`) asks to stop, whatever it says.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

REPLY, AUTO_REPLY, BOUNCE, UNSUBSCRIBE = "reply", "auto_reply", "bounce", "unsubscribe"
KINDS = (REPLY, AUTO_REPLY, BOUNCE, UNSUBSCRIBE)

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|auto:|out of (the )?office|"
    r"abwesenheit|r[ée]ponse automatique|vacation reply|away from (the )?office)",
    re.IGNORECASE,
)
_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"(undeliver|returned mail|delivery (status notification \(failure\)|failure|has failed)|"
    r"failure notice|mail delivery (failed|subsystem))",
    re.IGNORECASE,
)
_STOP_WORDS = re.compile(
    r"\b(unsubscribe|remove me|take me off|stop (e-?mailing|sending|contacting)|opt(ed)? out|"
    r"no more e-?mails?)\b",
    re.IGNORECASE,
)
# Where a reply's own words end and the quoted message begins.
_QUOTE_START = re.compile(r"^(on .+ wrote:|-+ ?original message ?-+|from: )", re.IGNORECASE)


@dataclass(frozen=True)
class Incoming:
    """One message read from the inbox, classified."""

    message_id: str
    kind: str  # one of KINDS
    sender: str  # the From address, lower case
    subject: str
    refs: tuple[str, ...]  # Message-IDs it answers (a bounce: the returned message's)
    bounced: tuple[str, ...] = ()  # addresses a bounce says failed, lower case
    status: str = ""  # a DSN's Status (5.1.1)


def parse_message(raw: bytes) -> Incoming:
    """Classify one raw message (RFC 5322 bytes)."""
    msg = BytesParser(policy=policy.compat32).parsebytes(raw)
    message_id = _first_id(msg.get("Message-ID", "")) or _made_up_id(raw)
    sender = parseaddr(str(msg.get("From", "")))[1].lower()
    subject = " ".join(_header(msg, "Subject").split())
    refs = _ids(msg)
    bounce = _bounce(msg, sender, subject)
    if bounce is not None:
        return bounce_of(message_id, sender, subject, refs, *bounce)
    if _automatic(msg, subject):
        return Incoming(message_id, AUTO_REPLY, sender, subject, refs)
    if _to_unsubscribe_mailbox(msg) or _asks_to_stop(msg, subject):
        return Incoming(message_id, UNSUBSCRIBE, sender, subject, refs)
    return Incoming(message_id, REPLY, sender, subject, refs)


def bounce_of(
    message_id: str,
    sender: str,
    subject: str,
    refs: tuple[str, ...],
    failed: tuple[str, ...] | None,
    returned: tuple[str, ...],
    status: str,
) -> Incoming:
    """A bounce; a DSN whose recipients were only delayed (`failed` None) is automatic mail."""
    if failed is None:
        return Incoming(message_id, AUTO_REPLY, sender, subject, refs)
    return Incoming(message_id, BOUNCE, sender, subject, returned or refs, failed, status)


def _header(msg: Message, name: str) -> str:
    value = msg.get(name, "")
    try:
        return str(policy.default.header_factory(name, str(value)))
    except Exception:  # a malformed encoded word: the raw text will do
        return str(value)


def _first_id(text: str) -> str:
    found = _MESSAGE_ID.findall(str(text))
    return found[0] if found else ""


def _made_up_id(raw: bytes) -> str:
    # A message without a Message-ID is still remembered: by its content.
    return f"<{hashlib.sha256(raw).hexdigest()[:32]}@no-message-id.invalid>"


def _ids(msg: Message) -> tuple[str, ...]:
    text = f"{msg.get('In-Reply-To', '')} {msg.get('References', '')}"
    return tuple(dict.fromkeys(_MESSAGE_ID.findall(text)))


def _automatic(msg: Message, subject: str) -> bool:
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and not auto.startswith("no"):
        return True
    if msg.get("X-Autoreply") or msg.get("X-Autorespond") or msg.get("X-Auto-Response-Suppress"):
        return True
    if str(msg.get("Precedence", "")).strip().lower() in ("bulk", "junk", "auto_reply"):
        return True
    return bool(_AUTO_SUBJECT.match(subject))


def _bounce(
    msg: Message, sender: str, subject: str
) -> tuple[tuple[str, ...] | None, tuple[str, ...], str] | None:
    """(failed addresses or None when only delayed, the returned message's ids, status)."""
    if msg.get_content_type() == "multipart/report" and (
        str(msg.get_param("report-type", "")).lower() == "delivery-status"
    ):
        return _dsn(msg)
    if _BOUNCE_SENDER.match(sender) or (
        _BOUNCE_SUBJECT.search(subject) and str(msg.get("Return-Path", "")).strip() == "<>"
    ):
        text = _all_text(msg)
        failed = tuple(
            dict.fromkeys(a.lower() for a in _ADDRESS.findall(text) if a.lower() != sender)
        )
        returned = tuple(
            dict.fromkeys(
                _first_id(line.split(":", 1)[1])
                for line in text.splitlines()
                if line.lower().startswith("message-id:") and _first_id(line)
            )
        )
        return failed, returned, ""
    return None


def _dsn(msg: Message) -> tuple[tuple[str, ...] | None, tuple[str, ...], str]:
    failed: list[str] = []
    status = ""
    returned: tuple[str, ...] = ()
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for fields in _status_groups(part):
                if fields.get("action", "").lower() != "failed":
                    continue
                address = fields.get("final-recipient") or fields.get("original-recipient", "")
                failed.append(address.split(";", 1)[-1].strip().strip("<>").lower())
                status = status or fields.get("status", "")
        elif kind in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            returned = _returned_ids(part) or returned
    return (tuple(dict.fromkeys(failed)) or None), returned, status


def _status_groups(part: Message) -> list[dict[str, str]]:
    """The field groups of a message/delivery-status part (the first is per message)."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the parser splits the groups into sub-messages
        subs = [sub for sub in payload if isinstance(sub, Message)]
        return [{k.lower(): str(v).strip() for k, v in sub.items()} for sub in subs]
    groups: list[dict[str, str]] = [{}]
    for line in str(payload).splitlines():
        if not line.strip():
            if groups[-1]:
                groups.append({})
            continue
        if ":" in line and not line[0].isspace():
            name, value = line.split(":", 1)
            groups[-1][name.strip().lower()] = value.strip()
    return groups


def _returned_ids(part: Message) -> tuple[str, ...]:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(inner, Message):
        found = _first_id(inner.get("Message-ID", ""))
    else:
        text = str(payload)
        found = next(
            (
                _first_id(line)
                for line in text.splitlines()
                if line.lower().startswith("message-id:")
            ),
            "",
        )
    return (found,) if found else ()


def _to_unsubscribe_mailbox(msg: Message) -> bool:
    headers = [str(v) for name in ("To", "Cc", "Delivered-To") for v in msg.get_all(name, [])]
    for _name, address in getaddresses(headers):
        local = address.split("@", 1)[0].lower()
        if local == "unsubscribe" or local.endswith(("+unsubscribe", "-unsubscribe")):
            return True
    return False


def _asks_to_stop(msg: Message, subject: str) -> bool:
    if _STOP_WORDS.search(re.sub(r"^\s*(re|aw|sv|fwd?)\s*:\s*", "", subject, flags=re.I)):
        return True
    return bool(_STOP_WORDS.search(own_words(_first_text(msg))))


def own_words(text: str) -> str:
    """The reply's own lines: before the quoted message, without `>` lines (our
    own footer, quoted back, must not read as the lead asking to stop)."""
    kept = []
    for line in text.splitlines():
        if _QUOTE_START.match(line.strip()):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    return "\n".join(kept)


def _first_text(msg: Message) -> str:
    for part in msg.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            return _decoded(part)
    return ""


def _all_text(msg: Message) -> str:
    return "\n".join(
        _decoded(part) if not part.is_multipart() else ""
        for part in msg.walk()
        if part.get_content_maintype() in ("text", "message")
    )


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            return payload.decode("utf-8", errors="replace")
    inner = part.get_payload()
    if isinstance(inner, list):
        return "\n".join(str(m) for m in inner if isinstance(m, Message | EmailMessage))
    return str(inner)
