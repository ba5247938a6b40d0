"""Team mode: a lead can be claimed by a rep for a few minutes, and the queue index
carries the owner and the claim so a rep's queue stays one index range scan."""

import peewee as pw


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Rep(Base):
        name = pw.CharField(unique=True)

    class Lead(Base):
        priority = pw.SmallIntegerField(null=True)
        next_due_at = pw.BigIntegerField(null=True)
        next_channel = pw.CharField(default="call")
        call_zones = pw.CharField(default="")
        owner = pw.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
        claimed_by = pw.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
        claimed_until = pw.BigIntegerField(null=True)

    migrator.migrate(
        migrator.add_column("lead", "claimed_by_id", Lead.claimed_by),
        migrator.add_column("lead", "claimed_until", Lead.claimed_until),
        migrator.drop_index("lead", "lead_queue"),
    )
    index = pw.Index(
        "lead_queue",
        Lead._meta.table,
        [
            Lead.priority,
            Lead.next_due_at,
            Lead.next_channel,
            Lead.call_zones,
            Lead.owner,
            Lead.claimed_until,
            Lead.claimed_by,
        ],
    ).where(Lead.priority.is_null(False))
    db.execute(index)
