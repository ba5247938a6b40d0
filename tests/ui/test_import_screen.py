"""`i` in the desk: path, mapping and dry run, enter imports, the desk shows the leads."""

from __future__ import annotations

from pathlib import Path

import pendulum
from desk_helpers import keys, lead, settle

from leaddesk.core.store.models import Lead
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.screens.import_file import ImportScreen
from leaddesk.ui.widgets.queue_list import QueueList
from leaddesk.ui.widgets.status import StatusLine

SIZE = (120, 35)
DATA = Path(__file__).resolve().parent.parent / "data" / "import"


def text_of(screen: ImportScreen, widget_id: str) -> str:
    return str(screen.query_one(widget_id).render())


async def open_import(pilot) -> ImportScreen:
    await settle(pilot, lambda: isinstance(pilot.app.screen, DeskScreen), "the desk")
    await pilot.press("i")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ImportScreen), "the import screen")
    return pilot.app.screen


async def test_import_key_previews_then_imports_then_the_desk_shows_the_leads(new_app, tmp_path):
    sheet = tmp_path / "leads.csv"
    sheet.write_bytes((DATA / "bad_rows.csv").read_bytes())
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(pilot)
        await pilot.press(*keys(str(sheet)), "enter")
        await settle(pilot, lambda: screen.state == "previewed", "the dry run")
        summary = text_of(screen, "#import-summary")
        assert "would import 6 · updated 0 · skipped 0 duplicates · rejected 5" in summary
        assert "line 3: no usable way to reach them" in summary
        assert "'Created Date'" in text_of(screen, "#import-mapping")
        assert Lead.select().count() == 0, "the preview wrote nothing"

        await pilot.press("enter")
        await settle(pilot, lambda: screen.state == "done", "the import")
        assert "imported 6 ·" in text_of(screen, "#import-summary")
        assert f"rejected rows written to {tmp_path / 'leads.rejects.csv'}" in text_of(
            screen, "#import-summary"
        )
        assert Lead.select().count() == 6

        await pilot.press("enter")
        desk = app.screen
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "back to the desk")
        queue = desk.query_one(QueueList)
        await settle(pilot, lambda: queue.due_count == 6, "the desk shows the imported leads")
        assert "leads.csv: imported 6" in desk.query_one(StatusLine).message


async def test_a_file_that_cannot_be_imported_says_why_and_writes_nothing(
    new_app, desk_settings, tmp_path
):
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142")
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(pilot)
        await pilot.press(*keys(str(DATA / "no_contact_columns.csv")), "enter")
        await settle(pilot, lambda: "✗" in text_of(screen, "#import-summary"), "the refusal")
        assert "no phone, email or address column" in text_of(screen, "#import-summary")
        assert screen.state == "path"
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "back to the desk")
    assert Lead.select().count() == 1


async def test_update_duplicates_from_the_import_screen(new_app, desk_settings, tmp_path):
    lead_id = lead(desk_settings, "Dana Whitfield", "(212) 555-0142")
    sheet = tmp_path / "more.csv"
    sheet.write_text("Name,Phone,Company\nDana W,(212) 555-0142,Whitfield Roofing\n")
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(pilot)
        await pilot.press("ctrl+o")
        assert screen.on_duplicate == "update"
        await pilot.press(*keys(str(sheet)), "enter")
        await settle(pilot, lambda: screen.state == "previewed", "the dry run")
        await pilot.press("enter")
        await settle(pilot, lambda: screen.state == "done", "the import")
        assert "updated 1" in text_of(screen, "#import-summary")
    assert Lead.get_by_id(lead_id).company == "Whitfield Roofing"


async def test_import_is_in_the_palette_and_the_help(new_app):
    from leaddesk.ui.commands import DeskCommands

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        provider = DeskCommands(app.screen)
        titles = [title for title, _, _ in provider._commands()]
        assert "data: import spreadsheet" in titles
        assert any(b.id == "import" and b.key == "i" for b in DeskScreen.BINDINGS)


async def test_after_an_import_the_cursor_is_on_the_first_due_row(new_app, desk_settings, tmp_path):
    for n in range(3):
        lead(desk_settings, f"Old Lead {n}", f"(312) 555-01{n:02d}", 300 + n)
    sheet = tmp_path / "leads.csv"
    sheet.write_bytes((DATA / "bad_rows.csv").read_bytes())
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        desk = app.screen
        queue = desk.query_one(QueueList)
        await pilot.press("j", "j")
        await settle(pilot, lambda: queue.cursor_due_index == 2, "the rep is further down")
        screen = await open_import(pilot)
        await pilot.press(*keys(str(sheet)), "enter")
        await settle(pilot, lambda: screen.state == "previewed", "the dry run")
        await pilot.press("enter")
        await settle(pilot, lambda: screen.state == "done", "the import")
        await pilot.press("enter")
        await settle(pilot, lambda: queue.due_count == 9, "the desk shows the imported leads")
        await settle(pilot, lambda: queue.cursor_due_index == 0, "on the first DUE row")
        assert queue.selected is not None and queue.selected.name not in {
            f"Old Lead {n}" for n in range(3)
        }


async def test_the_desks_import_lets_another_program_write_between_batches(
    new_app, tmp_path, monkeypatch
):
    """A batch at a time, as the CLI's: another program on the same file (another desk,
    a cron job) writes between two batches instead of waiting for the whole file."""
    import threading

    from leaddesk.core.domain.settings import Settings
    from leaddesk.core.domain.validate import LeadDraft
    from leaddesk.core.store import db as store_db
    from leaddesk.core.writes.leads import add_lead

    sheet = tmp_path / "big.csv"
    sheet.write_text("Name,Phone\n" + "".join(f"Lead {i},(212) 555-{i:04d}\n" for i in range(2500)))
    monkeypatch.setattr(store_db, "WRITE_ATTEMPTS", 1)  # a locked-out write fails at once
    written: list[object] = []

    def elsewhere() -> None:  # its own connection: another program
        try:
            draft = LeadDraft(name="Walk In", phones=[("+1 312 555 0199", "")])
            written.append(add_lead(draft, pendulum.now("UTC"), Settings()))
        except Exception as exc:  # the lock held it out: reported below
            written.append(exc)

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(pilot)
        real = screen._progress

        def progress_with_a_writer(path):
            feed = real(path)

            def progress(done: int, total: int) -> None:
                if screen.state == "importing" and not written:
                    worker = threading.Thread(target=elsewhere)
                    worker.start()
                    worker.join()
                feed(done, total)

            return progress

        monkeypatch.setattr(screen, "_progress", progress_with_a_writer)
        await pilot.press(*keys(str(sheet)), "enter")
        await settle(pilot, lambda: screen.state == "previewed", "the dry run")
        await pilot.press("enter")
        await settle(pilot, lambda: screen.state == "done", "the import")
        assert written and isinstance(written[0], int), written
        assert Lead.select().count() == 2501
