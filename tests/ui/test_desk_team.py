"""Team mode in the desk: the selected lead is claimed (and released on moving on),
a lead another rep got first is skipped, and other reps' changes show up after the
cheap change check — driven by the pilot, the check called as its timer would."""

from __future__ import annotations

import threading

import pytest
from desk_helpers import DESK_NOW, lead, settle

from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.models import Lead
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.team import claim
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.widgets.queue_list import QueueList
from leaddesk.ui.widgets.status import StatusLine

SIZE = (120, 35)
SAM = Settings(rep_name="sam", rep_timezone="America/Chicago")


def holder(lead_id: int) -> str | None:
    row = Lead.get_by_id(lead_id)
    return row.claimed_by.name if row.claimed_by_id else None


def as_other_rep(fn, *args) -> None:
    """Run a write on its own connection (a thread), as another rep's desk would;
    its failure (an assertion included) fails the test."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            fn(*args)
        except BaseException as exc:
            failures.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failures:
        raise failures[0]


async def ready(pilot) -> DeskScreen:
    await settle(
        pilot,
        lambda: isinstance(pilot.app.screen, DeskScreen) and pilot.app.screen.queue.now,
        "the desk to load",
    )
    return pilot.app.screen


@pytest.fixture
def two_leads(desk_settings) -> tuple[int, int]:
    first = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    return first, lead(desk_settings, "Ravi Patel", "(312) 555-0177", minutes_ago=20)


async def claimed_first(pilot, first: int) -> DeskScreen:
    desk = await ready(pilot)
    rep = pilot.app.settings.rep_name
    await settle(pilot, lambda: holder(first) == rep, "the first lead is claimed")
    return desk


async def test_the_selected_lead_is_claimed_and_released_on_moving_on(new_app, two_leads):
    first, second = two_leads
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await claimed_first(pilot, first)
        assert holder(first) == "tester"
        await pilot.press("j")
        await settle(pilot, lambda: holder(second) == "tester", "the claim follows the cursor")
        assert holder(first) is None and holder(second) == "tester"
        await pilot.press("n")  # the outcome releases it; the next selected lead is claimed
        await settle(pilot, lambda: holder(first) == "tester", "back on the first lead")
        assert holder(second) is None
        await app.action_quit()
    assert holder(first) is None  # quitting lets go at once


async def test_a_lead_another_rep_got_first_is_skipped(new_app, two_leads):
    first, second = two_leads
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await claimed_first(pilot, first)
        as_other_rep(claim, second, DESK_NOW, SAM)  # sam takes it while it is still listed
        await pilot.press("j")
        status = desk.query_one(StatusLine)
        await settle(pilot, lambda: "being called by sam" in status.message, "who has it")
        queue = desk.query_one(QueueList)
        await settle(pilot, lambda: queue.due_count == 1, "the queue drops sam's lead")
        assert queue.selected_lead_id == first and holder(second) == "sam"


async def test_another_reps_new_lead_appears_after_the_change_check(new_app, desk_settings):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        queue = desk.query_one(QueueList)
        await desk.loader.check_for_changes()  # the first check learns the token (and reloads once)
        await settle(pilot, lambda: not desk.workers, "the first check's reload")
        draft = LeadDraft(name="Walk-in", phones=[("(312) 555-0100", "")])
        as_other_rep(add_lead, draft, DESK_NOW, SAM)
        assert queue.due_count == 1
        assert await desk.loader.check_for_changes() is True  # what the 1.5 s timer does
        await settle(pilot, lambda: queue.due_count == 2, "the new lead shows")


@pytest.mark.postgresql_only
async def test_two_reps_desks_on_postgresql_split_the_pool(store_target, store, desk_settings):
    """ana's and sam's desks on one PostgreSQL database: each claims a different lead,
    and each logs a call on its own lead only."""
    from leaddesk.core.domain.clock import FixedClock
    from leaddesk.core.store.models import Touch
    from leaddesk.ui.app import make_app

    first = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=30)
    second = lead(desk_settings, "Ravi Patel", "(312) 555-0177", minutes_ago=20)
    ana = make_app(
        Settings(rep_name="ana", rep_timezone="America/Chicago"), FixedClock(DESK_NOW), store_target
    )
    async with ana.run_test(size=SIZE) as pilot:
        desk = await claimed_first(pilot, first)
        # sam's desk, as its own database connection would see the pool now
        as_other_rep(lambda: sam_takes_the_next(second))
        await pilot.press("n")
        await settle(pilot, lambda: "no answer" in desk.query_one(StatusLine).message, "logged")
    calls = {(t.lead_id, t.rep.name) for t in Touch.select().where(Touch.channel == "call")}
    assert calls == {(first, "ana"), (second, "sam")}


def sam_takes_the_next(expected: int) -> None:
    from leaddesk.core.reads.queue.sections import whole_queue
    from leaddesk.core.writes.outcomes import log_outcome

    rows = whole_queue(DESK_NOW, SAM, 10)
    assert [r.lead_id for r in rows] == [expected]  # ana's claimed lead is not offered
    claim(expected, DESK_NOW, SAM)
    log_outcome(expected, "voicemail", DESK_NOW, SAM)


async def test_the_palette_takes_a_lead_and_gives_it_back_to_the_pool(new_app, two_leads):
    first, _ = two_leads
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        status = desk.query_one(StatusLine)
        await desk.run_action("act('team-take')")
        await settle(pilot, lambda: "assigned to tester" in status.message, "taken")
        assert Lead.get_by_id(first).owner.name == "tester"
        await desk.run_action("act('team-pool')")
        await settle(pilot, lambda: "assigned to the pool" in status.message, "given back")
        assert Lead.get_by_id(first).owner_id is None
        await pilot.press("u")  # assigning is a touch like any other: undo takes it back
        await settle(pilot, lambda: "undone" in status.message, "undone")
        assert Lead.get_by_id(first).owner.name == "tester"


async def test_a_claim_that_takes_a_hand_off_says_so_on_the_status_line(store_target, store):
    """On both engines: ana's new lead, 7 minutes without a call, is offered to sam; his
    desk claims it after an outcome key (and on opening) and the status line says from
    whom and why, as the history's hand-off touch does."""
    from leaddesk.core.domain.clock import FixedClock
    from leaddesk.core.store.models import Touch
    from leaddesk.core.writes.team import add_rep, assign
    from leaddesk.ui.app import make_app

    ana = Settings(rep_name="ana", rep_timezone="America/Chicago")
    for name in ("ana", "sam"):
        add_rep(name)
    own = lead(SAM, "Pool Lead", "(312) 555-0177", minutes_ago=30)
    anas = lead(ana, "Dana Whitfield", "(212) 555-0142", minutes_ago=7)
    assign(anas, "ana", DESK_NOW.subtract(minutes=7), ana)
    why = "claimed from ana — new 7 min, not yet called by ana"
    app = make_app(SAM, FixedClock(DESK_NOW), store_target)
    async with app.run_test(size=SIZE) as pilot:
        desk = await claimed_first(pilot, own)
        status = desk.query_one(StatusLine)
        assert "claimed from" not in status.message  # a pool lead is no hand-off
        await pilot.press("n")  # logs the pool lead; the next lead is ana's
        await settle(pilot, lambda: holder(anas) == "sam", "sam's desk claims ana's lead")
        await settle(pilot, lambda: why in status.message, "the status line names the hand-off")
        assert status.message.startswith("Pool Lead: no answer")
        assert status.message.endswith(f"o add a note · {why}")
        await app.action_quit()
    # a second desk on the same lead (sam took it already) says nothing more: one touch
    (touch,) = Touch.select().where(Touch.outcome == "handoff")
    assert (touch.rep.name, touch.note) == ("sam", "new 7 min, not yet called by ana")


