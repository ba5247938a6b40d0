"""Initial schema: reps, leads, phones, touches, appointments."""

import peewee as pw


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Rep(Base):
        name = pw.CharField(unique=True)
        timezone = pw.CharField(null=True)
        created_at = pw.BigIntegerField()

    class Lead(Base):
        name = pw.CharField()
        company = pw.CharField(default="")
        title = pw.CharField(default="")
        email = pw.CharField(default="", index=True)
        address = pw.TextField(default="")
        city = pw.CharField(default="")
        region = pw.CharField(default="")
        postcode = pw.CharField(default="")
        country = pw.CharField(default="")
        tz_override = pw.CharField(null=True)
        timezone = pw.CharField(default="")
        timezone_source = pw.CharField(default="rep")
        call_zones = pw.CharField(default="")
        source = pw.CharField(default="")
        interest = pw.CharField(default="")
        first_contact_on = pw.DateField(null=True)
        received_at = pw.BigIntegerField()
        status = pw.CharField(default="new")
        owner = pw.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
        do_not_call = pw.BooleanField(default=False)
        dnc_at = pw.BigIntegerField(null=True)
        do_not_mail = pw.BooleanField(default=False)
        dnm_at = pw.BigIntegerField(null=True)
        no_count = pw.IntegerField(default=0)
        attempts = pw.IntegerField(default=0)
        cadence = pw.CharField(default="new-lead")
        cadence_step = pw.IntegerField(default=0)
        cadence_started_at = pw.BigIntegerField(null=True)
        last_touch_at = pw.BigIntegerField(null=True)
        next_due_at = pw.BigIntegerField(null=True)
        next_channel = pw.CharField(default="call")
        priority = pw.SmallIntegerField(null=True)
        closed_early = pw.BooleanField(default=False)
        tags = pw.CharField(default="")
        notes = pw.TextField(default="")
        created_at = pw.BigIntegerField()
        updated_at = pw.BigIntegerField()

    Lead.add_index(
        pw.Index(
            "lead_queue",
            Lead._meta.table,
            [Lead.priority, Lead.next_due_at, Lead.next_channel, Lead.call_zones],
        ).where(Lead.priority.is_null(False))
    )

    class Phone(Base):
        lead = pw.ForeignKeyField(Lead, on_delete="CASCADE")
        position = pw.IntegerField(default=0)
        label = pw.CharField(default="")
        raw = pw.CharField()
        e164 = pw.CharField(default="", index=True)
        bad = pw.BooleanField(default=False)

        class Meta:
            indexes = ((("lead", "position"), False),)

    class Touch(Base):
        lead = pw.ForeignKeyField(Lead, on_delete="CASCADE")
        at = pw.BigIntegerField(index=True)
        channel = pw.CharField()
        outcome = pw.CharField()
        note = pw.TextField(default="")
        rep = pw.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
        duration_s = pw.IntegerField(null=True)
        phone = pw.CharField(default="")
        lead_local = pw.CharField(default="")
        in_window = pw.BooleanField(null=True)
        counted = pw.BooleanField(default=False)
        scheduled_due_at = pw.BigIntegerField(null=True)
        scheduled_channel = pw.CharField(default="")
        before = pw.TextField(default="")

        class Meta:
            indexes = ((("lead", "at"), False), (("rep", "at", "channel", "outcome"), False))

    class Appointment(Base):
        lead = pw.ForeignKeyField(Lead, on_delete="CASCADE")
        at = pw.BigIntegerField()
        kind = pw.CharField()
        note = pw.TextField(default="")
        done = pw.BooleanField(default=False)
        done_at = pw.BigIntegerField(null=True)
        touch = pw.ForeignKeyField(Touch, null=True, on_delete="SET NULL")
        created_at = pw.BigIntegerField()

        class Meta:
            indexes = ((("done", "at"), False), (("lead", "done"), False))

    class ZoneSet(Base):
        key = pw.CharField(primary_key=True)

    db.create_tables([Rep, Lead, Phone, Touch, Appointment, ZoneSet])
