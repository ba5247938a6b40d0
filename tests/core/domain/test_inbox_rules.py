"""What a message read from the inbox does to a lead's schedule (rules.plan_outcome):
replied, bounced, unsubscribed."""

from __future__ import annotations

from core_helpers import fresh, local

from leaddesk.core.domain.record import replace
from leaddesk.core.domain.rules import plan_outcome
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_PROMISE

SETTINGS = Settings(rep_name="tester", rep_timezone="America/Chicago")
NOW = local("America/New_York", 2026, 11, 23, 14, 0).in_timezone("UTC")


def emailable(**changes):
    values = {"has_email": True, "status": "working", **changes}
    return replace(fresh(NOW.subtract(days=3)), **values)


def test_a_reply_is_a_promise_due_now_and_the_lead_is_engaged():
    d = plan_outcome(emailable(attempts=3, next_due_at=NOW.add(days=2)), "replied", NOW, SETTINGS)
    assert d.promise == ("reply", NOW)
    assert (d.state.status, d.state.next_due_at, d.state.next_channel) == ("engaged", NOW, "call")
    assert d.state.priority == TIER_PROMISE
    assert not d.counted and d.state.attempts == 3, "inbound mail is no attempt"


def test_a_reply_from_a_do_not_call_lead_is_answered_by_email():
    d = plan_outcome(emailable(do_not_call=True), "replied", NOW, SETTINGS)
    assert d.state.next_channel == "email" and d.state.priority == TIER_PROMISE


def test_a_reply_keeps_an_earlier_promise_first():
    overdue = NOW.subtract(hours=1)
    state = emailable(open_promise_at=overdue, next_due_at=overdue, status="appointment")
    d = plan_outcome(state, "replied", NOW, SETTINGS)
    assert d.state.next_due_at == overdue and d.state.status == "appointment"


def test_a_bounce_marks_the_address_and_skips_the_due_email_step():
    state = emailable(cadence_step=2, cadence_started_at=NOW.subtract(days=2), next_channel="email",
                      next_due_at=NOW)  # fmt: skip
    d = plan_outcome(state, "bounced", NOW, SETTINGS)
    assert d.state.email_bad and not d.state.has_email
    assert d.state.next_channel == "call" and d.state.cadence_step > 2


def test_an_unsubscribe_sets_do_not_mail_even_when_set_already():
    d = plan_outcome(emailable(), "unsubscribed", NOW, SETTINGS)
    assert d.state.do_not_mail and d.state.dnm_at == NOW
    again = plan_outcome(d.state, "unsubscribed", NOW.add(hours=1), SETTINGS)
    assert again.state.do_not_mail and again.state.dnm_at == NOW
