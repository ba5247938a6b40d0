"""The writers: add_lead validates and writes nothing on bad input; log_outcome
applies the rules in one transaction; undo_last puts back exactly what was there."""

from __future__ import annotations

from datetime import time

import pendulum
import pytest
from core_helpers import lead_columns, world
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from leaddesk.core.domain.errors import InvalidInput, NotFound, NothingToUndo
from leaddesk.core.domain.lead_state import LIST_OUTCOMES, OUTCOMES
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_NEW, TIER_PROMISE
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.queue.due import due_page
from leaddesk.core.reads.queue.later import later_rows
from leaddesk.core.reads.queue.rows import zones_of
from leaddesk.core.store.models import Appointment, Lead, Phone, Rep, Touch, ZoneSet
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome, undo_last


def table_counts() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in (Lead, Phone, Touch, Appointment, ZoneSet)}


# --- add_lead ------------------------------------------------------------------


def test_add_lead_normalises_and_is_due_at_once(store, settings, now):
    lead_id = add_lead(
        LeadDraft(
            name="  Dana Whitfield ",
            phones=[("(212) 555-0142", "mobile")],
            email=" Dana@Whitfield-Roofing.COM ",
            company="Whitfield Roofing",
            source="trade show",
            interest="metal roof",
        ),
        now,
        settings,
    )
    lead = Lead.get_by_id(lead_id)
    assert (lead.name, lead.company, lead.email) == (
        "Dana Whitfield",
        "Whitfield Roofing",
        "dana@whitfield-roofing.com",
    )
    assert (lead.timezone, lead.timezone_source, lead.call_zones) == (
        "America/New_York",
        "phone",
        "America/New_York|US US-NY",  # the zone, then the jurisdictions (issue 13)
    )
    assert lead.country == "US"
    assert (lead.status, lead.attempts, lead.no_count) == ("new", 0, 0)
    assert (lead.received_at, lead.next_due_at, lead.next_channel) == (now, now, "call")
    assert lead.priority == TIER_NEW and lead.tier == "new"
    assert not lead.do_not_call and not lead.do_not_mail
    (phone,) = lead.phones
    assert (phone.e164, phone.raw, phone.label, phone.bad) == (
        "+12125550142",
        "(212) 555-0142",
        "mobile",
        False,
    )
    (touch,) = lead.touches
    assert (touch.channel, touch.outcome, touch.note, touch.at) == (
        "system",
        "received",
        "received (trade show)",
        now,
    )
    assert ZoneSet.get_or_none(ZoneSet.key == "America/New_York|US US-NY") is not None


def test_add_lead_keeps_the_received_time(store, settings, now):
    received = now.subtract(hours=3)
    lead_id = add_lead(
        LeadDraft(name="Ravi", phones=[("+1 312 555 0177", "")], received_at=received),
        now,
        settings,
    )
    lead = Lead.get_by_id(lead_id)
    assert lead.received_at == received and lead.next_due_at == received
    assert lead.created_at == now


def test_a_zone_set_by_hand_wins_over_the_phone(store, settings, now):
    lead_id = add_lead(
        LeadDraft(name="Sam", phones=[("+1 212 555 0142", "")], tz_override="Europe/London"),
        now,
        settings,
    )
    lead = Lead.get_by_id(lead_id)
    assert (lead.timezone, lead.timezone_source, lead.call_zones) == (
        "Europe/London",
        "manual",
        "Europe/London|US US-NY",  # a zone set by hand leaves the phone's rules in force
    )


def test_a_multi_zone_number_keeps_every_zone(store, settings, now):
    lead = Lead.get_by_id(
        add_lead(LeadDraft(name="Al", phones=[("907 555 0100", "")]), now, settings)
    )
    assert set(zones_of(lead.call_zones)) == {"America/Adak", "America/Anchorage"}


def test_without_a_phone_the_lead_starts_by_email_then_letter(store, settings, now):
    by_email = Lead.get_by_id(add_lead(LeadDraft(name="E", email="e@x.com"), now, settings))
    assert (by_email.next_channel, by_email.next_due_at) == ("email", now)
    assert (by_email.timezone, by_email.timezone_source) == ("", "rep")
    by_letter = Lead.get_by_id(add_lead(LeadDraft(name="L", address="1 Main St"), now, settings))
    assert by_letter.next_channel == "letter"
    nothing = Lead.get_by_id(add_lead(LeadDraft(name="", company="Acme"), now, settings))
    assert nothing.name == "Acme"
    assert nothing.next_due_at is None and nothing.priority is None


