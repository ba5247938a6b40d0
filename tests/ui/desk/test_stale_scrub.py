"""The desk header flags a do-not-call registry scrub over 31 days old (issue 13, point 5),
read with the header's figures — no trip of its own."""

from __future__ import annotations

from desk_helpers import DESK_NOW, lead, settle

from leaddesk.core.writes.dnc import import_registry
from leaddesk.ui.desk.screen import DeskScreen


async def header_after_load(app, pilot) -> str:
    await settle(pilot, lambda: isinstance(app.screen, DeskScreen) and app.screen.queue.selected,
                 "the desk")  # fmt: skip
    loader = app.screen.loader
    extras = lambda: loader.snapshot is not None and loader.snapshot.extras is not None  # noqa: E731
    await settle(pilot, extras, "the header's figures")
    return app.screen.header.plain


async def test_a_stale_scrub_shows_in_the_header(new_app, desk_settings):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    import_registry(["+1 305 555 0100"], DESK_NOW.subtract(days=40), DESK_NOW, desk_settings)
    app = new_app()
    async with app.run_test(size=(120, 35)) as pilot:
        text = await header_after_load(app, pilot)
        assert "⚠ registry scrub 40 days old (over 31)" in text


async def test_a_fresh_scrub_says_nothing(new_app, desk_settings):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    import_registry(["+1 305 555 0100"], DESK_NOW.subtract(days=30), DESK_NOW, desk_settings)
    app = new_app()
    async with app.run_test(size=(120, 35)) as pilot:
        text = await header_after_load(app, pilot)
        assert "scrub" not in text
