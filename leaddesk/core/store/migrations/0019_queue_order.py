"""The queue's indexes at a million leads (issue 15, point 3).

- `lead_queue` gains `id` right after `next_due_at`: the DUE and LATER orders are
  (priority, next_due_at, id), and without `id` there every run of leads due at the
  same instant (callbacks at 10:00 sharp, an import's leads received together) had
  to be read whole and sorted before a page could stop — 3,044 promises due at one
  instant in the 1M demo store, where the page needs 50.
- `lead_zone_queue`: the queued calls by window key, then due time. LATER's calls
  whose window opens later today, and tomorrow's, are the due calls of a few keys;
  in `lead_queue` they are scattered among every due lead and a count had to walk
  all due rows to find them. The owner and claim columns ride along (as in
  `lead_queue`) so a rep's filter is decided inside the index; so does `next_channel`
  (always 'call' here), without which SQLite would read each row to check the
  index's own WHERE.

Plain DROP / CREATE INDEX, the same on SQLite and PostgreSQL; no table is copied.
"""

QUEUE = (
    'CREATE INDEX "lead_queue" ON "lead" ("priority", "next_due_at", "id", "next_channel",'
    ' "call_zones", "owner_id", "claimed_until", "claimed_by_id")'
    ' WHERE ("priority" IS NOT NULL)'
)
ZONE_QUEUE = (
    'CREATE INDEX "lead_zone_queue" ON "lead" ("call_zones", "priority", "next_due_at", "id",'
    ' "owner_id", "claimed_until", "claimed_by_id", "next_channel")'
    ' WHERE (("priority" IS NOT NULL) AND ("next_channel" = \'call\'))'
)


def up(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "lead_queue"')
    db.execute_sql(QUEUE)
    db.execute_sql(ZONE_QUEUE)
