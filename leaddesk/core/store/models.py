"""The store: reps, leads and their phones, touches, appointments.

Indexes live here, in Meta, so migrations and models can be diffed
(tests/core/store/test_migrations.py fails when they drift).
"""

from __future__ import annotations

import peewee as pw

from leaddesk.core.domain.tiers import TIER_NAMES
from leaddesk.core.store.db import BaseModel, UTCTimestamp
from leaddesk.core.store.rollup_models import (
    CallTally,
    ConnectTally,
    SpeedTally,
    StatusTally,
)

STATUSES = ("new", "working", "engaged", "appointment", "nurture", "won", "lost", "bad")
CHANNELS = ("call", "email", "letter")


class Rep(BaseModel):
    id = pw.AutoField()  # declared (peewee adds the same one) so the type checker knows it
    name = pw.CharField(unique=True)
    timezone = pw.CharField(null=True)
    created_at = UTCTimestamp()
    active = pw.BooleanField(default=True)  # round-robin skips an inactive rep (0013)
    seen_at = UTCTimestamp(null=True)  # the rep's desk last checked in (0013)


class Lead(BaseModel):
    id = pw.AutoField()  # declared (peewee adds the same one) so the type checker knows it
    name = pw.CharField(index=True)  # the lead list pages in name order (migration 0004)
    company = pw.CharField(default="")
    title = pw.CharField(default="")
    email = pw.CharField(default="", index=True)
    address = pw.TextField(default="")
    city = pw.CharField(default="")
    region = pw.CharField(default="")
    postcode = pw.CharField(default="")
    country = pw.CharField(default="")  # ISO 3166 alpha-2
    # Time zone: `tz_override` is set by hand; `timezone` is the one shown
    # (override, else from the phone, else empty = the rep's own zone) and
    # `call_zones` every zone the number could be in, whose windows intersect.
    tz_override = pw.CharField(null=True)
    timezone = pw.CharField(default="")
    timezone_source = pw.CharField(default="rep")  # manual | phone | rep
    call_zones = pw.CharField(default="")
    source = pw.CharField(default="")
    interest = pw.CharField(default="")
    first_contact_on = pw.DateField(null=True)
    received_at = UTCTimestamp()
    status = pw.CharField(default="new")
    owner = pw.ForeignKeyField(Rep, null=True, backref="leads", on_delete="SET NULL")
    # Team mode: the rep calling this lead right now, until when (core/team.py).
    claimed_by = pw.ForeignKeyField(Rep, null=True, backref="claims", on_delete="SET NULL")
    # Accessors peewee adds for foreign keys and backrefs, named for the type checker.
    owner_id: int | None
    claimed_by_id: int | None
    phones: pw.ModelSelect[Phone]
    claimed_until = UTCTimestamp(null=True)
    do_not_call = pw.BooleanField(default=False)
    dnc_at = UTCTimestamp(null=True)
    do_not_mail = pw.BooleanField(default=False)
    email_bad = pw.BooleanField(default=False)  # the address bounced (migration 0010)
    dnm_at = UTCTimestamp(null=True)
    no_count = pw.IntegerField(default=0)
    attempts = pw.IntegerField(default=0)
    cadence = pw.CharField(default="new-lead")
    cadence_step = pw.IntegerField(default=0)
    cadence_started_at = UTCTimestamp(null=True)
    last_touch_at = UTCTimestamp(null=True)
    next_due_at = UTCTimestamp(null=True)
    next_channel = pw.CharField(default="call")
    priority = pw.SmallIntegerField(null=True)
    closed_early = pw.BooleanField(default=False)
    tags = pw.CharField(default="")
    notes = pw.TextField(default="")
    created_at = UTCTimestamp()
    updated_at = UTCTimestamp()
    # The lead's first call, email or letter (migration 0018): kept by triggers from
    # its touches whatever a writer saves here, for speed to lead without a touch read.
    first_attempt_at = UTCTimestamp(null=True)

    @property
    def tier(self) -> str | None:
        return TIER_NAMES.get(self.priority) if self.priority is not None else None


