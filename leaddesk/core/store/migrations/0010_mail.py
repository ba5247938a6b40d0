"""Mail steps (issue 16): a sent or received email touch keeps its Message-ID, so
a reply's In-Reply-To/References finds the lead and the step it answers; a
bounced address is marked bad on the lead, as a bad phone number is."""

import peewee as pw


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Touch(Base):
        message_id = pw.CharField(default="")

    class Lead(Base):
        email_bad = pw.BooleanField(default=False)

    if isinstance(db, pw.SqliteDatabase):
        # SQLite adds a NOT NULL column with a DEFAULT in place. peewee's add_column
        # adds it nullable and then copies the table to make it NOT NULL: the copy
        # drops the search triggers on lead and touch (0004, 0009), frees the old
        # pages and leaves the column without a default for raw inserts.
        db.execute_sql("ALTER TABLE touch ADD COLUMN message_id VARCHAR(255) NOT NULL DEFAULT ''")
        db.execute_sql("ALTER TABLE lead ADD COLUMN email_bad INTEGER NOT NULL DEFAULT 0")
        migrator.migrate(migrator.add_index("touch", ("message_id",), False))
        return
    migrator.migrate(
        migrator.add_column("touch", "message_id", Touch.message_id),
        migrator.add_index("touch", ("message_id",), False),
        migrator.add_column("lead", "email_bad", Lead.email_bad),
    )
