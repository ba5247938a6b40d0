"""A, E, o, /, L, ? and ctrl+p driven through the pilot: forms, notes, find, the lead
list, help and the palette — keys in, database and screen out."""

from __future__ import annotations

from desk_helpers import keys, lead, screen_text, settle
from textual.widgets import Input, OptionList, Select, Static

from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.models import Lead, Phone, Touch
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.ui.app import LeadDeskApp
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.screens.find import FindScreen
from leaddesk.ui.screens.help import HelpScreen
from leaddesk.ui.screens.lead_form import LeadForm
from leaddesk.ui.screens.lead_list import LeadListScreen
from leaddesk.ui.screens.note import NoteScreen
from leaddesk.ui.widgets.lead_detail import LeadDetail
from leaddesk.ui.widgets.lead_table import LeadTable
from leaddesk.ui.widgets.queue_list import QueueList
from leaddesk.ui.widgets.status import StatusLine

SIZE = (120, 35)


def status(app: LeadDeskApp) -> StatusLine:
    return app.screen.query_one(StatusLine)


async def ready(pilot) -> DeskScreen:
    await settle(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, DeskScreen)
            and pilot.app.screen.queue.now is not None  # the first page is on screen
        ),
        "the desk to load",
    )
    return pilot.app.screen


async def open_screen(pilot, key: str, kind: type):
    await pilot.press(key)
    await settle(pilot, lambda: isinstance(pilot.app.screen, kind), f"{kind.__name__} open")
    return pilot.app.screen


def field(form: LeadForm, name: str) -> Input:
    return form.query_one(f"#f-{name}", Input)


def error(form: LeadForm, name: str) -> str:
    return str(form.query_one(f"#e-{name}", Static).render())


def phone_inputs(form: LeadForm) -> list[Input]:
    return list(form.query(".phone-number").results(Input))


# --- add -----------------------------------------------------------------------------


async def test_a_valid_lead_typed_into_the_form_is_saved_and_selected(new_app, desk_settings):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        form = await open_screen(pilot, "A", LeadForm)
        await pilot.press(*keys("Pat Quinn"), "tab", *keys("Quinn Roofing"), "tab", "tab")
        await pilot.press(*keys("(415) 555-0100"), "tab", *keys("mobile"), "tab")
        await pilot.press(*keys("pat@quinn.example"))
        field(form, "tags").value = "hot,  Hot, commercial"
        field(form, "first_contact_on").value = "yesterday"
        await pilot.press("enter")
        await settle(pilot, lambda: not isinstance(app.screen, LeadForm), "closed", tries=20)
        await settle(pilot, lambda: "added Pat Quinn — due now" in status(app).message, "saved")
        queue = desk.query_one(QueueList)
        await settle(pilot, lambda: queue.selected and queue.selected.name == "Pat Quinn", "shown")
    saved = Lead.get(Lead.name == "Pat Quinn")
    assert (saved.company, saved.email, saved.tags) == (
        "Quinn Roofing",
        "pat@quinn.example",
        "hot, commercial",
    )
    assert saved.first_contact_on.isoformat() == "2026-11-22"
    assert saved.timezone == "America/Los_Angeles" and saved.priority == 1
    assert [(p.e164, p.label) for p in saved.phones] == [("+14155550100", "mobile")]


async def test_bad_fields_are_shown_beside_them_and_nothing_is_saved(new_app, desk_settings):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        form = await open_screen(pilot, "A", LeadForm)
        phone_inputs(form)[0].value = "call me"
        field(form, "email").value = "pat@"
        field(form, "tz_override").value = "Mars/Base"
        field(form, "first_contact_on").value = "next year"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "needs a name" in error(form, "name"), "errors shown")
        phone_error = str(form.query_one(".phone-error", Static).render())
        assert "cannot be read" in phone_error
        assert "not an email address" in error(form, "email")
        assert "IANA" in error(form, "tz_override")
        assert "is not a date" in error(form, "first_contact_on")
        assert error(form, "company") == ""
        assert "5 fields need fixing" in str(form.query_one("#form-message", Static).render())
        assert app.screen is form and app.focused is field(form, "name")
        # fixed: the errors go, the lead is saved
        field(form, "name").value = "Pat"
        phone_inputs(form)[0].value = "(415) 555-0100"
        for name in ("email", "tz_override", "first_contact_on"):
            field(form, name).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: Lead.select().count() == 1, "saved once fixed")
    assert Lead.get().name == "Pat"


async def test_nothing_is_saved_when_the_form_is_cancelled(new_app, desk_settings):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        form = await open_screen(pilot, "A", LeadForm)
        field(form, "name").value = "Pat"
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "closed")
        assert "nothing saved" in status(app).message
    assert Lead.select().count() == 0


