"""The desk's side of team mode: claim the selected lead, watch the others' changes.

- The lead under the cursor is claimed (core/team.py) so no other rep's desk
  offers it; moving on releases it, and a long call renews it. A lead another
  rep got first is skipped with a line saying who is calling.
- Every CHECK_SECONDS a cheap change token is read on the DB thread; when
  another rep wrote something the desk reloads its page (not everything).
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

from leaddesk.core.errors import ConnectionLost, LeadDeskError
from leaddesk.core.team import ClaimedElsewhere, change_token, claim, release

if TYPE_CHECKING:
    from leaddesk.ui.screens.desk import DeskScreen

CHECK_SECONDS = 1.5


class DeskTeam:
    def __init__(self, screen: DeskScreen) -> None:
        self.screen = screen
        self.claimed: int | None = None
        self.claimed_at: DateTime | None = None
        self.wanted: int | None = None
        self.token: str | None = None
        self.offline = False
        self._switching = asyncio.Lock()
        self._checking = False

    def start(self) -> None:
        self.screen.set_interval(CHECK_SECONDS, self._tick)

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

    # --- the change check -----------------------------------------------------------

    def _tick(self) -> None:
        if not self._checking:
            self._checking = True
            self.screen.run_worker(self._check(), group="team-check")

    async def _check(self) -> None:
        try:
            app = self.screen.app
            try:
                token = await app.db.run(change_token)
            except (LeadDeskError, sqlite3.Error, peewee.PeeweeException) as exc:
                self._failed(exc)
                return
            if self.offline:
                self.offline = False
                self.screen.status.ok("reconnected to the database")
                self.token = None
            # The first token may postdate the desk's first read: reload once then.
            changed = token != self.token
            self.token = token
            if changed and not self.screen.writing:
                self.screen.run_worker(self.screen.reload, group="read", exclusive=True)
            self._renew_if_due()
        finally:
            self._checking = False

    def _renew_if_due(self) -> None:
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
