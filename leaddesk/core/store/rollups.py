"""Bulk fills and the stats' rollups (migration 0018): rebuilt once, not row by row.

Triggers on `touch` keep `call_tally`, `first_connect` and `lead.first_attempt_at`
exact for every writer, and triggers on `lead` keep `speed_tally` and `status_tally`.
Fired once per row of a 10M-touch demo fill they cost
far more than one set-based pass at the end, so `bulk_rollups` (SQLite) drops
the insert triggers for the caller's transaction, rolls up every touch with a
higher id than before at the end (the lead tallies: rebuilt whole, ~1 s at 1M
leads) and puts the triggers back — all inside the
caller's transaction, as `reads.search.bulk_indexing` does for the search index.
Rows may only be inserted meanwhile: the update and delete triggers stay and
expect the rollups to be complete. On PostgreSQL one trigger serves every
operation, so it is disabled (ALTER TABLE … DISABLE TRIGGER, in the transaction:
other writers of `touch` and `lead` wait for the fill, which a fill's writes
make them do anyway); without the right to alter the tables it stays on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import peewee as pw

from leaddesk.core.store.db import is_sqlite

INSERT_TRIGGERS = (
    "stats_touch_insert",
    "stats_touch_connect",
    "stats_lead_insert",
    "stats_lead_first_attempt",
    "stats_lead_tally_insert",
    "stats_lead_tally_update",
    "stats_connect_insert",
    "stats_connect_delete",
)
CONNECTS = "('connected', 'callback', 'appointment', 'not-interested', 'dnc', 'won')"
LOCAL_HOUR = (
    "CASE WHEN substr(lead_local, 12, 2) {} "
    "THEN CAST(substr(lead_local, 12, 2) AS INTEGER) ELSE -1 END"
)
TWO_DIGITS = {"sqlite": "GLOB '[0-9][0-9]'", "postgresql": "~ '^[0-9][0-9]$'"}
PG_TRIGGERS = (
    ("touch", "stats_touch"),
    ("lead", "stats_lead_first_attempt"),
    # a lead inserted with its first_attempt_at (the demo's) would look it up in the
    # touches, per row, while their indexes are deferred: as SQLite drops it (above)
    ("lead", "stats_lead_insert"),
    ("lead", "stats_lead_tally"),
    ("lead", "stats_lead_tally_update"),
    ("first_connect", "stats_connect"),
)
NO_ATTEMPT = -1_000_000_000  # speed_tally.m of a lead not attempted yet
SPEED_KEY = (
    "COALESCE(owner_id, 0), received_at / 3600000,"
    f" COALESCE((first_attempt_at - received_at) / 60000, {NO_ATTEMPT})"
)
# The lead tallies are rebuilt whole: the fill's leads and the older leads it touched.
REBUILD = (
    "DELETE FROM speed_tally",
    f"INSERT INTO speed_tally (owner, hour, m, n) SELECT {SPEED_KEY}, COUNT(*) FROM lead"
    f" GROUP BY {SPEED_KEY}",
    "DELETE FROM connect_tally",
    'INSERT INTO connect_tally (rep_id, hour, calls_before, n) SELECT rep_id, "at" / 3600000,'
    " calls_before, COUNT(*) FROM first_connect WHERE rep_id IS NOT NULL"
    ' GROUP BY rep_id, "at" / 3600000, calls_before',
    "DELETE FROM status_tally",
    "INSERT INTO status_tally (status, n) SELECT status, COUNT(*) FROM lead GROUP BY status",
)
# Each takes the first new touch id (exclusive) once per `?`.
CATCH_UP = (
    """INSERT INTO call_tally (rep_id, hour, outcome, local_hour, n)
    SELECT rep_id, "at" / 3600000, outcome, {LOCAL}, COUNT(*) FROM touch
    WHERE id > ? AND channel = 'call' AND rep_id IS NOT NULL
    GROUP BY rep_id, "at" / 3600000, outcome, {LOCAL}
    ON CONFLICT (rep_id, hour, outcome, local_hour)
    DO UPDATE SET n = call_tally.n + excluded.n""",
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
    """Roll up touches inserted in bulk once, at the end (see the module)."""
    if not is_sqlite(db):
        yield from _bulk_pg(db)
        return
    first = db.execute_sql("SELECT COALESCE(MAX(id), 0) FROM touch").fetchone()[0]
    saved = _dropped(db, INSERT_TRIGGERS)
    yield
    _catch_up(db, first, "sqlite")
    for _, sql in saved:
        db.execute_sql(sql)


def _dropped(db: pw.Database, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """Drop these SQLite triggers (in the caller's transaction); (name, sql) of each."""
    marks = ", ".join(["?"] * len(names))
    saved: list[tuple[str, str]] = db.execute_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
        names,
    ).fetchall()
    for name, _ in saved:
        db.execute_sql(f'DROP TRIGGER "{name}"')
    return saved


