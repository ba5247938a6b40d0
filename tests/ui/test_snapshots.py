"""What the rep sees, as SVG snapshots: the desk at 120×35 and 80×24, the `?`
help, the `F` stats screen and the `A` add form.

Everything that varies is fixed: the clock (FixedClock), the data (a few
leads and touches written through the core at that clock), the terminal size.
The store's path is never on screen; the cursor does not blink in headless
runs. Update after a deliberate change with `pytest --snapshot-update` on
this file, and read the new SVGs' text before committing them.
"""

from __future__ import annotations

import pytest
from desk_helpers import DESK_NOW, drain, lead, settle
from textual.widgets._footer import FooterKey

from leaddesk.core.domain.clock import FixedClock
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.ui.app import make_app
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.widgets.lead_detail import LeadDetail

WIDE = (120, 35)
NARROW = (80, 24)


@pytest.fixture
def snap_app(desk_db, desk_settings):
    """Five leads with a little history, all written at fixed times."""
    dana = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", minutes_ago=90)
    ravi = lead(desk_settings, "Ravi Patel", "(312) 555-0177", minutes_ago=60)
    lead(desk_settings, "Mei Chen", "(415) 555-0199", minutes_ago=45, email="mei@example.com")
    lead(desk_settings, "Olu Adeyemi", "(617) 555-0123", minutes_ago=30)
    lead(desk_settings, "Sofia Marquez", "(305) 555-0110", minutes_ago=5)
    log_outcome(dana, "no-answer", DESK_NOW.subtract(minutes=80), desk_settings)
    log_outcome(ravi, "voicemail", DESK_NOW.subtract(minutes=50), desk_settings)
    return make_app(desk_settings, FixedClock(DESK_NOW), desk_db)


async def desk_ready(pilot) -> None:
    app = pilot.app
    await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
    await settle(pilot, lambda: app.screen.query_one(LeadDetail).lead_id is not None, "a lead")
    # the footer's keys are built just after the first lead is painted (DeskFooter)
    await settle(pilot, lambda: bool(app.screen.query(FooterKey)), "the footer's keys")
    await drain(app)


def after(key: str, kind: str):
    """Open the desk, press `key`, wait until screen `kind` is on top and loaded."""

    async def run_before(pilot) -> None:
        await desk_ready(pilot)
        await pilot.press(key)
        await settle(pilot, lambda: type(pilot.app.screen).__name__ == kind, kind)
        await drain(pilot.app)

    return run_before


def test_the_desk_wide(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=WIDE, run_before=desk_ready)


def test_the_desk_narrow(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=NARROW, run_before=desk_ready)


def test_help(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=WIDE, run_before=after("?", "HelpScreen"))


def test_stats(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=WIDE, run_before=after("F", "StatsScreen"))


def test_add_form(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=WIDE, run_before=after("A", "LeadForm"))
