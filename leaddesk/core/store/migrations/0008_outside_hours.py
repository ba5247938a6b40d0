"""A call logged outside the lead's calling hours, confirmed by the rep, is marked
on its touch so the history can say so (issue 11)."""

import peewee as pw


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Touch(Base):
        outside_hours = pw.BooleanField(null=True)

    migrator.migrate(migrator.add_column("touch", "outside_hours", Touch.outside_hours))
