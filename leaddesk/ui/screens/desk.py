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
from dataclasses import dataclass, replace
from datetime import date
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

from leaddesk.core.desk.dialer import dial_target
from leaddesk.core.desk.snapshot import (
    DeskSnapshot,
    StartingSoon,
    desk_extras,
    desk_snapshot,
)
from leaddesk.core.domain.errors import (
    ConnectionLost,
    InvalidDraft,
    LeadDeskError,
    NeedsConfirmation,
    StoreError,
)
from leaddesk.core.domain.rules import OUTCOMES
from leaddesk.core.domain.text import minutes_between, stopwatch
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.drafts import draft_for
from leaddesk.core.reads.leads import LeadView, lead_view
from leaddesk.core.reads.queue import DUE, LATER, Place, locate
from leaddesk.core.store.schema import change_token
from leaddesk.core.writes import leads as lead_writes
from leaddesk.core.writes import outcomes
from leaddesk.core.writes.sessions import (
    SessionView,
    close_stale_sessions,
    end_session,
    resume_session,
    start_session,
)
from leaddesk.logs import logger
from leaddesk.ui.dialing import CallTimer, Dialer
from leaddesk.ui.render import safe
from leaddesk.ui.screens.choices import CadenceChooser, ShiftPrompt
from leaddesk.ui.screens.find import FindScreen
from leaddesk.ui.screens.lead_form import LeadForm, LeadFormResult
from leaddesk.ui.screens.lead_list import LeadListScreen
from leaddesk.ui.screens.note import NoteScreen
from leaddesk.ui.screens.picker import NextContactPicker
from leaddesk.ui.screens.session import SessionRequest, SessionStart, SessionSummary
from leaddesk.ui.team import DeskTeam
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
REFRESH_SECONDS = 20.0  # where other writers cannot be detected cheaply
# How often the desk asks the store whether another desk or a CLI command
# wrote to it (one PRAGMA on SQLite, one snapshot query on PostgreSQL); it
# reloads only then, or when the minute turns (the times on screen are minutes).
CHANGE_CHECK_SECONDS = 1.5
_UNSEEN = object()

EMPTY_TEXT = """\
No leads yet.

  D        load 60 demo leads to try the desk
  A        add a lead
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


def lead_bindings() -> list[Binding]:
    """Add, edit, note, find, the lead list — and back from a found lead."""
    return [
        Binding("A", "lead_add", "add", show=False, tooltip="add a lead (a form)", id="lead-add"),
        Binding(
            "E", "lead_edit", "edit", show=False, tooltip="edit the lead on screen", id="lead-edit"
        ),
        Binding(
            "o",
            "note",
            "note",
            show=False,
            tooltip="add a note: to the touch just logged, else to the lead on screen",
            id="note",
        ),
        Binding("slash", "find", "find", tooltip="find a lead as you type", id="find"),
        Binding(
            "L", "lead_list", "all leads", show=False, tooltip="all leads, filtered", id="lead-list"
        ),
        Binding(
            "escape",
            "back_to_queue",
            "back to the queue",
            show=False,
            tooltip="leave a found lead, back to the queue's selection",
            id="back-to-queue",
        ),
    ]


@dataclass(frozen=True)
class Subject:
    """The lead the keys act on: the queue's selection, or a lead found by search."""

    lead_id: int
    name: str
    zone: str
    opens_at: DateTime | None  # the calling window is closed until then


def _returning_invalid(fn: Callable[..., T], *args: Any) -> T | InvalidDraft:
    # Runs on the DB thread: a draft the core refuses comes back as a value,
    # so the form can reopen with each error beside its field.
    try:
        return fn(*args)
    except InvalidDraft as exc:
        return exc


