"""Issue 12 on the desk: doubtful numbers flagged in the form, the detail pane and
on `enter`; extensions shown and dialled (120×35, through the pilot)."""

from __future__ import annotations

import asyncio

from desk_helpers import keys, lead, settle
from test_calls import recording_dialer, with_dialer
from test_forms import SIZE, field, open_screen, ready, screen_text, status
from textual.widgets import Input, Static

from leaddesk.config import RepAnswer
from leaddesk.core.domain.record import replace
from leaddesk.core.store.models import Lead, Rep, Touch
from leaddesk.ui.app import make_app
from leaddesk.ui.screens.first_run import FirstRunOffer, FirstRunScreen
from leaddesk.ui.screens.lead_form import LeadForm


async def test_the_form_flags_a_number_that_is_not_valid_then_keeps_it(new_app, desk_settings):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        form = await open_screen(pilot, "A", LeadForm)
        field(form, "name").value = "Ina Valid"
        phone = form.query(".phone-number").first()
        phone.focus()
        await pilot.press(*keys("555-0104"), "enter")
        warning = form.query(".phone-error").first(Static)
        await settle(pilot, lambda: "not a valid number" in str(warning.render()), "the warning")
        assert isinstance(app.screen, LeadForm)  # not saved on the first enter
        assert Lead.select().where(Lead.name == "Ina Valid").count() == 0
        await pilot.press("enter")  # again: kept as typed
        await settle(pilot, lambda: not isinstance(app.screen, LeadForm), "saved")
        await settle(pilot, lambda: "added Ina Valid" in status(app).message, "added")
        await settle(pilot, lambda: "555-0104 (not a valid number)" in screen_text(app), "marked")
        assert "+1 5550104" not in screen_text(app)


async def test_enter_on_a_doubtful_number_asks_then_the_same_key_dials(
    new_app, desk_settings, tmp_path
):
    out = tmp_path / "argv.txt"
    lead(desk_settings, "Ina Valid", "(999) 555-0121", minutes_ago=30)
    app = new_app(with_dialer(desk_settings, recording_dialer(out) + " {tel}"))
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        line = status(app)
        await pilot.press("enter")
        await settle(pilot, lambda: "enter again dials it" in line.message, "the question")
        assert "(999) 555-0121 is not a valid number" in line.message
        assert desk.calls.call is None and not out.exists()
        await pilot.press("enter")
        await settle(pilot, lambda: desk.calls.call is not None, "dialled when confirmed")
        assert await asyncio.to_thread(desk.calls.dialer.process.wait, 30) == 0
        assert out.read_text().splitlines() == ["tel:+19995550121"]


async def test_an_extension_is_shown_and_handed_to_the_dialer(new_app, desk_settings, tmp_path):
    out = tmp_path / "argv.txt"
    lead(desk_settings, "Exa Tension", "(212) 555-0142 ext 3", minutes_ago=30)
    app = new_app(with_dialer(desk_settings, recording_dialer(out) + " {tel} {ext}"))
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        await settle(pilot, lambda: "+1 212-555-0142 ext. 3" in screen_text(app), "shown")
        await pilot.press("enter")
        await settle(pilot, lambda: desk.calls.call is not None, "dialled")
        assert await asyncio.to_thread(desk.calls.dialer.process.wait, 30) == 0
        assert out.read_text().splitlines() == ["tel:+12125550142;ext=3", "3"]
        assert "dialling +1 212-555-0142 ext. 3" in status(app).message


async def test_copying_a_number_with_an_extension_says_to_key_it_in(new_app, desk_settings):
    lead(desk_settings, "Exa Tension", "(212) 555-0142 ext 3", minutes_ago=30)
    app = new_app(with_dialer(desk_settings, "copy"))
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: desk.calls.call is not None, "copied")
        said = status(app).message
        assert "+1 212-555-0142 copied to the clipboard · then extension 3" in said


# --- the first run (points 1 and 2) ----------------------------------------------------


async def test_the_first_run_asks_writes_the_config_and_the_demo_is_the_reps(
    desk_db, desk_settings, clock, tmp_path
):
    path = tmp_path / "cfg" / "config.toml"
    offer = FirstRunOffer(path, RepAnswer("root", "UTC"), "this computer says UTC, …")
    settings = replace(desk_settings, rep_name="root", rep_timezone="UTC")
    app = make_app(settings, clock, desk_db, ".venv/bin/leaddesk", offer)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, FirstRunScreen), "the questions")
        assert "⚠ this computer says UTC" in screen_text(app)
        preview = str(app.screen.query_one("#first-preview", Static).render())
        assert f"writes {path}" in preview and 'name = "root"' in preview
        name = app.screen.query_one("#first-name", Input)
        zone = app.screen.query_one("#first-zone", Input)
        name.value, zone.value = "Dana Whitfield", "Chicago"
        zone.focus()
        await pilot.press("enter")
        await settle(pilot, lambda: "not an IANA time zone" in screen_text(app), "refused")
        assert not path.exists()
        zone.value = "America/Chicago"
        await settle(pilot, lambda: 'timezone = "America/Chicago"' in screen_text(app), "preview")
        await pilot.press("enter")
        desk = await ready(pilot)
        assert path.read_text().endswith('name = "Dana Whitfield"\ntimezone = "America/Chicago"\n')
        assert app.settings.rep_name == "Dana Whitfield"
        assert '.venv/bin/leaddesk add --name "Dana Whitfield"' in screen_text(app)
        await pilot.press("D")
        await settle(pilot, lambda: desk.queue.due_count > 1, "demo leads")

        def dials_counted() -> bool:
            # the header's counts arrive apart from the queue's
            header = screen_text(app).splitlines()[0]
            return "today · dials 0 " not in header and "today · dials" in header

        await settle(pilot, dials_counted, "the demo's dials in the header")
    calls = Touch.select(Rep.name).join(Rep).where(Touch.channel == "call").distinct()
    assert [t.rep.name for t in calls] == ["Dana Whitfield"]  # the demo's calls are hers


async def test_without_a_first_run_the_desk_opens_at_once(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert 'leaddesk add --name "Dana Whitfield"' in screen_text(app)
