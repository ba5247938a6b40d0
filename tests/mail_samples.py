"""Messages as they arrive in an inbox: a reply, an out-of-office, a real DSN
bounce (RFC 3464 shape, as Postfix writes it), a classic MAILER-DAEMON bounce,
and a request to unsubscribe."""

from __future__ import annotations

REP = "rep@leaddesk.test"


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def reply(sender: str, message_id: str, in_reply_to: str = "", subject: str = "Re: roof") -> bytes:
    refs = f"In-Reply-To: {in_reply_to}\nReferences: {in_reply_to}\n" if in_reply_to else ""
    return _crlf(
        f"From: Lead <{sender}>\nTo: {REP}\nSubject: {subject}\nMessage-ID: {message_id}\n"
        f"Date: Mon, 23 Nov 2026 14:00:00 -0500\n{refs}\n"
        "Sounds good, can you call me tomorrow?\n\n"
        "On Mon, Nov 23, 2026 Rep wrote:\n> Hi!\n> To unsubscribe reply with unsubscribe.\n"
    )


def out_of_office(sender: str, message_id: str, in_reply_to: str = "") -> bytes:
    return _crlf(
        f"From: {sender}\nTo: {REP}\nSubject: Out of Office: roof\nMessage-ID: {message_id}\n"
        f"Auto-Submitted: auto-replied\nIn-Reply-To: {in_reply_to or '<none@x>'}\n\n"
        "I am away until Monday.\n"
    )


def dsn_bounce(failed: str, message_id: str, original_id: str) -> bytes:
    return _crlf(
        f"""From: MAILER-DAEMON@mx.leaddesk.test (Mail Delivery System)
To: {REP}
Subject: Undelivered Mail Returned to Sender
Message-ID: {message_id}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"

--BOUND
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

<{failed}>: host mx.example.com said: 550 5.1.1 User unknown

--BOUND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.leaddesk.test
Arrival-Date: Mon, 23 Nov 2026 13:00:00 -0500

Final-Recipient: rfc822; {failed}
Original-Recipient: rfc822;{failed}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--BOUND
Content-Type: text/rfc822-headers

From: {REP}
To: {failed}
Subject: roof
Message-ID: {original_id}

--BOUND--
"""
    )


def classic_bounce(failed: str, message_id: str) -> bytes:
    return _crlf(
        f"From: MAILER-DAEMON@mail.example.net\nTo: {REP}\nSubject: failure notice\n"
        f"Message-ID: {message_id}\n\n"
        "Hi. This is the qmail-send program. I'm afraid I wasn't able to deliver\n"
        f"your message to the following addresses.\n\n<{failed}>:\nSorry, no mailbox here.\n"
    )


def unsubscribe(sender: str, message_id: str, in_reply_to: str = "") -> bytes:
    return _crlf(
        f"From: {sender}\nTo: {REP}\nSubject: Re: roof\nMessage-ID: {message_id}\n"
        f"In-Reply-To: {in_reply_to or '<none@x>'}\n\nPlease remove me from your list.\n"
    )


def to_unsubscribe_mailbox(sender: str, message_id: str) -> bytes:
    return _crlf(
        f"From: {sender}\nTo: rep+unsubscribe@leaddesk.test\nSubject: unsubscribe\n"
        f"Message-ID: {message_id}\n\n"
    )
