"""The desk and the add form at 80×24 and 140×30: nothing a rep needs is cut off.

Each size is checked twice: by what the widgets draw (times whole left of the
scrollbar, no horizontal scrollbar under the list, `? help` and `q quit` inside
the footer, the form's save hint on screen), and by an SVG snapshot with a
fixed clock, fixed leads and the cursor blink off.
"""

from __future__ import annotations

import pytest
from desk_helpers import DESK_NOW, lead, settle
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.screens.lead_form import LeadForm
from leaddesk.ui.widgets.queue_list import Layout, QueueList

SIZES = [(80, 24), (140, 30)]


@pytest.fixture
def many_leads(desk_settings) -> None:
    """More leads than rows: the list scrolls. New ones (0m to 9h), two promises."""
    lead(desk_settings, "Nadia Brand-New", "(212) 555-0100", minutes_ago=0)
    for n in range(36):
        lead(desk_settings, f"Lead Number {n:02d}", f"(312) 555-{n:04d}", minutes_ago=7 + 15 * n)
    for n, phone in enumerate(("(415) 555-0101", "(415) 555-0102")):
        promised = lead(desk_settings, f"Promise {n}", phone, minutes_ago=600)
        log_outcome(
            promised,
            "callback",
            DESK_NOW.subtract(hours=5),
            desk_settings,
            next_at=DESK_NOW.subtract(minutes=30 * (n + 1)),
            outside_hours=True,
        )


async def desk_ready(pilot: Pilot) -> DeskScreen:
    def loaded() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, DeskScreen)
            and screen.loader.snapshot is not None
            and screen.loader.snapshot.extras is not None
            and screen.query_one(QueueList).selected is not None
            and bool(screen.query(FooterKey))  # built just after the first lead (DeskFooter)
        )

    await settle(pilot, loaded, "the desk with its leads")
    screen = pilot.app.screen
    assert isinstance(screen, DeskScreen)
    return screen


async def open_form(pilot: Pilot) -> LeadForm:
    await desk_ready(pilot)
    await pilot.press("A")
    await settle(pilot, lambda: isinstance(pilot.app.screen, LeadForm), "the add form")
    for field in pilot.app.screen.query(Input).results(Input):
        field.cursor_blink = False  # a blinking cursor would make the snapshot flicker
    form = pilot.app.screen
    assert isinstance(form, LeadForm)
    return form


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_queue_footer_and_form_fit_the_terminal(new_app, many_leads, size):
    app = new_app()
    async with app.run_test(size=size) as pilot:
        desk = await desk_ready(pilot)
        queue = desk.query_one(QueueList)
        assert queue.show_vertical_scrollbar, "more leads than rows: the list scrolls"
        assert not queue.show_horizontal_scrollbar, "no stray scrollbar glyph under the list"
        room = queue.scrollable_content_region.width
        drawn = [queue.render_line(y).text for y in range(queue.scrollable_content_region.height)]
        assert all(cell_len(line) <= room for line in drawn), "nothing under the scrollbar"
        assert any(line.rstrip().endswith(" 0m") for line in drawn), "a new lead waits 0m"
        assert sum(line.rstrip().endswith("✱") for line in drawn) == 2, "promise times whole"
        keys = {k.key_display: k for k in desk.query(FooterKey).results(FooterKey)}
        for key in ("?", "q"):
            assert keys[key].region.right <= size[0], f"{key} is in the footer"
        form = await open_form(pilot)
        hint = form.query_one("#form-hint")
        assert "ctrl+s save" in str(hint.render())
        assert hint.region.y >= 0 and hint.region.bottom <= size[1], "the save hint is on screen"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_desk_snapshot(new_app, many_leads, snap_compare, size):
    assert snap_compare(new_app(), terminal_size=size, run_before=desk_ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_add_form_snapshot(new_app, many_leads, snap_compare, size):
    assert snap_compare(new_app(), terminal_size=size, run_before=open_form)


def test_later_today_names_tomorrows_count_in_its_header():
    lines = Layout(due_count=1, later_count=2, later_loaded=2, tomorrow=3)
    assert lines[lines.later_header].text == "LATER TODAY (2) · tomorrow: 3"
    assert Layout(1, 2, 2)[lines.later_header].text == "LATER TODAY (2)"
