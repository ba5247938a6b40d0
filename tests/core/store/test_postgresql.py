"""PostgreSQL specifics: migrations on an empty server schema, index plans, sequences
after bulk inserts, passwords never shown. (Every `store` test also runs here.)"""

from __future__ import annotations

import pytest
from core_helpers import schema_drift

from leaddesk.core.domain.errors import StoreError
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.queue.due import band_counts, due_statements
from leaddesk.core.reads.queue.where import new_lead_cut, open_zone_keys
from leaddesk.core.reads.scope import scope_for
from leaddesk.core.store.db import is_sqlite, mask_url
from leaddesk.core.store.models import Lead
from leaddesk.core.store.schema import HISTORY_TABLE, close_store, open_store, schema_version
from leaddesk.core.writes.leads import add_lead


def test_an_empty_schema_is_created_then_reopened_unchanged(pg_url, settings, now):
    db = open_store(pg_url)
    assert not is_sqlite(db)
    version = schema_version(db)
    assert version >= 1
    lead_id = add_lead(LeadDraft(name="Kept", phones=[("+1 212 555 0142", "")]), now, settings)
    close_store()
    db = open_store(pg_url)
    assert schema_version(db) == version
    assert Lead.get_by_id(lead_id).name == "Kept"
    assert not schema_drift(db)


def test_a_schema_from_a_newer_leaddesk_is_refused(pg_url):
    db = open_store(pg_url)
    db.execute_sql(
        f"INSERT INTO {HISTORY_TABLE} (name, applied) VALUES (%s, now())", ("9999_future",)
    )
    close_store()
    with pytest.raises(StoreError, match="newer leaddesk"):
        open_store(pg_url)


def test_a_wrong_password_is_one_line_without_the_password(pg):
    # a role with a password, over TCP would ask for it; an unknown database is as clear
    url = pg.url("t0").replace("postgres@", "rep:s3cret@").replace("leaddesk_tests", "missing")
    with pytest.raises(StoreError) as info:
        open_store(url)
    message = str(info.value)
    assert "s3cret" not in message and "\n" not in message
    assert "rep:***@" in message


@pytest.mark.postgresql_only
def test_the_written_due_sql_is_an_index_scan_on_postgresql(store, make_lead, settings, now):
    db = store
    for i in range(30):
        make_lead(f"Lead {i}", minutes_ago=5 + 3 * i)
    keys = open_zone_keys(now, settings)
    cut = new_lead_cut(now, settings)
    scope = scope_for(settings)  # a rep's queue: owner and claims decided in the index
    bands = band_counts(now, keys, cut, scope)
    # 30 rows: the planner would rightly prefer a sequential scan; forbid it to
    # see that the index serves every statement in order: at most ties on `id` are
    # sorted (an Incremental Sort presorted on next_due_at), never the whole band.
    with db.atomic():
        db.execute_sql("SET LOCAL enable_seqscan = off")
        for sql, params in due_statements(db.param, now, keys, cut, 0, 50, bands, scope):
            plan = "\n".join(row[0] for row in db.execute_sql("EXPLAIN " + sql, params))
            assert "lead_queue" in plan, plan
            sorts = [line for line in plan.splitlines() if "Sort  (" in line]
            assert all("Incremental Sort" in line for line in sorts), plan


def test_demo_leads_leave_the_id_sequences_ready(store, settings, now):
    from leaddesk.core.demo import fill_demo

    assert fill_demo(20, now, settings, seed=3) == 20
    # explicit ids were inserted: the next plain insert must not collide
    lead_id = add_lead(LeadDraft(name="After demo", phones=[]), now, settings)
    assert lead_id == Lead.select(Lead.id).order_by(Lead.id.desc()).scalar()


def test_mask_url_hides_a_password_in_query_options_too():
    assert mask_url("postgresql://ana:pw@db/leads") == "postgresql://ana:***@db/leads"
    assert "pw" not in mask_url("postgresql://db/leads?password=pw&sslmode=require")
