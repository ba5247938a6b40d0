"""The desk driven by Textual's pilot: keys in, database and screen out."""

from __future__ import annotations

import pytest
from desk_helpers import drain, keys, lead, screen_text, settle
from textual.widgets._toast import Toast

from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.models import Appointment, Lead, Touch
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.screens.picker import NextContactPicker
from leaddesk.ui.widgets.desk_footer import DeskFooter
from leaddesk.ui.widgets.lead_detail import LeadDetail
from leaddesk.ui.widgets.queue_list import QueueList
from leaddesk.ui.widgets.status import StatusLine

SIZE = (120, 35)


def columns(lead_id: int) -> dict:
    row = Lead.get_by_id(lead_id)
    # the claim follows the cursor (team mode), it is not the lead's state
    skip = ("updated_at", "claimed_by", "claimed_until")
    return {f: getattr(row, f) for f in Lead._meta.fields if f not in skip}


def parts(app):
    screen = app.screen
    return (
        screen.query_one(QueueList),
        screen.query_one(LeadDetail),
        screen.query_one(StatusLine),
    )


async def ready(pilot) -> None:
    await settle(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, DeskScreen)
            and pilot.app.screen.query_one(QueueList).now is not None  # the first page shown
        ),
        "the desk to load",
    )


async def test_outcome_key_logs_and_moves_to_next_lead(new_app, desk_settings):
    first = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    second = lead(desk_settings, "Ravi Patel", "(312) 555-0177", minutes_ago=20)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        queue, detail, status = parts(app)
        assert queue.selected_lead_id == first
        await settle(pilot, lambda: detail.lead_id == first, "detail shows the first lead")
        await pilot.press("n")
        await settle(pilot, lambda: detail.lead_id == second, "the next lead is selected")
        assert "no answer" in status.message and "u to undo" in status.message
        assert "next: call" in status.message
    touches = list(Touch.select().where(Touch.outcome != "received"))
    assert [(t.lead_id, t.outcome) for t in touches] == [(first, "no-answer")]
    assert Lead.get_by_id(first).attempts == 1


async def test_fast_keys_log_different_leads_in_order(new_app, desk_settings):
    ids = [lead(desk_settings, f"Lead {i}", f"(212) 555-01{i:02d}", 60 - i) for i in range(4)]
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("n", "v", "g")
        await settle(
            pilot,
            lambda: Touch.select().where(Touch.outcome != "received").count() == 3,
            "three touches",
        )
    logged = [
        (t.lead_id, t.outcome)
        for t in Touch.select().where(Touch.outcome != "received").order_by(Touch.id)
    ]
    assert logged == [(ids[0], "no-answer"), (ids[1], "voicemail"), (ids[2], "gatekeeper")]


async def test_undo_restores_the_lead_exactly_and_repeatedly(new_app, desk_settings):
    a = lead(desk_settings, "Dana", "(212) 555-0142", 30)
    b = lead(desk_settings, "Ravi", "(312) 555-0177", 20)
    before = {a: columns(a), b: columns(b)}
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        queue, detail, status = parts(app)
        await pilot.press("n")
        await settle(pilot, lambda: detail.lead_id == b, "moved to the second lead")
        await pilot.press("c")
        await settle(pilot, lambda: "talked" in status.message, "second logged")
        assert columns(b) != before[b]
        await pilot.press("u")
        await settle(pilot, lambda: "undone" in status.message, "first undo")
        await pilot.press("ctrl+z")
        await settle(
            pilot,
            lambda: Touch.select().where(Touch.outcome != "received").count() == 0,
            "second undo",
        )
        await pilot.press("u")
        await settle(pilot, lambda: status.message == "nothing to undo", "nothing left")
        assert status.is_error
        assert queue.selected_lead_id == a
    assert columns(a) == before[a]
    assert columns(b) == before[b]


async def test_callback_picker_quick_key_sets_a_promise(new_app, desk_settings):
    a = lead(desk_settings, "Dana", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, NextContactPicker), "picker open")
        await pilot.press("t")  # one key: applied at once
        await settle(pilot, lambda: Appointment.select().count() == 1, "callback saved")
        assert isinstance(app.screen, DeskScreen)
        said = parts(app)[2].message
        assert "next: call Tue 09:00 their time" in said and "u to undo" in said
        promise = Appointment.get()
        assert promise.kind == "callback" and promise.lead_id == a
        assert promise.at.in_timezone("America/New_York").format("ddd HH:mm") == "Tue 09:00"
        assert Lead.get_by_id(a).priority == 0
        await pilot.press("u")
        await settle(pilot, lambda: Appointment.select().count() == 0, "undone")


@pytest.mark.parametrize(("key", "day"), [("3", "2026-11-26 09:00"), ("w", "2026-11-30 09:00")])
async def test_each_quick_key_applies_at_once(new_app, desk_settings, key, day):
    lead(desk_settings, "Dana", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(app.screen, NextContactPicker), "picker open")
        await pilot.press(key)
        await settle(pilot, lambda: Appointment.select().count() == 1, "appointment saved")
    assert Appointment.get().at.in_timezone("America/New_York").format("YYYY-MM-DD HH:mm") == day


