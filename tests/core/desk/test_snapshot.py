"""What the desk reads in one call: counts, the page around the cursor, today's numbers."""

from __future__ import annotations

from leaddesk.core.desk.snapshot import DayCounts, day_counts, desk_snapshot
from leaddesk.core.writes.outcomes import log_outcome

SYDNEY_PHONE = "+61 2 9999 9999"


def test_day_counts_in_the_reps_day(make_lead, settings, now):
    a = make_lead("A")
    b = make_lead("B", phone="+1 415 555 0100")
    yesterday = now.subtract(days=1)
    log_outcome(a, "no-answer", yesterday, settings, outside_hours=True)  # not today
    log_outcome(a, "voicemail", now.subtract(hours=2), settings)
    log_outcome(a, "connected", now.subtract(hours=1), settings)
    log_outcome(b, "appointment", now, settings, next_at=now.add(days=1))
    assert day_counts(now, settings) == DayCounts(dials=3, connects=2, appointments=1)


def test_desk_snapshot(make_lead, settings, now):
    ids = [make_lead(f"Lead {i}", minutes_ago=30 - i) for i in range(5)]
    sydney = make_lead("Sid", phone=SYDNEY_PHONE)
    snap = desk_snapshot(now, settings, offset=2, limit=2)
    assert snap.due_count == 5 and snap.offset == 2
    assert [r.lead_id for r in snap.due] == ids[2:4]
    extras = snap.extras
    assert extras is not None
    assert (extras.later_count, extras.total_leads) == (1, 6)
    assert [r.lead_id for r in extras.later] == [sydney]


def test_the_keystroke_snapshot_reads_only_the_due_page(make_lead, settings, now):
    from playhouse.test_utils import count_queries

    ids = [make_lead(f"Lead {i}", minutes_ago=30 - i) for i in range(5)]
    with count_queries() as light:
        snap = desk_snapshot(now, settings, offset=0, limit=3, full=False)
    with count_queries() as full:
        desk_snapshot(now, settings, offset=0, limit=3)
    assert snap.extras is None
    assert [r.lead_id for r in snap.due] == ids[:3]
    assert light.count < full.count


def test_desk_snapshot_clamps_the_offset(make_lead, settings, now):
    make_lead()
    snap = desk_snapshot(now, settings, offset=99, limit=10)
    assert snap.offset == 0 and len(snap.due) == 1


def test_starting_soon_lists_appointments_within_ten_minutes(make_lead, settings, now):
    from leaddesk.core.desk.snapshot import starting_soon

    soon = make_lead("Soon")
    later = make_lead("Later", phone="+1 415 555 0100")
    callback = make_lead("Callback", phone="+1 312 555 0100")
    log_outcome(soon, "appointment", now.subtract(hours=1), settings, next_at=now.add(minutes=8))
    log_outcome(later, "appointment", now.subtract(hours=1), settings, next_at=now.add(minutes=30))
    log_outcome(callback, "callback", now.subtract(hours=1), settings, next_at=now.add(minutes=5))
    found = starting_soon(now, settings)
    assert [(s.lead_id, s.at) for s in found] == [(soon, now.add(minutes=8))]
    assert found[0].zone == "America/New_York"
    # once it is done it is no longer announced
    log_outcome(soon, "connected", now.add(minutes=8), settings)
    assert starting_soon(now.add(minutes=8), settings) == ()
