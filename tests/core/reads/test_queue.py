"""The due queue: tiers, order, calling windows, who never appears, bounded queries."""

from __future__ import annotations

import pytest
from playhouse.test_utils import count_queries

from leaddesk.core.domain.record import replace
from leaddesk.core.reads.queue.due import due_page
from leaddesk.core.reads.queue.later import later_rows
from leaddesk.core.reads.queue.place import locate
from leaddesk.core.reads.queue.rows import DUE, LATER, QueueCounts
from leaddesk.core.reads.queue.sections import counts, whole_queue
from leaddesk.core.reads.queue.where import open_zone_keys
from leaddesk.core.store.models import Lead
from leaddesk.core.writes.outcomes import log_outcome

NY_PHONE = "+1 212 555 0142"
LA_PHONE = "+1 415 555 0142"
SYDNEY_PHONE = "+61 2 9999 9999"  # Tuesday 06:00 in Sydney at `now`


def everything(now, settings):
    return due_page(now, settings, limit=1000) + later_rows(now, settings, limit=1000)


@pytest.fixture
def tiers(make_lead, settings, now):
    """One lead per tier, plus a second new and cadence lead to check the order inside."""
    ids = {}
    ids["promise"] = make_lead("Paula Promise", minutes_ago=60 * 24)
    log_outcome(
        ids["promise"],
        "callback",
        now.subtract(days=1),
        settings,
        next_at=now.subtract(minutes=30),
        outside_hours=True,  # Sunday: the window is closed, the ranking is what matters
    )
    ids["new_old"] = make_lead("Nina Older", minutes_ago=40)
    ids["new"] = make_lead("Ned New", minutes_ago=10)
    ids["cadence_old"] = make_lead("Cora Cadence", minutes_ago=200)
    log_outcome(ids["cadence_old"], "no-answer", now.subtract(hours=2), settings)  # due 13:00
    ids["cadence"] = make_lead("Cal Cadence", minutes_ago=200)
    log_outcome(ids["cadence"], "voicemail", now.subtract(minutes=90), settings)  # due 13:30
    ids["nurture"] = make_lead("Nate Nurture", minutes_ago=60 * 24 * 100)
    # 90 days on New York's wall clock (the summer-time hour included): due right now
    ninety_days_ago = now.in_timezone("America/New_York").subtract(days=90)
    log_outcome(ids["nurture"], "not-interested", ninety_days_ago, settings)
    return ids


def test_tier_order_and_most_overdue_first(tiers, settings, now):
    rows = due_page(now, settings)
    assert [r.lead_id for r in rows] == [
        tiers["promise"],
        tiers["new_old"],
        tiers["new"],
        tiers["cadence_old"],
        tiers["cadence"],
        tiers["nurture"],
    ]
    assert [r.tier for r in rows] == ["promise", "new", "new", "cadence", "cadence", "nurture"]
    assert all(r.section == DUE and r.callable and r.channel == "call" for r in rows)
    assert all(r.opens_at is None for r in rows)


def test_reasons_say_why_now(tiers, settings, now):
    reasons = {r.lead_id: r.reason for r in due_page(now, settings)}
    assert reasons[tiers["promise"]] == "promised callback 13:30, 30 min overdue"
    assert reasons[tiers["new"]] == "new lead, waiting 10 min"
    assert reasons[tiers["cadence_old"]] == "attempt 2 of 10, due since 13:00"
    assert reasons[tiers["nurture"]] == "nurture, 90 days since last touch"


@pytest.mark.parametrize(("minutes", "heat"), [(2, "hot"), (30, "warm"), (120, "cold")])
def test_new_leads_show_how_long_they_have_waited(make_lead, settings, now, minutes, heat):
    lead_id = make_lead(minutes_ago=minutes)
    (row,) = due_page(now, settings)
    assert (row.lead_id, row.waited_minutes, row.heat) == (lead_id, minutes, heat)


@pytest.fixture
def new_leads(make_lead, settings, now):
    """New leads waiting these many minutes, a promise and a cadence lead around them."""
    waits = (10, 300, 59, 61, 60, 40, 90)
    ids = {m: make_lead(f"New {m}", minutes_ago=m) for m in waits}
    ids["promise"] = make_lead("Paula Promise", minutes_ago=60 * 24)
    sunday = now.subtract(days=1)  # the window is closed; the ranking is what matters
    log_outcome(ids["promise"], "callback", sunday, settings, next_at=now, outside_hours=True)
    ids["cadence"] = make_lead("Cal Cadence", minutes_ago=60 * 24)
    log_outcome(ids["cadence"], "no-answer", now.subtract(hours=3), settings)
    return ids