# The due queue: a partial index over queued leads only (measured in FACTS.md:
# stable whether 150 or 26k are due). The filter columns ride along so the
# callable/later split is decided inside the index, without row lookups; so do
# the team filters (whose lead, claimed by whom until when: migration 0007).
Lead.add_index(
    pw.Index(
        "lead_queue",
        Lead._meta.table,
        [
            Lead.priority,
            Lead.next_due_at,
            Lead.id,  # the queue's order to its end: leads due at one instant need no sort
            Lead.next_channel,
            Lead.call_zones,
            Lead.owner,
            Lead.claimed_until,
            Lead.claimed_by,
        ],
    ).where(Lead.priority.is_null(False))
)
# The queued calls by window key (0019): LATER's calls whose window opens later today
# and tomorrow's are the due calls of a few keys, read here without walking every due lead.
Lead.add_index(
    pw.Index(
        "lead_zone_queue",
        Lead._meta.table,
        [
            Lead.call_zones,
            Lead.priority,
            Lead.next_due_at,
            Lead.id,
            Lead.owner,
            Lead.claimed_until,
            Lead.claimed_by,
            Lead.next_channel,  # always 'call': SQLite checks the WHERE in the index
        ],
    ).where(Lead.priority.is_null(False) & (Lead.next_channel == "call"))
)
# Speed to lead reads the leads received in a period off this index alone (0018).
Lead.add_index(
    pw.Index(
        "lead_first_attempt",
        Lead._meta.table,
        [Lead.received_at, Lead.owner, Lead.first_attempt_at],
    )
)
# Leads first attempted after a pretended `now` (speed to lead corrects for them, 0018).
Lead.add_index(pw.Index("lead_first_attempt_at", Lead._meta.table, [Lead.first_attempt_at]))
# A row reachable by post only dedupes on its address (import, migration 0023).
Lead.add_index(pw.Index("lead_address", Lead._meta.table, [Lead.address]).where(Lead.address != ""))
# The leads "abandoned after two or fewer attempts" can be: a small partial index
# (the WHERE is written out the same in reads/stats/lead_figures.ABANDONED_SQL).
Lead.add_index(
    pw.Index(
        "lead_abandoned", Lead._meta.table, [Lead.last_touch_at, Lead.next_due_at, Lead.owner]
    ).where(
        (Lead.attempts >= 1)
        & (Lead.attempts <= 2)
        & (Lead.no_count == 0)
        & (Lead.do_not_call == False)  # noqa: E712
        & Lead.status.not_in(("engaged", "appointment", "won", "bad"))
    )
)


class Phone(BaseModel):
    id = pw.AutoField()  # declared (peewee adds the same one) so the type checker knows it
    # found by (lead, position, …) (Meta); an index on lead_id alone would repeat it (0017)
    lead = pw.ForeignKeyField(Lead, backref="phones", on_delete="CASCADE", index=False)
    lead_id: int  # peewee's accessor for the foreign key
    position = pw.IntegerField(default=0)
    label = pw.CharField(default="")
    # the number as typed; shadowing Model.raw (a query builder) is what peewee allows
    raw = pw.CharField()  # type: ignore[assignment]
    e164 = pw.CharField(default="", index=True)
    bad = pw.BooleanField(default=False)

    class Meta:
        # the numbers' fields too (0025): the lead view, the DUE page's holds and the
        # dialer read a lead's numbers from the index alone, not from the table
        indexes = ((("lead", "position", "e164", "raw", "label", "bad"), False),)