def test_several_phones_keep_their_order(store, settings, now):
    lead_id = add_lead(
        LeadDraft(name="P", phones=[("212 555 0142", "work"), ("", ""), ("415 555 0100", "cell")]),
        now,
        settings,
    )
    phones = list(Phone.select().where(Phone.lead == lead_id).order_by(Phone.position))
    assert [(p.position, p.e164, p.label) for p in phones] == [
        (0, "+12125550142", "work"),
        (1, "+14155550100", "cell"),
    ]


LONG = "x" * 5000


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (LeadDraft(name=""), "needs a name"),
        (LeadDraft(name="   ", company=" "), "needs a name"),
        (LeadDraft(name="A", phones=[("12", "")]), "wrong number of digits"),
        (LeadDraft(name="A", phones=[("+1 212 555 0142", ""), ("call me", "work")]), "work"),
        (LeadDraft(name="A", phones=[("9" * 70, "")]), "too long"),
        (LeadDraft(name="A", email="nope"), "not an email address"),
        (LeadDraft(name="A", email="a@b"), "not an email address"),
        (LeadDraft(name="A", email="a b@c.com"), "not an email address"),
        (LeadDraft(name="A", email="x" * 250 + "@b.com"), "email is too long"),
        (LeadDraft(name="A", tz_override="Mars/Olympus_Mons"), "not an IANA zone"),
        (LeadDraft(name="x" * 201), "name is too long"),
        (LeadDraft(name="A", notes="x" * 20_001), "notes is too long"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_drafts_raise_and_write_nothing(store, settings, now, draft, message):
    before = table_counts()
    with pytest.raises(InvalidInput, match=message):
        add_lead(draft, now, settings)
    assert table_counts() == before


@pytest.mark.parametrize(
    "field",
    [
        "company",
        "title",
        "address",
        "city",
        "region",
        "postcode",
        "country",
        "source",
        "interest",
        "tags",
    ],
)
def test_every_text_field_is_bounded(store, settings, now, field):
    before = table_counts()
    with pytest.raises(InvalidInput, match=f"{field} is too long"):
        add_lead(LeadDraft(name="A", **{field: LONG}), now, settings)
    assert table_counts() == before


# --- log_outcome -----------------------------------------------------------------


def test_log_outcome_writes_the_touch_and_the_schedule(make_lead, settings, now):
    lead_id = make_lead()
    result = log_outcome(lead_id, "no-answer", now, settings, note="rang 8 times", duration_s=40)
    lead = Lead.get_by_id(lead_id)
    assert (lead.status, lead.attempts, lead.cadence_step) == ("working", 1, 1)
    assert (lead.next_due_at, lead.next_channel) == (now.add(hours=1), "call")
    assert lead.last_touch_at == now and lead.updated_at == now
    touch = Touch.get_by_id(result.touch_id)
    assert (touch.channel, touch.outcome, touch.note, touch.duration_s) == (
        "call",
        "no-answer",
        "rang 8 times",
        40,
    )
    # the compliance trail: who, which number, the lead's local time, inside the window
    assert touch.phone == "+12125550142"
    assert touch.lead_local == "2026-11-23T14:00:00-05:00"
    assert touch.in_window is True and touch.counted is True
    assert Rep.get_by_id(touch.rep_id).name == "tester"
    assert (touch.scheduled_due_at, touch.scheduled_channel) == (now.add(hours=1), "call")
    assert (result.lead_id, result.outcome, result.status, result.lead_zone) == (
        lead_id,
        "no-answer",
        "working",
        "America/New_York",
    )
    assert result.summary == "no answer · next: call 15:00 their time (14:00 yours)"


def test_a_call_outside_the_window_is_recorded_as_such(make_lead, settings, now):
    lead_id = make_lead()
    late = now.add(hours=8)  # 22:00 in New York
    result = log_outcome(lead_id, "no-answer", late, settings, outside_hours=True)
    touch = Touch.get_by_id(result.touch_id)
    assert (touch.in_window, touch.outside_hours) == (False, True)
    assert touch.lead_local.startswith("2026-11-23T22:00:00")


def test_mail_touches_have_no_window_and_no_number(make_lead, settings, now):
    lead_id = make_lead(email="d@x.com")
    touch = Touch.get_by_id(log_outcome(lead_id, "email", now, settings).touch_id)
    assert (touch.channel, touch.phone, touch.in_window) == ("email", "", None)


def test_unknown_lead_is_not_found_and_nothing_is_written(store, settings, now):
    before = table_counts()
    with pytest.raises(NotFound, match="no lead with id 999"):
        log_outcome(999, "no-answer", now, settings)
    assert table_counts() == before


def test_unknown_outcome_is_invalid(make_lead, settings, now):
    lead_id = make_lead()
    before = world(lead_id)
    with pytest.raises(InvalidInput, match="unknown outcome"):
        log_outcome(lead_id, "hung-up", now, settings)
    assert world(lead_id) == before


def test_a_too_long_note_is_refused(make_lead, settings, now):
    lead_id = make_lead()
    with pytest.raises(InvalidInput, match="note is too long"):
        log_outcome(lead_id, "no-answer", now, settings, note="x" * 20_001)
    assert Touch.select().where(Touch.lead == lead_id).count() == 1


CALL_OUTCOMES = sorted(n for n, o in OUTCOMES.items() if o.channel == "call")


@pytest.mark.parametrize("name", CALL_OUTCOMES)
def test_call_outcomes_are_refused_on_a_dnc_lead(make_lead, settings, now, name):
    lead_id = make_lead(email="d@x.com")
    log_outcome(lead_id, "dnc", now, settings)
    before = world(lead_id)
    with pytest.raises(InvalidInput, match="do-not-call"):
        log_outcome(lead_id, name, now.add(hours=1), settings, next_at=now.add(days=1))
    assert world(lead_id) == before


def test_mail_goes_on_after_dnc(make_lead, settings, now):
    lead_id = make_lead(email="d@x.com")
    log_outcome(lead_id, "dnc", now, settings)
    lead = Lead.get_by_id(lead_id)
    assert lead.do_not_call and lead.next_channel == "email"
    result = log_outcome(lead_id, "email", lead.next_due_at, settings)
    assert result.next_channel in ("email", "letter")
    assert Lead.get_by_id(lead_id).next_channel != "call"


def test_calls_are_refused_when_every_number_is_bad(make_lead, settings, now):
    lead_id = make_lead(email="d@x.com")
    log_outcome(lead_id, "wrong-number", now, settings)
    with pytest.raises(InvalidInput, match="no good phone"):
        log_outcome(lead_id, "no-answer", now, settings)


def test_wrong_number_marks_the_dialled_phone_and_moves_to_the_spare(make_lead, settings, now):
    lead_id = make_lead(phones=["+1 212 555 0142", "+1 212 555 0199"])
    first = log_outcome(lead_id, "wrong-number", now, settings)
    assert Touch.get_by_id(first.touch_id).phone == "+12125550142"
    bad = {p.e164: p.bad for p in Phone.select().where(Phone.lead == lead_id)}
    assert bad == {"+12125550142": True, "+12125550199": False}
    second = log_outcome(lead_id, "no-answer", now.add(minutes=1), settings)
    assert Touch.get_by_id(second.touch_id).phone == "+12125550199"


def test_callback_creates_a_promise_that_leads_the_queue(make_lead, settings, now):
    lead_id = make_lead()
    at = now.add(days=2)
    log_outcome(lead_id, "callback", now, settings, next_at=at, note="after lunch")
    (promise,) = Appointment.select().where(Appointment.lead == lead_id)
    assert (promise.kind, promise.at, promise.done, promise.note) == (
        "callback",
        at,
        False,
        "after lunch",
    )
    lead = Lead.get_by_id(lead_id)
    assert (lead.next_due_at, lead.priority) == (at, TIER_PROMISE)


@pytest.mark.parametrize("kind", ["callback", "appointment"])
def test_a_promise_outside_the_window_is_kept_with_a_warning(make_lead, settings, now, kind):
    lead_id = make_lead()  # New York
    late = pendulum.datetime(2026, 11, 24, 22, 30, tz="America/New_York")
    result = log_outcome(lead_id, kind, now, settings, next_at=late)
    assert Appointment.get(Appointment.lead == lead_id).at == late
    assert result.warning == (
        "⚠ Tue 22:30 their time is outside their calling hours (the window opens Wed 08:00)"
    )
    assert result.summary.endswith(result.warning)
    inside = log_outcome(lead_id, kind, now.add(minutes=1), settings, next_at=now.add(days=1))
    assert inside.warning == "" and "⚠" not in inside.summary


def test_a_promise_outside_the_leads_jurisdiction_window_is_warned_about(make_lead, settings, now):
    """Florida allows calls 08:00-20:00 (US-FL), the company's hours 08:00-21:00."""
    lead_id = make_lead("Ana Alvarez", phone="+1 305 555 0142")
    evening = pendulum.datetime(2026, 11, 24, 20, 30, tz="America/New_York")
    result = log_outcome(lead_id, "callback", now, settings, next_at=evening)
    assert result.warning == (
        "⚠ Tue 20:30 their time is outside their calling hours (the window opens Wed 08:00)"
    )


def test_a_due_promise_is_closed_by_a_call_and_reopened_by_undo(make_lead, settings, now):
    lead_id = make_lead()
    log_outcome(lead_id, "callback", now.subtract(hours=3), settings, next_at=now)
    (promise,) = Appointment.select().where(Appointment.lead == lead_id)
    assert not promise.done
    before = world(lead_id)

    log_outcome(lead_id, "connected", now.add(minutes=5), settings)
    closed = Appointment.get_by_id(promise.id)
    assert closed.done and closed.done_at == now.add(minutes=5)
    assert Lead.get_by_id(lead_id).priority != TIER_PROMISE

    undo_last(now.add(minutes=6), settings)
    reopened = Appointment.get_by_id(promise.id)
    assert not reopened.done and reopened.done_at is None
    assert world(lead_id) == before
    assert Lead.get_by_id(lead_id).priority == TIER_PROMISE


def test_a_later_promise_stays_open_after_a_call(make_lead, settings, now):
    lead_id = make_lead()
    appt = now.add(days=3)
    log_outcome(lead_id, "appointment", now, settings, next_at=appt)
    log_outcome(lead_id, "no-answer", now.add(days=1), settings)  # an unrelated call
    (promise,) = Appointment.select().where(Appointment.lead == lead_id)
    assert not promise.done
    lead = Lead.get_by_id(lead_id)
    # retried the next business day, which is still before the appointment
    assert lead.next_due_at == now.add(days=2) and lead.next_due_at < appt
    # the next miss would fall after the appointment: the appointment comes first
    log_outcome(lead_id, "no-answer", lead.next_due_at, settings)
    lead = Lead.get_by_id(lead_id)
    assert (lead.next_due_at, lead.priority) == (appt, TIER_PROMISE)


# --- undo ---------------------------------------------------------------------------


def test_nothing_to_undo_on_a_fresh_store(make_lead, settings, now):
    make_lead()  # "received" is not an undoable touch
    with pytest.raises(NothingToUndo):
        undo_last(now, settings)


@pytest.mark.parametrize("name", sorted(set(OUTCOMES) - set(LIST_OUTCOMES)))
def test_undo_restores_everything_exactly(make_lead, settings, now, name):
    """A lead mid-cadence with two phones, mail channels and a promise due now."""
    lead_id = make_lead(
        phones=["+1 212 555 0142", "+1 212 555 0199"], email="d@x.com", address="1 Main St"
    )
    log_outcome(lead_id, "no-answer", now.subtract(hours=4), settings)
    log_outcome(lead_id, "callback", now.subtract(hours=3), settings, next_at=now)
    if name in ("dnc-clear", "dnm-clear"):  # only a flag that is set can be cleared
        log_outcome(lead_id, name.removesuffix("-clear"), now.subtract(hours=2), settings)
    before = world(lead_id)

    at = now.add(minutes=2)
    extra = {
        "lost": {"confirmed": True},
        "cadence": {"cadence": "new-lead", "next_at": now.add(days=4)},
    }.get(name, {"next_at": now.add(days=4)})
    result = log_outcome(lead_id, name, at, settings, **extra)
    after = world(lead_id)
    assert after != before
    assert len(after["touches"]) == len(before["touches"]) + 1

    undone = undo_last(now.add(minutes=3), settings)
    assert (undone.lead_id, undone.outcome) == (lead_id, name)
    assert world(lead_id) == before
    assert Touch.get_or_none(Touch.id == result.touch_id) is None
    # the lead is back where it was: the same outcome gives the same result again
    again = log_outcome(lead_id, name, at, settings, **extra)
    assert (again.next_due_at, again.next_channel, again.status) == (
        result.next_due_at,
        result.next_channel,
        result.status,
    )


def test_undo_three_in_a_row_then_nothing(make_lead, settings, now):
    a = make_lead("A", phones=["+1 212 555 0142", "+1 212 555 0199"], email="a@x.com")
    b = make_lead("B", phone="+1 415 555 0100")
    snapshots = []
    steps = [
        (a, "wrong-number", None),
        (b, "appointment", now.add(days=2)),
        (a, "dnc", None),
    ]
    for i, (lead_id, name, next_at) in enumerate(steps):
        snapshots.append((world(a), world(b)))
        log_outcome(lead_id, name, now.add(minutes=i), settings, next_at=next_at)
    for i, (lead_id, name, _) in reversed(list(enumerate(steps))):
        result = undo_last(now.add(hours=1), settings)
        assert (result.lead_id, result.outcome) == (lead_id, name)
        assert (world(a), world(b)) == snapshots[i]
    with pytest.raises(NothingToUndo, match="nothing to undo"):
        undo_last(now.add(hours=1), settings)


def test_undo_marks_the_lead_updated_now(make_lead, settings, now):
    lead_id = make_lead()
    log_outcome(lead_id, "no-answer", now, settings)
    undo_last(now.add(minutes=7), settings)
    assert Lead.get_by_id(lead_id).updated_at == now.add(minutes=7)


# --- random histories through the real store -----------------------------------

NAMES = sorted(set(OUTCOMES) - set(LIST_OUTCOMES))  # list touches: undo stops at them


@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(NAMES),
            st.integers(0, 60 * 24 * 20),
            st.one_of(st.none(), st.integers(60, 60 * 24 * 30)),
        ),
        min_size=1,
        max_size=8,
    ),
    phones=st.integers(1, 2),
    email=st.booleans(),
)
@hsettings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_random_histories_keep_the_invariants_and_undo_to_the_start(
    make_lead, settings, now, steps, phones, email
):
    numbers = ["+1 212 555 0142", "+1 212 555 0199"][:phones]
    lead_id = make_lead(phones=numbers, email="d@x.com" if email else "")
    start = world(lead_id)
    history = [start]
    at = now
    for name, gap, offset in steps:
        at = at.add(minutes=gap)
        needs = OUTCOMES[name].needs_time
        next_at = at.add(minutes=offset or 24 * 60) if (needs or offset) else None
        extra = {"confirmed": True} if name == "lost" else {}
        if name == "cadence":
            extra = {"cadence": "new-lead"}
        try:
            # Random instants fall at night too: confirmed, the mark is undone with the rest.
            log_outcome(
                lead_id, name, at, settings, next_at=None if name == "lost" else next_at,
                outside_hours=True, **extra,
            )  # fmt: skip
        except InvalidInput as exc:
            refusals = ("do-not-call", "no good phone", "do-not-mail", "already closed", "cap: ")
            assert any(text in str(exc) for text in refusals), exc
            continue
        lead = Lead.get_by_id(lead_id)
        if lead.do_not_call:
            assert lead.next_channel != "call"
        for row in due_page(at, settings, limit=500) + later_rows(at, settings, limit=500):
            if row.lead_id == lead_id and lead.do_not_call:
                assert row.channel != "call" and not row.callable
        history.append(world(lead_id))
    # undo everything, checking every intermediate state on the way back
    for expected in reversed(history[:-1]):
        undo_last(at, settings)
        assert world(lead_id) == expected
    assert lead_columns(lead_id) == start["lead"]


