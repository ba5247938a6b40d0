"""Another program writes to the desk's file: the desk notices within one check
(a cheap PRAGMA, every CHANGE_CHECK_SECONDS) and reloads only then."""

from __future__ import annotations

import sqlite3

from desk_helpers import DESK_NOW, lead, settle

from leaddesk.ui.desk.loading import CHANGE_CHECK_SECONDS
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.widgets.queue_list import QueueList

SIZE = (120, 35)


async def opened(pilot) -> DeskScreen:
    await settle(
        pilot,
        lambda: isinstance(pilot.app.screen, DeskScreen) and pilot.app.screen.queue.now,
        "the desk to load",
    )
    screen = pilot.app.screen
    await screen.loader.check_for_changes()  # the first check learns the store's token
    await settle(pilot, lambda: not screen.workers, "the first check's reload")
    return screen


def test_the_check_is_frequent():
    assert CHANGE_CHECK_SECONDS <= 2


async def test_a_lead_added_by_another_program_shows_after_one_check(
    new_app, desk_settings, desk_db
):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        queue = screen.query_one(QueueList)
        assert queue.due_count == 1
        assert await screen.loader.check_for_changes() is False, "nothing changed, nothing read"

        # another program: its own connection to the same file
        other = sqlite3.connect(desk_db, isolation_level=None)
        other.execute("UPDATE lead SET name = 'Dana W. (edited elsewhere)'")
        other.close()
        lead(desk_settings, "Ravi Patel", "(312) 555-0177", 20)  # this thread's connection

        assert await screen.loader.check_for_changes() is True
        await settle(pilot, lambda: queue.due_count == 2, "the new lead in the queue")
        names = {row.name for row in queue.due_rows}
        assert names == {"Dana W. (edited elsewhere)", "Ravi Patel"}
        assert await screen.loader.check_for_changes() is False


async def test_the_desk_reloads_when_the_minute_turns(new_app, desk_settings, clock):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        clock.set(DESK_NOW.add(seconds=30))
        assert await screen.loader.check_for_changes() is False
        clock.set(DESK_NOW.add(seconds=61))
        assert await screen.loader.check_for_changes() is True
        await settle(pilot, lambda: screen.queue.now == DESK_NOW.add(seconds=61), "reload")