class Touch(BaseModel):
    id = pw.AutoField()  # declared (peewee adds the same one) so the type checker knows it
    # found by touch(lead, at, channel, outcome): no index of its own (migration 0017)
    lead = pw.ForeignKeyField(Lead, backref="touches", on_delete="CASCADE", index=False)
    lead_id: int  # peewee's accessor for the foreign key
    at = UTCTimestamp(index=True)
    channel = pw.CharField()  # call | email | letter | note | system
    outcome = pw.CharField()
    note = pw.TextField(default="")
    # its own index (rep_id, id): undo_last reads the rep's newest touch (0017 keeps it)
    rep = pw.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
    rep_id: int | None  # peewee's accessor for the foreign key
    duration_s = pw.IntegerField(null=True)
    phone = pw.CharField(default="")  # the number dialled, E.164
    # Compliance trail: the lead's local time at the touch, and whether a call
    # was inside the calling window.
    lead_local = pw.CharField(default="")
    in_window = pw.BooleanField(null=True)
    # True: a call the rep logged outside that window by confirming it (issue 11);
    # NULL on touches written before migration 0008 and by the batch writers.
    outside_hours = pw.BooleanField(null=True)
    # An email touch's Message-ID (sent or received), so replies find their lead (0010).
    message_id = pw.CharField(default="")  # indexed where not empty (below)
    # The rules that allowed a call ("US,US-FL") and the packs' version (0011), for the audit.
    rules = pw.CharField(default="")
    rules_version = pw.CharField(default="")
    # Calls to `phone` in the 24 h before this call, by any lead and rep (0012): the
    # audit's proof that no number was called over its cap. NULL before 0012.
    calls_24h = pw.IntegerField(null=True)
    counted = pw.BooleanField(default=False)  # counted as a cadence attempt
    scheduled_due_at = UTCTimestamp(null=True)
    scheduled_channel = pw.CharField(default="")
    # The lead's scheduling state before this touch, as JSON, so undo is exact.
    before = pw.TextField(default="")


class Appointment(BaseModel):
    id = pw.AutoField()  # declared (peewee adds the same one) so the type checker knows it
    # found by (lead, done) (Meta); an index on lead_id alone would repeat it (0017)
    lead = pw.ForeignKeyField(Lead, backref="appointments", on_delete="CASCADE", index=False)
    lead_id: int  # peewee's accessor for the foreign key
    at = UTCTimestamp()
    kind = pw.CharField()  # callback | appointment
    note = pw.TextField(default="")
    done = pw.BooleanField(default=False)
    done_at = UTCTimestamp(null=True)
    touch = pw.ForeignKeyField(Touch, null=True, backref="appointments", on_delete="SET NULL")
    created_at = UTCTimestamp()
    # The calendar invitation sent for it (migration 0015): same UID for every update.
    ical_uid = pw.CharField(default="")
    ical_sequence = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("done", "at"), False), (("lead", "done"), False))


class ZoneSet(BaseModel):
    """Every distinct `Lead.call_zones` value in use.

    A handful of rows, so the queue can decide in Python which zone sets are
    inside calling hours right now and filter by them in SQL.
    """

    key = pw.CharField(primary_key=True)


# Stats (core/stats.py), each read index-only: a lead's first attempt and its
# dials before a connect; the rep's calls by outcome and time, with the lead's
# local time and the lead (best hour, first connects); leads by status.
Touch.add_index(Touch.lead, Touch.at, Touch.channel, Touch.outcome)
# The rep indexes and the number index hold only touches with a rep and a number
# (0027): a lead's `received` touch has neither and nothing reads it there, so an
# import does not put each new lead into three more B-trees. A reader asks for a rep
# (`rep_id = ?` proves `rep_id IS NOT NULL`) or writes `phone <> ''` out.


def _with_rep(name: str, *after_rep: pw.Field) -> pw.Index:
    return pw.Index(name, Touch._meta.table, [Touch.rep, *after_rep]).where(
        Touch.rep.is_null(False)
    )


Touch.add_index(
    _with_rep(
        "touch_rep_id_channel_outcome_at_lead_local_lead_id",
        Touch.channel,
        Touch.outcome,
        Touch.at,
        Touch.lead_local,
        Touch.lead,
    )
)
# (rep, at, channel, outcome) covers the header's counts of today.
Touch.add_index(
    _with_rep("touch_rep_id_at_channel_outcome", Touch.at, Touch.channel, Touch.outcome)
)
Lead.add_index(Lead.status)
# Caps count calls per dialled number across leads and reps (migration 0012).
Touch.add_index(
    pw.Index("touch_phone_at", Touch._meta.table, [Touch.phone, Touch.at]).where(Touch.phone != "")
)
# Replies find their email touch by Message-ID; only email touches have one (0017).
Touch.add_index(
    pw.Index("touch_message_id", Touch._meta.table, [Touch.message_id]).where(
        Touch.message_id != ""
    )
)
# A lead's open promises in time order (0025): every lead-scoped read of appointments
# asks for the open ones, a tenth of them; (lead, done) stays for ON DELETE CASCADE.
Appointment.add_index(
    pw.Index(
        "appointment_open_lead", Appointment._meta.table, [Appointment.lead, Appointment.at]
    ).where(Appointment.done == False)  # noqa: E712
)


