"""What an incoming email is (core/domain/inbox.py): pure, no server."""

from __future__ import annotations

import mail_samples as mail
import pytest

from leaddesk.core.domain.inbox import AUTO_REPLY, BOUNCE, REPLY, UNSUBSCRIBE, parse_message


def test_a_reply_keeps_its_id_the_ids_it_answers_and_its_sender():
    item = parse_message(mail.reply("Dana@Example.com", "<r1@example.com>", "<s1@leaddesk>"))
    assert item.kind == REPLY
    assert item.message_id == "<r1@example.com>"
    assert item.refs == ("<s1@leaddesk>",)
    assert item.sender == "dana@example.com"
    assert item.subject == "Re: roof"


def test_our_footer_quoted_back_is_not_a_request_to_unsubscribe():
    # the sample reply quotes "To unsubscribe reply with unsubscribe." under "> "
    assert parse_message(mail.reply("a@example.com", "<r@x>")).kind == REPLY


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated",
        "X-Autoreply: yes",
        "Precedence: bulk",
        "Precedence: auto_reply",
    ],
)
def test_automatic_mail_by_its_headers(header):
    raw = f"From: a@example.com\r\nSubject: Re: roof\r\nMessage-ID: <a@x>\r\n{header}\r\n\r\nhi\r\n"
    assert parse_message(raw.encode()).kind == AUTO_REPLY


def test_auto_submitted_no_is_a_person():
    raw = b"From: a@example.com\r\nSubject: Re: roof\r\nAuto-Submitted: no\r\n\r\nyes please\r\n"
    assert parse_message(raw).kind == REPLY


@pytest.mark.parametrize("subject", ["Out of Office: roof", "Automatic reply: roof", "Auto: roof"])
def test_automatic_mail_by_its_subject_alone(subject):
    raw = f"From: a@example.com\r\nSubject: {subject}\r\n\r\naway\r\n".encode()
    assert parse_message(raw).kind == AUTO_REPLY


def test_an_out_of_office_reply():
    assert parse_message(mail.out_of_office("a@example.com", "<o@x>")).kind == AUTO_REPLY


def test_a_dsn_names_the_failed_address_its_status_and_the_returned_message():
    item = parse_message(mail.dsn_bounce("Sam@Example.com", "<b@mx>", "<s2@leaddesk>"))
    assert item.kind == BOUNCE
    assert item.bounced == ("sam@example.com",)
    assert item.status == "5.1.1"
    assert item.refs == ("<s2@leaddesk>",)


def test_a_dsn_that_only_reports_a_delay_is_no_bounce():
    raw = mail.dsn_bounce("sam@example.com", "<b@mx>", "<s@x>").replace(
        b"Action: failed", b"Action: delayed"
    )
    assert parse_message(raw).kind == AUTO_REPLY


def test_a_classic_mailer_daemon_bounce():
    item = parse_message(mail.classic_bounce("lee@example.com", "<q@mx>"))
    assert item.kind == BOUNCE
    assert item.bounced == ("lee@example.com",)


def test_asking_to_be_removed_and_writing_to_the_unsubscribe_mailbox():
    assert parse_message(mail.unsubscribe("a@example.com", "<u@x>")).kind == UNSUBSCRIBE
    assert parse_message(mail.to_unsubscribe_mailbox("a@example.com", "<u2@x>")).kind == (
        UNSUBSCRIBE
    )


def test_a_message_without_a_message_id_gets_one_from_its_content():
    raw = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n"
    first, again = parse_message(raw), parse_message(raw)
    assert first.message_id == again.message_id
    assert first.message_id.endswith("@no-message-id.invalid>")
    assert parse_message(raw + b"more").message_id != first.message_id