def test_new_leads_inside_their_first_hour_come_first_most_waiting_first(new_leads, settings, now):
    rows = due_page(now, settings)
    order = [60, 59, 40, 10, 300, 90, 61]  # inside the hour (≤ 60 min), then the rest
    assert [r.lead_id for r in rows] == [
        new_leads["promise"],
        *(new_leads[m] for m in order),
        new_leads["cadence"],
    ]
    assert [r.heat for r in rows[1:8]] == ["warm", "warm", "warm", "warm", "cold", "cold", "cold"]
    reasons = [r.reason for r in rows[1:8]]
    assert reasons[0] == "new lead, waiting 1 h" and reasons[-1] == "new lead, waiting 1 h 01 min"


@pytest.mark.parametrize("size", [1, 2, 3, 4, 9])
def test_pages_of_any_size_join_up_across_the_bands(new_leads, settings, now, size):
    whole = [r.lead_id for r in due_page(now, settings, limit=100)]
    pages = []
    for offset in range(0, len(whole) + size, size):
        pages += [r.lead_id for r in due_page(now, settings, offset=offset, limit=size)]
    assert pages == whole


def test_the_first_hour_is_the_configured_cold_time(new_leads, settings, now):
    from leaddesk.core.domain.record import replace

    quick = replace(settings, rules=replace(settings.rules, new_lead_cold_minutes=30))
    rows = due_page(now, quick)
    order = [10, 300, 90, 61, 60, 59, 40]  # only the 10-minute lead is inside 30 min
    assert [r.lead_id for r in rows[1:8]] == [new_leads[m] for m in order]


def test_a_lead_outside_its_window_is_later_with_its_opening_time(make_lead, settings, now):
    sydney = make_lead("Sid Sydney", phone=SYDNEY_PHONE)
    la = make_lead("Lou Angeles", phone=LA_PHONE)
    due = due_page(now, settings)
    assert [r.lead_id for r in due] == [la]
    (row,) = later_rows(now, settings)
    assert (row.lead_id, row.section, row.callable) == (sydney, LATER, False)
    assert row.opens_at.in_timezone("Australia/Sydney").to_datetime_string() == (
        "2026-11-24 08:00:00"
    )
    assert row.reason.endswith("· window opens 08:00 their time")
    assert row.zone == "Australia/Sydney"
    assert counts(now, settings).due == 1 and counts(now, settings).later == 1


def test_after_nine_pm_new_york_leads_wait_for_the_morning(make_lead, settings, now):
    ny = make_lead("Nia York", phone=NY_PHONE)
    la = make_lead("Lou Angeles", phone=LA_PHONE)
    evening = now.add(hours=7, minutes=30)  # 21:30 New York, 18:30 Los Angeles
    assert [r.lead_id for r in due_page(evening, settings)] == [la]
    assert "America/New_York" not in open_zone_keys(evening, settings)
    # New York opens tomorrow: not LATER TODAY (the rep's day), but counted as tomorrow's
    assert ny not in [r.lead_id for r in later_rows(evening, settings)]
    assert counts(evening, settings) == QueueCounts(due=1, later=0, tomorrow=1)
    assert locate(ny, evening, settings).section is None


def test_a_window_opening_before_the_reps_midnight_is_later_today(make_lead, settings, now):
    ny = make_lead("Nia York", phone=NY_PHONE, minutes_ago=60 * 24)  # due since yesterday
    early = now.in_timezone("America/Chicago").set(hour=6, minute=30)  # 07:30 New York
    (row,) = later_rows(early, settings)
    assert row.lead_id == ny and not row.callable
    assert row.opens_at.in_timezone("America/New_York").to_datetime_string() == (
        "2026-11-23 08:00:00"
    )
    assert counts(early, settings) == QueueCounts(due=0, later=1, tomorrow=0)


