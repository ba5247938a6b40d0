"""plan_touch: the one pure function behind log_outcome and the demo's histories."""

from __future__ import annotations

import pendulum
import pytest

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.lead_state import LeadState, new_lead_state
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.touches import plan_touch, schedule_values

SETTINGS = Settings(rep_name="tester", rep_timezone="America/Chicago")
NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")  # 14:00 in New York
NY = ("America/New_York",)


def lead(**changes: object) -> LeadState:
    state = new_lead_state(NOW.subtract(hours=3), has_phone=True)
    return LeadState(**{**state.__dict__, "call_zones": NY, "has_email": True, **changes})


def test_a_call_keeps_the_promises_due_and_leaves_later_ones_open():
    due, later = NOW.subtract(minutes=5), NOW.add(days=2)
    plan = plan_touch(lead(status="engaged"), [False], [due, later], "connected", NOW, SETTINGS)
    assert plan.closed == (0,)
    assert plan.state.next_due_at == later  # the open promise outranks the follow-up
    assert (plan.channel, plan.phone, plan.in_window) == ("call", 0, True)
    assert plan.lead_local == "2026-11-23T14:00:00-05:00"


def test_closing_as_lost_ends_every_promise():
    promises = [NOW.add(days=1), NOW.add(days=3)]
    state = lead(status="working", attempts=9)
    plan = plan_touch(state, [False], promises, "lost", NOW, SETTINGS)
    assert plan.closed == (0, 1)
    assert plan.state.next_due_at is None


def test_a_wrong_number_marks_the_dialled_phone_and_moves_to_the_spare():
    plan = plan_touch(lead(), [True, False, False], [], "wrong-number", NOW, SETTINGS)
    assert (plan.phone, plan.bad_phone) == (1, 1)
    assert plan.state.next_channel == "call"  # phone 2 is still good


def test_refusals_name_the_lead():
    with pytest.raises(InvalidInput, match=r"lead 7 .*do-not-call"):
        plan_touch(lead(do_not_call=True), [False], [], "no-answer", NOW, SETTINGS, who="lead 7")
    with pytest.raises(InvalidInput, match="no good phone"):
        plan_touch(lead(), [True], [], "voicemail", NOW, SETTINGS)
    # mail needs no phone
    assert plan_touch(lead(), [True], [], "email", NOW, SETTINGS).phone is None


def test_the_before_snapshot_is_the_schedule_as_it_was():
    state = lead(attempts=2, status="working", last_touch_at=NOW.subtract(days=1))
    plan = plan_touch(state, [False], [], "no-answer", NOW, SETTINGS)
    assert plan.before == schedule_values(state)
    assert plan.before["last_touch_at"] == round(NOW.subtract(days=1).timestamp() * 1000)
    assert plan.state.attempts == 3 and plan.decision.counted


def test_an_automatic_note_only_when_the_rep_wrote_none():
    state = lead(status="working", attempts=1)
    plan = plan_touch(state, [False], [], "lost", NOW, SETTINGS, confirmed=True)
    assert plan.note.startswith("closed early: after 1 of")
    written = plan_touch(state, [False], [], "lost", NOW, SETTINGS, confirmed=True, note="gone")
    assert written.note == "gone"