async def test_a_callback_typed_outside_their_hours_is_kept_with_a_warning(new_app, desk_settings):
    lead(desk_settings, "Dana", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, NextContactPicker), "picker open")
        picker = app.screen
        await pilot.press(*keys("fri 10pm"))
        echo = picker.query_one("#picker-echo")
        await settle(pilot, lambda: "outside their calling hours" in str(echo.render()), "warned")
        await pilot.press("enter")
        await settle(pilot, lambda: Appointment.select().count() == 1, "saved anyway")
        assert "⚠ Fri 22:00 their time is outside their calling hours" in parts(app)[2].message


async def test_picker_rejects_nonsense_and_escape_logs_nothing(new_app, desk_settings):
    lead(desk_settings, "Dana", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("N")
        await settle(pilot, lambda: isinstance(app.screen, NextContactPicker), "picker open")
        await pilot.press(*keys("feb 30"))
        echo = app.screen.query_one("#picker-echo")
        await settle(pilot, lambda: "no day 30" in str(echo.render()), "an explanation")
        await pilot.press("enter")
        await settle(pilot, lambda: "type a time first" in str(echo.render()), "enter refused")
        assert isinstance(app.screen, NextContactPicker)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "back at the desk")
        assert "cancelled" in parts(app)[2].message
    assert Touch.select().where(Touch.outcome != "received").count() == 0