def test_upcoming_work_today_is_listed_later_but_not_callable(make_lead, settings, now):
    lead_id = make_lead()
    log_outcome(lead_id, "busy", now.subtract(minutes=10), settings)  # retry in 30 min
    assert due_page(now, settings) == []
    (row,) = later_rows(now, settings)
    assert row.lead_id == lead_id and not row.callable and row.opens_at is None
    assert row.due_at == now.add(minutes=20)
    # ...and it is due once its time comes
    (row,) = due_page(now.add(minutes=20), settings)
    assert row.lead_id == lead_id and row.callable


def test_tomorrow_is_not_later_today(make_lead, settings, now):
    lead_id = make_lead()
    log_outcome(lead_id, "connected", now, settings)  # follow-up in two business days
    assert everything(now, settings) == []
    assert counts(now, settings).due == 0 and counts(now, settings).later == 0


def test_dnc_leads_never_appear_with_a_call(make_lead, settings, now):
    with_email = make_lead("Dee Email", email="dee@x.com")
    silent = make_lead("Dan Silent")
    log_outcome(with_email, "dnc", now, settings)
    log_outcome(silent, "dnc", now, settings)
    for days in (0, 1, 2, 3, 10, 30, 90, 400):
        at = now.add(days=days)
        for row in everything(at, settings):
            assert row.lead_id != silent
            if row.lead_id == with_email:
                assert row.channel == "email" and not row.callable
    (row,) = due_page(now.add(days=2), settings)
    assert (row.lead_id, row.channel, row.tier) == (with_email, "email", "cadence")
    assert row.reason.startswith("email step")


def test_dnc_with_an_open_appointment_leaves_the_call_queue(make_lead, settings, now):
    lead_id = make_lead(email="dee@x.com")
    log_outcome(lead_id, "appointment", now, settings, next_at=now.add(days=7))
    log_outcome(lead_id, "dnc", now.add(minutes=5), settings)
    lead = Lead.get_by_id(lead_id)
    assert lead.next_channel == "email"
    for days in (0, 2, 7, 8):
        for row in everything(now.add(days=days), settings):
            assert row.channel != "call" and not row.callable


def test_bad_leads_never_appear(make_lead, settings, now):
    lead_id = make_lead()
    log_outcome(lead_id, "wrong-number", now, settings)
    assert Lead.get_by_id(lead_id).status == "bad"
    for days in (0, 1, 30, 365):
        assert all(r.lead_id != lead_id for r in everything(now.add(days=days), settings))


def test_lost_leads_never_appear(make_lead, settings, now):
    """No writer closes a lead yet; the queue keys on `priority`, which the rules null
    for lost leads (see test_rules), so a lost lead stored that way never shows."""
    lead_id = make_lead()
    Lead.update(status="lost", priority=None).where(Lead.id == lead_id).execute()
    assert everything(now, settings) == []


def test_won_leads_come_back_only_for_their_check_in(make_lead, settings, now):
    lead_id = make_lead()
    log_outcome(lead_id, "won", now, settings)
    for days in (0, 1, 7, 29):
        assert all(r.lead_id != lead_id for r in everything(now.add(days=days), settings))
    (row,) = due_page(now.add(days=30), settings)
    assert (row.lead_id, row.tier, row.reason) == (lead_id, "nurture", "customer check-in")


def test_whole_queue_puts_callable_calls_first(make_lead, settings, now):
    mail = make_lead("Mae Mail", phone=None, email="mae@x.com", minutes_ago=50)
    sydney = make_lead("Sid Sydney", phone=SYDNEY_PHONE, minutes_ago=40)
    call = make_lead("Cal Call", minutes_ago=5)
    rows = whole_queue(now, settings, limit=10)
    assert [r.lead_id for r in rows] == [call, mail, sydney]
    assert [(r.section, r.callable) for r in rows] == [
        (DUE, True),
        (DUE, False),
        (LATER, False),
    ]
    assert [r.lead_id for r in whole_queue(now, settings, limit=2)] == [call, mail]


def test_counts_match_the_pages(tiers, make_lead, settings, now):
    make_lead("Sid Sydney", phone=SYDNEY_PHONE)
    c = counts(now, settings)
    assert c.due == len(due_page(now, settings, limit=1000)) == 6
    assert c.later == len(later_rows(now, settings, limit=1000)) == 1


