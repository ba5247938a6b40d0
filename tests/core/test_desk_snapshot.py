"""What the desk reads in one call: counts, the page around the cursor, today's numbers."""

from __future__ import annotations

from leaddesk.core.desk import DayCounts, day_counts, desk_snapshot
from leaddesk.core.services import log_outcome

SYDNEY_PHONE = "+61 2 9999 9999"


def test_day_counts_in_the_reps_day(make_lead, settings, now):
    a = make_lead("A")
    b = make_lead("B", phone="+1 415 555 0100")
    yesterday = now.subtract(days=1)
    log_outcome(a, "no-answer", yesterday, settings)  # not today
    log_outcome(a, "voicemail", now.subtract(hours=2), settings)
    log_outcome(a, "connected", now.subtract(hours=1), settings)
    log_outcome(b, "appointment", now, settings, next_at=now.add(days=1))
    assert day_counts(now, settings) == DayCounts(dials=3, connects=2, appointments=1)


def test_desk_snapshot(make_lead, settings, now):
    ids = [make_lead(f"Lead {i}", minutes_ago=30 - i) for i in range(5)]
    sydney = make_lead("Sid", phone=SYDNEY_PHONE)
    snap = desk_snapshot(now, settings, offset=2, limit=2, lead_id=ids[3])
    assert (snap.counts.due, snap.counts.later, snap.total_leads) == (5, 1, 6)
    assert snap.offset == 2
    assert [r.lead_id for r in snap.due] == ids[2:4]
    assert [r.lead_id for r in snap.later] == [sydney]
    assert snap.lead is not None and snap.lead.id == ids[3]


def test_desk_snapshot_clamps_the_offset_and_tolerates_a_gone_lead(make_lead, settings, now):
    make_lead()
    snap = desk_snapshot(now, settings, offset=99, limit=10, lead_id=4242)
    assert snap.offset == 0 and len(snap.due) == 1
    assert snap.lead is None
