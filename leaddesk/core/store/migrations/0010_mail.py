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

    migrator.migrate(
        migrator.add_column("touch", "message_id", Touch.message_id),
        migrator.add_index("touch", ("message_id",), False),
        migrator.add_column("lead", "email_bad", Lead.email_bad),
    )
