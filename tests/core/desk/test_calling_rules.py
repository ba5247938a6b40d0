"""The queue, the dial and the log agree on every jurisdiction's window (issue 13),
on SQLite and PostgreSQL: a New York number with a Florida address follows
Florida; the refusal names the rule; a call touch records the rules that allowed it."""

from __future__ import annotations

from datetime import time

import pendulum
import pytest

from leaddesk.core.desk.dialer import dial_target
from leaddesk.core.domain.errors import InvalidInput, OutsideHours
from leaddesk.core.domain.record import replace
from leaddesk.core.reads.leads import lead_view
from leaddesk.core.reads.queue.sections import counts, whole_queue
from leaddesk.core.store.models import Lead, Touch
from leaddesk.core.writes.outcomes import log_outcome

DAY = ((time(8, 0), time(21, 0)),)
NY, FL = "(212) 555-0142", "(305) 555-0142"
BEFORE = pendulum.datetime(2026, 7, 7, 19, 59, tz="America/New_York")  # Tuesday
AFTER = pendulum.datetime(2026, 7, 7, 20, 0, tz="America/New_York")


def _due_now(lead_id: int, now, settings):
    return next(r for r in whole_queue(now, settings, 50) if r.lead_id == lead_id)


@pytest.fixture
def florida_address(make_lead, settings):
    return make_lead("Dana Whitfield", phone=NY, at=BEFORE, region="Florida", country="US")


def test_the_key_holds_the_jurisdictions_and_show_names_them(florida_address, settings):
    lead = Lead.get_by_id(florida_address)
    assert lead.call_zones == "America/New_York|US US-FL US-NY"
    view = lead_view(florida_address, BEFORE, settings)
    assert view.jurisdictions == ("US", "US-FL", "US-NY")
    assert view.rules_text == "US-NY from phone, US-FL from address"


def test_queue_dial_and_log_all_follow_florida(florida_address, settings):
    before = _due_now(florida_address, BEFORE, settings)
    assert before.callable and before.blocked_by is None
    # Florida's window opens tomorrow: tomorrow's work, as the company's window does
    assert florida_address not in [r.lead_id for r in whole_queue(AFTER, settings, 50)]
    assert counts(AFTER, settings).tomorrow == 1
    assert dial_target(florida_address, BEFORE, settings).e164 == "+12125550142"
    with pytest.raises(InvalidInput, match=r"US-FL: calls 08:00–20:00 their time.*not dialled"):
        dial_target(florida_address, AFTER, settings)
    with pytest.raises(OutsideHours, match=r"Dana Whitfield: US-FL: calls 08:00–20:00"):
        log_outcome(florida_address, "no-answer", AFTER, settings)
    assert Touch.select().where(Touch.channel == "call").count() == 0  # nothing written


def test_a_call_touch_records_the_rules_and_the_pack_versions(florida_address, settings):
    log_outcome(florida_address, "no-answer", BEFORE, settings)
    touch = Touch.get(Touch.channel == "call")
    assert (touch.rules, touch.rules_version) == ("US,US-FL", "us@2026.12.1,ca@2026.12.1")
    note = log_outcome(florida_address, "email", BEFORE.add(minutes=1), settings)
    assert note is not None
    email = Touch.get(Touch.channel == "email")
    assert (email.rules, email.rules_version) == ("", "")


def test_the_next_call_is_planned_inside_the_strictest_window(make_lead, settings):
    # a voicemail at 19:00 in Florida; the next step is an hour later, at 20:00 —
    # Florida's window is shut then, so the call waits for tomorrow 08:00.
    at = pendulum.datetime(2026, 7, 7, 19, 0, tz="America/New_York")
    lead_id = make_lead("Rachel Brooks", phone=FL, at=at, minutes_ago=1)
    log_outcome(lead_id, "voicemail", at, settings)
    due = Lead.get_by_id(lead_id).next_due_at.in_timezone("America/New_York")
    assert (due.hour, due.minute) >= (8, 0) and due.hour < 20
    assert due.date() == pendulum.date(2026, 7, 8)


def test_a_window_opening_later_today_is_later_and_names_its_rule(make_lead, settings):
    # Sunday 11:00 in Dallas (the rep is in Chicago): Texas opens at noon
    sunday = pendulum.datetime(2026, 7, 12, 11, 0, tz="America/Chicago")
    lead_id = make_lead("Tex Ritter", phone="(214) 555-0142", at=sunday)
    # a company that calls on Sundays too (the default closes them)
    settings = replace(settings, calling_hours={**settings.calling_hours, "sun": DAY})
    row = _due_now(lead_id, sunday, settings)
    assert (row.section, row.callable, row.blocked_by) == ("later", False, "US-TX")
    assert row.opens_at == pendulum.datetime(2026, 7, 12, 12, 0, tz="America/Chicago")
    noon = _due_now(lead_id, sunday.add(hours=1), settings)
    assert (noon.section, noon.callable, noon.blocked_by) == ("due", True, None)
