"""Dialling from the desk: the dialer command (configured or found once), the
call timer, and `enter` on the lead on screen. The number, the argv and the
refusals come from `core.desk.dialer`.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pendulum import DateTime

from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.domain.phone_text import pretty
from leaddesk.ui.desk.base import DeskBase
from leaddesk.ui.desk.loading import DeskLoader

# The dialer's module loads on the first `enter`, or on the database thread just
# after the desk's first paint (DeskScreen.load_keys), not before that paint.
if TYPE_CHECKING:
    from leaddesk.core.desk.dialer import DialTarget


@dataclass(frozen=True)
class CallTimer:
    """A call in progress: started when the number was handed to the dialer."""

    lead_id: int
    name: str
    started_at: DateTime

    def seconds(self, now: DateTime) -> int:
        return max(int(now.timestamp() - self.started_at.timestamp()), 0)


class Dialer:
    """Hands a number to the configured command, the desktop's tel: handler, or
    the clipboard (through the terminal: OSC 52), in that order of preference.

    The desktop is asked for a tel: handler once, in a thread, the first time
    it matters; the dialer is started in a thread too, so the event loop never
    waits for a fork or a slow `xdg-mime`.
    """

    def __init__(self, command: str, copy: Callable[[str], None]) -> None:
        self.configured = command.strip()
        self._copy = copy
        self._found: asyncio.Future[str | None] | None = None
        # The last dialer started; Python reaps finished children on the next
        # start, and tests wait on it instead of sleeping.
        self.process: subprocess.Popen[bytes] | None = None

    async def command(self) -> str | None:
        """The command to run, or None to copy the number instead."""
        from leaddesk.core.desk.dialer import COPY, find_tel_handler

        if self.configured:
            return None if self.configured == COPY else self.configured
        if self._found is None:
            self._found = asyncio.ensure_future(asyncio.to_thread(find_tel_handler))
        return await self._found

    async def dial(self, target: DialTarget) -> str:
        """Dial (or copy) and say what happened; raises LeadDeskError when it cannot."""
        from leaddesk.core.desk.dialer import dialer_argv, start_detached

        shown = target.shown or pretty(target.e164) or target.e164
        command = await self.command()
        if command is None:
            self._copy(target.e164)
            # the clipboard holds the number alone: the extension is the rep's to key in
            ext = f" · then extension {target.extension}" if target.extension else ""
            copied = pretty(target.e164) if target.extension else shown
            return (
                f"{target.name}: {copied} copied to the clipboard{ext}"
                " (no dialer: set [dialer] command in the config)"
            )
        argv = dialer_argv(command, target.e164, target.extension)
        self.process = await asyncio.to_thread(start_detached, argv)
        return f"{target.name}: dialling {shown} ({argv[0]}) — timer running, escape stops it"


class DeskCalls:
    """`enter` dials the lead on screen and starts its call timer; the timer runs
    until that lead's outcome is logged, the rep moves off it, or escape."""

    def __init__(self, screen: DeskBase, loader: DeskLoader) -> None:
        self.screen = screen
        self.loader = loader
        self.call: CallTimer | None = None  # the lead dialled last, until its outcome
        self.dialer = Dialer(screen.app.settings.dialer, screen.app.copy_to_clipboard)
        self._dialing = False  # a number is being handed to the dialer
        # (lead id, write generation) of a doubtful number the rep was warned
        # about: `enter` again on it, with nothing written since, dials it.
        self._doubt: tuple[int, int] | None = None

    def timer_for(self, lead_id: int) -> CallTimer | None:
        return self.call if self.call is not None and self.call.lead_id == lead_id else None

    def dial(self) -> None:
        subject = self.loader.subject()
        if subject is None:
            self.screen.status.error("no lead selected")
            return
        if self._dialing:
            return  # a second enter while the first is handed over would dial twice
        if self.timer_for(subject.lead_id) is not None:
            self.screen.status.info(
                f"on a call with {subject.name} — escape stops the timer to dial again"
            )
            return
        self._dialing = True
        confirmed = self._doubt == (subject.lead_id, self.screen.generation)
        self._doubt = None
        work = self._dial(subject.lead_id, confirmed, subject.name)
        self.screen.run_worker(work, group="dial")

    async def _dial(self, lead_id: int, confirmed: bool = False, who: str = "") -> None:
        from leaddesk.core.desk.dialer import DoubtfulNumber, dial_target

        screen = self.screen
        target: DialTarget | None = None
        try:
            now, settings = screen.app.now(), screen.app.settings
            target = await screen.db(dial_target, lead_id, now, settings, confirmed=confirmed)
            if target is None:
                return
            said = await self.dialer.dial(target)
        except DoubtfulNumber as exc:
            self._doubt = (lead_id, screen.generation)
            screen.status.error(f"{who or f'lead {lead_id}'}: {exc} — enter again dials it anyway")
            return
        except LeadDeskError as exc:
            name = target.name if target is not None else f"lead {lead_id}"
            screen.status.error(f"{name}: {exc} — not dialled")
            return
        finally:
            self._dialing = False
        subject = self.loader.subject()
        if subject is None or subject.lead_id != lead_id:
            return  # the rep moved on while the dialer started: no timer for that lead
        self.call = CallTimer(lead_id, target.name, screen.app.now())
        screen.header.set_call(target.name, self.call.started_at)
        screen.refresh_bindings()
        screen.status.ok(said)

    def stop(self, why: str = "") -> None:
        self.call = None
        self.screen.header.set_call(None)
        self.screen.refresh_bindings()
        if why:
            self.screen.status.info(why)

    def cancel(self) -> None:
        if self.call is not None:
            self.stop("call timer stopped — nothing logged")

    def subject_changed(self) -> None:
        """The lead on screen changed: a timer for another lead stops, logging nothing."""
        subject = self.loader.subject()
        if self.call is not None and (subject is None or subject.lead_id != self.call.lead_id):
            self.stop("moved to another lead — call timer stopped, nothing logged")
