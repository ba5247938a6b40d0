"""Sending mail (issue 16): the outbox, and an appointment's calendar identity.

A message is written to `mail_outbox` (with the Message-ID we generate) before it
is handed to the server and marked sent, with its touch, right after: a crash in
between leaves a row that is neither, so a resumed batch skips that lead instead
of sending it twice. An appointment keeps the UID and SEQUENCE of the invitation
sent for it, so a move is an update (SEQUENCE + 1) and a cancel names the same event.
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

    class Touch(Base):
        class Meta:
            table_name = "touch"

    class MailOutbox(Base):
        lead = pw.ForeignKeyField(Lead, on_delete="CASCADE")
        message_id = pw.CharField(unique=True)
        kind = pw.CharField(default="email")  # email | invitation
        recipient = pw.CharField(default="")
        subject = pw.TextField(default="")
        created_at = pw.BigIntegerField()
        sent_at = pw.BigIntegerField(null=True)
        touch = pw.ForeignKeyField(Touch, null=True, on_delete="SET NULL")

        class Meta:
            indexes = ((("sent_at", "lead"), False),)

    class Appointment(Base):
        ical_uid = pw.CharField(default="")
        ical_sequence = pw.IntegerField(default=0)

    db.create_tables([MailOutbox])
    migrator.migrate(
        migrator.add_column("appointment", "ical_uid", Appointment.ical_uid),
        migrator.add_column("appointment", "ical_sequence", Appointment.ical_sequence),
    )
