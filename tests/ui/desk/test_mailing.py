"""`e` with [mail] set (issue 16): the step's email is shown, enter sends it through
a real SMTP server on loopback, and the touch is in the history with its subject."""

from __future__ import annotations

from desk_helpers import DESK_NOW, lead, mailing, screen_text, settle

from leaddesk.core.domain.record import replace
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.screens.compose import ComposeScreen, edited


def email_only(settings, name="Dana Whitfield", email="dana@example.com") -> int:
    at = DESK_NOW.subtract(minutes=5)
    draft = LeadDraft(name=name, phones=[], email=email, interest="metal roof", received_at=at)
    return add_lead(draft, at, settings)


async def on_screen(pilot, desk, lead_id: int) -> None:
    for key in ("j", "k", "k"):
        if desk.subject().lead_id == lead_id:
            return
        await pilot.press(key)
        await settle(pilot, lambda: desk.subject() is not None, "a lead")
    assert desk.subject().lead_id == lead_id


async def test_e_shows_the_email_and_enter_sends_it(new_app, desk_settings, smtp_server):
    settings = mailing(desk_settings, smtp_server.port)
    email_only(settings)
    app = new_app(settings)
    async with app.run_test(size=(120, 35)) as pilot:
        desk = app.screen
        await settle(pilot, lambda: isinstance(desk, DeskScreen) and desk.queue.selected, "ready")
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, ComposeScreen), "the email")
        shown = screen_text(app)
        assert "To: dana@example.com" in shown and "Subject: Following up, Dana" in shown
        assert smtp_server.messages == []  # shown, not sent
        await pilot.press("enter")
        await settle(pilot, lambda: "email sent to dana@example.com" in screen_text(app), "sent")
        assert "email — Following up, Dana" in screen_text(app)
    [msg] = smtp_server.messages
    assert msg["Subject"] == "Following up, Dana"


async def test_escape_sends_nothing_and_do_not_mail_opens_nothing(
    new_app, desk_settings, smtp_server
):
    settings = mailing(desk_settings, smtp_server.port)
    dana = email_only(settings)
    ravi = lead(settings, "Ravi Patel", "(312) 555-0177", 60, email="ravi@example.com")
    log_outcome(ravi, "dnm", DESK_NOW, settings)  # still called; never mailed
    app = new_app(settings)
    async with app.run_test(size=(120, 35)) as pilot:
        desk = app.screen
        await settle(pilot, lambda: isinstance(desk, DeskScreen) and desk.queue.selected, "ready")
        await on_screen(pilot, desk, dana)
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, ComposeScreen), "the email")
        await pilot.press("escape")
        await settle(pilot, lambda: "cancelled — nothing sent" in screen_text(app), "cancelled")
        await on_screen(pilot, desk, ravi)
        await pilot.press("e")
        await settle(pilot, lambda: "asked not to be mailed" in screen_text(app), "refused")
        assert app.screen is desk
    assert smtp_server.messages == []


def test_an_edit_keeps_a_subject_line_and_a_body():
    from leaddesk.core.domain.mail import Draft

    draft = Draft(1, "a@example.com", "Hi", "Body\n", "email")
    assert edited(draft, "Subject:  New  one\n\nNew body\n") == replace(
        draft, subject="New one", body="New body\n"
    )
    assert "line 1" in edited(draft, "New body only\n")
    assert "empty" in edited(draft, "Subject: x\n\n\n")
