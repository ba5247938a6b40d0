"""Sending email steps through a real SMTP server on loopback (issue 16), both engines."""

from __future__ import annotations

import logging

import pytest

from leaddesk.core.domain.errors import InvalidInput, NothingToUndo
from leaddesk.core.domain.mail import MailSettings
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.templates import load_templates
from leaddesk.core.store.models import Appointment, Lead, MailOutbox, Touch
from leaddesk.core.transfer.mailing import draft_for, email_due, send_batch, send_draft
from leaddesk.core.transfer.transport import MailError, MailUnavailable, transport_for
from leaddesk.core.writes.outcomes import log_outcome, undo_last

TEMPLATES = load_templates(None)


@pytest.fixture
def mailing(settings, smtp_server):
    mail = MailSettings(
        sender="Tester <tester@example.com>", host="127.0.0.1", port=smtp_server.port,
        security="none", per_minute=6,
    )  # fmt: skip
    return replace(settings, mail=mail)


def emailable(make_lead, name="Dana Whitfield", **extra):
    extra.setdefault("email", f"{name.split()[0].lower()}@example.com")
    extra.setdefault("interest", "metal roof")
    return make_lead(name, phone=None, **extra)


def test_a_sent_email_is_on_the_server_and_in_the_history(
    store, make_lead, mailing, now, smtp_server
):
    lead_id = emailable(make_lead)
    draft = draft_for(lead_id, TEMPLATES, mailing, now)
    sent = send_draft(draft, now, mailing, transport_for(mailing.mail))
    [msg] = smtp_server.messages
    assert msg["To"] == "dana@example.com"
    assert msg["From"] == "Tester <tester@example.com>"
    assert msg["Message-ID"] == sent.message_id
    assert msg["Subject"] == sent.subject == "Following up, Dana"
    assert "Hi Dana," in msg.get_content() and "tester" in msg.get_content()
    touch = Touch.get_by_id(sent.touch_id)
    assert (touch.channel, touch.outcome, touch.note) == ("email", "email", sent.subject)
    assert touch.message_id == sent.message_id
    assert MailOutbox.get(MailOutbox.message_id == sent.message_id).sent_at == now


def test_an_empty_field_is_refused_before_anything_is_sent(
    store, make_lead, mailing, now, smtp_server
):
    lead_id = emailable(make_lead, interest="")
    with pytest.raises(InvalidInput, match=r"needs \{interest\}, which is empty"):
        draft_for(lead_id, TEMPLATES, mailing, now, "new-lead-4")
    assert smtp_server.messages == []


@pytest.mark.parametrize("answer", ["451 4.3.0 try later", "554 5.7.1 rejected"])
def test_a_refusal_is_one_line_and_nothing_is_logged(
    store, make_lead, mailing, now, smtp_server, answer
):
    lead_id = emailable(make_lead)
    smtp_server.answer = answer
    draft = draft_for(lead_id, TEMPLATES, mailing, now)
    with pytest.raises(MailError) as caught:
        send_draft(draft, now, mailing, transport_for(mailing.mail))
    assert "\n" not in str(caught.value) and answer.split()[0] in str(caught.value)
    assert Touch.select().where(Touch.channel == "email").count() == 0
    assert MailOutbox.select().count() == 0
    assert Lead.get_by_id(lead_id).next_channel == "email"


def test_a_server_that_is_down_is_one_line(store, make_lead, mailing, now):
    from mail_server import free_port

    down = replace(mailing, mail=replace(mailing.mail, port=free_port()))
    lead_id = emailable(make_lead)
    draft = draft_for(lead_id, TEMPLATES, down, now)
    with pytest.raises(MailUnavailable, match=r"^not sent: cannot reach 127\.0\.0\.1"):
        send_draft(draft, now, down, transport_for(down.mail))
    assert Touch.select().where(Touch.channel == "email").count() == 0


