"""The desk reads the inbox in the background ([mail] maildir / imap_host): a reply
puts its lead on top with "reply from … — answer"; a server that is down is one line."""

from __future__ import annotations

import mailbox

import mail_samples as mail
from desk_helpers import lead, screen_text, settle

from leaddesk.core.domain.mail_in import MailIn
from leaddesk.core.domain.record import replace
from leaddesk.core.store.models import Touch
from leaddesk.ui.desk.screen import DeskScreen


def first_row(app) -> str:
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("DUE ("))
    return lines[start + 1].split("│")[0].strip()


async def test_a_reply_puts_its_lead_on_top(new_app, desk_settings, tmp_path):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 3)  # a new lead: on top until…
    sam = lead(desk_settings, "Sam Ito", "(312) 555-0199", 600, email="sam@example.com")
    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(mail.reply("sam@example.com", "<r-sam@example.com>", subject="Re: quote"))
    settings = replace(desk_settings, mail_in=MailIn(maildir=str(tmp_path / "Maildir")))
    app = new_app(settings)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        screen = app.screen
        await settle(pilot, lambda: screen.inbox.checks == 1, "the inbox read")
        assert screen.status.message == "mail: 1 reply, 0 automatic, 0 bounces, 0 unsubscribed"
        await settle(pilot, lambda: first_row(app).startswith("◆ Sam Ito"), "Sam on top")
        # The selection stays where the rep had it (a key must never land on another lead).
        assert "▶ ● Dana Whitfield" in screen_text(app)
        await pilot.press("k")
        await settle(pilot, lambda: "reply from Sam — answer" in screen_text(app), "the reason")
    assert Touch.get(Touch.outcome == "replied").lead_id == sam


async def test_a_mail_server_that_is_down_is_one_line_and_the_desk_goes_on(new_app, desk_settings):
    from dovecot_server import free_port

    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 3)
    down = MailIn(
        imap_host="127.0.0.1", imap_port=free_port(), imap_user="rep",
        imap_security="none", password_command="echo x",
    )  # fmt: skip
    app = new_app(replace(desk_settings, mail_in=down))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        screen = app.screen
        await settle(pilot, lambda: screen.inbox.checks == 1, "the inbox read")
        assert screen.status.message.startswith("mail: cannot reach the IMAP server 127.0.0.1:")
        await pilot.press("n")
        await settle(pilot, lambda: "u to undo" in screen.status.message, "a key still logs")