async def test_phone_rows_are_added_and_removed_with_keys(new_app, desk_settings):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        form = await open_screen(pilot, "A", LeadForm)
        field(form, "name").value = "Pat"
        phone_inputs(form)[0].value = "(415) 555-0100"
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: len(phone_inputs(form)) == 2, "a second row")
        assert app.focused is phone_inputs(form)[1]
        await pilot.press(*keys("+44 20 7946 0000"), "ctrl+n")
        await settle(pilot, lambda: len(phone_inputs(form)) == 3, "a third row")
        await pilot.press(*keys("999"), "ctrl+r")
        await settle(pilot, lambda: len(phone_inputs(form)) == 2, "the third removed")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: Lead.select().count() == 1, "saved")
    assert [p.e164 for p in Phone.select().order_by(Phone.position)] == [
        "+14155550100",
        "+442079460000",
    ]


async def test_a_duplicate_warns_and_offers_the_existing_lead(new_app, desk_settings):
    dana = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    lead(desk_settings, "Ravi Patel", "(312) 555-0177", 20)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        await pilot.press("j")
        form = await open_screen(pilot, "A", LeadForm)
        field(form, "name").value = "D. Whitfield"
        phone_inputs(form)[0].value = "212.555.0142"
        await pilot.press("enter")
        warning = form.query_one("#form-duplicates", Static)
        await settle(pilot, lambda: "already in your leads" in str(warning.render()), "warned")
        assert f"#{dana} Dana Whitfield (new) has the same phone" in str(warning.render())
        assert app.screen is form
        await pilot.press("ctrl+o")
        await settle(pilot, lambda: desk.query_one(QueueList).selected_lead_id == dana, "opened")
    assert Lead.select().count() == 2


async def test_a_duplicate_can_be_saved_anyway_after_the_warning(new_app, desk_settings):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        form = await open_screen(pilot, "A", LeadForm)
        field(form, "name").value = "Dana's assistant"
        phone_inputs(form)[0].value = "(212) 555-0142"
        await pilot.press("enter")
        await settle(pilot, lambda: bool(form.duplicates), "warned")
        assert Lead.select().count() == 1
        await pilot.press("enter")
        await settle(pilot, lambda: Lead.select().count() == 2, "saved anyway")


# --- edit ----------------------------------------------------------------------------


async def test_editing_the_phone_moves_the_zone_and_is_not_undone(new_app, desk_settings):
    dana = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    log_outcome(dana, "no-answer", lead_now(), desk_settings)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        detail = desk.query_one(LeadDetail)
        await settle(pilot, lambda: detail.lead_id == dana, "Dana shown")
        form = await open_screen(pilot, "E", LeadForm)
        assert field(form, "name").value == "Dana Whitfield"
        assert phone_inputs(form)[0].value == "(212) 555-0142"
        phone_inputs(form)[0].value = "(415) 555-0100"
        await pilot.press("ctrl+s")
        saved = "saved Dana Whitfield: phones, calling zone"
        await settle(pilot, lambda: saved in status(app).message, "saved")
        assert "not undone by u" in status(app).message
        await settle(pilot, lambda: "America/Los_Angeles" in screen_text(app), "new zone shown")
        await pilot.press("u")
        await settle(pilot, lambda: "undone: no answer" in status(app).message, "undo")
    row = Lead.get_by_id(dana)
    assert (row.timezone, row.attempts) == ("America/Los_Angeles", 0)
    assert [p.e164 for p in row.phones] == ["+14155550100"]


def lead_now():
    from desk_helpers import DESK_NOW

    return DESK_NOW.subtract(minutes=60)


# --- notes ---------------------------------------------------------------------------


async def test_o_after_an_outcome_notes_that_touch(new_app, desk_settings):
    dana = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    ravi = lead(desk_settings, "Ravi Patel", "(312) 555-0177", 20)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        await pilot.press("n")
        await settle(pilot, lambda: "o add a note" in status(app).message, "offered")
        assert desk.query_one(QueueList).selected_lead_id == ravi  # moved on
        note = await open_screen(pilot, "o", NoteScreen)
        assert "Note on the call with Dana Whitfield (no answer)" in screen_text(app)
        await pilot.press(*keys("rang 8 times"), "enter")
        await settle(pilot, lambda: "note added to no answer" in status(app).message, "saved")
        assert note is not app.screen
    touches = [
        (t.lead_id, t.outcome, t.note) for t in Touch.select().where(Touch.rep.is_null(False))
    ]
    assert touches == [(dana, "no-answer", "rang 8 times")]


