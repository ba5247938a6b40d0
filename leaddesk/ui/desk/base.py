"""What every room of the desk shares: the widgets, the database call that turns
a failure into one status line, and the write queue (keystroke order)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from textual.screen import Screen

from leaddesk.core.domain.errors import (
    ConnectionLost,
    InternalError,
    LeadDeskError,
    NeedsConfirmation,
    StoreError,
)
from leaddesk.logs import logger
from leaddesk.ui.host import DeskHost
from leaddesk.ui.widgets.queue_list import QueueList
from leaddesk.ui.widgets.status import DeskHeader, StatusLine

T = TypeVar("T")


class DeskBase(Screen[None]):
    app: DeskHost

    def __init__(self) -> None:
        super().__init__()
        self.write_lock = asyncio.Lock()
        self.generation = 0  # bumped by every write; reads started before it are dropped

    @property
    def queue(self) -> QueueList:
        return self.query_one(QueueList)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def header(self) -> DeskHeader:
        return self.query_one(DeskHeader)

    @property
    def writing(self) -> bool:
        """A keystroke's write is under way (or queued)."""
        return self.write_lock.locked()

    def page_limit(self) -> int:
        return max(self.queue.size.height, 30) + 2 * self.queue.page_margin

    async def db(
        self, fn: Callable[..., T], *args: Any, writing: bool = False, **kwargs: Any
    ) -> T | None:
        """Run `fn` on the DB thread; show a failure as one line, never a traceback.

        NeedsConfirmation goes to the caller, who asks the rep.
        """
        try:
            return await self.app.db.run(fn, *args, **kwargs)
        except NeedsConfirmation:
            raise
        except ConnectionLost as exc:
            logger.error("%s", exc)
            self.status.error(f"{exc} — not saved" if writing else str(exc))
        except StoreError as exc:  # a write that failed says "not saved" itself
            logger.error("%s", exc, exc_info=exc)
            self.status.error(str(exc))
        except InternalError as exc:  # logged with its traceback on the way
            self.status.error(str(exc))
        except OSError as exc:
            logger.error("%s", exc, exc_info=exc)
            self.status.error(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        except LeadDeskError as exc:
            logger.warning("%s", exc)
            self.status.error(str(exc))
        return None

    def write(self, job: Callable[[], Awaitable[None]]) -> None:
        """Queue a write: taken one at a time, in keystroke order."""

        async def serialised() -> None:
            async with self.write_lock:
                await job()

        self.run_worker(serialised(), group="write")
