"""Small helpers for the core tests (imported by name: tests/core is on sys.path)."""

from __future__ import annotations

import pendulum
from pendulum import DateTime

from leaddesk.core.domain.lead_state import LeadState, new_lead_state
from leaddesk.core.domain.record import replace
from leaddesk.core.store.models import Appointment, Lead, Phone, Touch

NY = ("America/New_York",)
LA = ("America/Los_Angeles",)
NY_LA = ("America/New_York", "America/Los_Angeles")
ALASKA = ("America/Adak", "America/Anchorage")  # what +1 907 numbers resolve to


def local(zone: str, *parts: int) -> DateTime:
    """pendulum.datetime(*parts) on the wall clock of `zone`."""
    return pendulum.datetime(*parts, tz=zone)


def fresh(received: DateTime, zones: tuple[str, ...] = NY, **changes) -> LeadState:
    """A brand-new lead with a phone, due at `received`."""
    return replace(new_lead_state(received, has_phone=True), call_zones=zones, **changes)


def lead_columns(lead_id: int) -> dict:
    """Every column of a lead except `updated_at` (which records the last write)."""
    row = Lead.get_by_id(lead_id)
    values = dict(row.__data__)
    assert set(values) == set(Lead._meta.fields), "every column was loaded"
    del values["updated_at"]
    return values


def world(lead_id: int) -> dict:
    """All a touch may change, for exact before/after comparisons."""
    return {
        "lead": lead_columns(lead_id),
        "phones": [
            (p.id, p.e164, p.bad)
            for p in Phone.select().where(Phone.lead == lead_id).order_by(Phone.id)
        ],
        "appointments": [
            (a.id, a.at, a.kind, a.done, a.done_at)
            for a in Appointment.select()
            .where(Appointment.lead == lead_id)
            .order_by(Appointment.id)
        ],
        "touches": [t.id for t in Touch.select().where(Touch.lead == lead_id).order_by(Touch.id)],
    }


def schema_drift(db, models=None):
    """Where the store's tables differ from the models (falsy when they match).

    The trigram indexes of migration 0014 (and 0020's word initials) are left out,
    as diff_models leaves out SQLite's FTS5 tables: expression indexes made on
    PostgreSQL only, which the engine-neutral models cannot declare."""
    from playhouse.schema_diff import diff_models

    from leaddesk.core.reads.search_engines import INITIALS_INDEX, TRIGRAM_INDEXES
    from leaddesk.core.store.models import MODELS

    diff = diff_models(db, MODELS if models is None else models)
    ours = (*TRIGRAM_INDEXES, INITIALS_INDEX)
    kept = [index for index in diff.drop_indexes if index.name not in ours]
    return diff._replace(drop_indexes=kept)


def statements_during(action) -> list[str]:
    """Every SQL string the open store runs while `action()` runs."""
    from leaddesk.core.store.db import database

    db = database.obj
    statements: list[str] = []
    original = db.execute_sql

    def counted(sql, *args, **kwargs):
        statements.append(sql)
        return original(sql, *args, **kwargs)

    db.execute_sql = counted
    try:
        action()
    finally:
        del db.execute_sql
    return statements


def sqlite_plans_during(marker: str, action) -> list[str]:
    """EXPLAIN QUERY PLAN of the statements holding `marker` that `action()` runs."""
    from leaddesk.core.store.db import database

    db = database.obj
    plans: list[str] = []
    original = db.execute_sql

    def explained(sql, params=None, *args, **kwargs):
        if marker in sql:
            rows = original("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            plans.append(" ".join(row[-1] for row in rows))
        return original(sql, params, *args, **kwargs)

    db.execute_sql = explained
    try:
        action()
    finally:
        del db.execute_sql
    return plans


def plans_during(marker: str, action) -> tuple[list[str], object]:
    """The plans (EXPLAIN) of the statements holding `marker` that `action()` runs, after
    the SET LOCALs each carries, and what it returned; sequential scans off (a tiny
    table is cheaper to scan)."""
    from leaddesk.core.store.db import database

    db = database.obj
    plans: list[str] = []
    original = db.execute_sql

    def explained(sql, params=None, *args, **kwargs):
        *settings, query = sql.split("; ")
        if marker in query:
            for setting in settings:
                original(setting)
            plans.append("\n".join(r[0] for r in original("EXPLAIN " + query, params)))
        return original(sql, params, *args, **kwargs)

    with db.atomic():
        db.execute_sql("SET LOCAL enable_seqscan = off")
        db.execute_sql = explained
        try:
            result = action()
        finally:
            del db.execute_sql
    return plans, result
