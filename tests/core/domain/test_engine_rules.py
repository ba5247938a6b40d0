"""The engine's later rules: public holidays, closing as lost (the give-up guard),
clearing do-not-call, do-not-mail, moving between cadences, and the shift's trace.

Pure rules first (fixed instants, no store), then the same through the services.
"""

from __future__ import annotations

import contextlib

import pytest
from core_helpers import NY, fresh, local, world

from leaddesk.core.domain.errors import InvalidInput, NeedsConfirmation, NothingToUndo
from leaddesk.core.domain.holidays import holiday_name, zone_country
from leaddesk.core.domain.hours import blocked_by
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.rules import plan_outcome
from leaddesk.core.domain.settings import Cadence, CadenceStep, Settings
from leaddesk.core.domain.tiers import TIER_CADENCE, TIER_NEW, TIER_NURTURE
from leaddesk.core.domain.windows import (
    add_business_days,
    closing_holiday,
    next_open,
    window_open,
)
from leaddesk.core.reads.queue.rows import places_of, zones_of
from leaddesk.core.store.models import Appointment, Lead, Touch
from leaddesk.core.writes.outcomes import log_outcome, undo_last
from leaddesk.core.writes.shift import shift_schedule

BASE = Settings(rep_name="tester", rep_timezone="America/Chicago")
OBSERVING = replace(BASE, holidays=("US", "GB", "AU"))
LONDON = ("Europe/London",)
SYDNEY = ("Australia/Sydney",)
TORONTO = ("America/Toronto",)


# --- public holidays ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("America/New_York", "US"),
        ("America/Los_Angeles", "US"),
        ("Europe/London", "GB"),
        ("Australia/Sydney", "AU"),
        ("America/Toronto", "CA"),
        ("UTC", None),
    ],
)
def test_the_country_of_a_zone(zone, country):
    assert zone_country(zone) == country


# (zones, local wall clock in the first zone, settings, open?)
HOLIDAY_WINDOWS = [
    (NY, (2026, 11, 26, 12, 0), OBSERVING, False),  # Thanksgiving, observed
    (NY, (2026, 11, 26, 12, 0), BASE, True),  # …not observed: an ordinary Thursday
    (NY, (2026, 11, 27, 12, 0), OBSERVING, True),  # the Friday after is no public holiday
    (TORONTO, (2026, 11, 26, 12, 0), OBSERVING, True),  # US Thanksgiving is not Canada's
    (LONDON, (2026, 12, 28, 12, 0), OBSERVING, False),  # Boxing Day (observed, a Monday)
    (LONDON, (2026, 11, 26, 12, 0), OBSERVING, True),
    (SYDNEY, (2027, 1, 26, 12, 0), OBSERVING, False),  # Australia Day
    (SYDNEY, (2027, 1, 26, 12, 0), replace(BASE, holidays=("US",)), True),  # AU not observed
]


@pytest.mark.parametrize(("zones", "wall", "settings", "is_open"), HOLIDAY_WINDOWS)
def test_observed_holidays_close_the_window(zones, wall, settings, is_open):
    at = local(zones[0], *wall)
    assert window_open(at, zones, settings) is is_open
    assert (closing_holiday(at, zones, settings) is None) is is_open


# (zones, from local, expected local)
HOLIDAY_NEXT_OPEN = [
    # Wednesday evening before Thanksgiving: Friday morning, not Thursday
    (NY, (2026, 11, 25, 21, 0), (2026, 11, 27, 8, 0)),
    # Christmas Eve evening in London: Christmas, Boxing Day (Sat), Sunday, Boxing Day
    # observed (Mon 28) are all closed — Tuesday the 29th at 08:00
    (LONDON, (2026, 12, 24, 21, 0), (2026, 12, 29, 8, 0)),
    # New Year's Eve evening in Sydney: New Year's Day closed, Saturday open
    (SYDNEY, (2026, 12, 31, 21, 0), (2027, 1, 2, 8, 0)),
    # the US Thanksgiving does not hold back an Ontario number
    (TORONTO, (2026, 11, 25, 21, 0), (2026, 11, 26, 8, 0)),
]


@pytest.mark.parametrize(("zones", "start", "expected"), HOLIDAY_NEXT_OPEN)
def test_next_open_skips_observed_holidays(zones, start, expected):
    got = next_open(local(zones[0], *start), zones, OBSERVING)
    assert got == local(zones[0], *expected)


