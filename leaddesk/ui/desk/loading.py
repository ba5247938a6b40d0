"""Loading the desk: the DUE page around the cursor, the lead on screen, the
change check, and the one function that says which lead the keys act on.

Every read runs on the database thread; a read started before a write landed
is dropped (the write reloads by itself).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from pendulum import DateTime

from leaddesk.core.desk.cursor import CursorKeystroke, cursor_key
from leaddesk.core.desk.snapshot import (
    DeskExtras,
    DeskSnapshot,
    StartingSoon,
    desk_extras,
    desk_snapshot,
)
from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.domain.text import minutes_between
from leaddesk.core.reads.leads import LeadView, lead_view
from leaddesk.core.reads.queue.rows import DUE
from leaddesk.core.writes.sessions import SessionView
from leaddesk.ui.desk.base import DeskBase
from leaddesk.ui.desk.claims import DeskClaims
from leaddesk.ui.render import safe
from leaddesk.ui.widgets.lead_detail import LeadDetail
from leaddesk.ui.widgets.touch_history import TouchHistory

# Finding a lead (`/`, `L`) and the change check load on first use, or on the
# database thread just after the desk's first paint (DeskScreen.load_keys).
if TYPE_CHECKING:
    from leaddesk.core.reads.queue.place import Place

REFRESH_SECONDS = 20.0  # where other writers cannot be detected cheaply
# How often the desk asks the store whether another desk or a CLI command
# wrote to it (one PRAGMA on SQLite, one snapshot query on PostgreSQL); it
# reloads only then, or when the minute turns (the times on screen are minutes).
CHANGE_CHECK_SECONDS = 1.5
_UNSEEN = object()
FOLD_ABOVE = 3  # appointments starting soon announced one by one; more share one toast
FOLD_SHOWN = 5  # of those, named in it


def _starting(appointment: StartingSoon, now: DateTime) -> str:
    minutes = minutes_between(now, appointment.at)
    when = f"in {minutes} min" if minutes > 0 else "now"
    theirs = appointment.at.in_timezone(appointment.zone).strftime("%H:%M")
    return f"Appointment with {safe(appointment.name)} {when} ({theirs} their time)"


@dataclass(frozen=True)
class Subject:
    """The lead the keys act on: a lead found by `/` or `L`, else the queue's selection."""

    lead_id: int
    name: str
    zone: str
    pinned: bool


