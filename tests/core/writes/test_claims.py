"""Team mode in the core, on both engines: claims, a rep's queue (owners, the pool,
others' claims), reassigning as an undoable touch, per-rep undo, the change token."""

from __future__ import annotations

import threading

import pytest
from core_helpers import schema_drift

from leaddesk.core.domain.errors import NotFound, NothingToUndo
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Settings, Team
from leaddesk.core.reads.queue.due import _converted, due_page, due_rows
from leaddesk.core.reads.queue.sections import counts, whole_queue
from leaddesk.core.reads.queue.where import due_query, new_lead_cut, open_zone_keys
from leaddesk.core.reads.scope import scope_for
from leaddesk.core.store.models import Lead, Rep, Touch
from leaddesk.core.store.schema import change_token
from leaddesk.core.writes.outcomes import log_outcome, undo_last
from leaddesk.core.writes.team import (
    ROUND_ROBIN,
    ClaimedElsewhere,
    add_rep,
    assign,
    claim,
    owner_cycle,
    release,
)


def as_rep(name: str, queue: str = "mine+pool") -> Settings:
    return Settings(rep_name=name, rep_timezone="America/Chicago", team=Team(queue=queue))


ANA, SAM = as_rep("ana"), as_rep("sam")


def queue_ids(now, settings) -> list[int]:
    return [r.lead_id for r in whole_queue(now, settings, 100)]


def test_a_claimed_lead_is_refused_to_others_until_released(make_lead, now):
    lead = make_lead()
    held = claim(lead, now, ANA)
    assert held.until == now.add(minutes=5)
    with pytest.raises(ClaimedElsewhere, match="being called by ana"):
        claim(lead, now, SAM)
    assert claim(lead, now.add(minutes=1), ANA).until == now.add(minutes=6)  # renewed
    assert release(lead, SAM) is False  # not sam's to release
    assert release(lead, ANA) is True
    assert claim(lead, now, SAM).rep == "sam"


def test_a_claim_expires(make_lead, now):
    lead = make_lead()
    claim(lead, now, ANA)
    with pytest.raises(ClaimedElsewhere):
        claim(lead, now.add(minutes=4, seconds=59), SAM)
    assert claim(lead, now.add(minutes=5), SAM).rep == "sam"


def test_claiming_an_unknown_lead_is_not_found(store, now):
    with pytest.raises(NotFound, match="no lead with id 999"):
        claim(999, now, ANA)


def test_other_reps_queues_skip_a_claimed_lead_and_its_counts(make_lead, now):
    first, second = make_lead("First", minutes_ago=20), make_lead("Second", minutes_ago=10)
    claim(first, now, ANA)
    assert queue_ids(now, ANA) == [first, second]  # the holder still sees it
    assert queue_ids(now, SAM) == [second]
    assert counts(now, SAM).due == 1 and counts(now, ANA).due == 2
    assert queue_ids(now.add(minutes=6), SAM)[:1] == [first]  # expired


def test_an_outcome_ends_the_claim_and_a_claimed_lead_cannot_be_logged_by_others(make_lead, now):
    lead = make_lead()
    claim(lead, now, ANA)
    with pytest.raises(ClaimedElsewhere, match="being called by ana"):
        log_outcome(lead, "no-answer", now, SAM)
    log_outcome(lead, "no-answer", now, ANA)
    row = Lead.get_by_id(lead)
    assert row.claimed_by is None and row.claimed_until is None


@pytest.mark.parametrize("queue", ["mine+pool", "mine", "all"])
def test_a_reps_queue_holds_their_leads_and_the_pool(make_lead, now, queue):
    add_rep("ana"), add_rep("sam")
    # received 2 min ago: not yet handed off to other reps ([team] new_lead_minutes = 5)
    pool, anas, sams = (make_lead(n, minutes_ago=2) for n in ("Pool", "Ana's", "Sam's"))
    assign(anas, "ana", now, ANA)
    assign(sams, "sam", now, ANA)
    expected = {"mine+pool": {pool, anas}, "mine": {anas}, "all": {pool, anas, sams}}[queue]
    assert set(queue_ids(now, as_rep("ana", queue))) == expected


