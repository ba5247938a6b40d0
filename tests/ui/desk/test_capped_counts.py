"""The queue's headers show a count that stopped at its cap as "N+", never as an exact
number, and the rep can still page past it (issue 15, point 4)."""

from __future__ import annotations

import re

from desk_helpers import lead, screen_text, settle

from leaddesk.core.desk import snapshot
from leaddesk.ui.desk.screen import DeskScreen


def _fill(settings, due: int, later: int) -> None:
    for i in range(due):
        area = ("212", "312")[i // 100]  # a number each (caps count per number)
        lead(settings, f"Due {i:03d}", f"({area}) 555-01{i % 100:02d}", 5 + i)
    for i in range(later):
        lead(settings, f"Later {i:02d}", f"+61 2 9999 99{i:02d}")  # Sydney: closed now


async def _headers(app, pilot, due: str, later: str) -> None:
    await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
    await settle(pilot, lambda: due in screen_text(app), due)
    await settle(pilot, lambda: later in screen_text(app), later)


async def test_counts_above_the_cap_show_a_plus(new_app, desk_settings, monkeypatch):
    monkeypatch.setattr(snapshot, "COUNT_CAP", 4)
    _fill(desk_settings, due=130, later=5)
    app = new_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        await settle(pilot, lambda: "+)" in screen_text(app), "a capped DUE count")
        queue = app.screen.queue
        later = lambda: queue.lines[queue.lines.later_header].text  # noqa: E731 (below the fold)
        await settle(pilot, lambda: later() == "LATER TODAY (4+)", "a capped LATER count")
        # DUE is counted one row past the page the desk loaded (screen + margins), not all
        (due,) = re.findall(r"DUE \((\d+)\+\)", screen_text(app))
        assert 4 < int(due) < 130
        assert "… 0+ more" not in screen_text(app)


async def test_counts_below_the_cap_are_exact(new_app, desk_settings):
    _fill(desk_settings, due=3, later=2)
    app = new_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await _headers(app, pilot, "DUE (3)", "LATER TODAY (2)")
        assert "+)" not in screen_text(app)
