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
from leaddesk.core.domain.record import replace
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


# --- loose ends of issue 13: caps per lead record, rules' dates, do-not-call requests ---


def test_a_cap_counted_per_lead_record_flags_the_lead_whatever_number_it_rang(
    make_lead, settings, now
):
    per_lead = replace(settings, rules=replace(settings.rules, cap_scope="lead"))
    lead = make_lead("Nina York", phone="+1 212 555 0170", at=now)
    numbers = [f"+121255501{n}" for n in range(70, 74)]  # one number per call: no number cap
    ids = [
        around(lead, number, now.add(minutes=m), in_window=True, rules="US")
        for m, number in enumerate(numbers)
    ]
    rows = list(audit_rows(per_lead))
    assert [r.lead_calls_24h for r in rows] == [0, 1, 2, 3]
    assert [r.touch_id for r in rows if r.over_cap] == [ids[3]]  # the company's 3 per lead
    assert not any(r.over_cap for r in audit_rows(settings))  # counted per number: none


def test_a_rule_counts_its_cap_only_while_in_force(make_lead, settings):
    """US-FL's 3 calls per number starts 2021-07-01 (rulepacks/us.toml)."""
    no_company_cap = replace(settings, rules=replace(settings.rules, max_calls_per_24h=0))
    lead = make_lead("Ana Alvarez", phone=FL[0], at=pendulum.datetime(2021, 6, 1, 14, tz="UTC"))
    for start in (pendulum.datetime(2021, 6, 1, 14), pendulum.datetime(2021, 7, 2, 14)):
        for minute in range(4):
            at = start.add(minutes=minute)
            around(lead, E164[0], at, in_window=True, rules="US,US-FL")
    flagged = [r.at.date().isoformat() for r in audit_rows(no_company_cap) if r.over_cap]
    assert flagged == ["2021-07-02"]


def test_a_do_not_call_request_after_hours_is_no_call_outside_the_window(make_lead, settings, now):
    lead = make_lead("Nina York", phone="+1 212 555 0177", at=now)
    log_outcome(lead, "no-answer", now, settings)
    late = pendulum.datetime(2026, 11, 23, 23, 30, tz="America/New_York")
    log_outcome(lead, "dnc", late, settings)  # asked by letter, logged at night
    rows = list(audit_rows(settings))
    assert [r.outcome for r in rows] == ["no-answer"]
    assert summary_of(rows) == AuditSummary(1, 0, 0, 0)
