"""One thread owns the database connection; the UI awaits its results.

Every query runs here, never on the event loop, so a slow disk (or, in team
mode, a slow network) cannot freeze the screen. One thread also serialises
the desk's own writes in keystroke order. A lost PostgreSQL connection is
dropped and reported as ConnectionLost; the next call reconnects.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from leaddesk.core.domain.errors import ConnectionLost
from leaddesk.core.store.db import database, drop_if_disconnected, mask_url

T = TypeVar("T")


def guarded(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call `fn`; a dropped connection becomes ConnectionLost (one clear line)."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        if drop_if_disconnected(exc):
            name = mask_url(getattr(database.obj, "database", "") or "")
            raise ConnectionLost(f"lost the connection to database {name} (reconnecting)") from exc
        raise


class DbThread:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leaddesk-db")

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(guarded, fn, *args, **kwargs))

    def close(self) -> None:
        def _close() -> None:
            db = database.obj
            if db is not None and not db.is_closed():
                db.close()

        self._executor.submit(_close)
        self._executor.shutdown(wait=True)