async def test_shift_key_overrides_the_next_date(new_app, desk_settings):
    a = lead(desk_settings, "Dana", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("V")
        await settle(pilot, lambda: isinstance(app.screen, NextContactPicker), "picker open")
        await pilot.press(*keys(" thu 3pm"), "enter")  # a space first: t would apply at once
        await settle(pilot, lambda: Touch.select().where(Touch.outcome == "voicemail").exists(),
                     "voicemail saved")  # fmt: skip
    row = Lead.get_by_id(a)
    assert row.next_due_at.in_timezone("America/New_York").format("ddd HH:mm") == "Thu 15:00"
    assert row.attempts == 1


async def test_a_lead_outside_its_window_is_listed_later_and_not_refused_by_the_desk(
    new_app, desk_settings
):
    # 14:00 in New York is 06:00 in Sydney: closed. Whether a call may be logged
    # now is the core's decision (tests/ui/desk/test_outside_hours.py fakes it).
    sydney = lead(desk_settings, "Sam Ito", "+61 2 9374 4000", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        queue, _detail, _status = parts(app)
        assert queue.due_count == 0 and queue.later_count == 1
        assert queue.selected_lead_id == sydney
        assert queue.selected.opens_at is not None


async def test_markup_in_fields_is_shown_literally(new_app, desk_settings):
    name = "[bold red]Mallory[/] \x1b[31m"
    lead(desk_settings, name, "(212) 555-0142", 5, company="[link=http://x]Evil[/link]")
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = parts(app)[1]
        await settle(pilot, lambda: detail.lead_id is not None, "detail loaded")
        text = screen_text(app)
    assert "[bold red]Mallory[/]" in text
    assert "[link=http://x]Evil[/link]" in text
    assert "\x1b" not in text
    assert "\N{REPLACEMENT CHARACTER}[31m" in text


async def test_keys_are_remappable_by_binding_id(new_app, desk_settings):
    a = lead(desk_settings, "Dana", "(212) 555-0142", 30)
    remapped = Settings(
        rep_name="tester", rep_timezone="America/Chicago", keys={"outcome-no-answer": "z"}
    )
    app = new_app(remapped)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("z")
        await settle(pilot, lambda: Touch.select().where(Touch.outcome == "no-answer").exists(),
                     "z logged no answer")  # fmt: skip
    assert Lead.get_by_id(a).attempts == 1


async def test_moving_the_cursor_updates_the_detail(new_app, desk_settings):
    a = lead(desk_settings, "Dana", "(212) 555-0142", 30)
    b = lead(desk_settings, "Ravi", "(312) 555-0177", 20)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = parts(app)[1]
        await settle(pilot, lambda: detail.lead_id == a, "first lead shown")
        await pilot.press("j")
        await settle(pilot, lambda: detail.lead_id == b, "second lead shown")
        await pilot.press("k")
        await settle(pilot, lambda: detail.lead_id == a, "first lead again")


async def test_queue_loads_only_a_page_and_pages_on_demand(new_app, desk_settings, desk_db):
    import pendulum

    from leaddesk.core.store.db import database, to_ms

    lead(desk_settings, "Seed", "(212) 555-0100", 400)
    seed = Lead.get()
    conn = database.obj.connection()
    with database.obj.atomic():
        for i in range(1, 400):
            conn.execute(
                "INSERT INTO lead (name, company, title, email, address, city, region, postcode,"
                " country, timezone, timezone_source, call_zones, source, interest, received_at,"
                " status, do_not_call, do_not_mail, no_count, attempts, cadence, cadence_step,"
                " next_due_at, next_channel, priority, closed_early, tags, notes, created_at,"
                " updated_at) SELECT 'Bulk ' || ?, company, title, email, address, city, region,"
                " postcode, country, timezone, timezone_source, call_zones, source, interest,"
                " received_at + ?, status, do_not_call, do_not_mail, no_count, attempts, cadence,"
                " cadence_step, next_due_at + ?, next_channel, priority, closed_early, tags, notes,"
                " created_at, updated_at FROM lead WHERE id = ?",
                (i, i * 1000, i * 1000, seed.id),
            )
    assert to_ms(pendulum.now("UTC")) > 0
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        queue = parts(app)[0]
        assert queue.due_count == 400
        first_page = len(queue.due_rows)
        assert 0 < first_page <= queue.size.height + 2 * queue.page_margin + 30
        await pilot.press("end")
        await settle(pilot, lambda: queue.page_offset > 0 and queue.selected is not None,
                     "the last page loaded")  # fmt: skip
        assert queue.selected.name == "Bulk 399"
        assert len(queue.due_rows) <= first_page


async def test_a_refresh_keeps_the_cursor_on_the_same_lead(new_app, desk_settings, clock):
    lead(desk_settings, "Dana", "(212) 555-0142", 30)
    ravi = lead(desk_settings, "Ravi", "(312) 555-0177", 20)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        queue, detail, _ = parts(app)
        await pilot.press("j")
        await settle(pilot, lambda: detail.lead_id == ravi, "Ravi selected")
        # A lead that waited longer arrives above the cursor.
        lead(desk_settings, "Early Bird", "(415) 555-0100", 120)
        await pilot.press("r")
        await settle(pilot, lambda: queue.due_count == 3, "refreshed")
        assert queue.selected_lead_id == ravi


async def test_command_palette_offers_namespaced_desk_actions(new_app, desk_settings):
    a = lead(desk_settings, "Dana", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*keys("lead: log left voicemail"))
        await settle(
            pilot,
            lambda: "lead: log left voicemail" in screen_text(app),
            "the palette lists the command",
        )
        await pilot.press("enter")
        await settle(pilot, lambda: Touch.select().where(Touch.outcome == "voicemail").exists(),
                     "voicemail logged from the palette")  # fmt: skip
    assert Lead.get_by_id(a).attempts == 1


async def test_an_appointment_about_to_start_is_announced_once(new_app, desk_settings, clock):
    from leaddesk.core.writes.outcomes import log_outcome

    a = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 120)
    log_outcome(a, "appointment", clock.now().subtract(hours=1), desk_settings,
                next_at=clock.now().add(minutes=7))  # fmt: skip
    app = new_app()
    notified: list[tuple[str, str]] = []  # (message, title): what the rep was told
    notify = app.notify

    def recorded(message: str, **kw) -> None:
        notified.append((message, kw.get("title", "")))
        notify(message, **kw)

    app.notify = recorded
    # notifications=True: the pilot shows no toasts unless asked
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)

        def announced() -> list[str]:
            return [text for text, title in notified if title == "starting soon"]

        await settle(pilot, lambda: len(announced()) == 1, "the announcement")
        assert "Appointment with Dana Whitfield in 7 min (14:07 their time)" in announced()[0]
        # it stays a minute: the status line (what was just logged) and the keys stay
        # readable beside it, not under it
        await settle(pilot, lambda: bool(app.screen.query(Toast)), "the toast shown")
        await pilot.pause()
        toast = app.screen.query_one(Toast).region
        for below in (app.screen.query_one(StatusLine), app.screen.query_one(DeskFooter)):
            assert not toast.overlaps(below.region), (toast, below.region)
        await pilot.press("r")
        await settle(pilot, lambda: not app.screen.workers, "refreshed")
        await drain(app)
        assert len(announced()) == 1


async def test_many_appointments_starting_at_once_share_one_toast(new_app, desk_settings, clock):
    """A big store opened at its instant: one toast naming the first few, not dozens
    of toasts stacked over the lead on screen."""
    from leaddesk.core.writes.outcomes import log_outcome

    for n in range(7):
        a = lead(desk_settings, f"Booked {n}", f"(212) 555-01{n:02d}", 120)
        log_outcome(a, "appointment", clock.now().subtract(hours=1), desk_settings,
                    next_at=clock.now().add(minutes=2 + n))  # fmt: skip
    app = new_app()
    notified: list[tuple[str, str]] = []  # (message, title): what the rep was told
    notify = app.notify

    def recorded(message: str, **kw) -> None:
        notified.append((message, kw.get("title", "")))
        notify(message, **kw)

    app.notify = recorded
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)

        def announced() -> list[str]:
            return [text for text, title in notified if title == "starting soon"]

        await settle(pilot, lambda: bool(announced()), "the announcement")
        await pilot.press("r")
        await settle(pilot, lambda: not app.screen.workers, "refreshed")
        await drain(app)
        assert len(announced()) == 1, announced()
        text = announced()[0]
        assert text.startswith("7 appointments start soon: Appointment with Booked 0 in 2 min")
        assert "Booked 4 in 6 min" in text and "Booked 5" not in text
        assert text.endswith("… and 2 more")
