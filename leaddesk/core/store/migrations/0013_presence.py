"""Who is working (issue 14): a rep can be made inactive (round-robin skips them,
their leads are handed off), and each desk's change check stamps when its rep was
last seen, so a silent desk's leads are handed off too."""

import peewee as pw


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Rep(Base):
        name = pw.CharField(unique=True)
        active = pw.BooleanField(default=True)
        seen_at = pw.BigIntegerField(null=True)

    migrator.migrate(
        migrator.add_column("rep", "active", Rep.active),
        migrator.add_column("rep", "seen_at", Rep.seen_at),
    )
