"""Hand-offs and who is working (issue 14 points 1-2), on both engines: another owner's
new lead or promise is offered to every rep's queue after `[team]` minutes (at once
when the owner is away or inactive), with its reason; the taker's claim writes the
hand-off touch; round-robin skips inactive reps."""

from __future__ import annotations

import pytest

from leaddesk.core.domain.errors import NotFound
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Settings, Team
from leaddesk.core.reads.queue.sections import whole_queue
from leaddesk.core.store.models import Lead, Rep, Touch
from leaddesk.core.writes.handoffs import HANDOFF
from leaddesk.core.writes.outcomes import log_outcome, undo_last
from leaddesk.core.writes.team import (
    ROUND_ROBIN,
    add_rep,
    assign,
    claim,
    owner_cycle,
    release,
    seen,
    set_active,
)


def as_rep(name: str, **team) -> Settings:
    return Settings(rep_name=name, rep_timezone="America/Chicago", team=Team(**team))


ANA, SAM, JOE = as_rep("ana"), as_rep("sam"), as_rep("joe")


def reasons(now, settings) -> dict[int, str]:
    return {r.lead_id: r.reason for r in whole_queue(now, settings, 100)}


@pytest.fixture
def anas_new_lead(make_lead, now):
    """A new lead ana owns, received (and due) 1 minute before `now`."""
    for name in ("ana", "sam", "joe"):
        add_rep(name)
    lead = make_lead("Dana Whitfield", minutes_ago=1)
    assign(lead, "ana", now, ANA)
    return lead


def test_a_new_lead_is_offered_to_the_others_after_new_lead_minutes_with_its_reason(
    anas_new_lead, now
):
    lead = anas_new_lead
    assert lead not in reasons(now.add(minutes=3), SAM)  # waiting 4 min: still ana's
    assert reasons(now.add(minutes=3), ANA)[lead].startswith("new lead, waiting")
    later = now.add(minutes=6)  # waiting 7 min, not attempted by ana
    assert reasons(later, SAM)[lead] == "new 7 min, not yet called by ana"
    (row,) = [r for r in whole_queue(later, SAM, 100) if r.lead_id == lead]
    assert (row.name, row.tier) == ("Dana Whitfield", "new")
    assert reasons(later, JOE)[lead] == "new 7 min, not yet called by ana"
    assert reasons(later, ANA)[lead] == "new lead, waiting 7 min"  # her own, as ever
    # the minutes are configuration
    assert lead not in reasons(later, as_rep("sam", new_lead_minutes=10))


def test_a_lead_its_owner_attempted_is_no_hand_off(anas_new_lead, now):
    log_outcome(anas_new_lead, "no-answer", now, ANA)
    assert anas_new_lead not in reasons(now.add(minutes=30), SAM)


def test_a_claimed_lead_is_never_offered(anas_new_lead, now):
    claim(anas_new_lead, now.add(minutes=5), ANA)  # ana is dialling it
    assert anas_new_lead not in reasons(now.add(minutes=6), SAM)
    assert Touch.select().where(Touch.outcome == HANDOFF).count() == 0


def test_claiming_a_hand_off_writes_its_touch_once(anas_new_lead, now):
    later = now.add(minutes=6)
    held = claim(anas_new_lead, later, SAM)
    assert held.handoff == "new 7 min, not yet called by ana"
    touch = Touch.get(Touch.outcome == HANDOFF)
    assert (touch.channel, touch.note, touch.rep.name, touch.lead_id) == (
        "system",
        "new 7 min, not yet called by ana",
        "sam",
        anas_new_lead,
    )
    assert touch.at == later
    assert Lead.get_by_id(anas_new_lead).owner.name == "ana"  # reassign_on_handoff is off
    claim(anas_new_lead, later.add(minutes=1), SAM)  # renewed: no second touch
    assert Touch.select().where(Touch.outcome == HANDOFF).count() == 1
    # the others do not get it while sam holds it
    assert anas_new_lead not in reasons(later, JOE)


