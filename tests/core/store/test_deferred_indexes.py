"""A bulk load into a store no bigger than itself builds the indexes once, at the end
(store/batch.deferred_indexes, used by the demo): the same indexes (and on PostgreSQL
the same foreign keys) come back, in the load's transaction, and an error leaves them
as they were."""

from __future__ import annotations

import re

import pendulum
import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.batch import deferred_indexes
from leaddesk.core.store.db import atomic_write, is_sqlite
from leaddesk.core.store.models import Appointment, Lead, Phone, Touch

NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")


def indexes(store) -> list[tuple[str, str]]:
    """Every index by name and definition; on PostgreSQL every foreign key too."""
    if is_sqlite(store):
        return store.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall()
    rows = store.execute_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        " UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE connamespace = current_schema()::text::regnamespace AND contype = 'f'"
        " ORDER BY 1, 2"
    ).fetchall()
    # An index made again from pg_get_indexdef's text may read back with its casts
    # placed otherwise (lead_abandoned's ARRAY): the same index, other words.
    return [(name, re.sub(r"::[a-z ]+(\[\])?|[()]", "", text)) for name, text in rows]


def test_a_demo_fill_ends_with_the_same_indexes(store):
    before = indexes(store)
    assert fill_demo(40, NOW, Settings(rep_name="t"), seed=3) == 40
    assert indexes(store) == before
    if not is_sqlite(store):
        return
    # and they hold every row they should: an index-only count agrees with the table's
    # (touch_phone_at holds the touches with a number dialled, migration 0027)
    (by_index,) = store.execute_sql(
        'SELECT COUNT(*) FROM "touch" INDEXED BY "touch_phone_at" WHERE "phone" <> \'\''
    ).fetchone()
    assert by_index == Touch.select().where(Touch.phone != "").count() > 40


def test_the_indexes_are_gone_only_inside_the_load(store):
    before = indexes(store)

    def load() -> None:
        with deferred_indexes(store, (Lead, Phone, Touch, Appointment)):
            names = {name for name, _ in indexes(store)}
            assert "touch_phone_at" not in names and "lead_queue" not in names
            if not is_sqlite(store):
                assert "touch_lead_id_fkey" not in names  # checked once, at the end
                assert "lead_name_trigrams" not in names
            raise RuntimeError("the load failed")

    with pytest.raises(RuntimeError):
        atomic_write(load)
    assert indexes(store) == before
