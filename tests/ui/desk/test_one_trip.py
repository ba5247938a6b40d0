"""A keystroke is one trip to the database thread, on both engines: an outcome key
is one job (the write, the next page, the header's figures, the next claim) and
a cursor move is one job. The desk's own writes never make its change check
reload: each job answers with the store's change token after its commits."""

from __future__ import annotations

from typing import Any

import pytest
from desk_helpers import DESK_NOW, drain, lead, settle

from leaddesk.core.domain.clock import FixedClock
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.writes.leads import add_lead
from leaddesk.ui.app import make_app
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.widgets.lead_detail import LeadDetail
from leaddesk.ui.widgets.status import DeskHeader, StatusLine

SIZE = (120, 35)


def record_jobs(app) -> list[str]:
    """The name of every job the desk hands to its database thread, in order."""
    jobs: list[str] = []
    run = app.db.run

    async def recorded(fn, *args: Any, **kwargs: Any):
        jobs.append(getattr(fn, "__name__", repr(fn)))
        return await run(fn, *args, **kwargs)

    app.db.run = recorded
    return jobs


@pytest.fixture(autouse=True)
def no_timer_checks(monkeypatch):
    """The tests call the change check as its timer would; the timer itself (1.5 s)
    would add jobs of its own on a slow machine."""
    monkeypatch.setattr("leaddesk.ui.desk.screen.CHANGE_CHECK_SECONDS", 3600)


@pytest.fixture
def desk(store_target, store, desk_settings):
    first = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    second = lead(desk_settings, "Ravi Patel", "(312) 555-0177", minutes_ago=20)
    app = make_app(desk_settings, FixedClock(DESK_NOW), store_target)
    return app, first, second


async def opened(pilot) -> DeskScreen:
    app = pilot.app
    await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
    screen = app.screen
    await settle(pilot, lambda: screen.query_one(LeadDetail).lead_id is not None, "a lead")
    await screen.loader.check_for_changes()  # the first check learns the store's token
    await settle(pilot, lambda: not screen.workers, "the first check's reload")
    return screen


async def test_an_outcome_key_is_one_job_and_no_reload_follows(desk):
    app, first, second = desk
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        detail = screen.query_one(LeadDetail)
        assert detail.lead_id == first
        jobs = record_jobs(app)
        await pilot.press("n")
        status = screen.query_one(StatusLine)
        await settle(pilot, lambda: "no answer" in status.message, "logged")
        await settle(pilot, lambda: detail.lead_id == second, "the next lead on screen")
        assert "dials 1 " in screen.query_one(DeskHeader).plain  # the header followed
        assert jobs == ["outcome_key"]
        # the desk's own write (and its claim on the next lead) is no change to reload for
        # ... and the check right after it asks nothing: the job brought the token back
        assert await screen.loader.check_for_changes() is False
        assert jobs == ["outcome_key"]
        assert await screen.loader.check_for_changes() is False
        await drain(app)
        assert jobs == ["outcome_key", "check_in"]


async def test_a_cursor_move_is_one_job_and_no_reload_follows(desk):
    app, _, second = desk
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        detail = screen.query_one(LeadDetail)
        jobs = record_jobs(app)
        await pilot.press("j")
        await settle(pilot, lambda: detail.lead_id == second, "the lead below")
        assert jobs == ["cursor_key"]
        assert await screen.loader.check_for_changes() is False
        assert await screen.loader.check_for_changes() is False
        await drain(app)
        assert jobs == ["cursor_key", "check_in"]


async def test_another_writer_still_makes_the_check_reload(desk, desk_settings):
    app, first, _ = desk
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        detail = screen.query_one(LeadDetail)
        jobs = record_jobs(app)
        # another program adds a lead, then the rep logs an outcome: the job saw
        # a token it did not expect, so the desk keeps its old one and reloads
        add_lead(
            LeadDraft(name="Walk-in", phones=[("(312) 555-0100", "")]), DESK_NOW, desk_settings
        )
        await pilot.press("n")
        await settle(pilot, lambda: detail.lead_id not in (None, first), "the next lead")
        assert await screen.loader.check_for_changes() is True
        await settle(pilot, lambda: not screen.workers, "the reload")
        assert "desk_snapshot" in jobs


async def test_renewing_the_claim_is_no_change_to_reload(store_target, store, desk_settings):
    """The change check renews the claim of a long call; that write of the desk's own
    (a transaction like any other on PostgreSQL) must not make the next check reload."""
    first = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    clock = FixedClock(DESK_NOW)
    app = make_app(desk_settings, clock, store_target)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert screen.claims.claimed == first
        jobs = record_jobs(app)
        clock.advance(minutes=desk_settings.team.claim_minutes)  # the claim is due for renewal
        await screen.loader.check_for_changes()  # (the minute turned: this one reloads)
        await drain(app)
        assert "move_claim" in jobs, jobs
        jobs.clear()
        assert await screen.loader.check_for_changes() is False
        await drain(app)
        assert jobs == ["check_in"]
        assert screen.claims.claimed == first
