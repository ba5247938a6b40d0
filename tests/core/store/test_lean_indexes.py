"""Migration 0017: the indexes that repeated a wider one's leading columns are gone,
and the lookups they served still seek (issue 15, point 5)."""

from __future__ import annotations

import pytest

DROPPED = ("touch_lead_id", "touch_lead_id_at", "phone_lead_id", "appointment_lead_id")


def _plan(store, query) -> str:
    sql, params = query.sql()
    return " ".join(row[-1] for row in store.execute_sql("EXPLAIN QUERY PLAN " + sql, params))


def test_the_repeated_indexes_are_gone(store):
    names = {index.name for table in ("touch", "phone", "appointment")
             for index in store.get_indexes(table)}  # fmt: skip
    assert not names & set(DROPPED)
    assert {"touch_lead_id_at_channel_outcome", "phone_lead_id_position_e164_raw_label_bad",
            "appointment_lead_id_done", "touch_message_id"} <= names  # fmt: skip


@pytest.mark.sqlite_only  # EXPLAIN QUERY PLAN
def test_lookups_by_lead_rep_and_message_id_still_seek(store):
    from leaddesk.core.store.models import Appointment, Phone, Touch

    queries = {
        "touch_lead_id_at_channel_outcome": Touch.select().where(Touch.lead == 1),
        # undo_last: the rep's newest touch, read in index order (no sort of their history)
        "touch_rep_id ": Touch.select()
        .where((Touch.rep == 1) & Touch.outcome.not_in(("received", "handoff")))
        .order_by(Touch.id.desc())
        .limit(1),
        "phone_lead_id_position_e164_raw_label_bad": Phone.select().where(Phone.lead == 1),
        "appointment_lead_id_done": Appointment.select().where(Appointment.lead == 1),
        # the inbox's question (reads/inbox.handled_ids) names a non-empty id
        "touch_message_id": Touch.select(Touch.message_id).where(
            Touch.message_id.in_(["<a@b>"]) & (Touch.message_id != "")
        ),
    }
    for index, query in queries.items():
        plan = _plan(store, query)
        assert plan.startswith("SEARCH") and "SCAN" not in plan, plan
        assert f"INDEX {index}" in plan and "TEMP B-TREE" not in plan, plan