def test_a_call_is_never_placed_on_a_holiday():
    # no answer on Wednesday 20:55 before Thanksgiving: the +1 h step lands on Friday
    lead = replace(fresh(local("America/New_York", 2026, 11, 25, 20, 0)), status="working")
    d = plan_outcome(lead, "no-answer", local("America/New_York", 2026, 11, 25, 20, 55), OBSERVING)
    assert d.state.next_due_at == local("America/New_York", 2026, 11, 27, 8, 0)


def test_business_days_skip_observed_holidays():
    wednesday = local("America/New_York", 2026, 11, 25, 10, 0)
    assert add_business_days(wednesday, 2, "America/New_York") == local(
        "America/New_York", 2026, 11, 27, 10, 0
    )
    assert add_business_days(wednesday, 2, "America/New_York", ("US",)) == local(
        "America/New_York", 2026, 11, 30, 10, 0
    )
    # connected on that Wednesday: the follow-up in 2 business days is Monday
    d = plan_outcome(fresh(wednesday), "connected", wednesday, OBSERVING)
    assert d.state.next_due_at == local("America/New_York", 2026, 11, 30, 10, 0)


def test_holiday_name_only_for_observed_countries():
    from datetime import date

    assert holiday_name(date(2026, 7, 4), "America/Chicago", ("US",)) == "Independence Day"
    assert holiday_name(date(2026, 7, 4), "America/Chicago", ("GB",)) is None
    assert holiday_name(date(2026, 7, 4), "America/Chicago", ()) is None


# --- closing as lost: the give-up guard ---------------------------------------------

MON = local("America/New_York", 2026, 11, 23, 14, 0)


def attempted(n: int):
    return replace(fresh(MON.subtract(days=20)), status="working", attempts=n, cadence_step=n)


@pytest.mark.parametrize("attempts", [0, 1, 2, 7])
def test_closing_early_asks_for_confirmation(attempts):
    with pytest.raises(NeedsConfirmation, match=f"only {attempts} of 8 attempts"):
        plan_outcome(attempted(attempts), "lost", MON, BASE)


@pytest.mark.parametrize(("attempts", "early"), [(2, True), (7, True), (8, False), (12, False)])
def test_closing_as_lost_leaves_every_queue(attempts, early):
    d = plan_outcome(attempted(attempts), "lost", MON, BASE, confirmed=True)
    s = d.state
    assert (s.status, s.priority, s.next_due_at, s.closed_early) == ("lost", None, None, early)


def test_no_confirmation_needed_after_enough_attempts():
    assert plan_outcome(attempted(8), "lost", MON, BASE).state.status == "lost"


def test_the_guard_threshold_is_a_rule():
    strict = replace(BASE, rules=replace(BASE.rules, min_attempts_before_lost=3))
    assert plan_outcome(attempted(3), "lost", MON, strict).state.closed_early is False
    with pytest.raises(NeedsConfirmation, match="only 2 of 3"):
        plan_outcome(attempted(2), "lost", MON, strict)


def test_a_lost_lead_cannot_be_closed_twice_nor_given_a_next_time():
    lost = plan_outcome(attempted(9), "lost", MON, BASE).state
    with pytest.raises(InvalidInput, match="already closed"):
        plan_outcome(lost, "lost", MON, BASE, confirmed=True)
    with pytest.raises(InvalidInput, match="no next contact"):
        plan_outcome(attempted(9), "lost", MON, BASE, next_at=MON.add(days=1))


# --- do not call, cleared by hand; do not mail --------------------------------------


def test_clearing_dnc_brings_back_a_lead_that_had_left_every_queue():
    dnc = plan_outcome(attempted(3), "dnc", MON, BASE).state  # no email, no address
    assert dnc.next_due_at is None
    late = local("America/New_York", 2026, 11, 23, 22, 0)
    cleared = plan_outcome(dnc, "dnc-clear", late, BASE).state
    assert (cleared.do_not_call, cleared.dnc_at) == (False, None)
    # a call at the next open instant of the lead's window
    assert cleared.next_due_at == local("America/New_York", 2026, 11, 24, 8, 0)
    # DNC with no mail channel had run the cadence out: the lead is nurtured, by phone
    assert (cleared.status, cleared.next_channel, cleared.priority) == (
        "nurture",
        "call",
        TIER_NURTURE,
    )