def test_log_outcome_result_times_are_utc(make_lead, settings, now):
    lead_id = make_lead()
    result = log_outcome(lead_id, "connected", pendulum.instance(now), settings)
    assert result.next_due_at.timezone_name == "UTC"
    assert result.status == "engaged"


# --- attempt caps read the real touches -----------------------------------------


def test_the_attempt_cap_counts_the_leads_logged_calls(make_lead, settings):
    # Counted per lead record (`cap_scope = "lead"`); per number: tests/core/writes/test_caps.py
    settings = replace(settings, rules=replace(settings.rules, cap_scope="lead"))
    morning = pendulum.datetime(2026, 11, 23, 8, 0, tz="America/New_York")
    lead = make_lead(phones=["+1 212 555 0142", "+1 212 555 0199"], at=morning)
    other = make_lead("Other", at=morning)
    for minutes in (0, 30, 60):  # calls to another lead do not count
        log_outcome(other, "busy", morning.add(minutes=minutes), settings)
    log_outcome(lead, "busy", morning, settings)
    # a wrong number rang someone else: not counted, the spare phone is due at once
    wrong = log_outcome(lead, "wrong-number", morning.add(minutes=40), settings)
    assert wrong.next_due_at == morning.add(minutes=40)
    second = log_outcome(lead, "busy", morning.add(minutes=60), settings)
    assert second.next_due_at == morning.add(minutes=90)
    third = log_outcome(lead, "busy", morning.add(minutes=90), settings)
    assert third.next_due_at == morning.add(days=1)  # 24 h after the first call
    assert lead_columns(lead)["next_due_at"] == morning.add(days=1)
    undo_last(morning.add(minutes=91), settings)
    undo_last(morning.add(minutes=91), settings)
    again = log_outcome(lead, "busy", morning.add(minutes=90), settings)
    assert again.next_due_at == morning.add(minutes=120), "undone calls no longer count"


