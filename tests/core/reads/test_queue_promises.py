"""The DUE page's promise read: each lead's earliest open promise, by a lead index.

On a 1M store whose statistics PRAGMA optimize had sampled (analysis_limit=400),
`appointment_done_at` was costed at 401 rows per `done` value and the read walked
every open promise through it to honour an ORDER BY (36 ms against 0.3 ms)."""

from __future__ import annotations

import pytest

from leaddesk.core.reads.queue.rows import _promises
from leaddesk.core.store.db import database
from leaddesk.core.store.models import Appointment

SAMPLED = {
    "appointment_done_at": "431320 401 267",
    "appointment_lead_id_done": "480415 2 2",
    "appointment_open_lead": "33981 1 1",
    "appointment_touch_id": "548600 1",
}


def promise(lead_id: int, at, kind: str = "callback", done: bool = False) -> None:
    Appointment.create(lead=lead_id, at=at, kind=kind, done=done, created_at=at)


def test_each_lead_gets_its_earliest_open_promise(make_lead, now):
    dana, ravi = make_lead("Dana"), make_lead("Ravi")
    promise(dana, now.add(hours=5), "appointment")
    promise(dana, now.add(hours=1), "callback")  # stored later, due sooner
    promise(dana, now.add(minutes=10), "appointment", done=True)  # kept: not open
    promise(ravi, now.add(hours=2), "appointment")
    found = _promises([dana, ravi])
    assert found[dana] == ("callback", now.add(hours=1))
    assert found[ravi] == ("appointment", now.add(hours=2))
    assert _promises([]) == {}


@pytest.mark.sqlite_only
def test_the_read_uses_a_lead_index_even_with_sampled_statistics(make_lead, now, monkeypatch):
    ids = [make_lead(f"Lead {i}") for i in range(60)]
    for i, lead_id in enumerate(ids):
        promise(lead_id, now.add(hours=1 + i % 7))
    db = database.obj
    db.execute_sql("ANALYZE")
    # what the 1M store's sampled ANALYZE had left for the table's indexes
    for idx, stat in SAMPLED.items():
        db.execute_sql("UPDATE sqlite_stat1 SET stat = ? WHERE idx = ?", (stat, idx))
    db.execute_sql("ANALYZE sqlite_schema")  # the planner reads sqlite_stat1 again
    plans: list[str] = []
    execute = db.execute_sql

    def explained(sql, params=None, *args, **kwargs):
        if sql.lstrip().upper().startswith("SELECT") and '"appointment"' in sql:
            rows = execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            plans.append(" ".join(str(r[-1]) for r in rows))
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", explained)
    assert len(_promises(ids)) == 60
    assert plans and all("appointment_done_at" not in p for p in plans), plans
