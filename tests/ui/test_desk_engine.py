"""The engine's decisions in the desk: close as lost (give-up guard), do not mail,
clear do-not-call, move to a cadence, shift the schedule, holidays on screen."""

from __future__ import annotations

from desk_helpers import DESK_NOW, lead, screen_text, settle
from test_desk import SIZE, parts, ready

from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Cadence, CadenceStep
from leaddesk.core.store.models import Lead, Touch
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.screens.choices import CadenceChooser, ShiftPrompt
from leaddesk.ui.screens.find import FindScreen


def touches(lead_id: int) -> list[str]:
    rows = Touch.select().where(Touch.lead == lead_id).order_by(Touch.id)
    return [t.outcome for t in rows if t.outcome != "received"]


async def test_closing_early_takes_a_second_keystroke(new_app, desk_settings):
    first = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    lead(desk_settings, "Ravi Patel", "(312) 555-0177", minutes_ago=20)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        queue, detail, status = parts(app)
        await settle(pilot, lambda: detail.lead_id == first, "Dana on screen")
        await pilot.press("K")
        await settle(pilot, lambda: "K again closes as lost" in status.message, "the guard asks")
        assert "only 0 of 8 attempts" in status.message and status.is_error
        assert Lead.get_by_id(first).status == "new", "nothing closed yet"
        await pilot.press("K")
        await settle(pilot, lambda: Lead.get_by_id(first).status == "lost", "closed")
        await settle(pilot, lambda: "closed as lost" in status.message, "confirmed on screen")
        assert Lead.get_by_id(first).closed_early
        assert queue.selected_lead_id != first
    assert touches(first) == ["lost"]


async def test_another_key_between_cancels_the_close(new_app, desk_settings):
    first = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    second = lead(desk_settings, "Ravi Patel", "(312) 555-0177", minutes_ago=20)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        _, detail, status = parts(app)
        await pilot.press("K")
        await settle(pilot, lambda: "K again closes" in status.message, "the guard asks")
        await pilot.press("j")  # moved on: the question lapses
        await settle(pilot, lambda: detail.lead_id == second, "Ravi selected")
        await pilot.press("K")
        await settle(pilot, lambda: "Ravi Patel: only 0" in status.message, "asks about Ravi")
    assert Lead.get_by_id(first).status == "new" and Lead.get_by_id(second).status == "new"


async def test_no_question_after_eight_attempts(new_app, desk_settings):
    first = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=60 * 24 * 40)
    Lead.update(attempts=8, status="working").where(Lead.id == first).execute()
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        queue, _, _ = parts(app)
        await settle(pilot, lambda: queue.selected_lead_id == first, "Dana selected")
        await pilot.press("K")
        await settle(pilot, lambda: Lead.get_by_id(first).status == "lost", "closed at once")
        assert not Lead.get_by_id(first).closed_early


async def test_do_not_mail_toggles_and_stays_on_the_lead(new_app, desk_settings):
    first = lead(desk_settings, "Dana", "(212) 555-0142", minutes_ago=30, email="d@x.com")
    lead(desk_settings, "Ravi", "(312) 555-0177", minutes_ago=20)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        queue, detail, status = parts(app)
        await settle(pilot, lambda: detail.lead_id == first, "Dana on screen")
        await pilot.press("M")
        await settle(pilot, lambda: Lead.get_by_id(first).do_not_mail, "flag set")
        await settle(pilot, lambda: "do not mail" in screen_text(app), "shown in detail")
        assert queue.selected_lead_id == first
        await pilot.press("M")
        await settle(pilot, lambda: not Lead.get_by_id(first).do_not_mail, "flag cleared")
        assert "do-not-mail cleared" in status.message
    assert touches(first) == ["dnm", "dnm-clear"]


