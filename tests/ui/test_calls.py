"""Dial, the call timer, call sessions and the stats screen, through the pilot."""

from __future__ import annotations

import asyncio
import shlex
import sys

from desk_helpers import keys, lead, screen_text, settle
from textual.widgets import OptionList

from leaddesk.core.desk import dialer
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.models import CallSession, Touch
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.core.writes.sessions import start_session
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.screens.find import FindScreen
from leaddesk.ui.screens.session import SessionStart, SessionSummary
from leaddesk.ui.screens.stats import StatsScreen
from leaddesk.ui.widgets.lead_detail import LeadDetail
from leaddesk.ui.widgets.status import DeskHeader, StatusLine

SIZE = (120, 35)


def recording_dialer(path) -> str:
    """A dialer command that writes its arguments to `path`, one per line."""
    script = "import sys; open(sys.argv[1], 'w').write('\\n'.join(sys.argv[2:]))"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(script)} {shlex.quote(str(path))}"


def with_dialer(settings: Settings, command: str) -> Settings:
    return replace(settings, dialer=command)


def header_text(app) -> str:
    return app.screen.query_one(DeskHeader).plain


def on_call(app) -> bool:
    return "on call" in header_text(app)


async def ready(pilot) -> DeskScreen:
    await settle(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, DeskScreen)
            and pilot.app.screen.queue.now is not None  # the first page is on screen
        ),
        "the desk to load",
    )
    return pilot.app.screen


def touches(outcome: str | None = None) -> list[Touch]:
    query = Touch.select().where(Touch.outcome != "received")
    if outcome:
        query = query.where(Touch.outcome == outcome)
    return list(query.order_by(Touch.id))


async def test_enter_dials_times_the_call_and_the_outcome_saves_the_duration(
    new_app, desk_settings, clock, tmp_path
):
    out = tmp_path / "argv.txt"
    dana = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    ravi = lead(desk_settings, "Ravi Patel", "(312) 555-0177", minutes_ago=20)
    app = new_app(with_dialer(desk_settings, recording_dialer(out) + " {tel} {e164}"))
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: on_call(app), "the call timer")
        assert await asyncio.to_thread(desk.calls.dialer.process.wait, 30) == 0
        assert out.read_text().splitlines() == ["tel:+12125550142", "+12125550142"]
        status = desk.query_one(StatusLine)
        assert "Dana Whitfield: dialling +1 212-555-0142" in status.message
        assert "☎ on call 00:00 Dana Whitfield" in header_text(app)
        first = desk.calls.dialer.process
        await pilot.press("enter")  # again, while on the call: no second dial
        await settle(pilot, lambda: "to dial again" in status.message, "the hint")
        assert desk.calls.dialer.process is first

        clock.advance(seconds=135)
        desk.query_one(DeskHeader).tick(app.now())  # what the 1 s interval does
        await pilot.pause()
        assert "☎ on call 02:15 Dana Whitfield" in header_text(app)

        await pilot.press("n")
        await settle(pilot, lambda: desk.queue.selected_lead_id == ravi, "the next lead")
        assert not on_call(app)
        assert "call 02:15" in status.message
    (touch,) = touches()
    assert (touch.lead_id, touch.outcome, touch.duration_s) == (dana, "no-answer", 135)


async def test_moving_away_or_escape_stops_the_timer_and_logs_nothing(
    new_app, desk_settings, tmp_path
):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    lead(desk_settings, "Ravi Patel", "(312) 555-0177", minutes_ago=20)
    app = new_app(with_dialer(desk_settings, recording_dialer(tmp_path / "argv.txt")))
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        status = desk.query_one(StatusLine)
        await pilot.press("enter")
        await settle(pilot, lambda: on_call(app), "the call timer")
        await pilot.press("j")
        await settle(pilot, lambda: not on_call(app), "the timer stopped")
        assert "moved to another lead" in status.message
        await pilot.press("enter")
        await settle(pilot, lambda: on_call(app), "a timer for Ravi")
        assert "Ravi Patel" in header_text(app)
        await pilot.press("escape")
        await settle(pilot, lambda: not on_call(app), "escape stopped it")
        assert status.message == "call timer stopped — nothing logged"
        await pilot.press("v")
        await settle(pilot, lambda: len(touches()) == 1, "a voicemail")
    assert touches()[0].duration_s is None


async def test_leads_that_may_not_be_dialled_are_refused(new_app, desk_settings, clock, tmp_path):
    out = tmp_path / "argv.txt"
    sydney = lead(desk_settings, "Sam Ito", "+61 2 9374 4000", minutes_ago=30)  # 06:00 there
    app = new_app(with_dialer(desk_settings, recording_dialer(out)))
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        status = desk.query_one(StatusLine)
        assert desk.queue.selected_lead_id == sydney
        await pilot.press("enter")
        await settle(pilot, lambda: "outside calling hours" in status.message, "refused")
        assert status.is_error and "not dialled" in status.message
        log_outcome(sydney, "dnc", clock.now(), desk_settings)
        clock.advance(hours=5)  # 11:00 in Sydney: the window is open, but do-not-call
        await pilot.press("r")
        await settle(pilot, lambda: desk.queue.selected_lead_id is None, "out of the queue")
        await pilot.press("slash")  # found and pinned, the keys act on it: enter dials it
        await settle(pilot, lambda: isinstance(app.screen, FindScreen), "find")
        await pilot.press(*keys("Sam Ito"))
        results = app.screen.query_one(OptionList)
        await settle(pilot, lambda: results.option_count == 1, "found")
        await pilot.press("enter")
        await settle(pilot, lambda: desk.query_one(LeadDetail).lead_id == sydney, "pinned")
        await pilot.press("enter")
        await settle(pilot, lambda: "Sam Ito is on do-not-call" in status.message, "refused")
        assert not on_call(app)
    assert desk.calls.dialer.process is None and not out.exists()