def test_the_attempt_cap_forgets_calls_older_than_a_day(make_lead, settings):
    morning = pendulum.datetime(2026, 11, 23, 8, 0, tz="America/New_York")
    lead = make_lead(at=morning)
    log_outcome(lead, "busy", morning, settings)
    log_outcome(lead, "busy", morning.add(hours=12), settings)
    # the first call was exactly 24 h ago: out of the rolling day
    next_day = log_outcome(lead, "busy", morning.add(hours=24), settings)
    assert next_day.next_due_at == morning.add(hours=24, minutes=30)
    # the last two are in it: with this one, the next waits until 24 h after the second
    fourth = log_outcome(lead, "busy", morning.add(hours=24, minutes=30), settings)
    assert fourth.next_due_at == morning.add(hours=36)


@pytest.mark.sqlite_only  # EXPLAIN QUERY PLAN; PostgreSQL plans: test_postgresql.py
def test_recent_calls_is_one_index_range_scan(make_lead, store, now):
    from leaddesk.core.reads.leads import recent_calls, recent_calls_query

    lead = make_lead()
    log_outcome(lead, "busy", now.subtract(hours=25), Settings(rep_name="t"), outside_hours=True)
    log_outcome(
        lead, "no-answer", now.subtract(hours=2), Settings(rep_name="t"), outside_hours=True
    )
    log_outcome(lead, "email", now.subtract(hours=1), Settings(rep_name="t"))
    assert recent_calls(lead, now) == (now.subtract(hours=2),)
    sql, params = recent_calls_query(lead, now).sql()
    plan = " ".join(row[-1] for row in store.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "touch_lead_id_at_channel_outcome" in plan and "SCAN" not in plan, plan


# --- vacation shift --------------------------------------------------------------


def test_shift_moves_future_due_times_by_business_days(make_lead, settings, now):
    from leaddesk.core.writes.shift import shift_schedule

    ny = "America/New_York"
    # Monday 14:00 NY: a no-answer makes the +1 h step due today 15:00
    later = make_lead("Later today")
    log_outcome(later, "no-answer", now, settings)
    friday = make_lead("Friday")
    log_outcome(
        friday, "no-answer", now, settings, next_at=pendulum.datetime(2026, 11, 27, 10, tz=ny)
    )
    overdue = make_lead("Overdue new lead", minutes_ago=30)  # due in the past: not moved
    promised = make_lead("Promised")
    log_outcome(promised, "callback", now, settings, next_at=now.add(days=1))
    before_overdue, before_promised = lead_columns(overdue), world(promised)

    result = shift_schedule(3, now, settings)
    assert (result.moved, result.days, result.kept) == (2, 3, 1)
    # Monday 15:00 + 3 business days = Thursday 15:00; Friday 10:00 -> Wednesday 10:00
    assert Lead.get_by_id(later).next_due_at == pendulum.datetime(2026, 11, 26, 15, tz=ny)
    assert Lead.get_by_id(friday).next_due_at == pendulum.datetime(2026, 12, 2, 10, tz=ny)
    assert lead_columns(overdue) == before_overdue
    assert world(promised) == before_promised, "promises are kept as given"
    assert Touch.select().where(Touch.outcome == "shift").count() == 0


def test_shift_moves_calls_into_the_window(make_lead, settings, now):
    from leaddesk.core.writes.shift import shift_schedule

    ny = "America/New_York"
    lead = make_lead()
    # typed: Friday 20:30 NY; one business day later is Monday 20:30, still open
    log_outcome(
        lead, "no-answer", now, settings, next_at=pendulum.datetime(2026, 11, 27, 20, 30, tz=ny)
    )
    tight = replace(
        settings, calling_hours={**settings.calling_hours, "mon": ((time(8), time(17)),)}
    )
    shift_schedule(1, now, tight)
    assert Lead.get_by_id(lead).next_due_at == pendulum.datetime(2026, 12, 1, 8, 0, tz=ny)


def test_shift_keeps_the_local_wall_clock_across_dst(make_lead, settings):
    from leaddesk.core.writes.shift import shift_schedule

    ny = "America/New_York"
    now = pendulum.datetime(2027, 3, 10, 12, tz=ny)  # Wednesday, still EST
    lead = make_lead(at=now)
    log_outcome(lead, "no-answer", now, settings, next_at=pendulum.datetime(2027, 3, 12, 9, tz=ny))
    assert shift_schedule(1, now, settings).moved == 1
    moved = Lead.get_by_id(lead).next_due_at
    # Friday 09:00 EST -> Monday 09:00 EDT (clocks went forward on Sunday 2027-03-14)
    assert moved == pendulum.datetime(2027, 3, 15, 9, tz=ny)
    assert moved.in_timezone(ny).utcoffset().total_seconds() == -4 * 3600


def test_each_shifted_lead_restores_exactly_from_its_own_touch(make_lead, settings, now):
    """Set-based, the shift still writes one undo record per lead: restoring each
    lead's shift touch puts that lead back exactly, whatever the others share."""
    import json

    from leaddesk.core.store.db import atomic_write
    from leaddesk.core.writes.outcomes import _restore
    from leaddesk.core.writes.shift import shift_schedule

    ny, la = "America/New_York", "America/Los_Angeles"
    same = pendulum.datetime(2026, 11, 27, 10, tz=ny)  # two leads share one instant
    leads = []
    for n, (phone, at) in enumerate(
        [
            ("+1 212 555 0150", same),
            ("+1 212 555 0151", same),
            ("+1 213 555 0152", same),  # same instant, another zone: another answer
            ("+1 213 555 0153", pendulum.datetime(2026, 11, 30, 16, tz=la)),
        ]
    ):
        lead = make_lead(f"Lead {n}", phone)
        log_outcome(lead, "no-answer", now, settings, next_at=at)
        leads.append(lead)
    before = {lead: world(lead) for lead in leads}
    assert shift_schedule(2, now, settings).moved == 4
    after = {lead: Lead.get_by_id(lead).next_due_at for lead in leads}
    assert after[leads[0]] == after[leads[1]] == pendulum.datetime(2026, 12, 1, 10, tz=ny)
    # the same instant is 07:00 in Los Angeles: moved, then into its window at 08:00
    assert after[leads[2]] == pendulum.datetime(2026, 12, 1, 8, tz=la)
    assert after[leads[3]] == pendulum.datetime(2026, 12, 2, 16, tz=la)
    for lead in leads:
        (touch,) = Touch.select().where((Touch.lead == lead) & (Touch.outcome == "shifted"))
        assert touch.scheduled_due_at == after[lead] and touch.channel == "system"
        assert (
            touch.rep.name == settings.rep_name and touch.note == "schedule shifted 2 business days"
        )
        assert json.loads(touch.before) == {
            "lead": {"next_due_at": int(before[lead]["lead"]["next_due_at"].timestamp() * 1000)}
        }
    for lead in reversed(leads):
        (touch,) = Touch.select().where((Touch.lead == lead) & (Touch.outcome == "shifted"))
        atomic_write(lambda touch=touch: _restore(touch, now))
        assert world(lead) == before[lead]


def test_shift_refuses_zero_days(store, settings, now):
    from leaddesk.core.writes.shift import shift_schedule

    with pytest.raises(InvalidInput, match="business day"):
        shift_schedule(0, now, settings)