def test_clearing_dnc_keeps_a_mail_step_already_scheduled():
    dnc = plan_outcome(replace(attempted(2), has_email=True), "dnc", MON, BASE).state
    assert dnc.next_channel == "email"
    cleared = plan_outcome(dnc, "dnc-clear", MON.add(minutes=5), BASE).state
    assert (cleared.next_due_at, cleared.next_channel) == (dnc.next_due_at, "email")


def test_only_a_set_flag_can_be_cleared():
    with pytest.raises(InvalidInput, match="not on do-not-call"):
        plan_outcome(attempted(2), "dnc-clear", MON, BASE)
    with pytest.raises(InvalidInput, match="not on do-not-mail"):
        plan_outcome(attempted(2), "dnm-clear", MON, BASE)
    on = plan_outcome(attempted(2), "dnm", MON, BASE).state
    with pytest.raises(InvalidInput, match="already on do-not-mail"):
        plan_outcome(on, "dnm", MON, BASE)


def test_do_not_mail_skips_the_mail_step_that_was_due():
    # step 3 (index 3) of the default cadence is "2d email"
    lead = replace(attempted(3), has_email=True, cadence_step=3, next_channel="email")
    d = plan_outcome(lead, "dnm", MON, BASE).state
    assert (d.do_not_mail, d.dnm_at) == (True, MON)
    assert d.next_channel == "call" and d.cadence_step == 4


def test_do_not_mail_and_do_not_call_leave_no_channel():
    lead = replace(attempted(3), has_email=True, has_address=True)
    dnc = plan_outcome(lead, "dnc", MON, BASE).state
    assert dnc.next_channel in ("email", "letter")
    both = plan_outcome(dnc, "dnm", MON.add(minutes=1), BASE).state
    assert both.next_due_at is None and both.priority is None


def test_clearing_do_not_mail_resumes_mail_for_a_dnc_lead():
    lead = replace(attempted(3), has_email=True)
    both = plan_outcome(plan_outcome(lead, "dnc", MON, BASE).state, "dnm", MON, BASE).state
    back = plan_outcome(both, "dnm-clear", MON.add(hours=1), BASE).state
    assert (back.do_not_mail, back.next_channel, back.next_due_at) == (
        False,
        "email",
        MON.add(hours=1),
    )


# --- moving between cadences ------------------------------------------------------

SHORT = Cadence("short", (CadenceStep(0, "call"), CadenceStep(2 * 1440, "email")))
TWO = replace(BASE, cadences={**BASE.cadences, "short": SHORT})


def test_moving_a_nurtured_lead_restarts_it_on_the_new_cadence():
    nurtured = replace(attempted(10), status="nurture", cadence_step=10, has_email=True)
    s = plan_outcome(nurtured, "cadence", MON, TWO, cadence="short").state
    assert (s.cadence, s.cadence_step, s.status, s.cadence_started_at) == (
        "short",
        0,
        "working",
        MON,
    )
    assert (s.next_due_at, s.next_channel, s.priority) == (MON, "call", TIER_CADENCE)
    # the next step is counted from the move
    after = plan_outcome(s, "no-answer", MON.add(minutes=5), TWO).state
    assert (after.next_channel, after.next_due_at) == ("email", MON.add(days=2))


def test_a_never_touched_lead_moved_stays_a_new_lead():
    s = plan_outcome(fresh(MON), "cadence", MON, TWO, cadence="short").state
    assert (s.status, s.priority, s.cadence) == ("new", TIER_NEW, "short")


def test_moving_to_an_unknown_cadence_names_the_known_ones():
    with pytest.raises(InvalidInput, match="no cadence named 'nope'; defined: new-lead, short"):
        plan_outcome(fresh(MON), "cadence", MON, TWO, cadence="nope")


def test_a_cadence_move_respects_the_calling_window():
    night = local("America/New_York", 2026, 11, 23, 23, 0)
    s = plan_outcome(attempted(3), "cadence", night, TWO, cadence="short").state
    assert s.next_due_at == local("America/New_York", 2026, 11, 24, 8, 0)


# --- through the store ------------------------------------------------------------