class Suppression(BaseModel):
    """A do-not-call number or do-not-mail address (migration 0012).

    Never deleted: `dnc remove` records who lifted it and when. `source` says
    whose word it is: a lead's own request, a rep's manual entry, or a registry
    scrub (whose `added_at` is the scrub's as-of date). Only registry entries
    yield to the exemptions (domain/exemptions.py).
    """

    id = pw.AutoField()  # declared (peewee adds the same one) so the type checker knows it
    value = pw.CharField()  # E.164, or a lowercased email address
    kind = pw.CharField()  # phone | email
    source = pw.CharField()  # lead | manual | registry
    reason = pw.TextField(default="")
    added_at = UTCTimestamp()
    added_by = pw.CharField(default="")  # the rep's name
    removed_at = UTCTimestamp(null=True)
    removed_by = pw.CharField(default="")
    lead_id = pw.IntegerField(null=True)  # the lead whose request it was (kept if it goes)

    class Meta:
        indexes = ((("value", "removed_at"), False), (("source", "added_at"), False))


class CallSession(BaseModel):
    """A call session (`S` in the desk): its goal, and its numbers once ended.

    Open while `ended_at` is NULL. The summary columns are written when it
    ends, so a past session reads the same whatever happens to touches later.
    """

    id = pw.AutoField()  # declared (peewee adds the same one) so the type checker knows it
    rep = pw.ForeignKeyField(Rep, backref="sessions", on_delete="CASCADE", index=False)
    rep_id: int  # peewee's accessor for the foreign key
    started_at = UTCTimestamp()
    ended_at = UTCTimestamp(null=True)
    goal = pw.IntegerField(null=True)  # dials
    dials = pw.IntegerField(null=True)
    connects = pw.IntegerField(null=True)
    voicemails = pw.IntegerField(null=True)
    appointments = pw.IntegerField(null=True)
    wins = pw.IntegerField(null=True)

    class Meta:
        indexes = ((("rep", "ended_at", "started_at"), False),)


class MailOutbox(BaseModel):
    """A message handed to the mail server (migration 0015): written before the
    hand-off, marked sent with its touch right after. A row never marked sent is a
    message whose fate a crash hid — never resent blindly."""

    id = pw.AutoField()  # declared (peewee adds the same one) so the type checker knows it
    lead = pw.ForeignKeyField(Lead, on_delete="CASCADE")
    lead_id: int  # peewee's accessor for the foreign key
    message_id = pw.CharField(unique=True)
    kind = pw.CharField(default="email")  # email | invitation
    recipient = pw.CharField(default="")
    subject = pw.TextField(default="")
    created_at = UTCTimestamp()
    sent_at = UTCTimestamp(null=True)
    touch = pw.ForeignKeyField(Touch, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("sent_at", "lead"), False),)


class InboxMessage(BaseModel):
    """A message `mail check` has handled (migration 0016): never handled twice."""

    id = pw.AutoField()  # declared (peewee adds the same one) so the type checker knows it
    message_id = pw.CharField(unique=True)
    kind = pw.CharField()  # reply | auto_reply | bounce | unsubscribe | unmatched
    lead = pw.ForeignKeyField(Lead, null=True, on_delete="SET NULL")
    lead_id: int | None  # peewee's accessor for the foreign key
    seen_at = UTCTimestamp()


class FirstConnect(BaseModel):
    """A lead's first connect ever (by time, then id), who made it and the calls before
    it (0018), kept by triggers on `touch`: dials before the first connect."""

    lead = pw.ForeignKeyField(Lead, primary_key=True, on_delete="CASCADE")
    at = pw.BigIntegerField()
    rep_id = pw.IntegerField(null=True)
    calls_before = pw.IntegerField()

    class Meta:
        indexes = ((("rep_id", "at"), False),)


MODELS: tuple[type[BaseModel], ...] = (Rep, Lead, Phone, Touch, Appointment, ZoneSet)
MODELS += (CallSession, Suppression, MailOutbox, InboxMessage, CallTally, FirstConnect)
MODELS += (SpeedTally, StatusTally, ConnectTally)
