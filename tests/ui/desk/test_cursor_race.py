"""A reload that was already reading when the rep moved the cursor must not put
the cursor back: the rep's key wins over a page read before it (a change check
or a write's reload in flight — on a busy machine the rep's `j` came undone)."""

from __future__ import annotations

import threading

import pytest
from desk_helpers import DESK_NOW, lead, settle

from leaddesk.core.domain.clock import FixedClock
from leaddesk.ui.app import make_app
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.widgets.lead_detail import LeadDetail
from leaddesk.ui.widgets.queue_list import QueueList

SIZE = (120, 35)


@pytest.fixture(autouse=True)
def no_timer_checks(monkeypatch):
    """The test starts the reload itself; the change timer would add its own."""
    monkeypatch.setattr("leaddesk.ui.desk.screen.CHANGE_CHECK_SECONDS", 3600)


async def test_a_reload_in_flight_keeps_the_cursor_where_the_rep_moved_it(
    store_target, store, desk_settings
):
    first = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    second = lead(desk_settings, "Ravi Patel", "(312) 555-0177", minutes_ago=20)
    app = make_app(desk_settings, FixedClock(DESK_NOW), store_target)
    async with app.run_test(size=SIZE) as pilot:
        await settle(
            pilot,
            lambda: isinstance(app.screen, DeskScreen) and app.screen.loader.view is not None,
            "the desk with Dana on screen",
        )
        screen = app.screen
        queue, detail = screen.query_one(QueueList), screen.query_one(LeadDetail)
        assert queue.selected_lead_id == first
        gate = threading.Event()
        busy = app.db.submit(gate.wait)  # the database thread is busy with an earlier job
        screen.loader.start_reload()  # a reload asked while Dana is selected …
        await pilot.pause()
        await pilot.press("j")  # … and the rep moves on before it has read anything
        assert queue.selected_lead_id == second
        gate.set()
        busy.result(timeout=10)
        await settle(pilot, lambda: detail.lead_id == second, "Ravi's detail")
        assert queue.selected_lead_id == second, "the reload put the cursor back"