def test_auth_refused_never_shows_the_password(
    store, make_lead, settings, now, smtp_auth_server, tmp_path, caplog
):
    secret = tmp_path / "pw"
    secret.write_text("wrong-Pa55word\nsecond line\n")
    mail = MailSettings(
        sender="t@example.com", host="127.0.0.1", port=smtp_auth_server.port, security="none",
        user="dana", password_command=f"cat {secret}",
    )  # fmt: skip
    lead_id = emailable(make_lead)
    settings = replace(settings, mail=mail)
    with caplog.at_level(logging.DEBUG), pytest.raises(MailUnavailable) as caught:
        send_draft(draft_for(lead_id, TEMPLATES, settings, now), now, settings, transport_for(mail))
    assert "refused the login for dana" in str(caught.value)
    assert "wrong-Pa55word" not in str(caught.value) and "wrong-Pa55word" not in caplog.text
    assert smtp_auth_server.messages == []


def test_auth_with_the_password_command_sends(
    store, make_lead, settings, now, smtp_auth_server, tmp_path
):
    secret = tmp_path / "pw"
    secret.write_text("s3cret-Pa55\n")
    mail = MailSettings(
        sender="t@example.com", host="127.0.0.1", port=smtp_auth_server.port, security="none",
        user="dana", password_command=f"cat {secret}",
    )  # fmt: skip
    lead_id = emailable(make_lead)
    settings = replace(settings, mail=mail)
    send_draft(draft_for(lead_id, TEMPLATES, settings, now), now, settings, transport_for(mail))
    assert len(smtp_auth_server.messages) == 1


def test_do_not_mail_wins_even_after_the_draft(store, make_lead, mailing, now, smtp_server):
    lead_id = emailable(make_lead)
    draft = draft_for(lead_id, TEMPLATES, mailing, now)
    log_outcome(lead_id, "dnm", now, mailing)
    with pytest.raises(InvalidInput, match="asked not to be mailed"):
        send_draft(draft, now, mailing, transport_for(mailing.mail))
    assert smtp_server.messages == []


def test_the_batch_waits_between_sends_and_resumes_without_duplicates(
    store, make_lead, mailing, now, smtp_server
):
    ids = [emailable(make_lead, name) for name in ("Ann Lee", "Bo Chan", "Cy Ito", "Di Roy")]
    bad = emailable(make_lead, "Ed Wu", email="ed@example.com")
    Lead.update(email_bad=True).where(Lead.id == bad).execute()
    due = email_due(now, now, mailing, TEMPLATES)
    assert [d.lead_id for d in due.drafts] == ids
    slept: list[float] = []
    ticks = iter(range(0, 1000, 1))

    class Crash(Exception):
        pass

    send = transport_for(mailing.mail)
    sent_count = 0

    def flaky(msg):
        nonlocal sent_count
        if sent_count == 2:
            raise Crash  # the program dies mid-batch, before the third hand-off
        send(msg)
        sent_count += 1

    with pytest.raises(Crash):
        send_batch(
            due.drafts, now, lambda: now, mailing, flaky, sleep=slept.append,
            monotonic=lambda: float(next(ticks)),
        )  # fmt: skip
    assert slept == [9.0, 9.0]  # 6 a minute: 10 s apart, 1 s already gone on the fake clock
    again = email_due(now, now, mailing, TEMPLATES)
    assert [d.lead_id for d in again.drafts] == ids[2:]
    done = send_batch(
        again.drafts, now, lambda: now, mailing, send, sleep=slept.append, monotonic=lambda: 0.0
    )
    assert len(done.sent) == 2
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "ann@example.com", "bo@example.com", "cy@example.com", "di@example.com"
    ]  # fmt: skip
    assert email_due(now, now, mailing, TEMPLATES).drafts == []


