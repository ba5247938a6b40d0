"""One thread owns the database connection; the UI awaits its results.

Every query runs here, never on the event loop, so a slow disk (or, in team
mode, a slow network) cannot freeze the screen. One thread also serialises
the desk's own writes in keystroke order. A driver's error comes out as the
core's own type (`store.db.translate_error`): ConnectionLost for a dropped
PostgreSQL connection (the next call reconnects), StoreError for the rest —
so nothing in the UI needs to know a database driver. Any other exception but
an OSError (which says which file) is a bug: its traceback goes to the log and
it comes out as an InternalError, one line on the screen, so a rep mid-call
keeps the desk (a bug in the import's worker start once closed it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from leaddesk.core.domain.errors import InternalError, LeadDeskError
from leaddesk.core.store.db import database, translate_error
from leaddesk.logs import log_file, logger

T = TypeVar("T")


def guarded(target: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call `fn`; a driver's error is raised as the core's own error, a bug as
    an InternalError (logged here, with its traceback)."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        translated = translate_error(exc, target)
        if translated is not exc:
            raise translated from exc
        if isinstance(exc, (LeadDeskError, OSError)):
            raise
        logger.error("internal error in a desk job", exc_info=exc)
        said = f"internal error: {type(exc).__name__}: {exc} (details in {log_file()})"
        raise InternalError(said) from exc


class DbThread:
    def __init__(self, target: str = "") -> None:
        self.target = target
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leaddesk-db")
        # Jobs handed to the thread so far: the bench counts a keystroke's trips.
        self.trips = 0

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        self.trips += 1
        job = partial(guarded, self.target, fn, *args, **kwargs)
        return await loop.run_in_executor(self._executor, job)

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Start `fn` without an event loop (before the desk runs); a trip like `run`."""
        self.trips += 1
        return self._executor.submit(guarded, self.target, fn, *args, **kwargs)

    def close(self) -> None:
        def _close() -> None:
            db = database.obj
            if db is not None and not db.is_closed():
                db.close()

        self._executor.submit(_close)
        self._executor.shutdown(wait=True)
