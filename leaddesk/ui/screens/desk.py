"""The workbench: due queue, lead detail, touch history — and one-key outcomes.

This screen only translates keys into core calls and core answers into
widgets. All database work runs on the app's DB thread; writes are taken
one at a time, in keystroke order, each on the lead selected when its turn
comes (so typing `n n n` fast logs three different leads).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import peewee
from pendulum import DateTime
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from leaddesk.core import services
from leaddesk.core.desk import DeskSnapshot, StartingSoon, desk_extras, desk_snapshot
from leaddesk.core.errors import LeadDeskError
from leaddesk.core.leads import LeadView, lead_view
from leaddesk.core.rules import OUTCOMES
from leaddesk.core.text import minutes_between
from leaddesk.ui.render import safe
from leaddesk.ui.screens.picker import NextContactPicker
from leaddesk.ui.widgets.lead_detail import LeadDetail
from leaddesk.ui.widgets.queue_list import QueueList
from leaddesk.ui.widgets.status import DeskHeader, StatusLine
from leaddesk.ui.widgets.touch_history import TouchHistory

if TYPE_CHECKING:
    from leaddesk.ui.app import LeadDeskApp

T = TypeVar("T")

# key, outcome, footer label, shift key that opens the picker first
OUTCOME_KEYS: tuple[tuple[str, str, str, str | None], ...] = (
    ("n", "no-answer", "no ans", "N"),
    ("v", "voicemail", "vm", "V"),
    ("b", "busy", "busy", "B"),
    ("g", "gatekeeper", "gk", "G"),
    ("c", "connected", "talked", "C"),
    ("l", "callback", "call back", None),
    ("a", "appointment", "appt", None),
    ("x", "not-interested", "no", "X"),
    ("d", "dnc", "DNC", None),
    ("w", "wrong-number", "wrong #", None),
    ("s", "won", "won", None),
    ("e", "email", "email", None),
    ("m", "letter", "letter", None),
)
SHOWN_IN_FOOTER = {"n", "v", "b", "c", "l", "a", "x", "d"}
DEMO_LEADS = 60
REFRESH_SECONDS = 20.0

EMPTY_TEXT = """\
No leads yet.

  D        load 60 demo leads to try the desk
  i        import a spreadsheet (CSV from Excel, Google, Outlook, a CRM)
  q        quit, then add your own:

  leaddesk add --name "Dana Whitfield" --phone "(212) 555-0142"
  leaddesk import leads.csv

