"""The desk under hostile input and a failing store: user text is shown literally
in every pane and never reaches the terminal raw; a full disk, a lock held too
long, a corrupted file or an impossible date gives one status-line message,
saves nothing, and the desk stays usable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee
import pytest
from desk_helpers import drawn, lead, screen_text, settle
from rich.console import Console
from rich.text import Text
from textual import events
from textual.widgets import Input

from leaddesk.core.desk import keystroke
from leaddesk.core.domain.text import CONTROLS
from leaddesk.core.store import db as db_module
from leaddesk.core.store.db import database
from leaddesk.core.store.models import Lead, Touch
from leaddesk.core.store.schema import close_store
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.logs import log_file, setup_logging
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.screens.help import HelpScreen
from leaddesk.ui.screens.picker import NextContactPicker
from leaddesk.ui.widgets.lead_detail import LeadDetail
from leaddesk.ui.widgets.queue_list import QueueList
from leaddesk.ui.widgets.status import StatusLine
from leaddesk.ui.widgets.touch_history import TouchHistory

SIZE = (120, 35)

# Shown exactly as typed: the terminal may draw them, nothing interprets them.
LITERAL = {
    "name": "[bold red]Mallory[/] 🚀✨",
    "company": "[link=http://evil.example]Evil Co[/link] שלום",
    "title": "Zoë Ä\u0308\u0301 Z\u0335a\u0336lgo",
    "source": "[reverse]web[/reverse] مرحبا",
    "interest": "roof 🚀 [/]",
}
# Emoji glued by joiners and modifiers are drawn plain (terminals disagree on
# their width, and a pane's columns would slide).
GLUED = {"city": "Zoë 👩🏽‍💻 ☎️ 👍🏽"}
GLUED_SHOWN = "Zoë 👩💻 ☎ 👍"
# Neutralised: each control becomes a visible placeholder.
CONTROLLED = {
    "notes": "line one\nline two \x1b]0;pwned\x07 \x1b[2J",
    "address": "1 Main St \u202egnp.exe \x9b31m",
}
NOTE = "called \x1b[31mred\x1b[0m [bold]not bold[/bold]"


def assert_drawn_safely(app) -> str:
    lines = drawn(app)
    for line, width in lines:
        assert not CONTROLS.search(line), repr(line)
        assert Text(line).cell_len == width, f"line overflows or falls short: {line!r}"
    return "\n".join(line for line, _ in lines)


async def ready(pilot) -> tuple[QueueList, LeadDetail, StatusLine]:
    await settle(
        pilot,
        lambda: isinstance(pilot.app.screen, DeskScreen) and pilot.app.screen.queue.now,
        "the desk to load",
    )
    screen = pilot.app.screen
    detail = screen.query_one(LeadDetail)
    await settle(pilot, lambda: detail.lead_id is not None, "the detail")
    return screen.query_one(QueueList), detail, screen.query_one(StatusLine)


async def test_hostile_fields_are_literal_in_every_pane(new_app, desk_settings, clock):
    fields = {k: v for k, v in {**LITERAL, **CONTROLLED, **GLUED}.items() if k != "name"}
    hostile = lead(desk_settings, LITERAL["name"], "(212) 555-0142", 30, **fields)
    log_outcome(hostile, "voicemail", clock.now(), desk_settings, note=NOTE)
    Lead.update(next_due_at=clock.now()).where(Lead.id == hostile).execute()
    app = new_app()
    async with app.run_test(size=(240, 35)) as pilot:  # wide: nothing cut off
        *_, status = await ready(pilot)
        history = app.screen.query_one(TouchHistory)
        await settle(pilot, lambda: history.touch_count == 2, "the history")
        text = assert_drawn_safely(app)
        for field in ("name", "company", "source", "interest"):
            assert LITERAL[field] in text, field  # queue/detail, as typed
        assert "Zoë Ä\u0308\u0301" in text
        assert GLUED_SHOWN in text
        assert "\N{REPLACEMENT CHARACTER}]0;pwned" in text and "line one ⏎ line two" in text
        assert "\N{REPLACEMENT CHARACTER}gnp.exe" in text  # no right-to-left override
        assert "called \N{REPLACEMENT CHARACTER}[31mred" in text  # history note
        assert "[bold]not bold[/bold]" in text

        await pilot.press("n")  # the status line repeats the name
        await settle(pilot, lambda: "u to undo" in status.message, "logged")
        assert status.message.startswith(LITERAL["name"] + ":")
        assert LITERAL["name"] in assert_drawn_safely(app)

        await pilot.press("u")
        await settle(pilot, lambda: status.message.startswith("undone"), "undone")
        await pilot.press("l")  # the picker's title names the lead
        await settle(pilot, lambda: isinstance(app.screen, NextContactPicker), "picker")
        assert LITERAL["name"] in assert_drawn_safely(app)


async def test_help_shows_key_names_literally(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        rows = [("[bold]x[/bold]", "[red]danger[/red]", "[id]")]
        await app.push_screen(HelpScreen([("Keys", rows)]))
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        text = screen_text(app)
    assert "[bold]x[/bold]" in text and "[red]danger[/red]" in text and "[id]" in text


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("feb 30", "no day 30"),
        ("2027-03-14 02:30", "clocks skip it"),
        ("2026-02-29 10:00", "not a real date"),
        ("next blursday", "cannot read"),
        ("x" * 10_000, None),  # refused at the door
        ("tomorrow \x1b[31m9", None),
    ],
)
async def test_the_picker_refuses_impossible_dates_and_saves_nothing(
    new_app, desk_settings, typed, reason
):
    lead(desk_settings, "Dana", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, NextContactPicker), "picker")
        picker = app.screen
        when = picker.query_one("#when", Input)
        when.post_message(events.Paste(typed))  # as a terminal delivers a paste
        echo = picker.query_one("#picker-echo")
        if reason is None:
            await settle(pilot, lambda: not picker.workers, "the paste")
            assert when.value == ""
        else:
            await settle(pilot, lambda: reason in str(echo.render()), f"refused: {reason}")
        await pilot.press("enter")
        assert isinstance(app.screen, NextContactPicker), "still asking"
        assert_drawn_safely(app)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "back")
    assert Touch.select().where(Touch.outcome != "received").count() == 0


# --- a failing store: one line, nothing saved, still usable ------------------------


def touches() -> int:
    return Touch.select().where(Touch.outcome.not_in(["received", "ballast"])).count()


async def test_a_full_disk_is_one_line_and_the_desk_goes_on(new_app, desk_settings, clock):
    setup_logging()
    for n in range(3):
        lead(desk_settings, f"Lead {n}", f"(212) 555-01{n:02d}", 30 - n)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        queue, _, status = await ready(pilot)
        lead_id = queue.selected_lead_id
        at = int(clock.now().timestamp() * 1000)

        def fill() -> None:
            """Cap the file at its size and fill the pages a touch for this
            lead would go to, on the desk's own connection."""
            (pages,) = database.execute_sql("PRAGMA page_count").fetchone()
            database.execute_sql(f"PRAGMA max_page_count = {pages}")
            while True:
                try:
                    database.execute_sql(
                        "INSERT INTO touch (lead_id, at, channel, outcome, note, phone,"
                        " lead_local, counted, scheduled_channel, before)"
                        " VALUES (?, ?, 'system', 'ballast', '', '', '', 0, '', '')",
                        (lead_id, at),
                    )
                except peewee.OperationalError:
                    return

        await app.db.run(fill)
        before = touches()
        await pilot.press("n")
        await settle(pilot, lambda: status.is_error, "an error line")
        assert "disk full" in status.message and "not saved" in status.message
        assert touches() == before
        assert_drawn_safely(app)

        await app.db.run(lambda: database.execute_sql("PRAGMA max_page_count = 1000000"))
        await pilot.press("n")
        await settle(pilot, lambda: "u to undo" in status.message, "saved once there is room")
        assert touches() == before + 1
    assert "disk full" in log_file().read_text()