def test_closing_a_lead_ends_its_promises_and_undo_reopens_them(make_lead, settings, now):
    lead_id = make_lead()
    log_outcome(lead_id, "callback", now, settings, next_at=now.add(days=2))
    before = world(lead_id)
    with pytest.raises(NeedsConfirmation):
        log_outcome(lead_id, "lost", now.add(minutes=5), settings)
    assert world(lead_id) == before, "a refused close writes nothing"
    log_outcome(lead_id, "lost", now.add(minutes=5), settings, confirmed=True)
    lead = Lead.get_by_id(lead_id)
    assert (lead.status, lead.closed_early, lead.priority) == ("lost", True, None)
    assert all(a.done for a in Appointment.select().where(Appointment.lead == lead_id))
    touch = Touch.select().where(Touch.lead == lead_id).order_by(Touch.id.desc()).get()
    assert (touch.channel, touch.outcome, touch.note) == (
        "system",
        "lost",
        "closed early: after 1 of 8 attempts",
    )
    undo_last(now.add(minutes=6), settings)
    assert world(lead_id) == before


def test_a_cadence_move_is_written_in_the_history(make_lead, now):
    settings = replace(TWO, rep_timezone="America/Chicago")
    lead_id = make_lead()
    log_outcome(lead_id, "cadence", now, settings, cadence="short")
    touch = Touch.select().where(Touch.lead == lead_id).order_by(Touch.id.desc()).get()
    assert (touch.outcome, touch.note) == ("cadence", "moved to cadence short")
    assert Lead.get_by_id(lead_id).cadence == "short"


def test_new_leads_start_on_the_configured_default_cadence(store, now):
    from leaddesk.core.domain.validate import LeadDraft
    from leaddesk.core.writes.leads import add_lead

    settings = replace(TWO, default_cadence="short")
    lead_id = add_lead(LeadDraft(name="Dana", phones=[("+1 212 555 0142", "")]), now, settings)
    assert Lead.get_by_id(lead_id).cadence == "short"


def test_a_shift_leaves_a_trace_and_undo_stops_at_it(make_lead, settings, now):
    a = make_lead("A")
    log_outcome(a, "no-answer", now, settings)  # due again in an hour
    due_before = Lead.get_by_id(a).next_due_at
    result = shift_schedule(2, now.add(minutes=1), settings)
    assert result.moved == 1
    touch = Touch.select().where(Touch.lead == a).order_by(Touch.id.desc()).get()
    assert (touch.channel, touch.outcome, touch.note) == (
        "system",
        "shifted",
        "schedule shifted 2 business days",
    )
    assert touch.scheduled_due_at == Lead.get_by_id(a).next_due_at > due_before
    with pytest.raises(NothingToUndo, match="schedule shift"):
        undo_last(now.add(minutes=2), settings)
    # later work is undoable again, back to (not behind) the shift
    log_outcome(a, "email", now.add(minutes=3), settings)
    undo_last(now.add(minutes=4), settings)
    assert Lead.get_by_id(a).next_due_at == touch.scheduled_due_at


def test_holidays_hold_a_lead_back_in_the_store(make_lead, now):
    settings = replace(OBSERVING, rep_timezone="America/Chicago")
    thanksgiving = local("America/New_York", 2026, 11, 26, 11, 0)
    lead_id = make_lead(at=thanksgiving, minutes_ago=0)
    from leaddesk.core.reads.leads import lead_view
    from leaddesk.core.reads.queue.due import due_page
    from leaddesk.core.reads.queue.later import later_rows
    from leaddesk.core.reads.queue.sections import counts

    assert due_page(thanksgiving, settings) == []
    # the window opens on Friday: tomorrow's work, not LATER TODAY
    assert later_rows(thanksgiving, settings) == []
    assert counts(thanksgiving, settings).tomorrow == 1
    view = lead_view(lead_id, thanksgiving, settings)
    assert (view.window_open, view.holiday) == (False, "Thanksgiving Day")
    assert view.window_opens_at == local("America/New_York", 2026, 11, 27, 8, 0)


def test_dnc_lead_is_never_offered_for_a_call_after_dnm_clear(make_lead, settings, now):
    lead_id = make_lead(email="d@x.com")
    log_outcome(lead_id, "dnc", now, settings)
    log_outcome(lead_id, "dnm", now.add(minutes=1), settings)
    log_outcome(lead_id, "dnm-clear", now.add(minutes=2), settings)
    lead = Lead.get_by_id(lead_id)
    assert lead.do_not_call and lead.next_channel == "email"