def test_claiming_ones_own_lead_or_a_pool_lead_writes_no_hand_off(anas_new_lead, make_lead, now):
    pool = make_lead("Pool Lead", minutes_ago=30)
    claim(anas_new_lead, now.add(minutes=30), ANA)
    claim(pool, now.add(minutes=30), SAM)
    assert Touch.select().where(Touch.outcome == HANDOFF).count() == 0


def test_reassign_on_handoff_makes_the_taker_the_owner(anas_new_lead, now):
    sam = replace(SAM, team=Team(reassign_on_handoff=True))
    held = claim(anas_new_lead, now.add(minutes=6), sam)
    assert held.handoff == "new 7 min, not yet called by ana; now sam's"
    assert Lead.get_by_id(anas_new_lead).owner.name == "sam"
    assert reasons(now.add(minutes=6), sam)[anas_new_lead] == "new lead, waiting 7 min"


def test_undo_leaves_a_hand_off_alone(anas_new_lead, make_lead, now):
    own = make_lead("Own Lead", minutes_ago=1)
    log_outcome(own, "no-answer", now, SAM)
    claim(anas_new_lead, now.add(minutes=6), SAM)
    assert undo_last(now.add(minutes=7), SAM).lead_id == own  # not the hand-off
    assert Touch.select().where(Touch.outcome == HANDOFF).count() == 1


def test_an_overdue_promise_is_offered_after_promise_minutes(anas_new_lead, now):
    log_outcome(anas_new_lead, "callback", now, ANA, next_at=now.add(hours=1))
    due = now.add(hours=1)
    assert anas_new_lead not in reasons(due.add(minutes=14), SAM)
    assert reasons(due.add(minutes=16), SAM)[anas_new_lead] == (
        "promised callback 16 min overdue, not yet called by ana"
    )


def test_an_away_or_inactive_owners_new_lead_is_handed_off_at_once(anas_new_lead, now):
    seen(now.subtract(minutes=2), ANA)  # ana's desk checked in 2 min ago: present
    assert anas_new_lead not in reasons(now, SAM)
    seen(now.subtract(minutes=11), ANA)  # silent for more than away_minutes (10)
    assert reasons(now, SAM)[anas_new_lead] == "new 1 min, ana is away"
    assert claim(anas_new_lead, now, SAM).handoff == "new 1 min, ana is away"
    release(anas_new_lead, SAM)
    seen(now, ANA)
    set_active("ana", False)
    assert reasons(now, JOE)[anas_new_lead] == "new 1 min, ana is not working"
    set_active("ana", True)
    assert anas_new_lead not in reasons(now, JOE)


def test_round_robin_skips_inactive_reps(store):
    for name in ("ana", "bob", "cy"):
        add_rep(name)
    assert set_active("bob", False) == "rep bob inactive"
    cycle = owner_cycle(ROUND_ROBIN)
    ids = {Rep.get(Rep.name == n).id: n for n in ("ana", "cy")}
    assert [ids[next(cycle)] for _ in range(4)] == ["ana", "cy", "ana", "cy"]
    assert set_active("bob", True) == "rep bob active"
    with pytest.raises(NotFound, match="no rep named 'dan'"):
        set_active("dan", False)


def test_the_queue_sql_and_the_peewee_filter_agree_on_hand_offs(anas_new_lead, make_lead, now):
    from leaddesk.core.reads.queue.due import _converted, due_rows
    from leaddesk.core.reads.queue.where import due_query, new_lead_cut, open_zone_keys
    from leaddesk.core.reads.scope import scope_for

    make_lead("Pool Lead", minutes_ago=3)
    seen(now.subtract(minutes=11), ANA)
    for at in (now, now.add(minutes=6)):
        keys, cut = open_zone_keys(at, SAM), new_lead_cut(at, SAM)
        scope = scope_for(SAM)
        expected = [_converted(r) for r in due_query(at, keys, cut, 0, 10, scope).tuples()]
        assert due_rows(at, keys, 0, 10, cut, scope=scope) == expected
        assert anas_new_lead in [r[0] for r in expected]