async def test_clear_dnc_and_move_cadence_from_the_desk(new_app, desk_settings):
    settings = replace(
        desk_settings,
        cadences={
            **desk_settings.cadences,
            "re-engage": Cadence("re-engage", (CadenceStep(0, "call"), CadenceStep(1440, "call"))),
        },
    )
    first = lead(settings, "Dana", "(212) 555-0142", minutes_ago=30, email="d@x.com")
    log_outcome(first, "dnc", DESK_NOW.subtract(minutes=20), settings)  # now on an email step
    due_now = DESK_NOW.subtract(minutes=1)
    Lead.update(next_due_at=due_now).where(Lead.id == first).execute()
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        queue, detail, status = parts(app)
        screen = app.screen
        assert isinstance(screen, DeskScreen)
        await settle(pilot, lambda: detail.lead_id == first, "Dana on screen")
        # in DUE though nobody may call her: the detail says her step is an email
        await settle(pilot, lambda: "DO NOT CALL" in screen_text(app), "her state drawn")
        assert "email only" in screen_text(app)
        screen.action_act("lead-clear-dnc")
        await settle(pilot, lambda: "DO NOT CALL" not in screen_text(app), "the detail redrawn")
        assert "email only" not in screen_text(app)
        await settle(pilot, lambda: not Lead.get_by_id(first).do_not_call, "DNC cleared")
        screen.action_act("lead-move-cadence")
        await settle(pilot, lambda: isinstance(app.screen, CadenceChooser), "the chooser")
        await pilot.press("down", "enter")
        await settle(pilot, lambda: Lead.get_by_id(first).cadence == "re-engage", "moved")
        await settle(pilot, lambda: "moved to cadence" in status.message, "confirmed")
        assert queue.selected_lead_id == first
    assert touches(first) == ["dnc", "dnc-clear", "cadence"]


async def test_shift_from_the_desk(new_app, desk_settings):
    first = lead(desk_settings, "Dana", "(212) 555-0142", minutes_ago=30)
    log_outcome(first, "no-answer", DESK_NOW.subtract(minutes=5), desk_settings)
    due = Lead.get_by_id(first).next_due_at
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        _, _, status = parts(app)
        app.screen.action_act("queue-shift")
        await settle(pilot, lambda: isinstance(app.screen, ShiftPrompt), "the prompt")
        await pilot.press("0", "enter")
        await settle(pilot, lambda: "1 to 260" in str(app.screen.query_one("#shift-echo").render()),
                     "zero refused")  # fmt: skip
        await pilot.press("backspace", "3", "enter")
        await settle(pilot, lambda: "moved 1 lead 3 business days" in status.message, "shifted")
    assert Lead.get_by_id(first).next_due_at == due.add(days=3)  # Monday -> Thursday
    assert touches(first) == ["no-answer", "shifted"]


async def test_a_holiday_is_named_in_the_detail(new_app, desk_settings, clock):
    settings = replace(desk_settings, holidays=("US",))
    clock.set(DESK_NOW.add(days=3))  # Thursday 2026-11-26, Thanksgiving
    first = lead(settings, "Dana", "(212) 555-0142", minutes_ago=-60 * 24 * 3 + 10)
    app = new_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        queue, detail, _ = parts(app)
        # her window opens tomorrow: not LATER TODAY, counted as tomorrow's
        await settle(pilot, lambda: "LATER TODAY (0) · tomorrow: 1" in screen_text(app), "count")
        assert queue.later_count == 0 and queue.due_count == 0
        await pilot.press("slash", *"dana")
        await settle(pilot, lambda: isinstance(app.screen, FindScreen) and app.screen.hits, "found")
        await pilot.press("enter")
        await settle(pilot, lambda: detail.lead_id == first, "Dana on screen")
        assert "closed (Thanksgiving Day), opens Fri 08:00" in screen_text(app)


async def test_demo_leads_on_an_empty_desk_then_keys_move_the_cursor(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        queue, _, status = parts(app)
        await settle(pilot, lambda: app.screen.has_class("-empty"), "the empty desk")
        await pilot.press("D")
        await settle(pilot, lambda: queue.due_count > 1, "demo leads in the queue")
        assert "demo leads" in status.message
        first = queue.selected_lead_id
        await pilot.press("j")
        await settle(pilot, lambda: queue.selected_lead_id != first, "j moves the cursor")