def test_a_crash_between_accepted_and_committed_is_never_resent_blindly(
    store, make_lead, mailing, now, smtp_server
):
    lead_id = emailable(make_lead)
    draft = draft_for(lead_id, TEMPLATES, mailing, now)
    send = transport_for(mailing.mail)

    class Killed(BaseException):
        pass

    def accepted_then_killed(msg):
        send(msg)
        raise Killed  # the server has it; the touch never commits

    with pytest.raises(Killed):
        send_draft(draft, now, mailing, accepted_then_killed)
    due = email_due(now, now, mailing, TEMPLATES)
    assert due.drafts == [] and [u.lead_id for u in due.unconfirmed] == [lead_id]
    with pytest.raises(InvalidInput, match="may have gone out already"):
        send_draft(draft_for(lead_id, TEMPLATES, mailing, now), now, mailing, send)
    send_draft(draft_for(lead_id, TEMPLATES, mailing, now), now, mailing, send, resend=True)
    assert len(smtp_server.messages) == 2
    assert MailOutbox.select().where(MailOutbox.sent_at.is_null()).count() == 0


# Issue 16's loose ends: a sent email cannot be undone; an email answers a reply.


def test_undo_refuses_a_sent_email_and_keeps_it(store, make_lead, mailing, now, smtp_server):
    lead_id = make_lead("Dana Whitfield", phone=None, email="dana@example.com")
    draft = draft_for(lead_id, TEMPLATES, mailing, now)
    sent = send_draft(draft, now, mailing, transport_for(mailing.mail))
    with pytest.raises(NothingToUndo, match=r"^sent mail cannot be unsent — Following up, Dana"):
        undo_last(now.add(minutes=1), mailing)
    assert Touch.get_by_id(sent.touch_id).outcome == "email"


def test_undo_still_takes_back_an_email_logged_by_hand(store, make_lead, settings, now):
    lead_id = make_lead("Dana Whitfield", phone=None, email="dana@example.com")
    log_outcome(lead_id, "email", now, settings)
    assert undo_last(now, settings).outcome == "email"


def open_replies(lead_id: int) -> int:
    return (
        Appointment.select()
        .where((Appointment.lead == lead_id) & (Appointment.kind == "reply") & ~Appointment.done)
        .count()
    )


@pytest.mark.parametrize("sent_by", ["server", "hand"])
def test_an_email_answers_a_reply(store, make_lead, mailing, now, sent_by):
    lead_id = make_lead("Dana Whitfield", phone=None, email="dana@example.com")
    log_outcome(lead_id, "replied", now, mailing, note="Re: roof")
    assert open_replies(lead_id) == 1
    later = now.add(minutes=5)
    if sent_by == "server":  # `mail send ID`: the rep's explicit answer
        draft = draft_for(lead_id, TEMPLATES, mailing, later)
        send_draft(draft, later, mailing, transport_for(mailing.mail))
    else:  # the desk's `e` without [mail]
        log_outcome(lead_id, "email", later, mailing)
    assert open_replies(lead_id) == 0
    undo = undo_last(later, mailing) if sent_by == "hand" else None
    if undo is not None:  # undo puts the promise back, exactly
        assert open_replies(lead_id) == 1


def test_a_letter_leaves_the_reply_promise_open(store, make_lead, settings, now):
    lead_id = make_lead("Dana Whitfield", phone=None, email="dana@example.com")
    log_outcome(lead_id, "replied", now, settings)
    log_outcome(lead_id, "letter", now.add(minutes=5), settings)
    assert open_replies(lead_id) == 1


def test_a_batch_leaves_a_lead_who_wrote_back_to_the_rep(store, make_lead, mailing, now):
    # No phone: after the reply the lead's next step is an email due now.
    lead_id = make_lead("Dana Whitfield", phone=None, email="dana@example.com")
    log_outcome(lead_id, "replied", now, mailing)
    assert Lead.get_by_id(lead_id).next_channel == "email"
    due = email_due(now.add(days=1), now, mailing, TEMPLATES)
    assert lead_id not in [d.lead_id for d in due.drafts]
    draft = draft_for(lead_id, TEMPLATES, mailing, now)
    with pytest.raises(InvalidInput, match="wrote back; answer them yourself"):
        send_draft(draft, now, mailing, transport_for(mailing.mail), due_by=now.add(days=1))