Every key is listed under ?."""


def outcome_bindings() -> list[Binding]:
    bindings = []
    for key, name, label, shift in OUTCOME_KEYS:
        bindings.append(
            Binding(
                key, f"outcome('{name}')", label, show=key in SHOWN_IN_FOOTER, id=f"outcome-{name}"
            )
        )
        if shift:
            bindings.append(
                Binding(
                    shift,
                    f"outcome('{name}', True)",
                    f"{label} + pick date",
                    show=False,
                    id=f"outcome-{name}-pick",
                )
            )
    return bindings


class DeskScreen(Screen[None]):
    BINDINGS = [
        *outcome_bindings(),
        Binding("u,ctrl+z", "undo", "undo", id="undo"),
        Binding("D", "demo", "demo leads", id="load-demo"),
        Binding("r", "reload", "refresh", show=False, id="refresh"),
        Binding("i", "import_file", "import", show=False, id="import"),
    ]

    app: LeadDeskApp

    def __init__(self) -> None:
        super().__init__()
        self._write_lock = asyncio.Lock()
        self._empty = False
        self._snapshot: DeskSnapshot | None = None
        self._generation = 0  # bumped by every write; older reads are dropped
        self._announced: set[int] = set()  # appointments already announced
        self._offset = 0

    # --- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.app.settings.rep_timezone, id="header")
        with Horizontal(id="panes"):
            yield QueueList(id="queue")
            with Vertical(id="right"):
                yield LeadDetail(id="detail")
                yield TouchHistory(id="history")
        yield Static(Text(EMPTY_TEXT), id="empty")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def queue(self) -> QueueList:
        return self.query_one(QueueList)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self.queue.focus()
        self.query_one(DeskHeader).tick(self.app.now())
        self.set_interval(1.0, self._tick)
        self.set_interval(REFRESH_SECONDS, self._periodic_reload)
        self.run_worker(self.reload, group="read")
        for warning in self.app.startup_warnings:
            self.status.error(warning)

    def _tick(self) -> None:
        self.query_one(DeskHeader).tick(self.app.now())

    def _periodic_reload(self) -> None:
        if not self._write_lock.locked():
            self.run_worker(self.reload, group="read", exclusive=True)

    # --- database calls -----------------------------------------------------

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run `fn` on the DB thread; show a failure as one line, never a traceback."""
        try:
            return await self.app.db.run(fn, *args, **kwargs)
        except LeadDeskError as exc:
            self.status.error(str(exc))
        except (sqlite3.Error, peewee.PeeweeException) as exc:
            from leaddesk.core.db import sqlite_error_message

            self.status.error(sqlite_error_message(exc, self.app.target) + " — not saved")
        return None

    def _page_limit(self) -> int:
        return max(self.queue.size.height, 30) + 2 * self.queue.page_margin

    async def reload(
        self,
        *,
        avoid_lead: int | None = None,
        select_lead: int | None = None,
        full: bool = True,
    ) -> None:
        """Fetch the page around the cursor and show it.

        Unless told otherwise the cursor stays on the same lead, so a lead
        arriving above it never changes which lead the next key applies to.
        After a keystroke (`full=False`) only the DUE page is read before the
        next lead shows; LATER and today's counts follow in the background.
        """
        if avoid_lead is None and select_lead is None:
            select_lead = self.queue.selected_lead_id
        generation = self._generation
        snap = await self._db(
            desk_snapshot,
            self.app.now(),
            self.app.settings,
            self._offset,
            self._page_limit(),
            full=full,
            focus=self.queue.cursor_due_index,
            avoid_lead=avoid_lead,
            lead_id=select_lead,
        )
        if snap is None or generation != self._generation:
            return  # failed, or a write landed meanwhile and reloads itself
        self._apply(snap, avoid_lead=avoid_lead, select_lead=select_lead)
        selected = self.queue.selected_lead_id
        if snap.lead is not None and snap.lead.id == selected:
            self._show_lead(snap.lead, snap.now)
        else:
            await self._load_lead(selected)
        if not full:
            # After the paint: the extras' Python work would otherwise compete
            # with the paint for the GIL and delay the next lead on screen.
            self.call_after_refresh(self._start_extras)

    def _start_extras(self) -> None:
        self.run_worker(self._reload_extras, group="extras", exclusive=True)

    async def _reload_extras(self) -> None:
        generation = self._generation
        extras = await self._db(desk_extras, self.app.now(), self.app.settings)
        if extras is None or generation != self._generation or self._snapshot is None:
            return
        self._apply(replace(self._snapshot, extras=extras))

    def _apply(
        self, snap: DeskSnapshot, *, avoid_lead: int | None = None, select_lead: int | None = None
    ) -> None:
        extras = snap.extras or (self._snapshot.extras if self._snapshot else None)
        self._snapshot = replace(snap, extras=extras)
        self._offset = snap.offset
        if extras is not None:
            self._set_empty(extras.total_leads == 0)
            self.query_one(DeskHeader).set_counts(extras.today)
            self._announce(extras.starting_soon, snap.now)
        self.queue.set_rows(
            now=snap.now,
            rep_zone=self.app.settings.rep_timezone,
            due_count=snap.due_count,
            later_count=extras.later_count if extras else 0,
            offset=snap.offset,
            due_rows=snap.due,
            later_rows=extras.later if extras else (),
            avoid_lead=avoid_lead,
            select_lead=select_lead,
        )

    def _announce(self, soon: tuple[StartingSoon, ...], now: DateTime) -> None:
        """Each appointment about to start is announced once, loudly."""
        for appointment in soon:
            if appointment.appointment_id in self._announced:
                continue
            self._announced.add(appointment.appointment_id)
            minutes = minutes_between(now, appointment.at)
            when = f"in {minutes} min" if minutes > 0 else "now"
            theirs = appointment.at.in_timezone(appointment.zone).strftime("%H:%M")
            self.notify(
                f"Appointment with {safe(appointment.name)} {when} ({theirs} their time)",
                title="starting soon",
                severity="warning",
                timeout=60,
                markup=False,
            )

    def _set_empty(self, empty: bool) -> None:
        if empty != self._empty:
            self._empty = empty
            self.set_class(empty, "-empty")
            self.refresh_bindings()

    async def _load_lead(self, lead_id: int | None) -> None:
        view: LeadView | None = None
        now = self.app.now()
        if lead_id is not None:
            view = await self._db(lead_view, lead_id, now, self.app.settings, 100)
        if lead_id != self.queue.selected_lead_id:
            return  # the rep has moved on while this loaded
        self._show_lead(view, now)

    def _show_lead(self, view: LeadView | None, now: DateTime) -> None:
        zone = self.app.settings.rep_timezone
        self.query_one(LeadDetail).show(view, self.queue.selected, now, zone)
        self.query_one(TouchHistory).show(view, now, zone)

    # --- messages from the queue ------------------------------------------

    def on_queue_list_highlighted(self, message: QueueList.Highlighted) -> None:
        if message.lead_id != self.query_one(LeadDetail).lead_id:
            load = partial(self._load_lead, message.lead_id)
            self.run_worker(load, group="detail", exclusive=True)

    def on_queue_list_need_page(self, message: QueueList.NeedPage) -> None:
        self._offset = max(0, message.index - self._page_limit() // 3)
        self.run_worker(self.reload, group="read", exclusive=True)

    # --- actions ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "demo":
            return self._empty
        return not (action in ("outcome", "undo") and self._empty)

    def action_outcome(self, name: str, pick: bool = False) -> None:
        spec = OUTCOMES[name]
        row = self.queue.selected
        if not (pick or spec.needs_time):
            self._write(lambda: self._log(name, None, None))
            return
        if row is None:
            self.status.error("no lead selected")
            return
        now = self.app.now()
        verb = {"callback": "Call back", "appointment": "Appointment with"}.get(
            name, f"{spec.label.capitalize()} — next contact for"
        )
        picker = NextContactPicker(
            f"{verb} {row.name}",
            now,
            row.zone,
            self.app.settings.rep_timezone,
            self.app.settings.rules.morning_hour,
        )
        lead_id = row.lead_id

        def chosen(at: DateTime | None) -> None:
            if at is None:
                self.status.info("cancelled — nothing logged")
            else:
                self._write(lambda: self._log(name, lead_id, at))

        self.app.push_screen(picker, chosen)

    def _write(self, job: Callable[[], Awaitable[None]]) -> None:
        async def serialised() -> None:
            async with self._write_lock:
                await job()

        self.run_worker(serialised(), group="write")

    async def _log(self, name: str, lead_id: int | None, next_at: DateTime | None) -> None:
        row = self.queue.selected
        if lead_id is None:
            if row is None:
                self.status.error("no lead selected")
                return
            lead_id = row.lead_id
        if (
            OUTCOMES[name].channel == "call"
            and row is not None
            and row.lead_id == lead_id
            and row.opens_at is not None
        ):
            opens = row.opens_at.in_timezone(row.zone)
            self.status.error(
                f"{row.name}: outside calling hours (opens {opens:%a %H:%M} their time)"
                " — not logged"
            )
            return
        result = await self._db(
            services.log_outcome, lead_id, name, self.app.now(), self.app.settings, next_at=next_at
        )
        if result is None:
            return
        self._generation += 1
        self.status.ok(f"{result.name}: {result.summary} · u to undo")
        await self.reload(avoid_lead=lead_id, full=False)

    def action_undo(self) -> None:
        self._write(self._undo)

    async def _undo(self) -> None:
        result = await self._db(services.undo_last, self.app.now(), self.app.settings)
        if result is None:
            return
        self._generation += 1
        self.status.ok(result.summary)
        await self.reload(select_lead=result.lead_id, full=False)

    def action_demo(self) -> None:
        from leaddesk.core.demo import fill_demo

        async def load() -> None:
            made = await self._db(fill_demo, DEMO_LEADS, self.app.now(), self.app.settings)
            self._generation += 1
            if made:
                self.status.ok(f"added {made} demo leads — n logs no answer, ? lists every key")
            await self.reload()

        self._write(load)

    def action_reload(self) -> None:
        self.run_worker(self.reload, group="read", exclusive=True)

    def action_import_file(self) -> None:
        from leaddesk.ui.screens.import_file import ImportScreen

        def done(summary) -> None:
            if summary is None or summary.dry_run:
                return
            self._generation += 1
            self.status.ok(f"{summary.file.rsplit('/', 1)[-1]}: {summary.headline()}")
            self.run_worker(self.reload, group="read", exclusive=True)

        self.app.push_screen(ImportScreen(), done)
