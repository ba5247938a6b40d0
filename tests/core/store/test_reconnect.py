"""Network reality on PostgreSQL: a killed connection is reported once, the touch
being written is not saved (never half-saved), and the next call reconnects."""

from __future__ import annotations

import pytest

from leaddesk.core.domain.errors import ConnectionLost
from leaddesk.core.store.models import Touch
from leaddesk.core.store.schema import change_token
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.ui.dbthread import DbThread

pytestmark = pytest.mark.postgresql_only


def kill_other_backends(pg) -> int:
    """What a server restart or a dropped network does to every desk's connection."""
    with pg.admin.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def no_answers(lead_id: int) -> int:
    return Touch.select().where((Touch.lead == lead_id) & (Touch.outcome == "no-answer")).count()


async def test_a_dropped_connection_is_reported_and_the_next_call_reconnects(
    store, make_lead, pg, now, settings
):
    lead = make_lead()
    db = DbThread()
    try:
        await db.run(change_token)  # the desk's thread is connected
        assert kill_other_backends(pg) >= 1
        with pytest.raises(ConnectionLost, match="lost the connection") as info:
            await db.run(log_outcome, lead, "no-answer", now, settings)
        assert "\n" not in str(info.value)
        assert await db.run(no_answers, lead) == 0  # not saved, and connected again
        await db.run(log_outcome, lead, "no-answer", now, settings)
        assert await db.run(no_answers, lead) == 1
    finally:
        db.close()


async def test_a_read_after_a_drop_reports_then_recovers(store, make_lead, pg):
    make_lead()
    db = DbThread()
    try:
        first = await db.run(change_token)
        kill_other_backends(pg)
        with pytest.raises(ConnectionLost):
            await db.run(change_token)
        assert isinstance(await db.run(change_token), tuple) and first
    finally:
        db.close()
