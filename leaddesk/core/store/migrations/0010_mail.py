"""Mail steps (issue 16): a sent or received email touch keeps its Message-ID, so
a reply's In-Reply-To/References finds the lead and the step it answers; a
bounced address is marked bad on the lead, as a bad phone number is.

Plain `ADD COLUMN … NOT NULL DEFAULT` on both engines: peewee's SQLite migrator
would rebuild `lead` and `touch` to add a NOT NULL column, and a rebuilt table
loses the search triggers of migrations 0004 and 0009.
"""


def up(migrator, db):
    for sql in (
        "ALTER TABLE touch ADD COLUMN message_id VARCHAR(255) NOT NULL DEFAULT ''",
        "CREATE INDEX touch_message_id ON touch (message_id)",
        "ALTER TABLE lead ADD COLUMN email_bad BOOLEAN NOT NULL DEFAULT FALSE",
    ):
        db.execute_sql(sql)
