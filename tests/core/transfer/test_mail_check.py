"""`mail check` against a real IMAP server (Dovecot on loopback) and a Maildir, on
both engines: replies go on top of the queue, automatic replies change nothing,
bounces mark the address, unsubscribes set do-not-mail; a second check does nothing."""

from __future__ import annotations

import dataclasses
import mailbox

import mail_samples as mail
import pytest
from dovecot_server import PASSWORD, USER

from leaddesk.core.domain.mail_in import MailIn
from leaddesk.core.domain.record import replace
from leaddesk.core.reads.queue.due import due_page
from leaddesk.core.store.models import InboxMessage, Lead, Touch
from leaddesk.core.transfer.inbox_fetch import MailboxError
from leaddesk.core.transfer.mail_check import check_mail
from leaddesk.core.writes.outcomes import log_outcome


def imap_settings(settings, server, security="tls", password=PASSWORD):
    port = server.imaps_port if security == "tls" else server.imap_port
    inbox = MailIn(
        imap_host="127.0.0.1",
        imap_port=port,
        imap_user=USER,
        imap_security=security,
        password_command=f"printf '%s\\n' {password}",
    )
    return replace(settings, mail_in=inbox)


@pytest.fixture
def leads(make_lead, settings, now):
    """Four leads, each sent an email whose Message-ID the sender recorded."""
    ids = {}
    for name, email in (
        ("Dana Whitfield", "dana@example.com"),
        ("Lee Okafor", "lee@example.com"),
        ("Sam Ito", "sam@example.com"),
        ("Ravi Patel", "ravi@example.com"),
    ):
        lead_id = make_lead(name, email=email, minutes_ago=600)
        sent = log_outcome(lead_id, "email", now.subtract(hours=2), settings)
        first = name.split()[0].lower()
        Touch.update(message_id=f"<sent-{first}@leaddesk>").where(
            Touch.id == sent.touch_id
        ).execute()
        ids[first] = lead_id
    return ids


def the_inbox():
    return [
        mail.reply("dana@example.com", "<r-dana@example.com>", "<sent-dana@leaddesk>"),
        mail.out_of_office("lee@example.com", "<ooo-lee@example.com>", "<sent-lee@leaddesk>"),
        mail.dsn_bounce("sam@example.com", "<dsn-sam@mx>", "<sent-sam@leaddesk>"),
        mail.unsubscribe("ravi@example.com", "<u-ravi@example.com>", "<sent-ravi@leaddesk>"),
        mail.reply("stranger@example.org", "<r-stranger@example.org>"),
    ]


def touches(lead_id):
    return [(t.channel, t.outcome, t.note, t.message_id) for t in Touch.select().where(
        Touch.lead == lead_id).order_by(Touch.id)]  # fmt: skip


def check_the_outcome(result, leads, settings, now):
    assert result.counts() == {"replies": 1, "auto_replies": 1, "bounces": 1, "unsubscribes": 1}
    assert result.unmatched == 1
    assert result.replied == (leads["dana"],)
    # Dana replied: an inbound email touch with her Message-ID, engaged, on top of the queue.
    assert touches(leads["dana"])[-1] == ("email", "replied", "Re: roof", "<r-dana@example.com>")
    dana = Lead.get_by_id(leads["dana"])
    assert dana.status == "engaged"
    top = due_page(now, settings)[0]
    assert (top.lead_id, top.reason) == (leads["dana"], "reply from Dana — answer")
    # Lee's out-of-office changed nothing.
    assert [t[1] for t in touches(leads["lee"])] == ["received", "email"]
    # Sam's address bounced: marked, and the next step is no email.
    sam = Lead.get_by_id(leads["sam"])
    assert sam.email_bad and sam.next_channel != "email"
    assert touches(leads["sam"])[-1][:3] == ("email", "bounced", "bounced: sam@example.com 5.1.1")
    # Ravi asked to be removed: do-not-mail.
    ravi = Lead.get_by_id(leads["ravi"])
    assert ravi.do_not_mail and touches(leads["ravi"])[-1][1] == "unsubscribed"


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_a_check_over_imap_logs_each_kind_once(dovecot, leads, settings, now, security):
    dovecot.deliver(*the_inbox())
    mail_settings = imap_settings(settings, dovecot, security)
    result = check_mail(now, mail_settings)
    check_the_outcome(result, leads, settings, now)
    before = Touch.select().count()
    again = check_mail(now.add(minutes=5), mail_settings)
    assert again.counts() == {"replies": 0, "auto_replies": 0, "bounces": 0, "unsubscribes": 0}
    assert Touch.select().count() == before
    assert InboxMessage.select().count() == 5
    # Nothing deleted on the server, nothing marked read.
    flags = dovecot.flags()
    assert len(flags) == 5 and not any(b"\\Seen" in f for f in flags)