async def test_o_after_moving_notes_the_selected_lead_and_undo_restores_it(new_app, desk_settings):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    ravi = lead(desk_settings, "Ravi Patel", "(312) 555-0177", 20)
    before = Lead.get_by_id(ravi).__data__.copy()
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j")
        await open_screen(pilot, "o", NoteScreen)
        assert "Note on Ravi Patel" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, lambda: "type a note first" in screen_text(app), "empty refused")
        await pilot.press(*keys("prefers mornings"), "enter")
        await settle(pilot, lambda: Touch.select().where(Touch.channel == "note").exists(),
                     "note saved")  # fmt: skip
        await settle(pilot, lambda: "prefers mornings" in screen_text(app), "in the history")
        await pilot.press("u")
        await settle(pilot, lambda: "undone: note" in status(app).message, "undone")
    after = Lead.get_by_id(ravi).__data__.copy()
    # the claim follows the cursor (team mode), it is not the lead's state
    for name in ("updated_at", "claimed_by", "claimed_until"):
        before.pop(name), after.pop(name)
    assert after == before
    assert not Touch.select().where(Touch.channel == "note").exists()


# --- find -------------------------------------------------------------------------


async def test_find_by_phone_digits_jumps_to_the_lead(new_app, desk_settings):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    ravi = lead(desk_settings, "Ravi Patel", "(312) 555-0177", 20)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        find = await open_screen(pilot, "slash", FindScreen)
        await pilot.press(*keys("555-01"))
        results = find.query_one(OptionList)
        await settle(pilot, lambda: results.option_count == 2, "both numbers match")
        await pilot.press(*keys("77"))
        await settle(pilot, lambda: find.searched == "555-0177" and results.option_count == 1,
                     "narrowed")  # fmt: skip
        assert "Ravi Patel" in screen_text(app) and "phone: +1 312-555-0177" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, lambda: desk.query_one(QueueList).selected_lead_id == ravi, "jumped")


async def test_a_found_lead_outside_the_queue_is_pinned_and_keys_act_on_it(
    new_app, desk_settings, clock
):
    dana = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    lead(desk_settings, "Ravi Patel", "(312) 555-0177", 20)
    log_outcome(dana, "not-interested", clock.now(), desk_settings)  # nurture in 90 days
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        queue, detail = desk.query_one(QueueList), desk.query_one(LeadDetail)
        assert queue.due_count == 1
        find = await open_screen(pilot, "slash", FindScreen)
        await pilot.press(*keys("whitf"))
        await settle(pilot, lambda: find.query_one(OptionList).option_count == 1, "found")
        await pilot.press("enter")
        await settle(pilot, lambda: detail.lead_id == dana, "shown pinned")
        assert "Dana Whitfield: not in the queue" in screen_text(app)
        assert queue.selected_lead_id != dana
        await pilot.press("c")  # she called back: logged on her, not on the queue's lead
        await settle(pilot, lambda: Touch.select().where(Touch.outcome == "connected").exists(),
                     "logged")  # fmt: skip
    assert Touch.get(Touch.outcome == "connected").lead_id == dana


async def test_escape_leaves_a_found_lead(new_app, desk_settings):
    dana = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    ravi = lead(desk_settings, "Ravi Patel", "(312) 555-0177", 20)
    Lead.update(next_due_at=None, priority=None).where(Lead.id == dana).execute()
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        detail = desk.query_one(LeadDetail)
        find = await open_screen(pilot, "slash", FindScreen)
        await pilot.press(*keys("dana"))
        await settle(pilot, lambda: find.hits, "found")
        await pilot.press("enter")
        await settle(pilot, lambda: detail.lead_id == dana, "pinned")
        assert "Dana Whitfield" in status(app).message
        await pilot.press("escape")
        await settle(pilot, lambda: detail.lead_id == ravi, "back to the queue's lead")
        assert "Dana Whitfield" not in status(app).message  # no longer talks about her


# --- the lead list ---------------------------------------------------------------------


async def test_the_lead_list_filters_and_opens_a_lead(new_app, desk_settings, clock):
    dana = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30, source="web form")
    lead(desk_settings, "Ravi Patel", "(312) 555-0177", 20, source="trade show")
    lead(desk_settings, "Abe Lowe", "(312) 555-0178", 10, source="web form", tags="hot")
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        desk = await ready(pilot)
        screen = await open_screen(pilot, "L", LeadListScreen)
        table = screen.query_one(LeadTable)
        await settle(pilot, lambda: table.total == 3, "every lead")
        assert [r.name for r in table.rows] == ["Abe Lowe", "Dana Whitfield", "Ravi Patel"]
        source = screen.query_one("#filter-source", Select)
        await settle(pilot, lambda: len(source._options) > 1, "choices loaded")
        source.value = "web form"
        await settle(pilot, lambda: table.total == 2, "filtered")
        assert "2 leads · source web form" in screen_text(app)
        table.focus()
        await pilot.press("j", "enter")
        await settle(pilot, lambda: desk.query_one(QueueList).selected_lead_id == dana, "opened")


