"""Three touch indexes hold only the touches their readers ask for (issue 15, point 4).

A lead received (by an import, a form, the demo) gets a `received` touch with no rep
(`rep_id` NULL) and no number dialled (`phone` ''). Every read of the two rep indexes
names a rep, and every read of `touch(phone, at)` names a number, so those touches sat
in them for nothing; an import put each one into three B-trees at a random place (the
received instant), the largest share of its writer's index work (s9d-writer measured it,
BENCHMARKS.md). Made partial:

- `touch_rep_id_at_channel_outcome` and
  `touch_rep_id_channel_outcome_at_lead_local_lead_id`: `WHERE rep_id IS NOT NULL`.
  A query's `rep_id = ?` (or `= r.id`) proves it on both engines, so no reader changes.
- `touch_phone_at`: `WHERE phone <> ''`. `phone IN (…)` does not prove it on SQLite,
  so the readers (the caps' number counts, the audit's recount) say it.

Plain DROP / CREATE INDEX on both engines: each index is rebuilt from the table, one
sort of the touches it keeps. On SQLite, a 100k-lead demo store (966k touches, 866k
with a rep, 698k with a number): the three builds 3.7 s of CPU, 14.6 s wall at load
6.6; the whole upgrade (the backup copy beside the store and the whole ANALYZE after
it, as every upgrade) 5.6 s of CPU, 14.8 s wall. A 1M-lead store (~9.7M touches) is
estimated at ~40 s of CPU for the builds (ten times the rows, each sort n log n).
"""

INDEXES = (
    (
        "touch_rep_id_at_channel_outcome",
        '("rep_id", "at", "channel", "outcome") WHERE "rep_id" IS NOT NULL',
    ),
    (
        "touch_rep_id_channel_outcome_at_lead_local_lead_id",
        '("rep_id", "channel", "outcome", "at", "lead_local", "lead_id")'
        ' WHERE "rep_id" IS NOT NULL',
    ),
    ("touch_phone_at", '("phone", "at") WHERE "phone" <> \'\''),
)


def up(migrator, db):
    for name, definition in INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
        db.execute_sql(f'CREATE INDEX "{name}" ON "touch" {definition}')
