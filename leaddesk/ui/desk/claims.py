"""The desk's side of team mode: hold the lead on screen, watch the others' changes.

- The lead under the cursor is claimed (core/writes/team.py) so no other rep's
  desk offers it; moving on releases it — in the keystroke's own database job
  (core/desk/keystroke.py), which tells this room what it holds now. A long
  call renews the claim. A lead another rep got first is skipped with a line
  saying who is calling.
- The desk's change check (every 1.5 s, one `store.change_token()`) reloads
  the page when another rep wrote something; it also renews the claim here
  and reports a lost connection through here.
- A lost connection shows once in the status line; the next check reconnects
  and says so.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from pendulum import DateTime

from leaddesk.core.desk.cursor import Claimed, move_claim
from leaddesk.core.domain.errors import ConnectionLost, LeadDeskError
from leaddesk.core.writes.team import release
from leaddesk.ui.desk.base import DeskBase


class DeskClaims:
    def __init__(self, screen: DeskBase, refused: Callable[[], None]) -> None:
        self.screen = screen
        self.refused = refused  # another rep holds the lead: the desk reloads
        self.claimed: int | None = None
        self.claimed_at: DateTime | None = None
        # the lead a running keystroke job is claiming (painted before the job ends)
        self.coming: int | None = None
        self.offline = False
        self._switching = asyncio.Lock()

    # --- claims -----------------------------------------------------------------

    def expect(self, lead_id: int | None) -> None:
        """The job that painted `lead_id` claims it before it returns: no second job."""
        self.coming = lead_id

    def holds(self, lead_id: int | None) -> bool:
        return lead_id == self.claimed or (lead_id is not None and lead_id == self.coming)

    def adopt(self, claimed: Claimed, now: DateTime, *, logged: bool = False) -> None:
        """A keystroke's job moved the claim: record what this desk holds now.

        A claim that took another owner's lead says so (the history alone would not
        tell the rep why a lead that is not theirs is on screen); after an outcome
        key (`logged`) it follows the outcome's own line instead of hiding it.
        """
        self.coming = None
        self.claimed = claimed.lead_id
        self.claimed_at = now if claimed.lead_id is not None else None
        status = self.screen.status
        if claimed.refused:
            status.error(f"{claimed.refused} — skipped")
            self.refused()
        elif claimed.handoff:
            if logged and status.message and not status.is_error:
                status.ok(f"{status.message} · {claimed.handoff}")
            else:
                status.info(claimed.handoff)

    async def _renew(self) -> None:
        async with self._switching:
            held = self.claimed
            if held is None:
                return
            app = self.screen.app
            now = app.now()
            try:
                claimed = await app.db.run(move_claim, held, held, now, app.settings)
            except LeadDeskError as exc:
                self._failed(exc)
                return
            if self.claimed == held:  # a keystroke moved on meanwhile: its claim stands
                self.adopt(claimed, now)

    async def release_all(self) -> None:
        """On quitting: the others need not wait for the claim to expire."""
        if self.claimed is not None:
            with contextlib.suppress(LeadDeskError):  # if this fails the claim simply expires
                await self.screen.app.db.run(release, self.claimed, self.screen.app.settings)
            self.claimed = None

    # --- during the desk's change check ---------------------------------------------

    def lost(self, exc: BaseException) -> bool:
        """The change check failed: True when the connection is gone (said once)."""
        if isinstance(exc, ConnectionLost) or self.offline:
            self._failed(exc)
            return True
        return False

    def back_online(self) -> bool:
        """The change check succeeded: True (and said) when it had been offline."""
        if not self.offline:
            return False
        self.offline = False
        self.screen.status.ok("reconnected to the database")
        return True

    def renew_if_due(self) -> None:
        if self.claimed is None or self.claimed_at is None:
            return
        minutes = self.screen.app.settings.team.claim_minutes
        if self.screen.app.now() >= self.claimed_at.add(seconds=minutes * 30):
            self.screen.run_worker(self._renew(), group="claim")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConnectionLost) or self.offline:
            if not self.offline:
                self.offline = True
                self.screen.status.error(f"{exc}")
            return
        self.screen.status.error(str(exc))
