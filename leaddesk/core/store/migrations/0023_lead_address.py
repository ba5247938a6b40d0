"""An index on the lead's address (issue 15, point 4): a spreadsheet row reachable by
post only is a duplicate of a lead with the same name at the same address, and the
import looks such rows up a batch at a time. Without an index each lookup read the
whole `lead` table: once per 1,000-row batch, quadratic in a million-row import.

Partial (`WHERE address <> ''`): leads without an address are never looked up by it.
A plain CREATE INDEX, the same on SQLite and PostgreSQL; no table is copied.
"""


def up(migrator, db):
    db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "lead_address" ON "lead" ("address") WHERE "address" <> \'\''
    )