def test_paging(make_lead, settings, now):
    ids = [make_lead(f"Lead {i}", minutes_ago=100 - i) for i in range(7)]
    assert [r.lead_id for r in due_page(now, settings, offset=0, limit=3)] == ids[:3]
    assert [r.lead_id for r in due_page(now, settings, offset=3, limit=3)] == ids[3:6]
    assert [r.lead_id for r in due_page(now, settings, offset=6, limit=3)] == ids[6:]


def _fill(make_lead, settings, now, n):
    """n due leads in three zones and all tiers, a third of them promises."""
    phones = [NY_PHONE, LA_PHONE, "+1 312 555 0100"]
    # The leads share three numbers: no cap here (caps per number: test_caps.py).
    settings = replace(settings, rules=replace(settings.rules, max_calls_per_24h=0))
    for i in range(n):
        # new leads both inside their first hour and older
        lead_id = make_lead(f"Lead {i}", phone=phones[i % 3], minutes_ago=5 + 3 * i)
        if i % 3 == 0:
            log_outcome(
                lead_id, "callback", now.subtract(hours=3), settings, next_at=now.subtract(hours=1)
            )
        elif i % 3 == 1:
            log_outcome(lead_id, "no-answer", now.subtract(hours=2), settings)


def _queries_for_a_page(now, settings):
    from leaddesk.core.reads.scope import scope_for

    scope_for(settings)  # the rep's id is looked up once, then remembered
    with count_queries() as counter:
        rows = due_page(now, settings, limit=50)
    return counter.count, rows


@pytest.mark.parametrize("n", [10, 300])
def test_due_page_costs_a_constant_number_of_queries(make_lead, settings, now, n):
    _fill(make_lead, settings, now, n)
    queries, rows = _queries_for_a_page(now, settings)
    assert len(rows) == min(n, 50)
    assert {r.tier for r in rows} >= {"promise"}
    # zone sets open now, the segment counts in DUE order until the page is covered
    # (at most 5), one read per band the page overlaps (at most 4), the promises on
    # the page, and the read transaction's BEGIN
    assert queries <= 1 + 5 + 4 + 1 + 1
    assert counts(now, settings).due == n


def test_due_page_query_count_does_not_grow_with_the_queue(make_lead, settings, now):
    _fill(make_lead, settings, now, 10)
    small, _ = _queries_for_a_page(now, settings)
    _fill(make_lead, settings, now, 290)
    large, rows = _queries_for_a_page(now, settings)
    assert large <= small  # a fuller queue can only put the page in fewer bands
    assert len(rows) == 50