# --- the queue always follows the tiers (property) -------------------------------

TIER_RANK = {"promise": 0, "new": 1, "cadence": 2, "nurture": 3}
PHONES = ["+1 212 555 0142", "+1 213 555 0100", "+44 20 7946 0018", "+61 2 9374 4000"]
OUTCOME_NAMES = ["no-answer", "voicemail", "busy", "connected", "callback", "appointment",
                 "not-interested", "dnc", "wrong-number", "won", "email", "lost"]  # fmt: skip


def _check_queue_order(rows, now, settings):
    from leaddesk.core.reads.queue.where import new_lead_cut

    ranks = [TIER_RANK[r.tier] for r in rows]
    assert ranks == sorted(ranks), "tiers out of order"
    cut = new_lead_cut(now, settings)
    for tier in TIER_RANK:
        due = [r.due_at for r in rows if r.tier == tier]
        if tier == "new":
            fresh_ones = [d for d in due if d >= cut]
            older = [d for d in due if d < cut]
            assert due == sorted(fresh_ones) + sorted(older), "new leads: inside the hour first"
        else:
            assert due == sorted(due), f"{tier}: most overdue first"


@pytest.mark.parametrize("seed", range(3))
def test_queue_order_checker_can_fail(seed):
    from leaddesk.core.reads.queue.rows import QueueRow

    def row(tier, minutes):
        return QueueRow(1, "x", "", tier, "due", MON.add(minutes=minutes), "call", True, "",
                        0, 0, 10, "new", None, None, "", "UTC")  # fmt: skip

    bad = [[row("cadence", 0), row("new", 0)], [row("cadence", 5), row("cadence", 1)],
           [row("nurture", 0), row("promise", 0)]][seed]  # fmt: skip
    with pytest.raises(AssertionError):
        _check_queue_order(bad, MON, BASE)


from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hsettings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(
    leads=st.lists(
        st.tuples(
            st.sampled_from(PHONES),
            st.integers(0, 60 * 24 * 40),  # received this many minutes before "now"
            st.lists(st.sampled_from(OUTCOME_NAMES), max_size=4),
        ),
        min_size=1,
        max_size=12,
    ),
    hour=st.integers(0, 23),
)
@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_queue_always_follows_the_tiers(tmp_path_factory, leads, hour):
    from leaddesk.core.domain.validate import LeadDraft
    from leaddesk.core.reads.queue.due import due_page
    from leaddesk.core.reads.queue.later import later_rows
    from leaddesk.core.store.schema import close_store, open_store
    from leaddesk.core.writes.leads import add_lead

    settings = replace(OBSERVING, rep_timezone="America/Chicago")
    now = local("America/Chicago", 2026, 11, 23, hour, 0).in_timezone("UTC")
    open_store(str(tmp_path_factory.mktemp("q") / "q.db"))
    try:
        for i, (phone, age, outcomes) in enumerate(leads):
            received = now.subtract(minutes=age)
            draft = LeadDraft(name=f"L{i}", phones=[(phone, "")], email=f"l{i}@x.com",
                              received_at=received)  # fmt: skip
            lead_id = add_lead(draft, received, settings)
            at = received
            for name in outcomes:
                at = min(at.add(minutes=45), now)
                extra = {"next_at": at.add(days=1)} if name in ("callback", "appointment") else {}
                # refused: a call to a DNC lead, a wrong number with no phone left, …
                with contextlib.suppress(InvalidInput):
                    log_outcome(lead_id, name, at, settings, confirmed=True, **extra)
        rows = due_page(now, settings, limit=500)
        _check_queue_order(rows, now, settings)
        for row in rows + later_rows(now, settings, limit=500):
            lead = Lead.get_by_id(row.lead_id)
            assert lead.status not in ("lost", "bad")
            if lead.do_not_call:
                assert row.channel != "call" and not row.callable
            if lead.status == "won":
                # the check-in, or a promise made before the sale (kept: it is a commitment)
                check_in = row.tier == "nurture" and row.reason.startswith("customer check-in")
                assert check_in or row.tier == "promise"
            if row.callable:
                # every applicable window: the company's and each jurisdiction's (issue 13)
                key = lead.call_zones
                assert blocked_by(now, zones_of(key), places_of(key), settings) is None
    finally:
        close_store()
