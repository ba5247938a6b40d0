"""Demo data: realistic, reproducible, and exactly what the real services would write.

Demo histories and `log_outcome` share one pure function (`domain.touches.plan_touch`);
the check that they stay one replays a sample of demo histories — every status,
kept promises, bad numbers, do-not-call — through `writes.leads.add_lead` and
`writes.outcomes.log_outcome` in a second database and compares the rows.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from leaddesk.core import demo
from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.lead_state import LeadState
from leaddesk.core.domain.phones import parse_phone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tiers import TIER_NEW, TIER_PROMISE
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.domain.windows import window_open
from leaddesk.core.reads.queue.rows import places_of, zones_of
from leaddesk.core.reads.queue.sections import whole_queue
from leaddesk.core.store.db import database, from_ms
from leaddesk.core.store.models import Appointment, Lead, Phone, Touch, ZoneSet
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome, undo_last

# Monday 19:00 UTC: 14:00 in New York, every US calling window open.
DEMO_NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
DEMO_SETTINGS = Settings(rep_name="demo-rep", rep_timezone="America/Chicago")
SEED = 20261123
COUNT = 300

LEAD_STATE_COLUMNS = (
    *LeadState.SCHEDULE_FIELDS,
    "timezone",
    "timezone_source",
    "call_zones",
    "received_at",
    "tz_override",
)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    open_store(str(path))
    try:
        assert fill_demo(COUNT, DEMO_NOW, DEMO_SETTINGS, seed=SEED) == COUNT
    finally:
        close_store()
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path) -> Iterator[Path]:
    """A private copy of the filled store, opened (tests may write to it)."""
    path = tmp_path / "copy.db"
    shutil.copy(demo_file, path)
    open_store(str(path))
    yield path
    close_store()


def _columns(lead_id: int) -> dict:
    lead = Lead.get_by_id(lead_id)
    return {name: getattr(lead, name) for name in LEAD_STATE_COLUMNS}


def _dump(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            for table in ("lead", "phone", "touch", "appointment", "zone_set", "rep")
        }


# --- shape of the data ---------------------------------------------------------


def test_every_lead_has_its_received_touch(demo_db):
    assert Lead.select().count() == COUNT
    received = {t.lead_id: t for t in Touch.select().where(Touch.outcome == "received")}
    assert len(received) == COUNT
    for lead in Lead.select():
        touch = received[lead.id]
        assert touch.at == lead.received_at
        assert touch.channel == "system"
        assert touch.note == f"received ({lead.source})"
        first = Touch.select().where(Touch.lead == lead).order_by(Touch.id).first()
        assert first.id == touch.id, "the received touch comes first"
        last = Touch.select().where(Touch.lead == lead).order_by(Touch.at.desc()).first()
        assert last.at <= DEMO_NOW
        assert lead.updated_at == last.at


def test_fresh_leads_wait_untouched(demo_db):
    hour_ago = DEMO_NOW.subtract(hours=1)
    fresh = list(
        Lead.select().where((Lead.received_at >= hour_ago) & (Lead.received_at <= DEMO_NOW))
    )
    assert len(fresh) >= 3
    for lead in fresh:
        assert (lead.status, lead.attempts, lead.priority) == ("new", 0, TIER_NEW)
        assert lead.next_due_at == lead.received_at
        assert Touch.select().where(Touch.lead == lead).count() == 1
    earlier_today = Lead.select().where(
        (Lead.status == "new") & (Lead.attempts == 0) & (Lead.received_at < hour_ago)
    )
    assert earlier_today.count() >= 2


def test_statuses_and_histories_are_varied(demo_db):
    statuses = Counter(lead.status for lead in Lead.select())
    for status in ("new", "working", "engaged", "nurture", "won", "bad"):
        assert statuses[status] >= 1, statuses
    assert Lead.select().where(Lead.do_not_call == True).count() >= 2  # noqa: E712
    assert Lead.select().where(Lead.no_count >= 1).count() >= 2
    mid = Lead.select().where((Lead.status == "working") & Lead.attempts.between(2, 8))
    assert mid.count() >= 10
    # DNC leads keep getting mail: an email or letter logged after the DNC
    dnc_then_mail = 0
    for lead in Lead.select().where(Lead.do_not_call == True):  # noqa: E712
        after = Touch.select().where(
            (Touch.lead == lead) & (Touch.at > lead.dnc_at) & Touch.channel.in_(["email", "letter"])
        )
        assert (
            not Touch.select()
            .where((Touch.lead == lead) & (Touch.at > lead.dnc_at) & (Touch.channel == "call"))
            .exists()
        )
        dnc_then_mail += after.exists()
    assert dnc_then_mail >= 1
    outcomes = Counter(t.outcome for t in Touch.select())
    for name in ("no-answer", "voicemail", "gatekeeper", "busy", "connected", "email"):
        assert outcomes[name] >= 1, outcomes
    touches = Touch.select().count()
    assert 5 * COUNT <= touches <= 20 * COUNT


def test_calls_are_logged_inside_calling_hours(demo_db):
    calls = list(Touch.select().where(Touch.channel == "call"))
    inside = sum(bool(t.in_window) for t in calls)
    assert inside / len(calls) > 0.97
    for t in calls[:200]:
        key = t.lead.call_zones
        rules = DEMO_SETTINGS.compliance.book.for_places(places_of(key))
        assert t.in_window == window_open(t.at, zones_of(key), DEMO_SETTINGS, rules=rules)
        assert t.phone.startswith("+")


def test_overdue_callbacks_rank_first(demo_db):
    overdue = list(
        Appointment.select().where(
            (Appointment.kind == "callback")
            & (Appointment.done == False)  # noqa: E712
            & (Appointment.at < DEMO_NOW)
        )
    )
    assert len(overdue) >= 2
    for promise in overdue:
        lead = promise.lead
        assert lead.priority == TIER_PROMISE
        assert lead.next_due_at == promise.at
        assert DEMO_NOW.subtract(days=2) < promise.at
    rows = whole_queue(DEMO_NOW, DEMO_SETTINGS, 30)
    tiers = [r.tier for r in rows]
    promised = tiers.count("promise")
    assert promised >= 2
    assert tiers[:promised] == ["promise"] * promised, tiers
    ids = {p.lead_id for p in overdue}
    callable_now = {r.lead_id for r in rows if r.lead_id in ids and r.callable}
    assert callable_now, "at DEMO_NOW the US callbacks can be called"
    assert callable_now <= {r.lead_id for r in rows[:promised]}


def test_appointments_later_today(demo_db):
    end = DEMO_NOW.in_timezone(DEMO_SETTINGS.rep_timezone).end_of("day")
    later = Appointment.select().where(
        (Appointment.kind == "appointment")
        & (Appointment.done == False)  # noqa: E712
        & (Appointment.at > DEMO_NOW)
        & (Appointment.at <= end)
    )
    assert later.count() >= 1
    for promise in later:
        assert promise.lead.status == "appointment"
        assert promise.lead.priority == TIER_PROMISE


def test_phones_span_zones_and_parse(demo_db):
    zones = {lead.call_zones for lead in Lead.select()}
    assert len(zones - {""}) >= 4
    assert any(z.startswith(("Europe/", "Australia/")) for z in zones), zones
    assert {z.key for z in ZoneSet.select()} >= zones
    countries = Counter(lead.country for lead in Lead.select())
    assert countries["US"] > COUNT / 2
    assert len(countries) >= 4, countries
    per_lead = Counter(p.lead_id for p in Phone.select())
    assert max(per_lead.values()) == 2
    no_phone = [lead for lead in Lead.select() if lead.id not in per_lead]
    assert all(lead.email for lead in no_phone)
    for phone in Phone.select():
        parsed = parse_phone(phone.raw)
        assert parsed.e164 == phone.e164
        if phone.e164.startswith("+1") and not phone.e164.startswith(("+1800", "+1888")):
            assert phone.e164[5:9] == "5550"  # 555-01xx: fictional numbers only
    assert Lead.select().where(Lead.email != "").count() > COUNT / 2
    assert Lead.select().where(Lead.address != "").count() > COUNT / 5


# --- consistency with the real services -------------------------------------


def _histories(path: Path, lead_ids: list[int] | None = None) -> list[dict]:
    """Everything needed to replay the demo leads through the services."""
    open_store(str(path))
    try:
        query = Lead.select().order_by(Lead.id)
        if lead_ids is not None:
            query = query.where(Lead.id.in_(lead_ids))
        out = []
        for lead in query:
            phones = list(lead.phones.order_by(Phone.position))
            touches = list(Touch.select().where(Touch.lead == lead).order_by(Touch.id))
            promises = list(Appointment.select().where(Appointment.lead == lead))
            out.append({"lead": lead, "phones": phones, "touches": touches, "promises": promises})
        return out
    finally:
        close_store()


def _touch_facts(t: Touch, phones: list[Phone], promises: list[Appointment]) -> tuple:
    before = json.loads(t.before) if t.before else {"lead": {}, "closed": [], "bad_phone": None}
    at_of = {p.id: p.at for p in promises}
    position = {p.id: p.position for p in phones}
    return (
        t.at, t.channel, t.outcome, t.note, t.duration_s, t.phone, t.lead_local, t.in_window,
        t.counted, t.scheduled_due_at, t.scheduled_channel, before["lead"],
        sorted(at_of[i] for i in before["closed"]), position.get(before["bad_phone"]),
    )  # fmt: skip


def _replay_and_compare(histories: list[dict], path: Path) -> None:
    open_store(str(path))
    database.obj.execute_sql("PRAGMA synchronous=OFF")  # speed only; same rows
    try:
        for item in histories:
            lead, phones, touches = item["lead"], item["phones"], item["touches"]
            draft = LeadDraft(
                name=lead.name,
                phones=[(p.raw, p.label) for p in phones],
                email=lead.email,
                company=lead.company,
                title=lead.title,
                address=lead.address,
                city=lead.city,
                region=lead.region,
                postcode=lead.postcode,
                country=lead.country,
                source=lead.source,
                interest=lead.interest,
                received_at=lead.received_at,
                tz_override=lead.tz_override,
            )
            new_id = add_lead(draft, lead.received_at, DEMO_SETTINGS)
            made_by = {p.touch_id: p.at for p in item["promises"]}
            for t in touches[1:]:
                log_outcome(
                    new_id, t.outcome, t.at, DEMO_SETTINGS,
                    next_at=made_by.get(t.id), note=t.note, duration_s=t.duration_s,
                )  # fmt: skip
            mine = Lead.get_by_id(new_id)
            for name in (*LEAD_STATE_COLUMNS, "country", "updated_at", "created_at"):
                assert getattr(mine, name) == getattr(lead, name), (lead.id, name)
            my_phones = list(mine.phones.order_by(Phone.position))
            my_promises = list(Appointment.select().where(Appointment.lead == mine))
            my_touches = list(Touch.select().where(Touch.lead == mine).order_by(Touch.id))
            assert [(p.e164, p.bad) for p in my_phones] == [(p.e164, p.bad) for p in phones]
            assert sorted((p.at, p.kind, p.done, p.done_at) for p in my_promises) == sorted(
                (p.at, p.kind, p.done, p.done_at) for p in item["promises"]
            ), lead.id
            assert (my_touches[0].note, my_touches[0].at) == (touches[0].note, touches[0].at)
            for theirs, ours in zip(touches[1:], my_touches[1:], strict=True):
                assert _touch_facts(theirs, phones, item["promises"]) == _touch_facts(
                    ours, my_phones, my_promises
                ), (lead.id, theirs.outcome)
    finally:
        close_store()


def _sample(path: Path, per_kind: int = 3) -> list[int]:
    """A few leads of every kind of history: each status, DNC, kept promises, bad numbers."""
    open_store(str(path))
    try:
        kinds: dict[tuple, list[int]] = {}
        kept = {p.lead_id for p in Appointment.select().where(Appointment.done == True)}  # noqa: E712
        bad = {p.lead_id for p in Phone.select().where(Phone.bad == True)}  # noqa: E712
        for lead in Lead.select().order_by(Lead.id):
            kind = (lead.status, lead.do_not_call, lead.id in kept, lead.id in bad)
            kinds.setdefault(kind, []).append(lead.id)
        return sorted(i for ids in kinds.values() for i in ids[:per_kind])
    finally:
        close_store()


def test_demo_histories_are_what_the_services_would_write(demo_file, tmp_path):
    sample = _sample(demo_file)
    assert 20 <= len(sample) < COUNT / 3
    _replay_and_compare(_histories(demo_file, sample), tmp_path / "replay.db")


def test_reused_histories_are_consistent_too(tmp_path, monkeypatch):
    # Above HISTORY_POOL leads, histories are shared under new identities.
    monkeypatch.setattr(demo, "HISTORY_POOL", 40)
    path = tmp_path / "pool.db"
    open_store(str(path))
    try:
        assert fill_demo(160, DEMO_NOW, DEMO_SETTINGS, seed=7) == 160
        names = {lead.name for lead in Lead.select().where(Lead.id > 40)}
        assert len(names) > 60
    finally:
        close_store()
    reused = [i for i in _sample(path, per_kind=6) if i > 40]
    assert len(reused) >= 10, reused
    _replay_and_compare(_histories(path, reused), tmp_path / "replay.db")


def test_log_then_undo_round_trips_on_demo_leads(demo_db):
    rows = [r for r in whole_queue(DEMO_NOW, DEMO_SETTINGS, 60) if r.callable]
    by_tier = {}
    for r in rows:
        by_tier.setdefault(r.tier, r.lead_id)
    sample = list(by_tier.values())[:4] + [r.lead_id for r in rows[-3:]]
    assert len(sample) >= 4
    outcomes = ["no-answer", "connected", "not-interested", "wrong-number", "busy", "dnc", "won"]
    for lead_id, name in zip(sample, outcomes, strict=False):
        before = _columns(lead_id)
        promises = [(p.id, p.done) for p in Appointment.select().order_by(Appointment.id)]
        bad = [(p.id, p.bad) for p in Phone.select().where(Phone.lead == lead_id)]
        log_outcome(lead_id, name, DEMO_NOW, DEMO_SETTINGS)
        assert _columns(lead_id) != before
        undo_last(DEMO_NOW, DEMO_SETTINGS)
        assert _columns(lead_id) == before, (lead_id, name)
        assert [(p.id, p.done) for p in Appointment.select().order_by(Appointment.id)] == promises
        assert [(p.id, p.bad) for p in Phone.select().where(Phone.lead == lead_id)] == bad
    lead_id = rows[0].lead_id
    before = _columns(lead_id)
    log_outcome(lead_id, "callback", DEMO_NOW, DEMO_SETTINGS, next_at=DEMO_NOW.add(hours=2))
    undo_last(DEMO_NOW, DEMO_SETTINGS)
    assert _columns(lead_id) == before


def test_undo_walks_back_through_demo_touches(demo_db):
    # The newest demo touch belongs to the last lead; undoing all of its touches
    # must leave it exactly as it was received.
    last = Touch.select().where(Touch.outcome != "received").order_by(Touch.id.desc()).first()
    lead_id = last.lead_id
    logged = Touch.select().where((Touch.lead == lead_id) & (Touch.outcome != "received"))
    for _ in range(logged.count()):
        newest = logged.order_by(Touch.id.desc()).first()
        expected = json.loads(newest.before)["lead"]
        undo_last(DEMO_NOW, DEMO_SETTINGS)
        lead = Lead.get_by_id(lead_id)
        for name, value in expected.items():
            got = getattr(lead, name)
            if name.endswith("_at") and value is not None:
                value = from_ms(value)
            assert got == value, name
    lead = Lead.get_by_id(lead_id)
    assert (lead.status, lead.attempts, lead.cadence_step) == ("new", 0, 0)
    assert lead.next_due_at == lead.received_at
    assert lead.priority == TIER_NEW or not lead.phones.count()
    assert not Appointment.select().where(Appointment.lead == lead_id).exists()
    assert not Phone.select().where((Phone.lead == lead_id) & (Phone.bad == True)).exists()  # noqa: E712


# --- reproducibility and plumbing -------------------------------------------------


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    dumps = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        path = tmp_path / f"{name}.db"
        open_store(str(path))
        try:
            fill_demo(80, DEMO_NOW, DEMO_SETTINGS, seed=seed)
        finally:
            close_store()
        dumps.append(_dump(path))
    assert dumps[0] == dumps[1]
    assert dumps[0]["lead"] != dumps[2]["lead"]


def test_fills_add_to_existing_data(tmp_path):
    path = tmp_path / "twice.db"
    open_store(str(path))
    try:
        own = add_lead(
            LeadDraft(name="Own Lead", phones=[("212 555 0100", "")]), DEMO_NOW, DEMO_SETTINGS
        )
        assert fill_demo(25, DEMO_NOW, DEMO_SETTINGS, seed=1) == 25
        assert fill_demo(25, DEMO_NOW, DEMO_SETTINGS, seed=2) == 25
        assert fill_demo(0, DEMO_NOW, DEMO_SETTINGS) == 0
        assert Lead.select().count() == 51
        assert Lead.get_by_id(own).name == "Own Lead"
        # ids handed out afterwards by the database follow the demo's
        later = add_lead(LeadDraft(name="After", email="a@example.com"), DEMO_NOW, DEMO_SETTINGS)
        assert later == 52
    finally:
        close_store()


def test_cli_demo_command(tmp_path):
    from leaddesk.cli import main

    path = tmp_path / "cli.db"
    args = ["--db", str(path), "--now", "2026-11-23T19:00:00Z", "demo", "--leads", "12"]
    result = CliRunner().invoke(main, [*args, "--seed", "3"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "added 12 demo leads" in result.output
    close_store()
