"""log_outcome decides the calling-hours policy for desk and CLI alike (issue 11
point 5): refused outside the window unless confirmed, then marked and shown."""

from __future__ import annotations

import pendulum
import pytest
from core_helpers import world

from leaddesk.core.domain.errors import OutsideHours
from leaddesk.core.reads.leads import lead_view
from leaddesk.core.store.models import Touch
from leaddesk.core.writes.outcomes import log_outcome, undo_last

NIGHT = pendulum.datetime(2026, 11, 23, 21, 14, tz="America/New_York").in_timezone("UTC")


def test_a_call_outside_the_window_is_refused_and_nothing_is_written(make_lead, settings, now):
    lead_id = make_lead(at=now)
    before = world(lead_id)
    with pytest.raises(OutsideHours, match="21:14 their time, opens Tue 08:00") as refused:
        log_outcome(lead_id, "no-answer", NIGHT, settings)
    assert refused.value.opens_at == pendulum.datetime(2026, 11, 24, 13, 0, tz="UTC")
    assert world(lead_id) == before


def test_confirmed_it_is_logged_marked_and_shown(make_lead, settings, now):
    lead_id = make_lead(at=now)
    result = log_outcome(lead_id, "no-answer", NIGHT, settings, outside_hours=True)
    assert result.outside_hours is True
    assert result.summary.startswith("no answer · outside hours (confirmed) · ")
    touch = Touch.get_by_id(result.touch_id)
    assert (touch.outside_hours, touch.in_window) == (True, False)
    shown = lead_view(lead_id, NIGHT, settings).touches[0]
    assert shown.outside_hours is True
    assert shown.outcome_text == "no answer · outside hours (confirmed)"


def test_a_call_inside_the_window_is_not_marked(make_lead, settings, now):
    lead_id = make_lead(at=now)
    result = log_outcome(lead_id, "no-answer", now, settings, outside_hours=True)
    assert result.outside_hours is False
    assert Touch.get_by_id(result.touch_id).outside_hours is False
    assert lead_view(lead_id, now, settings).touches[0].outcome_text == "no answer"


def test_a_dial_that_began_inside_is_logged_after_the_window_closes(make_lead, settings, now):
    lead_id = make_lead(at=now)
    dialled = NIGHT.subtract(minutes=16)  # 20:58 there
    result = log_outcome(lead_id, "connected", NIGHT, settings, dialled_at=dialled)
    assert Touch.get_by_id(result.touch_id).outside_hours is False


def test_mail_and_decisions_are_never_refused(make_lead, settings, now):
    lead_id = make_lead(at=now, email="dana@whitfield.example")
    for name in ("email", "dnm", "dnc"):
        result = log_outcome(lead_id, name, NIGHT, settings)
        assert result.outside_hours is False


def test_undo_of_a_confirmed_call_is_exact(make_lead, settings, now):
    lead_id = make_lead(at=now)
    log_outcome(lead_id, "voicemail", now, settings)
    before = world(lead_id)
    log_outcome(lead_id, "no-answer", NIGHT, settings, outside_hours=True)
    undone = undo_last(NIGHT.add(minutes=1), settings)
    assert undone.outcome == "no-answer"
    assert world(lead_id) == before
