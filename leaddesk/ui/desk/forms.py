"""The desk's forms: add and edit a lead, a note, an import — each opens a modal
that returns a value; the write goes through the desk's write queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from leaddesk.core.domain.errors import InvalidDraft
from leaddesk.core.reads.queue.rows import DUE, LATER
from leaddesk.ui.desk.base import DeskBase
from leaddesk.ui.desk.loading import DeskLoader
from leaddesk.ui.desk.writes import DeskWrites

# The lead writer, the validator and the form and note modals load on first use
# (`A`, `E`, `o`), not before the desk's first paint (issue 15).
if TYPE_CHECKING:
    from leaddesk.core.domain.validate import LeadDraft
    from leaddesk.core.writes import leads as lead_writes
    from leaddesk.ui.screens.lead_form import LeadFormResult

T = TypeVar("T")


def _returning_invalid(fn: Callable[..., T], *args: Any) -> T | InvalidDraft:
    # Runs on the DB thread: a draft the core refuses comes back as a value,
    # so the form can reopen with each error beside its field.
    try:
        return fn(*args)
    except InvalidDraft as exc:
        return exc


class DeskForms:
    def __init__(self, screen: DeskBase, loader: DeskLoader, writes: DeskWrites) -> None:
        self.screen = screen
        self.loader = loader
        self.writes = writes

    def _today(self) -> date:
        app = self.screen.app
        return app.now().in_timezone(app.settings.rep_timezone).date()

    # --- add and edit ---------------------------------------------------------------

    def add(self) -> None:
        from leaddesk.ui.screens.lead_form import LeadForm

        form = LeadForm("Add a lead", self._today())
        self.screen.app.push_screen(form, partial(self._done, None))

    def edit(self, lead_id: int) -> None:
        async def open_form() -> None:
            from leaddesk.core.reads.drafts import draft_for
            from leaddesk.ui.screens.lead_form import LeadForm

            draft = await self.screen.db(draft_for, lead_id)
            if draft is not None:
                form = LeadForm(f"Edit {draft.name}", self._today(), draft, lead_id)
                self.screen.app.push_screen(form, partial(self._done, lead_id))

        self.screen.run_worker(open_form, group="form")

    def _done(self, lead_id: int | None, result: LeadFormResult | None) -> None:
        if result is None:
            self.screen.status.info("cancelled — nothing saved")
        elif result.open_lead is not None:
            self.loader.open(result.open_lead)
        elif result.draft is not None:
            draft = result.draft
            self.screen.write(lambda: self._save(draft, lead_id))

    async def _save(self, draft: LeadDraft, lead_id: int | None) -> None:
        from leaddesk.core.writes import leads as lead_writes
        from leaddesk.ui.screens.lead_form import LeadForm

        screen = self.screen
        now, settings = screen.app.now(), screen.app.settings
        if lead_id is None:
            saved = await screen.db(
                _returning_invalid, lead_writes.add_lead, draft, now, settings, writing=True
            )
        else:
            saved = await screen.db(
                _returning_invalid, lead_writes.update_lead, lead_id, draft, now, settings,
                writing=True,
            )  # fmt: skip
        if saved is None:
            return
        if isinstance(saved, InvalidDraft):
            title = "Add a lead" if lead_id is None else f"Edit {draft.name}"
            form = LeadForm(title, self._today(), draft, lead_id, errors=saved.errors)
            screen.app.push_screen(form, partial(self._done, lead_id))
            return
        screen.generation += 1
        self.writes.note_target = None
        if isinstance(saved, lead_writes.UpdateResult):
            screen.status.ok(f"{saved.summary} (an edit is not undone by u)")
            await self.loader.focus_lead(saved.lead_id, announce=False)
            return
        place = await self.loader.focus_lead(saved, announce=False)
        where = {
            DUE: "due now",
            LATER: "in LATER TODAY: their calling window is closed",
        }.get(place.section if place else None, "in no queue: no phone, email or address")
        from leaddesk.core.domain.validate import one_spaced  # loaded by the save already

        name = one_spaced(draft.name) or one_spaced(draft.company)  # as saved
        screen.status.ok(f"added {name} — {where}")

    # --- notes ------------------------------------------------------------------------

    def note(self) -> None:
        self.screen.write(self._ask_note)

    async def _ask_note(self) -> None:
        # In write order: after an outcome key still being saved, `o` is for its touch.
        from leaddesk.core.writes import leads as lead_writes
        from leaddesk.ui.screens.note import NoteScreen

        screen = self.screen
        now = screen.app.now()
        save: Callable[..., lead_writes.NoteResult]
        if self.writes.note_target is not None:
            touch_id, what = self.writes.note_target
            title = f"Note on {what}"
            save = partial(lead_writes.set_touch_note, touch_id, now=now)
        else:
            subject = self.loader.subject()
            if subject is None:
                screen.status.error("no lead selected")
                return
            title = f"Note on {subject.name}"
            save = partial(
                lead_writes.add_note, subject.lead_id, now=now, settings=screen.app.settings
            )

        async def reload(_: lead_writes.NoteResult) -> None:
            await self.loader.reload(full=False)

        def written(text: str | None) -> None:
            if text is None:
                screen.status.info("cancelled — no note saved")
                return
            screen.write(
                lambda: self.writes.written(
                    save, text=text, said=lambda r: r.summary, then=reload, forget_note=True
                )
            )

        screen.app.push_screen(NoteScreen(title), written)

    # --- import -----------------------------------------------------------------------

    def import_file(self) -> None:
        from leaddesk.ui.screens.import_file import ImportScreen

        def done(summary: Any) -> None:
            if summary is None or summary.dry_run:
                return
            self.screen.generation += 1
            self.screen.status.ok(f"{summary.file.rsplit('/', 1)[-1]}: {summary.headline()}")
            # new leads rank at the top: the rep starts from the first DUE row
            self.loader.offset = 0
            self.loader.pinned = None
            self.screen.queue.park_at_top()
            self.loader.start_reload()

        self.screen.app.push_screen(ImportScreen(), done)