def test_the_written_due_sql_matches_the_peewee_query_in_a_reps_scope(make_lead, settings, now):
    add_rep("ana"), add_rep("sam")
    ids = [make_lead(f"Lead {i}", minutes_ago=5 + 3 * i) for i in range(24)]
    for i, lead in enumerate(ids):
        if i % 4 == 1:
            assign(lead, "ana", now, ANA)
        elif i % 4 == 2:
            assign(lead, "sam", now, ANA)
        elif i % 8 == 3:
            claim(lead, now, SAM)
    keys = open_zone_keys(now, settings)
    cut = new_lead_cut(now, settings)
    for rep in (as_rep("ana"), as_rep("ana", "mine"), as_rep("ana", "all"), as_rep("sam")):
        scope = scope_for(rep)
        for offset in (0, 5):
            expected = list(due_query(now, keys, cut, offset, 8, scope).tuples())
            got = due_rows(now, keys, offset, 8, cut, scope=scope)
            assert got == [_converted(row) for row in expected]
            assert got  # not vacuous


def test_assigning_is_a_touch_and_undo_gives_the_lead_back(make_lead, now):
    add_rep("sam")
    lead = make_lead()
    assert "assigned to sam (was the pool)" in assign(lead, "sam", now, ANA)
    assert Lead.get_by_id(lead).owner.name == "sam"
    touch = Touch.select().where(Touch.lead == lead).order_by(Touch.id.desc()).first()
    assert (touch.outcome, touch.rep.name) == ("assigned", "ana")
    undo_last(now, ANA)
    assert Lead.get_by_id(lead).owner is None


def test_assigning_to_an_unknown_rep_names_the_known_ones(make_lead, now):
    add_rep("sam")
    lead = make_lead()
    with pytest.raises(NotFound, match=r"no rep named 'zoe'.*sam"):
        assign(lead, "zoe", now, ANA)


def test_round_robin_continues_after_the_newest_owned_lead(make_lead, now):
    for name in ("ana", "bob", "sam"):
        add_rep(name)
    lead = make_lead()
    assign(lead, "bob", now, ANA)
    cycle = owner_cycle(ROUND_ROBIN)
    picked = [Rep.get_by_id(next(cycle)).name for _ in range(4)]
    assert picked == ["sam", "ana", "bob", "sam"]


def test_undo_is_per_rep(make_lead, now):
    mine, theirs = make_lead("Mine"), make_lead("Theirs")
    log_outcome(mine, "no-answer", now, ANA)
    log_outcome(theirs, "busy", now.add(minutes=1), SAM)
    assert undo_last(now.add(minutes=2), ANA).lead_id == mine  # not sam's newer touch
    assert Touch.select().where(Touch.lead == theirs, Touch.outcome == "busy").exists()
    with pytest.raises(NothingToUndo):
        undo_last(now.add(minutes=2), ANA)


def test_undo_refuses_to_erase_a_colleagues_later_touch(make_lead, now):
    lead = make_lead()
    log_outcome(lead, "no-answer", now, ANA)
    log_outcome(lead, "busy", now.add(minutes=40), SAM)
    with pytest.raises(NothingToUndo, match="sam has logged on this lead since"):
        undo_last(now.add(minutes=41), ANA)


def test_the_change_token_moves_when_another_connection_writes(make_lead, now):
    lead = make_lead()
    before = change_token()
    assert change_token() == before  # reading changes nothing

    def elsewhere():
        # a thread has its own connection: another desk, as far as the store knows
        claim(lead, now, SAM)

    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert change_token() != before


def test_the_change_token_ignores_our_own_claims_renewals_and_writes(make_lead, now):
    lead, other = make_lead(), make_lead()
    before = change_token()
    claim(lead, now, ANA)
    claim(lead, now.add(minutes=2), ANA)  # a renewal
    release(lead, ANA)
    log_outcome(other, "no-answer", now, ANA)
    assert change_token() == before
    worker = threading.Thread(target=lambda: claim(lead, now, SAM))
    worker.start()
    worker.join()
    assert change_token() != before
    after = change_token()
    claim(other, now, ANA)
    assert change_token() == after


