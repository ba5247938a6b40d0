"""The desk opens at once (issue 15): its first job reads the first DUE page and
the lead on it, nothing more; LATER and the header follow the paint. A cursor
move that changes nothing the footer shows does not rebuild the footer."""

from __future__ import annotations

from typing import Any

import pytest
from desk_helpers import DESK_NOW, lead, settle
from textual.screen import Screen

from leaddesk.core.domain.clock import FixedClock
from leaddesk.ui.app import make_app
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.widgets.lead_detail import LeadDetail

SIZE = (120, 35)


@pytest.fixture
def desk(tmp_path, desk_settings):
    from leaddesk.core.store.schema import close_store, open_store

    target = str(tmp_path / "desk.db")
    open_store(target)
    first = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    second = lead(desk_settings, "Ravi Patel", "(312) 555-0177", minutes_ago=20)
    close_store()
    yield make_app(desk_settings, FixedClock(DESK_NOW), target), first, second


async def test_the_first_job_brings_the_first_lead_and_the_rest_follows(desk):
    app, first, _ = desk
    jobs: list[tuple[str, dict[str, Any], Any]] = []
    run = app.db.run

    async def recorded(fn, *args: Any, **kwargs: Any):
        result = await run(fn, *args, **kwargs)
        jobs.append((getattr(fn, "__name__", repr(fn)), kwargs, result))
        return result

    app.db.run = recorded
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        detail = app.screen.query_one(LeadDetail)
        names = lambda: [name for name, _, _ in jobs]  # noqa: E731
        await settle(pilot, lambda: detail.lead_id == first and "desk_extras" in names(), "all")
        _, kwargs, snap = next(job for job in jobs if job[0] == "desk_snapshot")
        assert kwargs["full"] is False and snap.extras is None
        assert snap.lead is not None and snap.lead.id == first  # read in the same trip
        assert names().index("desk_snapshot") < names().index("desk_extras")


async def test_a_cursor_move_leaves_the_footer_alone(desk, monkeypatch):
    app, first, second = desk
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        screen = app.screen
        detail = screen.query_one(LeadDetail)
        await settle(pilot, lambda: detail.lead_id == first and not screen.workers, "ready")
        refreshed: list[Screen[Any]] = []
        plain = Screen.refresh_bindings
        monkeypatch.setattr(
            Screen, "refresh_bindings", lambda self: (refreshed.append(self), plain(self))[1]
        )
        await pilot.press("j")
        await settle(pilot, lambda: detail.lead_id == second, "the lead below")
        assert refreshed == []
        screen.loader.pinned = screen.loader.view  # a state the footer shows: keys change
        screen.on_queue_list_highlighted(type(screen.queue).Highlighted(second, moved=False))
        assert refreshed == [screen]


async def test_the_first_lead_is_read_once_and_only_claimed_after(desk):
    """The page's job read the first lead: the job after it claims it without reading it
    again, and the queue's first highlight starts no job of its own."""
    app, first, _ = desk
    jobs: list[tuple[str, tuple[Any, ...]]] = []
    run = app.db.run

    async def recorded(fn, *args: Any, **kwargs: Any):
        jobs.append((getattr(fn, "__name__", repr(fn)), args))
        return await run(fn, *args, **kwargs)

    app.db.run = recorded
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        screen = app.screen
        await settle(pilot, lambda: screen.claims.claimed == first and not screen.workers, "held")
        moves = [args for name, args in jobs if name == "cursor_key"]
        assert len(moves) == 1, moves
        assert moves[0][0] == first and moves[0][-1] is False  # claimed, not read again
        assert screen.query_one(LeadDetail).lead_id == first


async def test_the_footer_keys_are_built_once_after_the_first_lead(desk, monkeypatch):
    """Textual's Footer rebuilt its ~40 keys four times while the desk opened, the first
    before the first lead was painted; now once, after it, and the keys are all there."""
    from textual.widgets._footer import FooterKey

    from leaddesk.ui.widgets.desk_footer import DeskFooter

    app, first, _ = desk
    built: list[int | None] = []  # the lead on screen each time the keys were built
    compose = DeskFooter.compose

    def counted(self):
        keys = list(compose(self))
        if keys:
            built.append(self.screen.query_one(LeadDetail).lead_id)
        return keys

    monkeypatch.setattr(DeskFooter, "compose", counted)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        screen = app.screen
        await settle(pilot, lambda: screen.loader.snapshot is not None and
                     screen.loader.snapshot.extras is not None and not screen.workers and
                     bool(built), "the desk and its footer")  # fmt: skip
        assert built == [first]
        shown = {key.key_display for key in screen.query(FooterKey).results(FooterKey)}
        assert {"?", "q", "n"} <= shown


async def test_the_first_page_read_before_the_desk_loaded_is_the_one_shown(desk, desk_settings):
    """`leaddesk` asks for the first page while Textual loads (ui/first_page.py); the
    desk's first reload takes that answer and asks for no page of its own."""
    from leaddesk.ui.dbthread import DbThread
    from leaddesk.ui.first_page import read_first_page

    plain, first, _ = desk
    db = DbThread(plain.target)
    asked = read_first_page(db, DESK_NOW, desk_settings, rows=SIZE[1])
    app = make_app(desk_settings, FixedClock(DESK_NOW), plain.target, db=db, first_page=asked)
    jobs: list[str] = []
    run = app.db.run

    async def recorded(fn, *args: Any, **kwargs: Any):
        jobs.append(getattr(fn, "__name__", repr(fn)))
        return await run(fn, *args, **kwargs)

    app.db.run = recorded
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        detail = app.screen.query_one(LeadDetail)
        await settle(pilot, lambda: detail.lead_id == first and "desk_extras" in jobs, "shown")
        assert "desk_snapshot" not in jobs and app.first_page is None
        assert app.screen.loader.snapshot is not None
        assert app.screen.loader.snapshot.due_count == 2


async def test_a_first_page_that_failed_is_one_status_line(desk, desk_settings):
    from concurrent.futures import Future

    from leaddesk.core.domain.errors import StoreError
    from leaddesk.ui.widgets.status import StatusLine

    plain, _, _ = desk
    failed: Future[Any] = Future()
    failed.set_exception(StoreError("database is locked: not read"))
    app = make_app(desk_settings, FixedClock(DESK_NOW), plain.target, first_page=failed)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        status = app.screen.query_one(StatusLine)
        await settle(pilot, lambda: status.is_error, "the error said")
        assert status.message == "database is locked: not read"
