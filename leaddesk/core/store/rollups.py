"""Bulk fills and the stats' rollups (migration 0018): rebuilt once, not row by row.

Triggers on `touch` keep `call_tally`, `first_connect` and `lead.first_attempt_at`
exact for every writer. Fired once per row of a 10M-touch demo fill they cost
far more than one set-based pass at the end, so `bulk_rollups` (SQLite) drops
the insert triggers for the caller's transaction, rolls up every touch with a
higher id than before at the end and puts the triggers back — all inside the
caller's transaction, as `reads.search.bulk_indexing` does for the search index.
Rows may only be inserted meanwhile: the update and delete triggers stay and
expect the rollups to be complete. PostgreSQL keeps its triggers (dropping one
would lock the table against every other desk of the team).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import peewee as pw

from leaddesk.core.store.db import is_sqlite

INSERT_TRIGGERS = (
    "stats_touch_insert",
    "stats_touch_connect",
    "stats_lead_insert",
    "stats_lead_first_attempt",
)
CONNECTS = "('connected', 'callback', 'appointment', 'not-interested', 'dnc', 'won')"
LOCAL_HOUR = (
    "CASE WHEN substr(lead_local, 12, 2) GLOB '[0-9][0-9]' "
    "THEN CAST(substr(lead_local, 12, 2) AS INTEGER) ELSE -1 END"
)
# Each takes the first new touch id (exclusive) once per `?`.
CATCH_UP = (
    f"""INSERT INTO call_tally (rep_id, hour, outcome, local_hour, n)
    SELECT rep_id, "at" / 3600000, outcome, {LOCAL_HOUR}, COUNT(*) FROM touch
    WHERE id > ? AND channel = 'call' AND rep_id IS NOT NULL
    GROUP BY rep_id, "at" / 3600000, outcome, {LOCAL_HOUR}
    ON CONFLICT (rep_id, hour, outcome, local_hour) DO UPDATE SET n = n + excluded.n""",
    """UPDATE lead SET first_attempt_at = f.first FROM (
      SELECT lead_id, MIN("at") AS first FROM touch
      WHERE id > ? AND channel IN ('call', 'email', 'letter') GROUP BY lead_id) f
    WHERE lead.id = f.lead_id
      AND (lead.first_attempt_at IS NULL OR lead.first_attempt_at > f.first)""",
    """DELETE FROM first_connect WHERE lead_id IN (
      SELECT lead_id FROM touch WHERE id > ? AND channel = 'call')""",
    f"""INSERT INTO first_connect (lead_id, "at", rep_id, calls_before)
    SELECT f.lead_id, f."at", f.rep_id,
      (SELECT COUNT(*) FROM touch p WHERE p.lead_id = f.lead_id AND p."at" < f."at"
         AND p.channel = 'call' AND p.outcome <> 'wrong-number')
    FROM (SELECT lead_id, "at", rep_id,
            ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY "at", id) AS k
          FROM touch WHERE channel = 'call' AND outcome IN {CONNECTS}
            AND lead_id IN (SELECT lead_id FROM touch WHERE id > ? AND channel = 'call')) f
    WHERE f.k = 1""",
)


@contextmanager
def bulk_rollups(db: pw.Database) -> Iterator[None]:
    """Roll up touches inserted in bulk once, at the end (SQLite; see the module)."""
    if not is_sqlite(db):
        yield
        return
    marks = ", ".join(["?"] * len(INSERT_TRIGGERS))
    saved = db.execute_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
        INSERT_TRIGGERS,
    ).fetchall()
    first = db.execute_sql("SELECT COALESCE(MAX(id), 0) FROM touch").fetchone()[0]
    for name, _ in saved:
        db.execute_sql(f'DROP TRIGGER "{name}"')
    yield
    for statement in CATCH_UP:
        db.execute_sql(statement, (first,))
    for _, sql in saved:
        db.execute_sql(sql)
