"""A bulk load into a store no bigger than itself builds the indexes once, at the end
(store/batch.deferred_indexes, used by the demo): the same indexes come back, in the
load's transaction, and an error leaves them as they were."""

from __future__ import annotations

import pendulum
import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.batch import deferred_indexes
from leaddesk.core.store.db import atomic_write
from leaddesk.core.store.models import Appointment, Lead, Phone, Touch

NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
pytestmark = pytest.mark.sqlite_only  # PostgreSQL keeps its indexes during a load


def indexes(store) -> list[tuple[str, str]]:
    return store.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    ).fetchall()


def test_a_demo_fill_ends_with_the_same_indexes(store):
    before = indexes(store)
    assert fill_demo(40, NOW, Settings(rep_name="t"), seed=3) == 40
    assert indexes(store) == before
    # and they hold every row: an index-only count agrees with the table's
    (by_index,) = store.execute_sql(
        'SELECT COUNT(*) FROM "touch" INDEXED BY "touch_phone_at" WHERE "phone" >= \'\''
    ).fetchone()
    assert by_index == Touch.select().count() > 40


def test_the_indexes_are_gone_only_inside_the_load(store):
    before = indexes(store)

    def load() -> None:
        with deferred_indexes(store, (Lead, Phone, Touch, Appointment)):
            names = {name for name, _ in indexes(store)}
            assert "touch_phone_at" not in names and "lead_queue" not in names
            raise RuntimeError("the load failed")

    with pytest.raises(RuntimeError):
        atomic_write(load)
    assert indexes(store) == before
