"""The calling-hours policy for logging a call (issue 11 point 5), as a pure
function at fixed instants; the default window is 08:00-21:00, closed Sunday."""

from __future__ import annotations

import pendulum
import pytest

from leaddesk.core.domain.errors import OutsideHours
from leaddesk.core.domain.hours import check_calling_hours, governed, touch_text
from leaddesk.core.domain.lead_state import OUTCOMES
from leaddesk.core.domain.settings import Settings

NY = ("America/New_York",)
SETTINGS = Settings(rep_name="tester", rep_timezone="America/Chicago")


def ny(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="America/New_York").in_timezone("UTC")


def check(at, *, dialled_at=None, confirmed=False, outcome="no-answer", zones=NY) -> bool:
    return check_calling_hours(
        outcome, "Dana Whitfield", zones, at, SETTINGS, dialled_at=dialled_at, confirmed=confirmed
    )


@pytest.mark.parametrize(
    ("at", "dialled_at"),
    [
        (ny(2026, 11, 23, 14, 0), None),  # Monday afternoon
        (ny(2026, 11, 23, 8, 0), None),  # the window's first minute
        (ny(2026, 11, 23, 21, 3), ny(2026, 11, 23, 20, 58)),  # dialled inside, logged after
        (ny(2026, 11, 24, 3, 0), ny(2026, 11, 23, 20, 59)),  # logged the next night
        (ny(2026, 10, 26, 8, 30), None),  # 12:30 UTC, daylight time: 08:30 there
    ],
)
def test_a_call_that_began_inside_the_window_is_in_window(at, dialled_at):
    assert check(at, dialled_at=dialled_at) is False


@pytest.mark.parametrize(
    ("at", "dialled_at", "says"),
    [
        (ny(2026, 11, 23, 21, 14), None, "21:14 their time, opens Tue 08:00"),
        (ny(2026, 11, 23, 21, 0), None, "21:00 their time, opens Tue 08:00"),  # end exclusive
        (ny(2026, 11, 23, 7, 59), None, "07:59 their time, opens Mon 08:00"),
        (ny(2026, 11, 29, 12, 0), None, "12:00 their time, opens Mon 08:00"),  # Sunday
        (ny(2026, 11, 23, 8, 2), ny(2026, 11, 23, 7, 55), "dialled at 07:55 their time"),
        # The same 12:30 UTC after the clocks went back is 07:30 there: outside.
        (ny(2026, 11, 2, 7, 30), None, "07:30 their time, opens Mon 08:00"),
        # Saturday night before the change opens Monday 08:00 standard time.
        (ny(2026, 10, 31, 21, 30), None, "21:30 their time, opens Mon 08:00"),
    ],
)
def test_a_call_outside_the_window_is_refused_with_why_and_when(at, dialled_at, says):
    with pytest.raises(OutsideHours) as refused:
        check(at, dialled_at=dialled_at)
    message = str(refused.value)
    assert message.startswith("Dana Whitfield: outside calling hours — ")
    assert says in message
    assert refused.value.zone == "America/New_York"
    opens = refused.value.opens_at
    assert opens > (dialled_at or at)
    assert opens.in_timezone("America/New_York").format("HH:mm") == "08:00"


def test_the_opening_across_the_dst_change_is_eight_local_not_utc():
    with pytest.raises(OutsideHours) as refused:
        check(ny(2026, 10, 31, 21, 30))
    # Monday 2 November, 08:00 EST = 13:00 UTC (it was 12:00 UTC a week before).
    assert refused.value.opens_at == pendulum.datetime(2026, 11, 2, 13, 0, tz="UTC")


def test_confirming_logs_it_and_asks_for_the_mark():
    assert check(ny(2026, 11, 23, 21, 14), confirmed=True) is True
    assert check(ny(2026, 11, 23, 14, 0), confirmed=True) is False  # nothing to mark


@pytest.mark.parametrize("outcome", ["email", "letter", "lost", "dnc", "dnm", "dnc-clear"])
def test_outcomes_that_are_not_a_call_are_never_refused(outcome):
    assert check(ny(2026, 11, 24, 3, 0), outcome=outcome) is False


def test_every_call_outcome_but_dnc_is_governed():
    calls = {n for n, o in OUTCOMES.items() if o.channel == "call"}
    assert {n for n in OUTCOMES if governed(n)} == calls - {"dnc"}


def test_a_lead_without_zones_uses_the_reps():
    chicago_evening = pendulum.datetime(2026, 11, 23, 20, 30, tz="America/Chicago")
    assert check(chicago_evening, zones=()) is False  # 21:30 in New York, 20:30 for the rep
    with pytest.raises(OutsideHours, match="21:30 their time"):
        check(chicago_evening.add(hours=1), zones=())


def test_the_history_names_a_marked_touch():
    assert touch_text("no answer", True) == "no answer · outside hours (confirmed)"
    assert touch_text("no answer", False) == "no answer"
