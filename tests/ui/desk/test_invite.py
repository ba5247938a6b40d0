"""`a` with [mail] set (issue 16 point 5): once the appointment is saved the desk
asks before a calendar invitation goes out; y sends it through a real SMTP server
on loopback, n sends nothing, and a lead on do-not-mail is never asked."""

from __future__ import annotations

from desk_helpers import DESK_NOW, lead, mailing, screen_text, settle
from mail_server import SmtpServer

from leaddesk.core.store.models import Appointment, Touch
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.screens.invite import InviteScreen
from leaddesk.ui.screens.picker import NextContactPicker


async def appointment_set(pilot, app) -> None:
    desk = app.screen
    await settle(pilot, lambda: isinstance(desk, DeskScreen) and desk.queue.selected, "ready")
    await pilot.press("a")
    await settle(pilot, lambda: isinstance(app.screen, NextContactPicker), "picker open")
    await pilot.press("3")
    await settle(pilot, lambda: Appointment.select().count() == 1, "appointment saved")


async def test_y_sends_the_invitation_after_the_appointment_is_saved(
    new_app, desk_settings, smtp_server: SmtpServer
):
    settings = mailing(desk_settings, smtp_server.port)
    dana = lead(settings, "Dana Whitfield", "(212) 555-0142", 30, email="dana@example.com")
    app = new_app(settings)
    async with app.run_test(size=(120, 35)) as pilot:
        await appointment_set(pilot, app)
        await settle(pilot, lambda: isinstance(app.screen, InviteScreen), "the question")
        assert "send an invitation to dana@example.com?" in screen_text(app)
        assert smtp_server.messages == []  # asked, not sent
        await pilot.press("y")
        await settle(
            pilot, lambda: "invitation sent to dana@example.com" in screen_text(app), "sent"
        )
    [msg] = smtp_server.messages
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/calendar"]
    assert Appointment.get().ical_uid
    email = Touch.get((Touch.lead == dana) & (Touch.channel == "email"))
    assert email.note == msg["Subject"] and email.message_id == msg["Message-ID"]


async def test_n_sends_nothing_and_do_not_mail_is_not_asked(
    new_app, desk_settings, smtp_server: SmtpServer
):
    settings = mailing(desk_settings, smtp_server.port)
    lead(settings, "Dana Whitfield", "(212) 555-0142", 30, email="dana@example.com")
    app = new_app(settings)
    async with app.run_test(size=(120, 35)) as pilot:
        await appointment_set(pilot, app)
        await settle(pilot, lambda: isinstance(app.screen, InviteScreen), "the question")
        await pilot.press("n")
        await settle(pilot, lambda: "no invitation sent" in screen_text(app), "declined")
    assert smtp_server.messages == []
    assert not Touch.select().where(Touch.channel == "email").exists()


async def test_do_not_mail_is_never_asked(new_app, desk_settings, smtp_server: SmtpServer):
    settings = mailing(desk_settings, smtp_server.port)
    ravi = lead(settings, "Ravi Patel", "(312) 555-0177", 30, email="ravi@example.com")
    log_outcome(ravi, "dnm", DESK_NOW, settings)
    app = new_app(settings)
    async with app.run_test(size=(120, 35)) as pilot:
        await appointment_set(pilot, app)
        await settle(pilot, lambda: "no invitation: lead" in screen_text(app), "said why")
        assert not isinstance(app.screen, InviteScreen)
        assert "asked not to be mailed" in screen_text(app)
    assert smtp_server.messages == []
