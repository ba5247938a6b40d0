"""The desk's first page, read while the desk's own modules load (issue 15).

Opening the desk, the page and its first lead are read on the database thread as
soon as the store is open, before Textual and the desk are imported: the read's
SQLite work runs beside the imports (sqlite3 releases the GIL), and the desk's
first frame already holds the lead instead of an empty queue painted first.
The desk's first reload takes this answer (DeskLoader.reload) instead of asking.
"""

from __future__ import annotations

from concurrent.futures import Future

from pendulum import DateTime

from leaddesk.core.desk.snapshot import DeskSnapshot, desk_snapshot
from leaddesk.core.domain.settings import Settings
from leaddesk.ui.dbthread import DbThread

# As DeskBase.page_limit: the rows on screen (at least 30) and 20 more either side
# of them (QueueList.page_margin). The terminal's height bounds the queue's.
PAGE_MARGIN = 20


def read_first_page(
    db: DbThread, now: DateTime, settings: Settings, rows: int
) -> Future[DeskSnapshot]:
    """Start reading the first DUE page and its first lead, as the desk's first
    reload would ask for them, in a terminal `rows` high."""
    limit = max(rows, 30) + 2 * PAGE_MARGIN
    return db.submit(desk_snapshot, now, settings, 0, limit, full=False, focus=0)
