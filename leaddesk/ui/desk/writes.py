"""Writes from the desk: one path from a key to the core and back.

A write is queued (keystroke order) and resolves the lead on screen when its
turn comes, so typing `n n n` fast logs three different leads. An outcome key
is one job on the database thread (core/desk/keystroke.py): the write, the
next page, the next lead and its claim come back together. Every other write
goes through `written`: write → say it → reload. A refusal that the rep may
override (closing as lost too early, a call outside calling hours) waits for
the same key again on the same lead; any other key or moving away drops it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pendulum import DateTime

from leaddesk.core.domain.errors import NeedsConfirmation, OutsideHours
from leaddesk.core.domain.lead_state import OUTCOMES
from leaddesk.core.domain.text import stopwatch, touch_subject
from leaddesk.ui.desk.base import DeskBase
from leaddesk.ui.desk.calls import DeskCalls
from leaddesk.ui.desk.claims import DeskClaims
from leaddesk.ui.desk.loading import DeskLoader

# The outcome keys' machinery loads on the first one, or on the database thread just
# after the desk's first paint (DeskScreen.load_keys), not before that paint.
if TYPE_CHECKING:
    from leaddesk.core.desk.keystroke import OutcomeKeystroke
    from leaddesk.core.writes import outcomes

T = TypeVar("T")
CLOSE_LOST = "lead-close-lost"


@dataclass(frozen=True)
class Pending:
    """A refusal the rep may override by pressing `action_id` again on `lead_id`."""

    action_id: str
    lead_id: int
    retry: Callable[[], Awaitable[None]]


class DeskWrites:
    def __init__(
        self, screen: DeskBase, loader: DeskLoader, claims: DeskClaims, calls: DeskCalls
    ) -> None:
        self.screen = screen
        self.loader = loader
        self.claims = claims
        self.calls = calls
        self.pending: Pending | None = None
        self.note_target: tuple[int, str] | None = None  # (touch id, what) just logged
        # Called once an outcome is committed and shown (the invitation question)
        self.after_logged: Callable[[outcomes.LogResult, str], None] | None = None

    async def written(
        self,
        fn: Callable[..., T],
        *args: Any,
        said: Callable[[T], str],
        then: Callable[[T], Awaitable[None]] | None = None,
        forget_note: bool = False,
        **kwargs: Any,
    ) -> T | None:
        """Write (on the DB thread), say it, reload (the page, unless `then` says otherwise)."""
        result = await self.screen.db(fn, *args, writing=True, **kwargs)
        if result is None:
            return None
        self.screen.generation += 1
        if forget_note:
            self.note_target = None  # `o` no longer means the touch just logged
        if text := said(result):
            self.screen.status.ok(text)
        await (then(result) if then is not None else self.loader.reload())
        return result

    # --- outcomes -----------------------------------------------------------------------

    def log(self, action_id: str, name: str, lead_id: int | None = None, **extra: Any) -> None:
        """Queue an outcome: on `lead_id`, else on the lead on screen at its turn."""
        self.screen.write(lambda: self._log(action_id, name, lead_id, **extra))

    async def _log(
        self,
        action_id: str,
        name: str,
        lead_id: int | None,
        next_at: DateTime | None = None,
        **extra: Any,
    ) -> None:
        screen, loader = self.screen, self.loader
        subject = loader.subject()
        if lead_id is None:
            if subject is None:
                screen.status.error("no lead selected")
                return
            lead_id = subject.lead_id
        on_screen = subject is not None and subject.lead_id == lead_id
        who = subject.name if subject is not None and on_screen else f"lead {lead_id}"
        now, settings = screen.app.now(), screen.app.settings
        spec = OUTCOMES.get(name)
        call = self.calls.timer_for(lead_id) if spec and spec.channel == "call" else None
        duration = call.seconds(now) if call is not None else None
        from leaddesk.core.desk.keystroke import Page, outcome_key

        page = Page(loader.offset, screen.page_limit(), screen.queue.cursor_due_index)
        loop = asyncio.get_running_loop()
        painted: list[OutcomeKeystroke] = []

        def first(part: OutcomeKeystroke) -> None:
            # On the database thread, mid-job: the next lead is painted while the
            # same job reads LATER, the header's figures and claims the lead.
            loop.call_soon_threadsafe(self._logged, part, lead_id, call, duration, painted)

        try:
            done: OutcomeKeystroke | None = await screen.db(
                outcome_key, lead_id, name, now, settings, page,
                held=self.claims.claimed, next_at=next_at, duration_s=duration,
                dialled_at=call.started_at if call is not None else None, seen=loader.seen,
                first=first, writing=True, **extra,
            )  # fmt: skip
        except OutsideHours as exc:
            again = {**extra, "outside_hours": True}
            retry = lambda: self._log(action_id, name, lead_id, next_at, **again)  # noqa: E731
            self.pending = Pending(action_id, lead_id, retry)
            # the core names the lead itself
            screen.status.error(f"{exc} — the same key again logs it anyway")
            return
        except NeedsConfirmation as exc:
            # The give-up guard: K again confirms, anything else keeps the lead.
            retry = lambda: self._log(CLOSE_LOST, name, lead_id, confirmed=True)  # noqa: E731
            self.pending = Pending(CLOSE_LOST, lead_id, retry)
            screen.status.error(f"{who}: {exc} — K again closes as lost, any other key keeps it")
            return
        if done is None:
            return
        if not painted:
            self._logged(done, lead_id, call, duration, painted)
        loader.adopt_token(done.token)
        self.claims.adopt(done.claim, now, logged=True)
        if done.snapshot.extras is not None:
            # after the next lead's paint: redrawing LATER and the header must not delay it
            screen.call_after_refresh(loader.apply_extras, done.snapshot.extras)
        screen.refresh_bindings()
        if self.after_logged is not None:
            self.after_logged(done.logged, who)

    def _logged(
        self,
        done: OutcomeKeystroke,
        lead_id: int,
        call: Any,
        duration: int | None,
        painted: list[OutcomeKeystroke],
    ) -> None:
        """The touch is committed: say it and show the next lead (or stay on this one)."""
        screen, loader = self.screen, self.loader
        painted.append(done)
        if call is not None and self.calls.call is call:
            self.calls.stop()
        screen.generation += 1
        result = done.logged
        timed = f" · call {stopwatch(duration)}" if duration is not None else ""
        self.note_target = (
            result.touch_id,
            touch_subject(result.channel, result.label, result.name),
        )
        screen.status.ok(f"{result.name}: {result.summary}{timed} · u to undo · o add a note")
        snap = done.snapshot
        self.claims.expect(snap.lead.id if snap.lead is not None else None)
        if done.stay:
            # a decision about the lead, not a contact: stay on it
            if loader.pinned is not None and loader.pinned.id == lead_id:
                loader.pinned = snap.lead
            loader.show(snap, select_lead=lead_id, extras_follow=True)
            if loader.pinned is not None:
                loader.show_lead(loader.pinned, snap.now)
        else:
            loader.pinned = None
            loader.show(snap, avoid_lead=lead_id, extras_follow=True)

    def close_lost(self, lead_id: int) -> None:
        self.log(CLOSE_LOST, "lost", lead_id)

    def toggle_mail(self, lead_id: int) -> None:
        from leaddesk.core.desk.keystroke import TOGGLE_MAIL

        # Which way it goes is read from the store in the same job, not from the screen.
        self.log("lead-do-not-mail", TOGGLE_MAIL, lead_id)

    def clear_dnc(self, lead_id: int) -> None:
        self.log("lead-clear-dnc", "dnc-clear", lead_id)

    def move_cadence(self, lead_id: int, cadence: str) -> None:
        self.log("lead-move-cadence", "cadence", lead_id, cadence=cadence)

    # --- the other writes -------------------------------------------------------------

    def undo(self) -> None:
        from leaddesk.core.writes.outcomes import undo_last

        async def undo() -> None:
            now, settings = self.screen.app.now(), self.screen.app.settings

            async def select(result: outcomes.UndoResult) -> None:
                await self.loader.reload(select_lead=result.lead_id, full=False)

            await self.written(
                undo_last,
                now,
                settings,
                said=lambda r: r.summary,
                then=select,
                forget_note=True,
            )

        self.screen.write(undo)

    def shift(self, days: int) -> None:
        # on first use: the shift's reads (search engines) are not needed to open the desk
        from leaddesk.core.writes import shift

        def said(result: shift.ShiftResult) -> str:
            unit = "business day" if days == 1 else "business days"
            noun = "lead" if result.moved == 1 else "leads"
            return (
                f"moved {result.moved} {noun} {days} {unit} later"
                f" (kept {result.kept} with a promise)"
            )

        now, settings = self.screen.app.now(), self.screen.app.settings
        self.screen.write(
            lambda: self.written(shift.shift_schedule, days, now, settings, said=said)
        )

    def assign(self, lead_id: int, rep_name: str | None) -> None:
        """Team mode: the lead becomes the rep's own, or goes back to the pool
        (a touch in its history, undoable with u)."""
        from leaddesk.core.writes.team import assign

        async def select(_: str) -> None:
            await self.loader.reload(select_lead=lead_id, full=False)

        async def write() -> None:
            now, settings = self.screen.app.now(), self.screen.app.settings
            await self.written(
                assign, lead_id, rep_name, now, settings, said=lambda s: s, then=select
            )

        self.screen.write(write)

    def demo(self, leads: int) -> None:
        from leaddesk.core.demo import fill_demo

        def said(made: int) -> str:
            return f"added {made} demo leads — n logs no answer, ? lists every key" if made else ""

        async def load() -> None:
            now, settings = self.screen.app.now(), self.screen.app.settings
            if await self.written(fill_demo, leads, now, settings, said=said) is None:
                await self.loader.reload()

        self.screen.write(load)