class DeskLoader:
    def __init__(self, screen: DeskBase, claims: DeskClaims) -> None:
        self.screen = screen
        self.claims = claims
        self.snapshot: DeskSnapshot | None = None
        self.offset = 0
        self.view: LeadView | None = None  # the lead on screen
        self.pinned: LeadView | None = None  # a lead shown from search, not the queue
        self.empty = False
        self.session: SessionView | None = None  # the running call session
        self._announced: set[int] = set()  # appointments already announced
        self._change_token: object = _UNSEEN
        self._fresh = False  # a keystroke's job read the token since the last check
        self._beat_at: DateTime | None = None  # the change check last stamped the rep as seen
        self._reloaded_at: DateTime | None = None  # when a check last started a reload

    # --- the subject ------------------------------------------------------------------

    def subject(self) -> Subject | None:
        """The lead on screen — the one every lead action acts on."""
        if self.pinned is not None:
            return Subject(self.pinned.id, self.pinned.name, self.pinned.timezone, True)
        row = self.screen.queue.selected
        if row is None:
            return None
        return Subject(row.lead_id, row.name, row.zone, False)

    # --- the page ---------------------------------------------------------------------

    def start_reload(self) -> None:
        self.screen.run_worker(self.reload, group="read", exclusive=True)

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
        """
        screen = self.screen
        keep_cursor = avoid_lead is None and select_lead is None
        if keep_cursor:
            select_lead = screen.queue.selected_lead_id
        generation = screen.generation
        focus = screen.queue.cursor_due_index
        if focus is None and self.snapshot is None:
            focus = 0  # the desk's first page: its first lead is read in the same trip
        asked = screen.app.take_first_page() if self.snapshot is None else None
        if asked is not None:
            # asked for while the desk loaded (ui/first_page.py): its answer, or its
            # error as one status line, comes through the database thread's queue
            snap = await screen.db(asked.result)
        else:
            snap = await screen.db(
                desk_snapshot,
                screen.app.now(),
                screen.app.settings,
                self.offset,
                screen.page_limit(),
                full=full,
                focus=focus,
                avoid_lead=avoid_lead,
                lead_id=select_lead,
            )
        if snap is None or generation != screen.generation:
            return  # failed, or a write landed meanwhile and reloads itself
        if keep_cursor and screen.queue.selected_lead_id != select_lead:
            # The rep moved while the page was read: their key wins over the lead
            # that was selected when this reload started.
            select_lead = screen.queue.selected_lead_id
        if self.pinned is not None:
            self.pinned = await screen.db(lead_view, self.pinned.id, snap.now, screen.app.settings)
        self.show(snap, avoid_lead=avoid_lead, select_lead=select_lead)
        selected = screen.queue.selected_lead_id
        if snap.lead is None or snap.lead.id != selected:
            await self.load_lead(selected)  # one job: claim it and read it
        elif self.claims.claimed != selected:
            # The page's job read this lead: only the claim is left, and the queue's
            # highlight of it must not start a second job for it (`holds`).
            self.claims.expect(selected)
            await self.load_lead(selected, read=False)

    def show(
        self,
        snap: DeskSnapshot,
        *,
        avoid_lead: int | None = None,
        select_lead: int | None = None,
        extras_follow: bool = False,
    ) -> None:
        """Show a page (and the lead read with it, if the cursor landed on it).

        `extras_follow`: the job that read the page brings LATER and the header
        itself (`apply_extras`), so no second trip is started for them.
        """
        self.apply(snap, avoid_lead=avoid_lead, select_lead=select_lead)
        if snap.lead is not None and snap.lead.id == self.screen.queue.selected_lead_id:
            self.show_lead(snap.lead, snap.now)
        if snap.extras is None and not extras_follow:
            # After the paint: the extras' Python work would otherwise compete
            # with the paint for the GIL and delay the next lead on screen.
            self.screen.call_after_refresh(self._start_extras)

    def apply_extras(self, extras: DeskExtras) -> None:
        """LATER, the totals and the header, read by the job that painted the page."""
        if self.snapshot is not None:
            self.apply(replace(self.snapshot, extras=extras))

    def _start_extras(self) -> None:
        self.screen.run_worker(self._reload_extras, group="extras", exclusive=True)

    async def _reload_extras(self) -> None:
        screen = self.screen
        generation = screen.generation
        extras = await screen.db(desk_extras, screen.app.now(), screen.app.settings)
        if extras is None or generation != screen.generation or self.snapshot is None:
            return
        self.apply(replace(self.snapshot, extras=extras))

    def apply(
        self, snap: DeskSnapshot, *, avoid_lead: int | None = None, select_lead: int | None = None
    ) -> None:
        screen = self.screen
        extras = snap.extras or (self.snapshot.extras if self.snapshot else None)
        self.snapshot = replace(snap, extras=extras)
        self.offset = snap.offset
        if extras is not None:
            self._set_empty(extras.total_leads == 0)
            screen.header.set_counts(extras.today, extras.stale_scrub)
            self.session = extras.session
            screen.header.set_session(extras.session)
            self._announce(extras.starting_soon, snap.now)
        screen.queue.set_rows(
            now=snap.now,
            rep_zone=screen.app.settings.rep_timezone,
            due_count=snap.due_count,
            later_count=extras.later_count if extras else 0,
            tomorrow_count=extras.tomorrow_count if extras else 0,
            capped=(
                snap.due_capped,
                bool(extras and extras.later_capped),
                bool(extras and extras.tomorrow_capped),
            ),
            offset=snap.offset,
            due_rows=snap.due,
            later_rows=extras.later if extras else (),
            avoid_lead=avoid_lead,
            select_lead=select_lead,
        )

    def _announce(self, soon: tuple[StartingSoon, ...], now: DateTime) -> None:
        """Each appointment about to start is announced once, loudly; more than
        FOLD_ABOVE at once (a big store opened at its instant) are one toast, not a
        stack of them over the lead on screen."""
        fresh = [a for a in soon if a.appointment_id not in self._announced]
        self._announced.update(a.appointment_id for a in fresh)
        said = [_starting(a, now) for a in fresh]
        if len(said) > FOLD_ABOVE:
            more = f" … and {len(said) - FOLD_SHOWN} more" if len(said) > FOLD_SHOWN else ""
            said = [f"{len(said)} appointments start soon: " + "; ".join(said[:FOLD_SHOWN]) + more]
        for text in said:
            self.screen.notify(
                text, title="starting soon", severity="warning", timeout=60, markup=False
            )

    def _set_empty(self, empty: bool) -> None:
        if empty != self.empty:
            self.empty = empty
            self.screen.set_class(empty, "-empty")
            self.screen.refresh_bindings()
            if not empty:
                # the hidden queue lost focus while the desk was empty; j/k need it back
                self.screen.queue.focus()

    # --- the lead on screen -----------------------------------------------------------

    async def load_lead(self, lead_id: int | None, *, read: bool = True) -> None:
        """One job: claim `lead_id` (letting the previous one go) and read it
        (`read=False`: it is on screen already, only claim it)."""
        screen = self.screen
        now = screen.app.now()
        moved: CursorKeystroke | None = await screen.db(
            cursor_key, lead_id, self.claims.claimed, now, screen.app.settings, self.seen, read
        )
        if moved is None:
            if self.claims.coming == lead_id:
                self.claims.coming = None  # not claimed after all: a later move may try again
            return
        self.adopt_token(moved.token)
        self.claims.adopt(moved.claim, now)
        if lead_id != screen.queue.selected_lead_id or not read:
            return  # the rep has moved on while this loaded, or the lead is on screen
        self.show_lead(moved.view, now)

    def show_lead(self, view: LeadView | None, now: DateTime) -> None:
        screen = self.screen
        zone = screen.app.settings.rep_timezone
        detail = screen.query_one(LeadDetail)
        if self.pinned is not None:
            view = self.pinned
            banner = (
                f" {safe(view.name)}: not in the queue now · keys act on it · escape: the queue"
            )
            detail.show(view, None, now, zone, banner=banner)
        else:
            detail.show(view, screen.queue.selected, now, zone)
        self.view = view
        screen.query_one(TouchHistory).show(view, now, zone)

    def _unpin(self) -> None:
        """A found lead gives way to the queue, and the status line stops talking of it."""
        if self.pinned is not None and self.pinned.name in self.screen.status.message:
            self.screen.status.info("")
        self.pinned = None

    def highlighted(self, lead_id: int | None, moved: bool) -> None:
        """The queue's cursor is on `lead_id`: show it (and claim it) in one job."""
        if moved:
            self._unpin()
        detail = self.screen.query_one(LeadDetail).lead_id
        if lead_id != detail or not self.claims.holds(lead_id):
            load = partial(self.load_lead, lead_id)
            self.screen.run_worker(load, group="detail", exclusive=True)

    def back_to_queue(self) -> None:
        self._unpin()
        load = partial(self.load_lead, self.screen.queue.selected_lead_id)
        self.screen.run_worker(load, group="detail")

    def open(self, lead_id: int | None) -> None:
        """A lead chosen in `/` or `L`: select it, or pin it when it is not due."""
        if lead_id is not None:
            # Not in the "read" group: the change check's reload must not cancel it.
            self.screen.run_worker(self.focus_lead(lead_id), group="focus", exclusive=True)

    async def focus_lead(self, lead_id: int, *, announce: bool = True) -> Place | None:
        """Select `lead_id` in the queue (paging to it), else show it pinned."""
        screen = self.screen
        now = screen.app.now()
        from leaddesk.core.reads.queue.place import locate

        place = await screen.db(locate, lead_id, now, screen.app.settings)
        if place is None:
            return None
        self.pinned = None
        if place.section == DUE and place.index is not None:
            self.offset = max(0, place.index - screen.page_limit() // 3)
        await self.reload(select_lead=lead_id)
        if screen.queue.selected_lead_id == lead_id:
            return place
        view = await screen.db(lead_view, lead_id, now, screen.app.settings, 100)
        if view is None:
            return place
        self.pinned = view
        self.show_lead(view, now)
        screen.refresh_bindings()
        if announce:
            screen.status.info(
                f"{view.name} is not in the queue right now: keys act on this lead until you"
                " move or press escape"
            )
        return place

    def need_page(self, index: int) -> None:
        self.offset = max(0, index - self.screen.page_limit() // 3)
        self.start_reload()

    # --- the change check -------------------------------------------------------------

    @property
    def seen(self) -> object:
        """The store's change token as the desk last saw it (a keystroke job's `seen`)."""
        return self._change_token

    def adopt_token(self, token: object) -> None:
        """A keystroke job's token after its own commits: they need no reload."""
        if token is not None:
            self._change_token = token
            self._fresh = True

    async def check_for_changes(self) -> bool:
        """Reload if another program wrote to the store or the minute turned.

        Returns whether a reload was started.
        """
        screen = self.screen
        if screen.writing:
            return False  # the write reloads by itself
        if self._fresh:
            # A keystroke's job read the token since the last check: asking again
            # now would be a second trip for that key. Another writer is then
            # noticed one check later (within 2 × CHANGE_CHECK_SECONDS).
            self._fresh = False
            self.claims.renew_if_due()
            return False
        seen = self._change_token
        app = screen.app
        moved = True
        try:
            # The check is also the rep's heartbeat (`[team] away_minutes`): one job.
            from leaddesk.core.desk.heartbeat import check_in

            checked = await app.db.run(check_in, seen, self._beat_at, app.now(), app.settings)
            token, moved, self._beat_at = checked.token, checked.moved, checked.beat_at
            adopted = self._change_token is not seen
        except LeadDeskError as exc:
            if self.claims.lost(exc):
                return False  # said once; the next check reconnects
            token, adopted = None, False  # the reload will say what is wrong
        else:
            if self.claims.back_online():
                self._change_token = _UNSEEN  # what changed meanwhile is unknown
        self.claims.renew_if_due()
        if adopted:
            return False  # a keystroke's job adopted a newer token meanwhile
        now = screen.app.now()
        last = self._reloaded_at
        if token is None:  # no cheap detection: refresh on a timer
            changed = last is None or (now - last).total_seconds() >= REFRESH_SECONDS
        else:
            changed = moved or self._change_token is _UNSEEN
        minute_turned = last is not None and now.int_timestamp // 60 != last.int_timestamp // 60
        self._change_token = token
        if not (changed or minute_turned):
            return False
        self._reloaded_at = now
        self.start_reload()
        return True