# --- help, palette, keymap --------------------------------------------------------------


async def test_help_lists_every_binding_id_of_the_desk(new_app, desk_settings):
    app = new_app(Settings(rep_name="t", rep_timezone="America/Chicago", keys={"find": "f"}))
    async with app.run_test(size=(160, 200)) as pilot:
        await ready(pilot)
        await open_screen(pilot, "question_mark", HelpScreen)
        text = screen_text(app)
    ids = {b.id for b in app._all_bindings() if b.id}
    desk_ids = {b.id for b in (*DeskScreen.BINDINGS, *QueueList.BINDINGS) if b.id}
    assert desk_ids <= ids and {"lead-add", "lead-edit", "note", "find", "lead-list"} <= ids
    missing = [i for i in sorted(ids) if i not in text]
    assert not missing, missing
    for title in ("Log the call", "Move", "Lead", "Find", "Desk", "App", "In the forms"):
        assert title in text
    assert "f                 find a lead as you type" in text  # the remapped key


async def test_the_palette_offers_the_new_actions_with_their_keys(new_app, desk_settings):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*keys("lead: add"))
        await settle(pilot, lambda: "lead: add" in screen_text(app), "listed")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, LeadForm), "the form opens")
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "closed")
        await pilot.press("ctrl+p")
        await pilot.press(*keys("find:"))
        for title in ("find: search leads", "find: lead list"):
            await settle(pilot, lambda t=title: t in screen_text(app), title)
        assert "lead: note" not in screen_text(app)


async def test_a_new_binding_is_remappable_by_id(new_app, desk_settings):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    remapped = Settings(
        rep_name="t", rep_timezone="America/Chicago", keys={"find": "f", "lead-add": "ctrl+a"}
    )
    app = new_app(remapped)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, DeskScreen)  # "/" no longer finds
        await open_screen(pilot, "f", FindScreen)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "closed")
        await open_screen(pilot, "ctrl+a", LeadForm)
        assert not app.startup_warnings


# --- the picker's echo ---------------------------------------------------------------


async def test_the_picker_echoes_their_time_and_yours_and_says_why_not(new_app, desk_settings):
    from leaddesk.ui.screens.picker import NextContactPicker

    lead(desk_settings, "Sam Ito", "(415) 555-0100", 30)  # Los Angeles; the rep is in Chicago
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        picker = await open_screen(pilot, "l", NextContactPicker)
        echo = picker.query_one("#picker-echo", Static)
        await pilot.press(*keys(" tomorrow morning"))  # a space first: t alone applies at once
        await settle(pilot, lambda: picker.candidate is not None, "parsed")
        assert "Tue 24 Nov 2026 09:00 their time · Tue 11:00 yours" in str(echo.render())
        await pilot.press(*["backspace"] * 17, *keys("today 8am"))
        await settle(pilot, lambda: "already passed" in str(echo.render()), "refused")
        await pilot.press("enter")
        await settle(pilot, lambda: "type a time first" in str(echo.render()), "kept open")
        assert "already passed" in str(echo.render()) and app.screen is picker


async def test_a_field_in_error_takes_the_cursor_at_its_end(new_app, desk_settings):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        form = await open_screen(pilot, "A", LeadForm)
        field(form, "name").value = "Pat Quinn"
        field(form, "email").value = "pat@"
        await pilot.press("ctrl+s")
        email = field(form, "email")
        await settle(pilot, lambda: app.focused is email, "the bad field has the cursor")
        assert email.selected_text == "" and email.cursor_position == len("pat@")
        await pilot.press(*"x.com")  # typing goes on with the text
        assert email.value == "pat@x.com"


async def test_a_zone_typed_as_reps_say_it_is_shown_then_saved(new_app, desk_settings):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        form = await open_screen(pilot, "A", LeadForm)
        field(form, "name").value = "Pat Quinn"
        phone_inputs(form)[0].value = "(415) 555-0100"
        field(form, "tz_override").focus()
        await pilot.press(*keys("IST"))
        await settle(pilot, lambda: "could be Asia/Kolkata" in error(form, "tz_override"), "asks")
        field(form, "tz_override").value = ""
        await pilot.press(*keys("Eastern"))
        shown = "→ America/New_York"
        await settle(pilot, lambda: shown in error(form, "tz_override"), "shown before saving")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: Lead.select().count() == 1, "saved")
    saved = Lead.get()
    assert (saved.tz_override, saved.timezone) == ("America/New_York", "America/New_York")
