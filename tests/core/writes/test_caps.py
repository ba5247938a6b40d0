"""Caps per called number (issue 13, point 4): calls to one number count across
every lead carrying it and every rep, on both engines; at the cap the lead is not
callable (queue, dial, log) until the number frees, and the refusal says why."""

from __future__ import annotations

import pendulum
import pytest

from leaddesk.core.desk.dialer import dial_target
from leaddesk.core.domain.caps import Cap, cap_blocks, first_block
from leaddesk.core.domain.errors import CallBlocked, InvalidInput
from leaddesk.core.domain.record import replace
from leaddesk.core.reads.queue.blocked import blocked_by
from leaddesk.core.reads.queue.due import due_page
from leaddesk.core.store.models import Lead, Touch
from leaddesk.core.writes.outcomes import log_outcome, undo_last

FL = "+1 305 555 0142"  # Miami: a Florida-like number (its rule pack caps 3 per 24 h)
NY = "+1 212 555 0188"  # no rule pack caps New York: only the company's cap applies
MON_10 = pendulum.datetime(2026, 11, 23, 10, 0, tz="America/New_York")


def reps(settings):
    return replace(settings, rep_name="dana"), replace(settings, rep_name="sam")


def callable_ids(now, settings):
    return {r.lead_id for r in due_page(now, settings, limit=500) if r.callable}


def test_the_fourth_call_to_a_shared_number_is_refused_whichever_rep(make_lead, settings):
    dana, sam = reps(settings)
    a = make_lead("Ana Alvarez", phone=NY, at=MON_10)
    b = make_lead("Ben Brook", phone=NY, at=MON_10)
    log_outcome(a, "no-answer", MON_10, dana)
    log_outcome(b, "no-answer", MON_10.add(minutes=40), sam)
    third = log_outcome(a, "no-answer", MON_10.add(minutes=80), sam)
    assert [t.calls_24h for t in Touch.select().where(Touch.channel == "call")] == [0, 1, 2]
    # The third call took the number to its cap: both leads wait until it frees.
    free = MON_10.add(hours=24)
    assert third.next_due_at >= free
    assert Lead.get_by_id(b).next_due_at >= free
    assert not callable_ids(MON_10.add(hours=2), dana) & {a, b}
    for rep in (dana, sam):
        with pytest.raises(CallBlocked) as refused:
            log_outcome(b, "no-answer", MON_10.add(hours=2), rep)
        assert str(refused.value) == (
            "Ben Brook: cap: 3 calls to +1 212 555 0188 in 24 h; free Tue 10:00 — not logged"
        )
        assert refused.value.block.reason == "cap"
    with pytest.raises(InvalidInput, match=r"cap: 3 calls .* free Tue 10:00 — not dialled"):
        dial_target(b, MON_10.add(hours=2), dana)
    # 24 h after the first call it is out of the rolling day: two calls count.
    again = log_outcome(b, "no-answer", free, dana)
    assert Touch.get_by_id(again.touch_id).calls_24h == 2


def test_undo_puts_back_the_leads_a_call_held(make_lead, settings):
    dana, _ = reps(settings)
    a = make_lead("Ana Alvarez", phone=FL, at=MON_10)
    b = make_lead("Ben Brook", phone=FL, at=MON_10)
    before = Lead.get_by_id(b).next_due_at
    for minutes in (0, 40, 80):
        log_outcome(a, "no-answer", MON_10.add(minutes=minutes), dana)
    assert Lead.get_by_id(b).next_due_at >= MON_10.add(hours=24)
    undo_last(MON_10.add(minutes=81), dana)
    assert Lead.get_by_id(b).next_due_at == before
    assert b in callable_ids(MON_10.add(minutes=81), dana)


def test_per_lead_scope_counts_only_the_leads_own_calls(make_lead, settings):
    per_lead = replace(settings, rules=replace(settings.rules, cap_scope="lead"))
    a = make_lead("Ana Alvarez", phone=NY, at=MON_10)
    b = make_lead("Ben Brook", phone=NY, at=MON_10)
    for minutes in (0, 40, 80):
        log_outcome(a, "no-answer", MON_10.add(minutes=minutes), per_lead)
    log_outcome(b, "no-answer", MON_10.add(minutes=90), per_lead)  # not a's cap
    with pytest.raises(CallBlocked, match="cap: 3 calls to this lead in 24 h"):
        log_outcome(a, "no-answer", MON_10.add(minutes=200), per_lead)


def test_a_jurisdictions_cap_is_a_parameter_and_named_before_the_companys(make_lead, settings):
    a = make_lead("Ana Alvarez", phone=FL, at=MON_10)
    florida = [Cap("US-FL", 2, 24)]
    log_outcome(a, "no-answer", MON_10, settings)
    log_outcome(a, "no-answer", MON_10.add(minutes=40), settings)
    blocks = blocked_by([a], MON_10.add(hours=1), settings, lambda number: florida)
    assert blocks[a].reason == "US-FL"
    with pytest.raises(CallBlocked, match="US-FL: 2 calls"):
        log_outcome(
            a, "no-answer", MON_10.add(hours=1), settings, jurisdiction_caps=lambda n: florida
        )


def test_several_caps_at_once_name_the_jurisdiction_first():
    calls = [MON_10.add(minutes=m) for m in (0, 30, 60)]
    caps = [Cap("cap", 3), Cap("US-FL", 3)]
    blocks = cap_blocks(FL.replace(" ", ""), calls, [], caps, MON_10.add(hours=1), "UTC")
    assert [b.reason for b in blocks] == ["US-FL", "cap"]
    assert first_block(blocks).reason == "US-FL"
    assert cap_blocks("+13055550142", calls[:2], [], caps, MON_10.add(hours=1), "UTC") == []


def test_the_florida_pack_caps_a_florida_number_with_no_company_cap(make_lead, settings):
    """The shipped US-FL rule (3 per number per 24 h) applies by itself: the queue,
    the log and `due --json`'s reason all name it."""
    from leaddesk.core.reads.queue.blocked import first_reason

    no_cap = replace(settings, rules=replace(settings.rules, max_calls_per_24h=0))
    a = make_lead("Ana Alvarez", phone=FL, at=MON_10)
    b = make_lead("Ben Brook", phone=FL, at=MON_10)
    for lead_id, minutes in ((a, 0), (b, 40), (a, 80)):
        log_outcome(lead_id, "no-answer", MON_10.add(minutes=minutes), no_cap)
    later = MON_10.add(hours=2)
    assert not callable_ids(later, no_cap) & {a, b}
    with pytest.raises(CallBlocked, match=r"^Ben Brook: US-FL: 3 calls to \+1 305 555 0142"):
        log_outcome(b, "no-answer", later, no_cap)
    block = blocked_by([b], later, no_cap)[b]
    assert block.reason == "US-FL"
    assert first_reason("company-hours", block) == "US-FL"
    assert first_reason(None, None) is None
    assert first_reason("US-FL", blocked_by([b], later, settings)[b]) == "US-FL"