def test_a_reply_is_found_by_address_when_it_answers_nothing_we_sent(dovecot, leads, settings, now):
    dovecot.deliver(mail.reply("Lee@Example.com", "<fresh@example.com>"))
    result = check_mail(now, imap_settings(settings, dovecot))
    assert result.replied == (leads["lee"],)
    assert Lead.get_by_id(leads["lee"]).status == "engaged"


def nothing_written():
    return Touch.select().where(Touch.outcome.in_(["replied", "bounced", "unsubscribed"])).count()


def test_a_refused_login_is_one_line_and_writes_nothing(dovecot, leads, settings, now):
    dovecot.deliver(*the_inbox())
    with pytest.raises(MailboxError) as info:
        check_mail(now, imap_settings(settings, dovecot, password="wrong"))
    message = str(info.value)
    assert "refused rep" in message and "\n" not in message and "wrong" not in message
    assert nothing_written() == 0 and InboxMessage.select().count() == 0


def test_a_server_that_is_down_is_one_line_and_writes_nothing(leads, settings, now):
    from dovecot_server import free_port

    down = MailIn(
        imap_host="127.0.0.1",
        imap_port=free_port(),
        imap_user=USER,
        imap_security="none",
        password_command="echo x",
    )
    with pytest.raises(MailboxError) as info:
        check_mail(now, replace(settings, mail_in=down))
    assert str(info.value).startswith("cannot reach the IMAP server 127.0.0.1:")
    assert nothing_written() == 0


def test_a_failing_password_command_says_so_without_its_output(leads, settings, now):
    inbox = MailIn(
        imap_host="127.0.0.1", imap_user=USER, password_command="sh -c 'echo hunter2; exit 3'"
    )
    with pytest.raises(MailboxError) as info:
        check_mail(now, replace(settings, mail_in=inbox))
    assert str(info.value) == "[mail] password_command failed (exit 3)"


def test_a_maildir_alone_is_read_in_place(tmp_path, leads, settings, now):
    box = mailbox.Maildir(tmp_path / "Maildir")
    for raw in the_inbox():
        box.add(raw)
    files = sorted(p.name for p in (tmp_path / "Maildir").rglob("*") if p.is_file())
    mail_settings = replace(settings, mail_in=MailIn(maildir=str(tmp_path / "Maildir")))
    check_the_outcome(check_mail(now, mail_settings), leads, settings, now)
    assert check_mail(now, mail_settings).counts()["replies"] == 0
    assert sorted(p.name for p in (tmp_path / "Maildir").rglob("*") if p.is_file()) == files


def test_a_folder_that_is_no_maildir_is_one_line(tmp_path, store, settings, now):
    inbox = MailIn(maildir=str(tmp_path / "nothing"))
    with pytest.raises(MailboxError, match="is not a Maildir"):
        check_mail(now, replace(settings, mail_in=inbox))


def test_undo_takes_a_bounce_back_exactly(tmp_path, leads, settings, now):
    from leaddesk.core.writes.outcomes import undo_last

    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(mail.classic_bounce("sam@example.com", "<q@mx>"))
    before = Lead.get_by_id(leads["sam"])
    check_mail(now, replace(settings, mail_in=MailIn(maildir=str(tmp_path / "Maildir"))))
    assert Lead.get_by_id(leads["sam"]).email_bad
    undo_last(now, settings)
    after = Lead.get_by_id(leads["sam"])
    assert (after.email_bad, after.next_channel, after.next_due_at) == (
        False, before.next_channel, before.next_due_at,
    )  # fmt: skip


def test_a_new_address_for_a_bounced_lead_may_be_mailed_again(tmp_path, leads, settings, now):
    from leaddesk.core.reads.drafts import draft_for
    from leaddesk.core.writes.leads import update_lead

    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(mail.dsn_bounce("sam@example.com", "<b@mx>", "<sent-sam@leaddesk>"))
    check_mail(now, replace(settings, mail_in=MailIn(maildir=str(tmp_path / "Maildir"))))
    assert Lead.get_by_id(leads["sam"]).email_bad
    update_lead(
        leads["sam"],
        dataclasses.replace(draft_for(leads["sam"]), notes="met at expo"),
        now,
        settings,
    )
    assert Lead.get_by_id(leads["sam"]).email_bad, "an edit that keeps the address keeps the mark"
    draft = dataclasses.replace(draft_for(leads["sam"]), email="sam.ito@example.com")
    update_lead(leads["sam"], draft, now, settings)
    assert not Lead.get_by_id(leads["sam"]).email_bad