@pytest.mark.sqlite_only  # EXPLAIN QUERY PLAN; PostgreSQL plans: test_postgresql.py
def test_the_due_page_uses_the_queue_index(make_lead, store, settings, now):
    from leaddesk.core.reads.queue.where import due_query, new_lead_cut

    make_lead()
    cut = new_lead_cut(now, settings)
    sql, params = due_query(now, open_zone_keys(now, settings), cut, 0, 50).sql()
    plan = " ".join(row[-1] for row in store.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "lead_queue" in plan


@pytest.mark.parametrize("open_zones", [True, False])
def test_the_written_due_sql_matches_the_peewee_query(make_lead, settings, now, open_zones):
    from leaddesk.core.reads.queue.due import _converted, due_rows
    from leaddesk.core.reads.queue.where import due_query, new_lead_cut

    _fill(make_lead, settings, now, 40)
    cut = new_lead_cut(now, settings)
    keys = open_zone_keys(now, settings) if open_zones else []
    for offset in (0, 7, 35):
        expected = list(due_query(now, keys, cut, offset, 10).tuples())
        assert due_rows(now, keys, offset, 10, cut) == [_converted(row) for row in expected]
    assert bool(due_rows(now, keys, 0, 100, cut)) == open_zones  # no window open: nothing due


@pytest.mark.sqlite_only  # EXPLAIN QUERY PLAN; PostgreSQL plans: test_postgresql.py
def test_the_written_due_sql_uses_the_queue_index(make_lead, store, settings, now):
    from leaddesk.core.reads.queue.due import (
        _band_count_sql,
        band_counts,
        band_params,
        due_statements,
    )
    from leaddesk.core.reads.queue.where import new_lead_cut

    _fill(make_lead, settings, now, 30)
    keys = open_zone_keys(now, settings)
    cut = new_lead_cut(now, settings)
    bands = band_counts(now, keys, cut)
    # a page deep enough to span two bands: one range scan of the index per band,
    # each in index order (only ties on `id` are sorted), never a sort of the lot
    statements = due_statements(store.param, now, keys, cut, bands[0] - 2, 5, bands)
    assert len(statements) == 2
    for sql, params in statements:
        plan = [row[-1] for row in store.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
        assert plan[0].startswith("SEARCH lead USING INDEX lead_queue")
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan
    sql = _band_count_sql(store.param, len(keys))
    params = [p for band in range(5) for p in band_params(band, now, keys, cut)]
    plan = [row[-1] for row in store.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
    searches = [step for step in plan if "lead_queue" in step]
    # counted in the index alone, each segment bounded by next_due_at
    assert len(searches) == 5
    assert all("COVERING INDEX" in step and "next_due_at" in step for step in searches)


def test_deep_pages_match_the_reference_query_across_band_edges(make_lead, settings, now):
    from leaddesk.core.reads.queue.due import _converted, band_counts, due_rows
    from leaddesk.core.reads.queue.where import due_query, due_where, new_lead_cut
    from leaddesk.core.store.models import Lead

    _fill(make_lead, settings, now, 60)
    keys = open_zone_keys(now, settings)
    cut = new_lead_cut(now, settings)
    bands = band_counts(now, keys, cut)
    assert sum(bands) == Lead.select().where(due_where(now, keys)).count()  # an independent count
    edges = [sum(bands[: i + 1]) for i in range(len(bands))]
    for offset in sorted({0, *[max(e - 3, 0) for e in edges], sum(bands) - 1}):
        expected = [_converted(r) for r in due_query(now, keys, cut, offset, 7).tuples()]
        assert due_rows(now, keys, offset, 7, cut, bands) == expected


def test_later_today_stops_before_the_reps_midnight(make_lead, settings, now):
    from leaddesk.core.reads.queue.where import end_of_rep_day

    midnight = end_of_rep_day(now, settings)
    assert midnight.in_timezone(settings.rep_timezone).format("HH:mm") == "00:00"
    before = make_lead("Before midnight")
    at_midnight = make_lead("At midnight")
    # appointments keep the agreed time (calls would move into the window)
    log_outcome(before, "appointment", now, settings, next_at=midnight.subtract(minutes=1))
    log_outcome(at_midnight, "appointment", now, settings, next_at=midnight)
    later = [r.lead_id for r in later_rows(now, settings)]
    assert before in later and at_midnight not in later


@pytest.mark.postgresql_only
def test_a_due_page_on_postgresql_binds_the_open_keys_once_and_opens_no_transaction(
    make_lead, settings, now
):
    # The open window keys grow with the data (253 in the 1M demo): one array
    # parameter keeps each statement, and its planning, the same size whatever their
    # number. BEGIN/COMMIT would buy no shared snapshot under READ COMMITTED.
    from leaddesk.core.reads.scope import scope_for

    _fill(make_lead, settings, now, 12)
    keys = open_zone_keys(now, settings)
    assert len(keys) >= 3
    scope_for(settings)  # the rep's id, remembered
    with count_queries() as counter:
        rows = due_page(now, settings, limit=50, open_keys=keys)
    assert len(rows) == 12
    sent = [record.msg for record in counter.get_queries()]
    assert not [sql for sql, _ in sent if sql.split()[0].upper() in ("BEGIN", "COMMIT")]
    reads = [(sql, params) for sql, params in sent if 'FROM "lead"' in sql]
    assert reads and all(keys in params and keys[0] not in params for _, params in reads)


def test_the_counts_read_the_window_keys_once(make_lead, settings, now):
    _fill(make_lead, settings, now, 6)
    with count_queries() as counter:
        found = counts(now, settings)
    assert found.due == 6
    reads = [r.msg[0] for r in counter.get_queries() if '"zone_set"' in r.msg[0]]
    assert len(reads) == 1, reads


def test_the_desk_snapshot_reads_the_window_keys_once(make_lead, settings, now):
    from leaddesk.core.desk.snapshot import desk_extras, desk_snapshot

    _fill(make_lead, settings, now, 6)
    for read in (lambda: desk_snapshot(now, settings, 0, 5), lambda: desk_extras(now, settings)):
        with count_queries() as counter:
            read()
        reads = [r.msg[0] for r in counter.get_queries() if '"zone_set"' in r.msg[0]]
        assert len(reads) == 1, reads
