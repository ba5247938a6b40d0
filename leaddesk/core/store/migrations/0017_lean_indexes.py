"""Leaner indexes (issue 15, point 5): bytes on disk per lead, and fewer B-trees to
keep up on every touch written.

- Dropped, each the leading columns of a wider index that serves the same lookups
  (a B-tree seeks and scans by any prefix of its columns), all of one lead's rows
  (a handful): `touch_lead_id` and `touch_lead_id_at` (in `touch(lead_id, at,
  channel, outcome)`), `phone_lead_id` (in `phone(lead_id, position)`),
  `appointment_lead_id` (in `appointment(lead_id, done)`). `touch_rep_id` stays:
  it is (rep_id, rowid) on SQLite, which `undo_last` reads newest first — inside the
  wider rep indexes that order is gone and the rep's whole history would be sorted.
- `touch_message_id` becomes partial (`WHERE message_id <> ''`): only email touches
  carry a Message-ID, and every lookup names a non-empty one.

Plain DROP / CREATE INDEX, the same on SQLite and PostgreSQL; no table is copied.
"""

DROPPED = (
    "touch_lead_id",
    "touch_lead_id_at",
    "phone_lead_id",
    "appointment_lead_id",
    "touch_message_id",
)


def up(migrator, db):
    for name in DROPPED:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    db.execute_sql(
        'CREATE INDEX "touch_message_id" ON "touch" ("message_id") WHERE "message_id" <> \'\''
    )
