"""The inbox read back (issue 16): every message `mail check` has handled, by its
Message-ID, so a second check does nothing — replies, bounces and unsubscribes
(which also leave a touch) and automatic or unmatched mail (which do not).
"""

import peewee as pw


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Lead(Base):
        class Meta:
            table_name = "lead"

    class InboxMessage(Base):
        message_id = pw.CharField(unique=True)
        kind = pw.CharField()
        lead = pw.ForeignKeyField(Lead, null=True, on_delete="SET NULL")
        seen_at = pw.BigIntegerField()

    db.create_tables([InboxMessage])
