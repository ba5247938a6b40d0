"""The stats rollups (migration 0018): tables kept by triggers on `touch` and `lead`
so the stats read sums, not the history (reads/stats/rollup.py). Only the triggers
write them; models.MODELS lists them with the rest of the store, and FirstConnect,
keyed by its lead, stays beside Lead in models.py."""

from __future__ import annotations

import peewee as pw

from leaddesk.core.store.db import BaseModel


class CallTally(BaseModel):
    """The rep's calls per UTC hour, outcome and hour of the lead's local day (0018),
    kept by triggers on `touch`: the stats' sums read it (reads/stats/rollup.py)."""

    rep_id = pw.IntegerField()
    hour = pw.BigIntegerField()  # "at" // 3_600_000
    outcome = pw.CharField()
    local_hour = pw.SmallIntegerField()  # -1: no stored local time
    n = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey("rep_id", "hour", "outcome", "local_hour")


class SpeedTally(BaseModel):
    """Leads per owner (0: the pool), UTC hour of arrival and whole minutes to their first
    attempt (`NO_ATTEMPT`: none yet) (0018), kept by triggers on `lead`: speed to lead."""

    owner = pw.IntegerField()
    hour = pw.BigIntegerField()  # received_at // 3_600_000
    m = pw.IntegerField()
    n = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey("hour", "owner", "m")


class ConnectTally(BaseModel):
    """First connects per rep, UTC hour and calls before them (0018), kept by triggers on
    `first_connect`: dials before the first connect."""

    rep_id = pw.IntegerField()
    hour = pw.BigIntegerField()
    calls_before = pw.IntegerField()
    n = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey("rep_id", "hour", "calls_before")


class StatusTally(BaseModel):
    """Leads per status (0018), kept by triggers on `lead`: the pipeline."""

    status = pw.CharField(primary_key=True)
    n = pw.IntegerField(default=0)