def test_scope_of_a_rep_never_seen_holds_only_the_pool(make_lead, now):
    lead = make_lead()
    assert queue_ids(now, as_rep("newcomer")) == [lead]
    assert due_page(now, replace(as_rep("newcomer"), team=Team(queue="mine"))) == []


def test_a_schema_at_0001_with_leads_upgrades_to_team_mode(store_target, settings, now):
    """The upgrade path on each engine: rows written before 0007 survive it, in the pool."""
    from playhouse.migrations import Runner

    from leaddesk.core.store.db import database, make_database
    from leaddesk.core.store.schema import HISTORY_TABLE, close_store, migrations, open_store

    if "://" not in store_target:
        from leaddesk.core.store.db import prepare_sqlite_file

        prepare_sqlite_file(store_target)
    db = make_database(store_target)
    database.initialize(db)
    Runner(db, str(migrations.DIRECTORY), table_name=HISTORY_TABLE).up("0001_initial")
    db.execute_sql(
        'INSERT INTO "lead" (name, company, title, email, address, city, region, postcode,'
        " country, timezone, timezone_source, call_zones, source, interest, received_at,"
        " status, do_not_call, do_not_mail, no_count, attempts, cadence, cadence_step,"
        " next_due_at, next_channel, priority, closed_early, tags, notes, created_at,"
        " updated_at) VALUES ('Old lead', '', '', '', '', '', '', '', 'US', '', 'rep', '',"
        f" '', '', {db.param}, 'new', {db.param}, {db.param}, 0, 0, 'new-lead', 0,"
        f" {db.param}, 'email', 1, {db.param}, '', '', {db.param}, {db.param})",
        [1, False, False, 1, False, 1, 1],
    )
    db.close()
    db = open_store(store_target)
    try:
        assert not schema_drift(db)
        old = Lead.get(Lead.name == "Old lead")
        assert old.owner is None and old.claimed_by is None  # in the pool, unclaimed
        assert claim(old.id, now, ANA).rep == "ana"
    finally:
        close_store()


@pytest.mark.sqlite_only
def test_a_reps_due_page_is_still_read_from_the_queue_index(make_lead, store, settings, now):
    from leaddesk.core.reads.queue.due import (
        _band_count_sql,
        band_counts,
        band_params,
        due_statements,
    )

    for i in range(12):
        make_lead(f"Lead {i}", minutes_ago=5 + 3 * i)
    scope = scope_for(ANA)
    keys = open_zone_keys(now, settings)
    cut = new_lead_cut(now, settings)
    bands = band_counts(now, keys, cut, scope)
    for sql, params in due_statements(store.param, now, keys, cut, 0, 50, bands, scope):
        plan = [row[-1] for row in store.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
        assert plan[0].startswith("SEARCH lead USING INDEX lead_queue"), plan
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan
    sql = _band_count_sql(store.param, len(keys), scope.queue)
    params = [p for band in range(5) for p in band_params(band, now, keys, cut, scope)]
    plan = [row[-1] for row in store.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
    searches = [step for step in plan if "lead_queue" in step]
    # owner and claim are decided inside the index: still no row lookups
    assert len(searches) == 5 and all("COVERING INDEX" in step for step in searches), plan


def test_a_vacation_shift_moves_only_the_reps_own_queue(make_lead, now):
    from leaddesk.core.writes.shift import shift_schedule

    add_rep("ana"), add_rep("sam")
    leads = {name: make_lead(name) for name in ("Pool", "Ana's", "Sam's")}
    assign(leads["Ana's"], "ana", now, ANA)
    assign(leads["Sam's"], "sam", now, ANA)
    for lead in leads.values():
        log_outcome(lead, "no-answer", now, ANA)  # each due again later, in the future
    due = {name: Lead.get_by_id(lead).next_due_at for name, lead in leads.items()}
    assert shift_schedule(2, now, as_rep("ana", "mine")).moved == 1
    after = {name: Lead.get_by_id(lead).next_due_at for name, lead in leads.items()}
    assert after["Ana's"] > due["Ana's"]
    assert after["Pool"] == due["Pool"] and after["Sam's"] == due["Sam's"]
