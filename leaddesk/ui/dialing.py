"""Dialling from the desk: the dialer command (configured or found once) and the
call timer. The number, the argv and the refusals come from `core.dialer`.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from pendulum import DateTime

from leaddesk.core.desk.dialer import (
    COPY,
    DialTarget,
    dialer_argv,
    find_tel_handler,
    start_detached,
)
from leaddesk.core.domain.phones import pretty


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
        if self.configured:
            return None if self.configured == COPY else self.configured
        if self._found is None:
            self._found = asyncio.ensure_future(asyncio.to_thread(find_tel_handler))
        return await self._found

    async def dial(self, target: DialTarget) -> str:
        """Dial (or copy) and say what happened; raises LeadDeskError when it cannot."""
        shown = pretty(target.e164) or target.e164
        command = await self.command()
        if command is None:
            self._copy(target.e164)
            return (
                f"{target.name}: {shown} copied to the clipboard"
                " (no dialer: set [dialer] command in the config)"
            )
        argv = dialer_argv(command, target.e164)
        self.process = await asyncio.to_thread(start_detached, argv)
        return f"{target.name}: dialling {shown} ({argv[0]}) — timer running, escape stops it"
