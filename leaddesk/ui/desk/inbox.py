"""The inbox, read in the background when `[mail] maildir` or `imap_host` is set.

Every few minutes (and once at start) the read — the network or the Maildir —
runs in a thread of its own, asking the database thread only which Message-IDs
were handled; the writes then queue behind the keystrokes (the write lock) as
one job on the database thread. A keystroke never waits for the mail server.
A reply puts its lead on top of the queue ("reply from Dana — answer").
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.logs import logger
from leaddesk.ui.desk.base import DeskBase
from leaddesk.ui.desk.writes import DeskWrites

# The mail readers load with the first check (only when [mail] names an inbox),
# not before the desk's first paint (issue 15).
if TYPE_CHECKING:
    from leaddesk.core.transfer.mail_check import MailCheck


class DeskInbox:
    def __init__(self, screen: DeskBase, writes: DeskWrites) -> None:
        self.screen = screen
        self.writes = writes
        self.checks = 0  # finished checks (tests wait on it)

    def start(self) -> None:
        mail = self.screen.app.settings.mail_in
        if mail.configured:
            self.screen.set_interval(mail.check_minutes * 60, self.check)
            self.check()

    def check(self) -> None:
        self.screen.run_worker(self._read, group="inbox", exclusive=True)

    async def _read(self) -> None:
        from leaddesk.core.reads.inbox import handled_ids
        from leaddesk.core.transfer.inbox_fetch import fetch_new
        from leaddesk.core.transfer.mail_check import handle_raw

        app = self.screen.app
        now, settings, loop = app.now(), app.settings, asyncio.get_running_loop()

        def known(ids: list[str]) -> set[str]:
            return asyncio.run_coroutine_threadsafe(app.db.run(handled_ids, ids), loop).result()

        try:
            raws = await asyncio.to_thread(fetch_new, settings.mail_in, now, known)
        except LeadDeskError as exc:  # the server is down, the login refused: one line
            logger.warning("%s", exc)
            self.screen.status.error(f"mail: {exc}")
            self.checks += 1
            return
        if not raws:
            self.checks += 1
            return

        async def write() -> None:
            try:
                await self.writes.written(handle_raw, raws, now, settings, said=_said)
            finally:
                self.checks += 1

        self.screen.write(write)


def _said(result: MailCheck) -> str:
    from leaddesk.core.transfer.mail_check import summary

    if result.replies or result.bounces or result.unsubscribes:
        return summary(result)
    return ""