def _bulk_pg(db: pw.Database) -> Iterator[None]:
    first = db.execute_sql("SELECT COALESCE(MAX(id), 0) FROM touch").fetchone()[0]
    try:
        with db.atomic():  # a savepoint: a refusal leaves the caller's transaction intact
            for table, name in PG_TRIGGERS:
                db.execute_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER {name}')
    except pw.ProgrammingError:
        yield  # not the tables' owner: the triggers roll every row up
        return
    yield
    _catch_up(db, first, "postgresql")
    for table, name in PG_TRIGGERS:
        db.execute_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER {name}')


def _catch_up(db: pw.Database, first: int, engine: str) -> None:
    """Roll up every touch with an id above `first`, set-based."""
    for statement in CATCH_UP:
        sql = statement.replace("{LOCAL}", LOCAL_HOUR.format(TWO_DIGITS[engine]))
        db.execute_sql(sql.replace("?", db.param), (first,))
    for statement in REBUILD:
        db.execute_sql(statement)


# The triggers a batch leaves off: those fired by an INSERT alone. The update
# triggers stay on, so the catch-up's own updates of `lead` keep its tallies.
BATCH_TRIGGERS = (
    "stats_touch_insert",
    "stats_touch_connect",
    "stats_lead_insert",
    "stats_lead_tally_insert",
)
# Each takes the first new lead id (exclusive) once per `?`: the tallies the insert
# trigger would have added for each new lead, as it was inserted. NOT INDEXED: the
# planner would rather read a covering index whole (every lead, every batch: a
# million-row import became quadratic) than the batch's range of rowids.
BATCH_LEADS = (
    f"""INSERT INTO speed_tally (owner, hour, m, n)
    SELECT {SPEED_KEY}, COUNT(*) FROM lead NOT INDEXED WHERE id > ? GROUP BY {SPEED_KEY}
    ON CONFLICT (hour, owner, m) DO UPDATE SET n = speed_tally.n + excluded.n""",
    """INSERT INTO status_tally (status, n)
    SELECT status, COUNT(*) FROM lead NOT INDEXED WHERE id > ? GROUP BY status
    ON CONFLICT (status) DO UPDATE SET n = status_tally.n + excluded.n""",
    # stats_lead_insert: a lead given a first attempt takes its touches' instead
    """UPDATE lead SET first_attempt_at = (SELECT MIN("at") FROM touch
      WHERE touch.lead_id = lead.id AND channel IN ('call', 'email', 'letter'))
    WHERE id > ? AND first_attempt_at IS NOT NULL""",
)


@contextmanager
def batch_rollups(db: pw.Database) -> Iterator[None]:
    """One batch of rows inserted in bulk into a store that is in use (an import's
    1,000 rows), rolled up once at its end — the same tallies the row-by-row
    triggers would have left, ~55 µs a lead cheaper (BENCHMARKS.md, "Bulk work at
    scale"). Unlike `bulk_rollups` nothing is rebuilt whole: only the new leads and
    touches are added, so its cost follows the batch, not the store. Call inside the
    batch's write transaction; rows may only be inserted meanwhile. On PostgreSQL the
    triggers stay on (disabling one locks its table against every reader)."""
    if not is_sqlite(db):
        yield
        return
    leads, touches = (
        db.execute_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]
        for table in ("lead", "touch")
    )
    saved = _dropped(db, BATCH_TRIGGERS)
    yield
    for statement in BATCH_LEADS:
        db.execute_sql(statement, (leads,))
    for sql in batch_catch_up():
        db.execute_sql(sql, (touches,))
    for _, sql in saved:
        db.execute_sql(sql)


def batch_catch_up() -> list[str]:
    """CATCH_UP for a batch (SQLite): each read of the new touches by rowid range, as
    BATCH_LEADS reads the new leads, never a whole index."""
    local = LOCAL_HOUR.format(TWO_DIGITS["sqlite"])
    return [
        re.sub(r"FROM touch(\s+)WHERE id > \?", r"FROM touch NOT INDEXED\1WHERE id > ?", s).replace(
            "{LOCAL}", local
        )
        for s in CATCH_UP
    ]
