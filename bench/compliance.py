"""Issue 13's figures: what `blocked_by` adds to a page of `due --json`, and a
registry scrub of 100k numbers imported (read, checked, one bulk write, the
leads carrying them taken off the phone) — rolled back, so the store is kept."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.settings import Settings

SCRUB_NUMBERS = 100_000


def bench_blocked(
    now: DateTime,
    settings: Settings,
    page: int,
    runs: int,
    timed: Callable[..., list[float]],
    summary: Callable[[list[float]], dict[str, float]],
) -> dict[str, Any]:
    from leaddesk.core.reads.queue.blocked import blocked_by
    from leaddesk.core.reads.queue.due import due_page

    ids = [r.lead_id for r in due_page(now, settings, 0, page) if r.channel == "call"]
    return {"leads": len(ids), **summary(timed(lambda: blocked_by(ids, now, settings), runs))}


def bench_scrub(now: DateTime, settings: Settings, folder: Path) -> dict[str, Any]:
    from leaddesk.core.store.db import database
    from leaddesk.core.transfer.dnc_file import import_scrub

    scrub = folder / "scrub-100k.txt"
    # NANP numbers in 201-2xx exchanges; a few may be some demo lead's, as in life.
    lines = (f"(201) {200 + i // 10_000:03d}-{i % 10_000:04d}\n" for i in range(SCRUB_NUMBERS))
    scrub.write_text("".join(lines))
    db = database.obj
    with db.atomic() as tx:
        start = time.perf_counter()
        numbers, leads = import_scrub(scrub, now, now, settings)
        seconds = time.perf_counter() - start
        tx.rollback()
    scrub.unlink()
    return {"numbers": numbers, "leads_taken_off": leads, "seconds": round(seconds, 2)}
