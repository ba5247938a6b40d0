"""The desk's side of team mode: claim the selected lead, watch the others' changes.

- The lead under the cursor is claimed (core/team.py) so no other rep's desk
  offers it; moving on releases it, and a long call renews it. A lead another
  rep got first is skipped with a line saying who is calling.
- The desk's change check (DeskScreen.check_for_changes, every 1.5 s, one
  `store.change_token()`) reloads the page when another rep wrote something;
  it also renews the claim here and reports a lost connection through here.
- A lost connection shows once in the status line; the next check reconnects
  and says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from typing import TYPE_CHECKING

import peewee
from pendulum import DateTime

from leaddesk.core.domain.errors import ConnectionLost, LeadDeskError
from leaddesk.core.writes.team import ClaimedElsewhere, claim, release

if TYPE_CHECKING:
    from leaddesk.ui.screens.desk import DeskScreen


class DeskTeam:
    def __init__(self, screen: DeskScreen) -> None:
        self.screen = screen
        self.claimed: int | None = None
        self.claimed_at: DateTime | None = None
        self.wanted: int | None = None
        self.offline = False
        self._switching = asyncio.Lock()

    # --- claims -----------------------------------------------------------------

    def selected(self, lead_id: int | None) -> None:
        """The cursor is on `lead_id` now: claim it, let the previous one go."""
        self.wanted = lead_id
        if lead_id != self.claimed:
            self.screen.run_worker(self._switch(), group="claim")

    async def _switch(self, renew: bool = False) -> None:
        async with self._switching:
            target, old = self.wanted, self.claimed
            if target == old and not renew:
                return
            app = self.screen.app
            now, settings = app.now(), app.settings
            try:
                if old is not None and old != target:
                    self.claimed = None
                    await app.db.run(release, old, settings)
                if target is not None:
                    await app.db.run(claim, target, now, settings)
                    self.claimed, self.claimed_at = target, now
            except ClaimedElsewhere as exc:
                self.screen.status.error(f"{exc} — skipped")
                self.screen.run_worker(self.screen.reload, group="read", exclusive=True)
            except (LeadDeskError, sqlite3.Error, peewee.PeeweeException) as exc:
                self._failed(exc)

    async def release_all(self) -> None:
        """On quitting: the others need not wait for the claim to expire."""
        if self.claimed is not None:
            with contextlib.suppress(LeadDeskError, sqlite3.Error, peewee.PeeweeException):
                # if this fails the claim simply expires
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
            self.screen.run_worker(self._switch(renew=True), group="claim")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConnectionLost) or self.offline:
            if not self.offline:
                self.offline = True
                self.screen.status.error(f"{exc}")
            return
        self.screen.status.error(str(exc))
