"""Caps per called number and do-not-call lists (issue 13): calls are counted per
dialled number (an index on touch(phone, at)), each call records the calls to
its number in the 24 h before it, and a suppression table holds do-not-call
numbers and do-not-mail addresses with who added or lifted them."""

import peewee as pw


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Touch(Base):
        calls_24h = pw.IntegerField(null=True)

    class Suppression(Base):
        value = pw.CharField()
        kind = pw.CharField()
        source = pw.CharField()
        reason = pw.TextField(default="")
        added_at = pw.BigIntegerField()
        added_by = pw.CharField(default="")
        removed_at = pw.BigIntegerField(null=True)
        removed_by = pw.CharField(default="")
        lead_id = pw.IntegerField(null=True)

        class Meta:
            indexes = ((("value", "removed_at"), False), (("source", "added_at"), False))

    db.create_tables([Suppression])
    migrator.migrate(
        migrator.add_column("touch", "calls_24h", Touch.calls_24h),
        migrator.add_index("touch", ("phone", "at"), False),
    )
