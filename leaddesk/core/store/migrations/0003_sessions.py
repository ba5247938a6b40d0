"""Call sessions (`S` in the desk): goal, start/end and the stored summary;
indexes that keep the stats (`F`, `leaddesk stats`) index-only."""

import peewee as pw
from playhouse.migrate import migrate


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Rep(Base):
        name = pw.CharField(unique=True)

        class Meta:
            table_name = "rep"

    class CallSession(Base):
        rep = pw.ForeignKeyField(Rep, on_delete="CASCADE", index=False)
        started_at = pw.BigIntegerField()
        ended_at = pw.BigIntegerField(null=True)
        goal = pw.IntegerField(null=True)
        dials = pw.IntegerField(null=True)
        connects = pw.IntegerField(null=True)
        voicemails = pw.IntegerField(null=True)
        appointments = pw.IntegerField(null=True)
        wins = pw.IntegerField(null=True)

        class Meta:
            indexes = ((("rep", "ended_at", "started_at"), False),)

    db.create_tables([CallSession])
    migrate(
        migrator.add_index("touch", ("lead_id", "at", "channel", "outcome")),
        migrator.add_index(
            "touch", ("rep_id", "channel", "outcome", "at", "lead_local", "lead_id")
        ),
        migrator.add_index("lead", ("status",)),
    )
