"""`audit_rows` (issue 13, point 7): hand-built histories give exactly the expected rows
and summary on both engines; over random histories logged through `log_outcome`, no
row shows a call outside its window without the override — and the checker catches a
touch written around the write path."""

from __future__ import annotations

import contextlib
import itertools

import pendulum
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.reads.audit import AuditSummary, audit_rows
from leaddesk.core.store.models import Touch
from leaddesk.core.writes.dnc import add_suppression, import_registry
from leaddesk.core.writes.outcomes import log_outcome

FL = ["+1 305 555 0142", "+1 305 555 0143", "+1 305 555 0144"]
E164 = [n.replace(" ", "") for n in FL]


def summary_of(rows) -> AuditSummary:
    s = AuditSummary()
    for row in rows:
        s.add(row)
    return s


def around(lead_id: int, phone: str, at, **fields) -> int:
    """A call touch written around `log_outcome`, as a bad import or script would."""
    return Touch.create(
        lead=lead_id, at=at, channel="call", outcome="no-answer", phone=phone, **fields
    ).id


def test_hand_built_history_gives_the_expected_rows_and_summary(make_lead, settings, now):
    a, b, c = (make_lead(f"Lead {i}", phone=FL[i], at=now) for i in range(3))
    ny = make_lead("Nina York", phone="+1 212 555 0177", at=now)
    log_outcome(a, "no-answer", now, settings)  # in window
    late = pendulum.datetime(2026, 11, 23, 22, 30, tz="America/New_York")
    log_outcome(ny, "no-answer", late, settings, outside_hours=True)  # confirmed outside
    for minute in (1, 2, 3):  # b's number up to the Florida cap of 3 …
        log_outcome(b, "no-answer", now.add(minutes=minute), settings)
    over = around(b, E164[1], now.add(minutes=4), in_window=True, calls_24h=0)  # … and over it
    add_suppression(FL[2], now, settings)
    listed = around(c, E164[2], now.add(minutes=5), in_window=True)
    rows = list(audit_rows(settings))
    assert [(r.lead_id, r.phone) for r in rows] == [
        (a, E164[0]), *[(b, E164[1])] * 3, (b, E164[1]), (c, E164[2]), (ny, "+12125550177"),
    ]  # fmt: skip
    first = rows[0]
    assert first.rules == ["US", "US-FL"] and first.rules_version
    assert first.rep == "tester" and first.lead_local and first.scrub_age_days is None
    assert [r.calls_24h for r in rows[1:5]] == [0, 1, 2, 3]  # recounted: the lie (0) shows
    assert [r.touch_id for r in rows if r.over_cap] == [over]
    assert [r.touch_id for r in rows if r.suppressed] == [listed]
    assert rows[-1].outside_hours and rows[-1].in_window is False
    assert summary_of(rows) == AuditSummary(7, 0, 1, 1)
    assert [r.lead_id for r in audit_rows(settings, since=now.add(minutes=4))] == [b, c, ny]
    assert [r.lead_id for r in audit_rows(settings, until=now.add(minutes=1))] == [a]


def test_scrub_age_is_the_registry_scrub_at_the_time_of_each_call(make_lead, settings, now):
    lead = make_lead("Ana", phone=FL[0], at=now)
    import_registry(["+1 212 555 0100"], now.subtract(days=40), now, settings)
    log_outcome(lead, "no-answer", now, settings)
    (row,) = audit_rows(settings)
    assert row.scrub_age_days == 40 and not row.suppressed


def test_paging_keeps_order_across_page_ends(make_lead, settings, now, monkeypatch):
    monkeypatch.setattr("leaddesk.core.reads.audit.PAGE", 2)
    lead = make_lead("Ana", phone=FL[0], at=now)
    ids = [around(lead, E164[0], now.add(hours=h // 2), in_window=True) for h in range(5)]
    assert [r.touch_id for r in audit_rows(settings)] == ids


def outside_without_override(settings) -> list[int]:
    """The property's checker: audit rows outside the window without the override flag."""
    return [
        r.touch_id for r in audit_rows(settings) if r.in_window is False and not r.outside_hours
    ]


START = pendulum.datetime(2026, 11, 23, 6, 0, tz="America/New_York")  # a Monday, early
WEEKS = itertools.count()


@given(
    ops=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 18 * 60), st.booleans()),
        min_size=1,
        max_size=10,
    )
)
@hsettings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_audit_row_is_outside_its_window_without_the_override(make_lead, settings, ops):
    base = START.add(weeks=next(WEEKS))  # examples share the store; time never runs back
    ids = [make_lead(f"Lead {n}", phone=FL[n], at=base, minutes_ago=0) for n in range(3)]
    at = base
    for who, gap, override in ops:
        at = at.add(minutes=gap)
        # Refused (outside hours unconfirmed, a cap): nothing written.
        with contextlib.suppress(InvalidInput):
            log_outcome(ids[who], "no-answer", at, settings, outside_hours=override)
    assert outside_without_override(settings) == []


def test_the_checker_catches_a_call_outside_hours_written_around_the_write_path(
    make_lead, settings
):
    lead = make_lead("Ana", phone=FL[0], at=START, minutes_ago=0)
    log_outcome(lead, "no-answer", START.add(hours=3), settings)  # 09:00: fine
    assert outside_without_override(settings) == []
    sneaked = around(lead, E164[0], START.add(hours=16), in_window=False)  # 22:00, no flag
    assert outside_without_override(settings) == [sneaked]


def test_a_dial_begun_inside_the_window_and_logged_after_it_closed_is_inside(make_lead, settings):
    lead = make_lead("Ana", phone=FL[0], at=START, minutes_ago=0)
    closes = pendulum.datetime(2026, 11, 23, 20, 0, tz="America/New_York")  # US-FL: 20:00
    dialled = closes.subtract(minutes=1)
    log_outcome(lead, "no-answer", closes.add(minutes=3), settings, dialled_at=dialled)
    (row,) = audit_rows(settings)
    assert (row.in_window, row.outside_hours) == (True, False)
    assert outside_without_override(settings) == []