async def test_without_a_dialer_the_number_is_copied_to_the_clipboard(
    new_app, desk_settings, monkeypatch
):
    monkeypatch.setattr(dialer, "find_tel_handler", lambda: None)  # read on the first enter
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    app = new_app(with_dialer(desk_settings, ""))
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: on_call(app), "the call timer")
        assert app.clipboard == "+12125550142"
        assert "copied to the clipboard" in desk.query_one(StatusLine).message


async def test_a_dialer_that_cannot_start_is_one_clear_message(new_app, desk_settings, tmp_path):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    app = new_app(with_dialer(desk_settings, f"{tmp_path}/no-such-dialer {{tel}}"))
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        status = desk.query_one(StatusLine)
        await pilot.press("enter")
        await settle(pilot, lambda: "not found" in status.message, "the failure")
        assert status.is_error and "not dialled" in status.message
        assert not on_call(app)


async def test_a_call_session_from_start_to_summary(new_app, desk_settings):
    for i in range(3):
        lead(desk_settings, f"Lead {i}", f"(212) 555-01{i:02d}", minutes_ago=30 - i)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        await pilot.press("S")
        await settle(pilot, lambda: isinstance(app.screen, SessionStart), "the goal modal")
        await pilot.press("x")
        echo = app.screen.query_one("#session-echo")
        await settle(pilot, lambda: "a goal is a number" in str(echo.render()), "refused")
        await pilot.press("backspace", "5", "enter")
        await settle(pilot, lambda: "session 00:00:00" in header_text(app), "the session")
        assert "session 00:00:00 · dials 0/5 · connects 0 · appts 0" in header_text(app)

        await pilot.press("n")
        await settle(pilot, lambda: "dials 1/5" in header_text(app), "one dial counted")
        await pilot.press("c")
        await settle(pilot, lambda: "dials 2/5" in header_text(app), "two dials")
        assert "dials 2/5 · connects 1 (50%)" in header_text(app)

        await pilot.press("S")
        await settle(pilot, lambda: isinstance(app.screen, SessionSummary), "the summary")
        text = screen_text(app)
        assert "Session ended — saved" in text and "2 of 5" in text and "50%" in text
        row = CallSession.get()
        assert (row.dials, row.connects, row.goal) == (2, 1, 5) and row.ended_at is not None
        await pilot.press("r")
        await settle(pilot, lambda: "session" in header_text(app), "resumed")
        assert CallSession.get().ended_at is None

        await pilot.press("S")
        await settle(pilot, lambda: isinstance(app.screen, SessionSummary), "ended again")
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is desk, "back at the desk")
        assert "today · dials 2" in header_text(app)
    assert CallSession.get().ended_at is not None


async def test_a_session_left_open_is_shown_again_at_the_next_start(new_app, desk_settings, clock):
    lead(desk_settings, "Dana", "(212) 555-0142", minutes_ago=30)
    start_session(clock.now().subtract(minutes=42, seconds=10), desk_settings, goal=60)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await settle(pilot, lambda: "session 00:42:10" in header_text(app), "the session")
        assert "dials 0/60" in header_text(app)


async def test_escape_on_the_goal_modal_starts_nothing(new_app, desk_settings):
    lead(desk_settings, "Dana", "(212) 555-0142", minutes_ago=30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        await pilot.press("S")
        await settle(pilot, lambda: isinstance(app.screen, SessionStart), "the goal modal")
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is desk, "closed")
        assert "no session started" in desk.query_one(StatusLine).message
    assert CallSession.select().count() == 0


async def test_the_stats_screen_shows_your_numbers(new_app, desk_settings, clock):
    dana = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    log_outcome(dana, "connected", clock.now().subtract(minutes=5), desk_settings)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        await pilot.press("F")
        await settle(
            pilot,
            lambda: isinstance(app.screen, StatsScreen) and app.screen.report is not None,
            "the report",
        )
        assert app.screen.report.period("today").tally.connects == 1
        text = screen_text(app)
        assert "YOUR NUMBERS" in text and "this week" in text and "30 days" in text
        assert "contact rate" in text and "100%" in text
        assert "speed to lead (median)" in text and "25 min" in text
        assert "DIALS PER DAY, LAST 30 DAYS" in text
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is desk, "back at the desk")


async def test_the_palette_offers_dial_session_and_stats(new_app, desk_settings):
    lead(desk_settings, "Dana", "(212) 555-0142", minutes_ago=30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        await pilot.press("ctrl+p", *"call: dial")
        await settle(pilot, lambda: "call: dial" in screen_text(app), "dial listed")
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is desk, "palette closed")
        await pilot.press("ctrl+p", *"stats: your")
        await settle(pilot, lambda: "stats: your numbers" in screen_text(app), "stats listed")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, StatsScreen), "the stats screen")
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is desk, "back at the desk")
        await pilot.press("ctrl+p", *"session: start")
        await settle(pilot, lambda: "session: start/stop" in screen_text(app), "listed")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, SessionStart), "the goal modal")


async def test_dial_session_and_stats_keys_are_remappable(new_app, desk_settings, tmp_path):
    lead(desk_settings, "Dana", "(212) 555-0142", minutes_ago=30)
    keys = {"dial": "t", "session": "ctrl+s", "stats": "f5"}
    app = new_app(
        replace(with_dialer(desk_settings, recording_dialer(tmp_path / "a.txt")), keys=keys)
    )
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await settle(pilot, lambda: on_call(app), "t dialled")
        await pilot.press("f5")
        await settle(pilot, lambda: isinstance(app.screen, StatsScreen), "f5 opened stats")