async def test_opening_the_desk_on_a_hand_off_says_so(store_target, store):
    from leaddesk.core.domain.clock import FixedClock
    from leaddesk.core.writes.team import add_rep, assign
    from leaddesk.ui.app import make_app

    ana = Settings(rep_name="ana", rep_timezone="America/Chicago")
    for name in ("ana", "sam"):
        add_rep(name)
    anas = lead(ana, "Dana Whitfield", "(212) 555-0142", minutes_ago=7)
    assign(anas, "ana", DESK_NOW.subtract(minutes=7), ana)
    app = make_app(SAM, FixedClock(DESK_NOW), store_target)
    async with app.run_test(size=SIZE) as pilot:
        desk = await claimed_first(pilot, anas)
        status = desk.query_one(StatusLine)
        await settle(pilot, lambda: "claimed from ana" in status.message, "the hand-off named")
        assert status.message == "claimed from ana — new 7 min, not yet called by ana"
        assert not status.is_error


async def test_a_hand_off_is_marked_in_its_queue_row(store_target, store):
    """On both engines: the row of ana's lead offered to sam says "↪ ana" at a glance
    (the detail's "why now" says why); sam's own pool lead carries no mark."""
    from leaddesk.core.domain.clock import FixedClock
    from leaddesk.core.writes.team import add_rep, assign
    from leaddesk.ui.app import make_app

    ana = Settings(rep_name="ana", rep_timezone="America/Chicago")
    for name in ("ana", "sam"):
        add_rep(name)
    lead(SAM, "Pool Lead", "(312) 555-0177", minutes_ago=30)
    anas = lead(ana, "Dana Whitfield", "(212) 555-0142", minutes_ago=7)
    assign(anas, "ana", DESK_NOW.subtract(minutes=7), ana)
    app = make_app(SAM, FixedClock(DESK_NOW), store_target)
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        queue = desk.query_one(QueueList)
        await settle(pilot, lambda: queue.due_count == 2, "both leads due")
        width = queue.scrollable_content_region.width
        lines = [queue.render_line(y).text for y in range(queue.scrollable_content_region.height)]
        (handed,) = [line for line in lines if "Dana Whitfield" in line]
        (pool,) = [line for line in lines if "Pool Lead" in line]
        assert "↪ ana " in handed and handed.rstrip().endswith("7m")
        assert "↪" not in pool
        assert all(len(line) <= width for line in (handed, pool))
        await app.action_quit()