class DeskScreen(Screen[None]):
    BINDINGS = [
        *outcome_bindings(),
        Binding("u,ctrl+z", "undo", "undo", id="undo"),
        Binding("D", "demo", "demo leads", id="load-demo"),
        Binding("r", "reload", "refresh", show=False, id="refresh"),
        Binding(
            "K",
            "close_lost",
            "close as lost",
            show=False,
            tooltip="close as lost (before 8 attempts a second K confirms)",
            id="lead-close-lost",
        ),
        Binding(
            "M",
            "toggle_mail",
            "do not mail",
            show=False,
            tooltip="do not mail: on / off",
            id="lead-do-not-mail",
        ),
        Binding(
            "enter",
            "dial",
            "dial",
            show=False,
            tooltip="dial the lead and start the call timer",
            id="dial",
        ),
        Binding(
            "escape",
            "cancel_call",
            "stop call timer",
            show=False,
            tooltip="stop the call timer, log nothing",
            id="call-cancel",
        ),
        Binding(
            "S",
            "session",
            "session",
            show=False,
            tooltip="start / end a call session",
            id="session",
        ),
        Binding("F", "stats", "stats", show=False, tooltip="your numbers", id="stats"),
        *lead_bindings(),
        Binding(
            "i",
            "import_file",
            "import",
            show=False,
            tooltip="import a spreadsheet (CSV, or a JSONL export)",
            id="import",
        ),
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
        self._view: LeadView | None = None  # the lead on screen
        self._confirm_lost: int | None = None  # a lead waiting for a second K
        self.team = DeskTeam(self)  # claims and a lost connection (ui/team.py)
        self._call: CallTimer | None = None  # the lead dialled last, until its outcome
        self._session: SessionView | None = None  # the running call session
        self._dialer: Dialer | None = None
        self._dialing = False  # a number is being handed to the dialer
        self._pinned: LeadView | None = None  # a lead shown from search, not the queue
        self._note_target: tuple[int, str] | None = None  # (touch id, what) just logged
        self._change_token: object = _UNSEEN
        self._reloaded_at: DateTime | None = None  # when a check last started a reload

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
        self.set_interval(CHANGE_CHECK_SECONDS, self._periodic_check)
        self.run_worker(self.reload, group="read")
        for warning in self.app.startup_warnings:
            self.status.error(warning)
        self._dialer = Dialer(self.app.settings.dialer, self.app.copy_to_clipboard)
        self._write(self._close_stale_sessions)

    def _tick(self) -> None:
        self.query_one(DeskHeader).tick(self.app.now())

    def _periodic_check(self) -> None:
        self.run_worker(self.check_for_changes, group="check", exclusive=True)

    async def check_for_changes(self) -> bool:
        """Reload if another program wrote to the store or the minute turned.

        Returns whether a reload was started.
        """
        if self._write_lock.locked():
            return False  # the write reloads by itself
        try:
            token = await self.app.db.run(change_token)
        except (LeadDeskError, sqlite3.Error, peewee.PeeweeException) as exc:
            if self.team.lost(exc):
                return False  # said once; the next check reconnects
            token = None  # the reload will say what is wrong
        else:
            if self.team.back_online():
                self._change_token = _UNSEEN  # what changed meanwhile is unknown
        self.team.renew_if_due()
        now = self.app.now()
        last = self._reloaded_at
        if token is None:  # no cheap detection: refresh on a timer
            changed = last is None or (now - last).total_seconds() >= REFRESH_SECONDS
        else:
            changed = token != self._change_token
        minute_turned = last is not None and now.int_timestamp // 60 != last.int_timestamp // 60
        self._change_token = token
        if not (changed or minute_turned):
            return False
        self._reloaded_at = now
        self.run_worker(self.reload, group="read", exclusive=True)
        return True

    # --- database calls -----------------------------------------------------

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run `fn` on the DB thread; show a failure as one line, never a traceback."""
        try:
            return await self.app.db.run(fn, *args, **kwargs)
        except NeedsConfirmation:
            raise  # the caller asks the rep
        except ConnectionLost as exc:
            logger.error("%s", exc)
            writing = self.writing and fn not in (desk_snapshot, desk_extras, lead_view)
            self.status.error(f"{exc} — not saved" if writing else str(exc))
        except StoreError as exc:  # a write that failed says "not saved" itself
            logger.error("%s", exc, exc_info=exc)
            self.status.error(str(exc))
        except LeadDeskError as exc:
            logger.warning("%s", exc)
            self.status.error(str(exc))
        except (sqlite3.Error, peewee.PeeweeException) as exc:
            from leaddesk.core.store.db import sqlite_error_message

            message = sqlite_error_message(exc, self.app.target)
            logger.error("%s", message, exc_info=exc)
            self.status.error(message)
        return None

    @property
    def writing(self) -> bool:
        """A keystroke's write is under way (or queued)."""
        return self._write_lock.locked()

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
        if self._pinned is not None:
            self._pinned = await self._db(lead_view, self._pinned.id, snap.now, self.app.settings)
        selected = self.queue.selected_lead_id
        self.team.selected(selected)
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
            self._set_session(extras.session)
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
            if not empty:
                # the hidden queue lost focus while the desk was empty; j/k need it back
                self.queue.focus()

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
        if self._pinned is not None:
            view = self._pinned
            banner = (
                f" {safe(view.name)}: not in the queue now · keys act on it · escape: the queue"
            )
            self.query_one(LeadDetail).show(view, None, now, zone, banner=banner)
        else:
            self.query_one(LeadDetail).show(view, self.queue.selected, now, zone)
        self._view = view
        self.query_one(TouchHistory).show(view, now, zone)

    def _subject(self) -> Subject | None:
        if self._pinned is not None:
            view = self._pinned
            return Subject(view.id, view.name, view.timezone, view.window_opens_at)
        row = self.queue.selected
        if row is None:
            return None
        return Subject(row.lead_id, row.name, row.zone, row.opens_at)

    # --- messages from the queue ------------------------------------------

    def on_queue_list_highlighted(self, message: QueueList.Highlighted) -> None:
        self._confirm_lost = None
        self.team.selected(message.lead_id)
        if self._call is not None and message.lead_id != self._call.lead_id:
            self._stop_call("moved to another lead — call timer stopped, nothing logged")
        if message.moved:
            # The rep moved on: `o` no longer means the touch just logged, and
            # a found lead gives way to the queue.
            self._note_target = None
            self._pinned = None
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
        if action == "cancel_call":
            return self._call is not None
        if action == "back_to_queue":
            return self._pinned is not None
        lead_actions = ("outcome", "undo", "close_lost", "toggle_mail", "clear_dnc", "take_lead",
                        "to_pool")  # fmt: skip
        return not ((action in lead_actions or action == "move_cadence") and self._empty)

    def action_outcome(self, name: str, pick: bool = False) -> None:
        self._confirm_lost = None
        spec = OUTCOMES[name]
        row = self._subject()
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

    async def _log(
        self, name: str, lead_id: int | None, next_at: DateTime | None, **extra: Any
    ) -> None:
        row = self._subject()
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
        now, settings = self.app.now(), self.app.settings
        call = self._call if self._call is not None and self._call.lead_id == lead_id else None
        duration = call.seconds(now) if call and OUTCOMES[name].channel == "call" else None
        try:
            result = await self._db(
                outcomes.log_outcome,
                lead_id,
                name,
                now,
                settings,
                next_at=next_at,
                duration_s=duration,
                **extra,
            )
        except NeedsConfirmation as exc:
            # The give-up guard: the same key again confirms, anything else keeps the lead.
            self._confirm_lost = lead_id
            who = row.name if row is not None and row.lead_id == lead_id else f"lead {lead_id}"
            self.status.error(f"{who}: {exc} — K again closes as lost, any other key keeps it")
            return
        if result is None:
            return
        if call is not None and self._call is call:
            self._stop_call()
        self._generation += 1
        timed = f" · call {stopwatch(duration)}" if duration is not None else ""
        self._note_target = (result.touch_id, f"{result.label} with {result.name}")
        self.status.ok(f"{result.name}: {result.summary}{timed} · u to undo · o add a note")
        if OUTCOMES[name].channel == "system" and name != "lost":
            # a decision about the lead, not a contact: stay on it
            await self.reload(select_lead=lead_id, full=False)
        else:
            self._pinned = None
            await self.reload(avoid_lead=lead_id, full=False)

    # --- decisions about the selected lead (issue 3) -------------------------------

    def _selected_id(self) -> int | None:
        subject = self._subject()
        if subject is None:
            self.status.error("no lead selected")
            return None
        return subject.lead_id

    def action_close_lost(self) -> None:
        lead_id = self._selected_id()
        if lead_id is None:
            return
        confirmed = self._confirm_lost == lead_id
        self._confirm_lost = None
        self._write(lambda: self._log("lost", lead_id, None, confirmed=confirmed))

    def action_toggle_mail(self) -> None:
        lead_id = self._selected_id()
        if lead_id is None:
            return
        on = self._view is not None and self._view.id == lead_id and self._view.do_not_mail
        self._write(lambda: self._log("dnm-clear" if on else "dnm", lead_id, None))

    def action_clear_dnc(self) -> None:
        lead_id = self._selected_id()
        if lead_id is not None:
            self._write(lambda: self._log("dnc-clear", lead_id, None))

    def action_move_cadence(self) -> None:
        row = self._subject()
        lead_id = self._selected_id()
        if row is None or lead_id is None:
            return
        current = self._view.cadence if self._view and self._view.id == lead_id else "?"

        def chosen(name: str | None) -> None:
            if name is None:
                self.status.info("cancelled — cadence unchanged")
            else:
                self._write(lambda: self._log("cadence", lead_id, None, cadence=name))

        chooser = CadenceChooser(row.name, current, self.app.settings.cadences)
        self.app.push_screen(chooser, chosen)

    def action_shift(self) -> None:
        def chosen(days: int | None) -> None:
            if days is None:
                self.status.info("cancelled — schedule unchanged")
                return

            async def shift() -> None:
                now, settings = self.app.now(), self.app.settings
                result = await self._db(outcomes.shift_schedule, days, now, settings)
                if result is None:
                    return
                self._generation += 1
                unit = "business day" if days == 1 else "business days"
                noun = "lead" if result.moved == 1 else "leads"
                self.status.ok(
                    f"moved {result.moved} {noun} {days} {unit} later"
                    f" (kept {result.kept} with a promise)"
                )
                await self.reload()

            self._write(shift)

        self.app.push_screen(ShiftPrompt(), chosen)

    def action_take_lead(self) -> None:
        self._assign(self.app.settings.rep_name)

    def action_to_pool(self) -> None:
        self._assign(None)

    def _assign(self, rep_name: str | None) -> None:
        """Team mode: the selected lead becomes the rep's own, or goes back to the pool
        (a touch in its history, undoable with u)."""
        from leaddesk.core.writes.team import assign

        lead_id = self._selected_id()
        if lead_id is None:
            self.status.error("no lead selected")
            return

        async def write() -> None:
            now, settings = self.app.now(), self.app.settings
            summary = await self._db(assign, lead_id, rep_name, now, settings)
            if summary is None:
                return
            self._generation += 1
            self.status.ok(summary)
            await self.reload(select_lead=lead_id, full=False)

        self._write(write)

    def action_undo(self) -> None:
        self._confirm_lost = None
        self._write(self._undo)

    async def _undo(self) -> None:
        result = await self._db(outcomes.undo_last, self.app.now(), self.app.settings)
        if result is None:
            return
        self._generation += 1
        self._note_target = None
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

    # --- dial, call timer, call sessions, stats -------------------------------

    def action_dial(self) -> None:
        row = self.queue.selected
        if row is None:
            self.status.error("no lead selected")
            return
        if self._dialing:
            return  # a second enter while the first is handed over would dial twice
        if self._call is not None and self._call.lead_id == row.lead_id:
            self.status.info(f"on a call with {row.name} — escape stops the timer to dial again")
            return
        self._dialing = True
        self.run_worker(partial(self._dial, row.lead_id), group="dial")

    async def _dial(self, lead_id: int) -> None:
        try:
            target = await self._db(dial_target, lead_id, self.app.now(), self.app.settings)
            if target is None or self._dialer is None:
                return
            said = await self._dialer.dial(target)
        except LeadDeskError as exc:
            self.status.error(f"{target.name}: {exc} — not dialled")
            return
        finally:
            self._dialing = False
        if self.queue.selected_lead_id != lead_id:
            return  # the rep moved on while the dialer started: no timer for that lead
        self._call = CallTimer(lead_id, target.name, self.app.now())
        self.query_one(DeskHeader).set_call(target.name, self._call.started_at)
        self.refresh_bindings()
        self.status.ok(said)

    def _stop_call(self, why: str = "") -> None:
        self._call = None
        self.query_one(DeskHeader).set_call(None)
        self.refresh_bindings()
        if why:
            self.status.info(why)

    def action_cancel_call(self) -> None:
        if self._call is not None:
            self._stop_call("call timer stopped — nothing logged")

    def _set_session(self, session: SessionView | None) -> None:
        self._session = session
        self.query_one(DeskHeader).set_session(session)

    async def _close_stale_sessions(self) -> None:
        closed = await self._db(close_stale_sessions, self.app.now(), self.app.settings)
        for session in closed or ():
            when = session.started_at.in_timezone(self.app.settings.rep_timezone)
            self.status.info(f"closed the call session left open since {when:%a %H:%M}")

    def action_session(self) -> None:
        """S: start a session (asking for an optional goal), or end the running one."""
        if self._session is not None:
            self._write(self._end_session)
            return

        def chosen(request: SessionRequest | None) -> None:
            if request is None:
                self.status.info("no session started")
            else:
                self._write(partial(self._start_session, request.goal))

        self.app.push_screen(SessionStart(), chosen)

    async def _session_written(self, session: SessionView | None, said: str) -> None:
        self._set_session(session)
        self.status.ok(said)
        self._generation += 1
        await self.reload()

    async def _start_session(self, goal: int | None) -> None:
        started = await self._db(start_session, self.app.now(), self.app.settings, goal)
        if started is not None:
            aim = f" — goal {goal} dials" if goal else ""
            await self._session_written(started, f"call session started{aim} · S ends it")

    async def _end_session(self) -> None:
        now = self.app.now()
        ended = await self._db(end_session, now, self.app.settings)
        if ended is None:
            return
        await self._session_written(None, "call session ended — its summary is saved")

        def after(resume: bool | None) -> None:
            if resume:
                self._write(partial(self._resume_session, ended.id))

        self.app.push_screen(SessionSummary(ended, now), after)

    async def _resume_session(self, session_id: int) -> None:
        resumed = await self._db(resume_session, session_id, self.app.settings)
        if resumed is not None:
            await self._session_written(resumed, "call session resumed")

    def action_stats(self) -> None:
        from leaddesk.ui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    # --- add, edit, notes, find -----------------------------------------------------

    def _today(self) -> date:
        return self.app.now().in_timezone(self.app.settings.rep_timezone).date()

    def action_lead_add(self) -> None:
        form = LeadForm("Add a lead", self._today())
        self.app.push_screen(form, partial(self._form_done, None))

    def action_lead_edit(self) -> None:
        subject = self._subject()
        if subject is None:
            self.status.error("no lead selected")
            return

        async def open_form() -> None:
            draft = await self._db(draft_for, subject.lead_id)
            if draft is not None:
                form = LeadForm(f"Edit {draft.name}", self._today(), draft, subject.lead_id)
                self.app.push_screen(form, partial(self._form_done, subject.lead_id))

        self.run_worker(open_form, group="form")

    def _form_done(self, lead_id: int | None, result: LeadFormResult | None) -> None:
        if result is None:
            self.status.info("cancelled — nothing saved")
        elif result.open_lead is not None:
            self.run_worker(self._focus_lead(result.open_lead), group="read", exclusive=True)
        elif result.draft is not None:
            draft = result.draft
            self._write(lambda: self._save(draft, lead_id))

    async def _save(self, draft: LeadDraft, lead_id: int | None) -> None:
        now, settings = self.app.now(), self.app.settings
        if lead_id is None:
            saved = await self._db(_returning_invalid, lead_writes.add_lead, draft, now, settings)
        else:
            saved = await self._db(
                _returning_invalid, lead_writes.update_lead, lead_id, draft, now, settings
            )
        if saved is None:
            return
        if isinstance(saved, InvalidDraft):
            title = "Add a lead" if lead_id is None else f"Edit {draft.name}"
            form = LeadForm(title, self._today(), draft, lead_id, errors=saved.errors)
            self.app.push_screen(form, partial(self._form_done, lead_id))
            return
        self._generation += 1
        self._note_target = None
        if isinstance(saved, lead_writes.UpdateResult):
            self.status.ok(f"{saved.summary} (an edit is not undone by u)")
            await self._focus_lead(saved.lead_id, announce=False)
            return
        place = await self._focus_lead(saved, announce=False)
        where = {
            DUE: "due now",
            LATER: "in LATER TODAY: their calling window is closed",
        }.get(place.section if place else None, "in no queue: no phone, email or address")
        self.status.ok(f"added {draft.name.strip() or draft.company.strip()} — {where}")

    async def _focus_lead(self, lead_id: int, *, announce: bool = True) -> Place | None:
        """Select `lead_id` in the queue (paging to it), else show it pinned."""
        now = self.app.now()
        place = await self._db(locate, lead_id, now, self.app.settings)
        if place is None:
            return None
        self._pinned = None
        if place.section == DUE and place.index is not None:
            self._offset = max(0, place.index - self._page_limit() // 3)
        await self.reload(select_lead=lead_id)
        if self.queue.selected_lead_id == lead_id:
            return place
        view = await self._db(lead_view, lead_id, now, self.app.settings, 100)
        if view is None:
            return place
        self._pinned = view
        self._show_lead(view, now)
        if announce:
            self.status.info(
                f"{view.name} is not in the queue right now: keys act on this lead until you"
                " move or press escape"
            )
        return place

    def action_back_to_queue(self) -> None:
        self._pinned = None
        self.run_worker(partial(self._load_lead, self.queue.selected_lead_id), group="detail")

    def action_find(self) -> None:
        self.app.push_screen(FindScreen(), self._chosen)

    def action_lead_list(self) -> None:
        self.app.push_screen(LeadListScreen(), self._chosen)

    def _chosen(self, lead_id: int | None) -> None:
        if lead_id is not None:
            self.run_worker(self._focus_lead(lead_id), group="read", exclusive=True)

    def action_note(self) -> None:
        self._write(self._ask_note)

    async def _ask_note(self) -> None:
        # In write order: after an outcome key still being saved, `o` is for its touch.
        now = self.app.now()
        if self._note_target is not None:
            touch_id, what = self._note_target
            title = f"Note on the {what}"
            save = partial(lead_writes.set_touch_note, touch_id, now=now)
        else:
            subject = self._subject()
            if subject is None:
                self.status.error("no lead selected")
                return
            title = f"Note on {subject.name}"
            save = partial(
                lead_writes.add_note, subject.lead_id, now=now, settings=self.app.settings
            )

        def written(text: str | None) -> None:
            if text is None:
                self.status.info("cancelled — no note saved")
            else:
                self._write(lambda: self._save_note(save, text))

        self.app.push_screen(NoteScreen(title), written)

    async def _save_note(self, save: Callable[..., lead_writes.NoteResult], text: str) -> None:
        result = await self._db(save, text=text)
        if result is None:
            return
        self._generation += 1
        self._note_target = None
        self.status.ok(result.summary)
        await self.reload(full=False)

    def action_import_file(self) -> None:
        from leaddesk.ui.screens.import_file import ImportScreen

        def done(summary) -> None:
            if summary is None or summary.dry_run:
                return
            self._generation += 1
            self.status.ok(f"{summary.file.rsplit('/', 1)[-1]}: {summary.headline()}")
            self.run_worker(self.reload, group="read", exclusive=True)

        self.app.push_screen(ImportScreen(), done)