async def test_a_lock_held_too_long_is_one_line_and_the_desk_goes_on(
    new_app, desk_settings, desk_db, monkeypatch
):
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_S", 0.05)
    monkeypatch.setattr(db_module, "_pause", lambda seconds: None)
    close_store()  # reconnect with the short timeout
    lead(desk_settings, "Dana", "(212) 555-0142", 30)
    lead(desk_settings, "Ravi", "(312) 555-0177", 20)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        queue, _, status = await ready(pilot)
        await app.db.run(close_store)  # the desk's connection too
        other = sqlite3.connect(desk_db, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        await pilot.press("n")
        await settle(pilot, lambda: status.is_error, "an error line")
        assert "locked by another program" in status.message and "not saved" in status.message
        assert queue.selected_lead_id is not None, "the selection stays"
        other.execute("ROLLBACK")
        other.close()
        await pilot.press("n")
        await settle(pilot, lambda: "u to undo" in status.message, "saved once released")
    assert touches() == 1


async def test_a_bug_in_a_desk_job_is_one_line_and_the_desk_goes_on(
    new_app, desk_settings, monkeypatch
):
    setup_logging()
    lead(desk_settings, "Dana", "(212) 555-0142", 30)
    real = keystroke.outcome_key

    def broken(*args, **kwargs):
        raise ValueError("bad value(s) in fds_to_keep")

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        _, _, status = await ready(pilot)
        monkeypatch.setattr(keystroke, "outcome_key", broken)  # read at each outcome key
        await pilot.press("n")
        await settle(pilot, lambda: status.is_error, "an error line")
        assert status.message.startswith("internal error: ValueError: bad value(s) in fds_to_keep")
        assert str(log_file()) in status.message
        assert touches() == 0
        assert app.is_running
        monkeypatch.setattr(keystroke, "outcome_key", real)
        await pilot.press("n")
        await settle(pilot, lambda: "u to undo" in status.message, "saved once the bug is gone")
        assert touches() == 1
    assert app.return_code in (0, None)
    logged = log_file().read_text()
    assert "internal error in a desk job" in logged and "Traceback" in logged


async def test_a_corrupted_file_under_the_desk_is_one_line_and_quit_works(
    new_app, desk_settings, desk_db
):
    for n in range(30):
        lead(desk_settings, f"Lead {n}", f"(212) 555-01{n:02d}", 30)
    close_store()
    path = Path(desk_db)
    data = bytearray(path.read_bytes())
    data[4 * 4096 :] = b"\xde\xad" * ((len(data) - 4 * 4096) // 2)
    path.write_bytes(bytes(data))
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        status = app.screen.query_one(StatusLine) if isinstance(app.screen, DeskScreen) else None
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        status = app.screen.query_one(StatusLine)
        await settle(pilot, lambda: status.is_error, "an error line")
        assert "corrupted" in status.message
        assert_drawn_safely(app)
        await pilot.press("q")
    assert app.return_code == 0


def test_safe_text_renders_without_control_codes():
    from leaddesk.ui.render import safe

    console = Console(width=80, color_system=None, file=None, force_terminal=True)
    with console.capture() as captured:
        console.print(Text(safe("\x1b[31mred\x1b[0m \u202eevil \x9b2J")))
    assert "\x1b[31m" not in captured.get() and "\u202e" not in captured.get()
