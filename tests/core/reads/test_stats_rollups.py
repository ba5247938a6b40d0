"""The stats read from rollups (migration 0018) equal the aggregate over `touch`.

A random sequence of every kind of write — outcomes logged at random (also
backdated) times by two reps, undo, hand-offs and assignment, a whole-row save of
a stale lead, touches moved and re-attributed by raw SQL (an edit, a merge), a
lead deleted, an import, a demo fill (the batch writer), the vacation shift — and
then every figure is compared with `reads/stats/reference.py`, the aggregate the
figures were before, for reps in zones at whole, half and three-quarter hours
and on a DST day. Both engines.
"""

from __future__ import annotations

import contextlib
import itertools
import random
from collections import Counter

import pendulum
import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.domain.settings import Rules, Settings
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.stats import call_figures, lead_figures, reference
from leaddesk.core.reads.stats.periods import day_starts, periods
from leaddesk.core.reads.stats.rollup import CALL_OUTCOMES, pieces
from leaddesk.core.reads.stats.tallies import daily_tallies, rep_of, rep_tally, tally_of
from leaddesk.core.reads.stats.team import team_report
from leaddesk.core.store.db import database, to_ms
from leaddesk.core.store.models import Lead, Touch
from leaddesk.core.transfer.importing import open_source
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome, undo_last
from leaddesk.core.writes.shift import shift_schedule
from leaddesk.core.writes.team import assign

# 2026-11-01 is the US fall-back day: Chicago's day is 25 hours long.
NOW = pendulum.datetime(2026, 11, 3, 18, 37, 12, tz="UTC")
ANA = Settings(rep_name="ana", rep_timezone="America/Chicago", rules=Rules(cap_scope="lead"))
BEN = Settings(rep_name="ben", rep_timezone="America/New_York", rules=Rules(cap_scope="lead"))
ZONES = ("America/Chicago", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe")
OUTCOMES = (*CALL_OUTCOMES, "email", "letter", "note")


def _random_writes(rng: random.Random, tmp_path) -> None:
    leads: list[int] = []
    start = NOW.subtract(days=40)

    def instant() -> pendulum.DateTime:
        return start.add(seconds=rng.randrange(0, 41 * 86400))

    for i in range(12):
        draft = LeadDraft(
            name=f"Lead {i}", phones=[(f"+1 212 555 01{i:02d}", "")], received_at=instant()
        )
        leads.append(add_lead(draft, NOW, ANA))
    for _ in range(120):
        kind = rng.random()
        who = rng.choice((ANA, BEN))
        lead = rng.choice(leads)
        try:
            if kind < 0.6:
                log_outcome(
                    lead,
                    rng.choice(OUTCOMES),
                    instant(),
                    who,
                    confirmed=True,
                    outside_hours=True,
                )
            elif kind < 0.7:
                undo_last(instant(), who)
            elif kind < 0.75:
                assign(lead, rng.choice(("ana", "ben", None)), instant(), who)
            elif kind < 0.8:  # a whole-row save of a lead loaded before a touch
                stale = Lead.get_by_id(lead)
                log_outcome(lead, "no-answer", instant(), who, confirmed=True, outside_hours=True)
                stale.save()
            elif kind < 0.86:  # an edit of a touch: its time, rep, lead or outcome
                touch = Touch.select().order_by(Touch.id.desc()).first()
                if touch is not None:
                    Touch.update(
                        at=to_ms(instant()),
                        rep=rng.choice((touch.rep_id, None)),
                        lead=rng.choice(leads),
                        outcome=rng.choice(CALL_OUTCOMES),
                        channel=rng.choice(("call", "email")),
                    ).where(Touch.id == touch.id).execute()
            elif kind < 0.88 and len(leads) > 4:  # a lead deleted (its touches go with it)
                leads.remove(lead)
                Lead.delete_by_id(lead)
            elif kind < 0.9:
                shift_schedule(rng.randrange(1, 4), instant(), who)
        except LeadDeskError:
            pass  # a refusal (nothing to undo, a cap): nothing written
    path = tmp_path / "more.csv"
    path.write_text("name,phone\nIra,+1 212 555 0177\nJo,+1 212 555 0178\n")
    from leaddesk.core.transfer.importing import import_file

    import_file(open_source(path), NOW, ANA)
    fill_demo(15, NOW.subtract(days=2), ANA, seed=rng.randrange(1000))
    # the fill put its insert triggers back: later writes are rolled up again
    for lead in leads[:3]:
        with contextlib.suppress(LeadDeskError):  # do-not-call by now
            log_outcome(lead, "connected", instant(), BEN, confirmed=True, outside_hours=True)
    assert Touch.select().where(Touch.lead.in_(leads[:3]) & (Touch.rep == rep_of(BEN))).exists()


def _check_tables() -> None:
    """The rollups equal what they roll up, row for row."""
    db = database.obj
    tally = db.execute_sql(
        'SELECT rep_id, "at" / 3600000, outcome, lead_local FROM touch'
        " WHERE channel = 'call' AND rep_id IS NOT NULL"
    ).fetchall()
    expected: Counter[tuple] = Counter()
    for rep, hour, outcome, local in tally:
        text = local[11:13]
        hour_of_day = int(text) if len(text) == 2 and text.isdigit() else -1
        expected[(rep, hour, outcome, hour_of_day)] += 1
    kept = db.execute_sql("SELECT rep_id, hour, outcome, local_hour, n FROM call_tally")
    assert +Counter({row[:4]: row[4] for row in kept.fetchall()}) == expected
    firsts = db.execute_sql(
        'SELECT l.id, l.first_attempt_at, (SELECT MIN(t."at") FROM touch t WHERE t.lead_id = l.id'
        " AND t.channel IN ('call', 'email', 'letter')) FROM lead l"
    ).fetchall()
    assert [(i, a) for i, a, _ in firsts] == [(i, b) for i, _, b in firsts]
    connects = {}
    for lead, at, tid, rep in db.execute_sql(
        "SELECT lead_id, \"at\", id, rep_id FROM touch WHERE channel = 'call' AND outcome IN"
        " ('connected', 'callback', 'appointment', 'not-interested', 'dnc', 'won')"
    ).fetchall():
        if lead not in connects or (at, tid) < connects[lead][:2]:
            connects[lead] = (at, tid, rep)
    kept_connects = {
        lead: (at, rep)
        for lead, at, rep in db.execute_sql('SELECT lead_id, "at", rep_id FROM first_connect')
    }
    assert kept_connects == {lead: (at, rep) for lead, (at, _, rep) in connects.items()}
    by_hour = db.execute_sql(
        'SELECT rep_id, "at" / 3600000, calls_before, COUNT(*) FROM first_connect'
        ' WHERE rep_id IS NOT NULL GROUP BY rep_id, "at" / 3600000, calls_before'
    ).fetchall()
    tallied = db.execute_sql("SELECT rep_id, hour, calls_before, n FROM connect_tally WHERE n <> 0")
    assert sorted(tallied.fetchall()) == sorted(by_hour)
    statuses = db.execute_sql("SELECT status, COUNT(*) FROM lead GROUP BY status").fetchall()
    kept_statuses = db.execute_sql("SELECT status, n FROM status_tally WHERE n <> 0").fetchall()
    assert sorted(kept_statuses) == sorted(statuses)


def _check_figures(settings: Settings) -> None:
    rep = rep_of(settings)
    assert rep is not None
    found = periods(NOW, settings.rep_timezone)
    starts = [p.start for p in found]
    days = day_starts(NOW, settings.rep_timezone)
    bounds = [to_ms(s) for s in days[:-1]] + [to_ms(NOW) + 1]
    expected_days = [
        tally_of({o: n for (r, o), n in reference.calls_by_outcome(rep, a, b).items()})
        for a, b in itertools.pairwise(bounds)
    ]
    assert daily_tallies(rep, days, NOW) == expected_days
    for start in starts:
        expected = reference.calls_by_outcome(rep, to_ms(start), to_ms(NOW) + 1)
        assert rep_tally(rep, start, NOW) == tally_of({o: n for (_, o), n in expected.items()})
    month = starts[2]
    hours = {h.hour: (h.dials, h.connects) for h in call_figures.by_hour(rep, month, NOW)}
    expected_hours = reference.by_hour(rep, month, NOW)
    assert {h: v for h, v in hours.items() if v != (0, 0)} == expected_hours
    buckets = Counter(
        {min(n, call_figures.ATTEMPT_BUCKETS): 0 for n in range(call_figures.ATTEMPT_BUCKETS + 1)}
    )
    for n, k in reference.attempts_before_connect(rep, month, NOW).items():
        buckets[min(n, call_figures.ATTEMPT_BUCKETS)] += k
    got = call_figures.attempts_before_connect(rep, month, NOW)
    assert [k for _, k in got] == [buckets[i] for i in range(call_figures.ATTEMPT_BUCKETS + 1)]
    for by_owner in (False, True):
        assert lead_figures.speed_histograms(
            starts, NOW, by_owner=by_owner
        ) == reference.speed_histograms(starts, NOW, by_owner=by_owner)
    team = team_report(NOW, settings)
    for row in team.reps:
        row_rep = rep_of(Settings(rep_name=row.name))
        for p in row.periods:
            expected = reference.calls_by_outcome(row_rep, to_ms(p.period.start), to_ms(NOW) + 1)
            assert p.tally == tally_of({o: n for (_, o), n in expected.items()})


@pytest.mark.parametrize("seed", range(4))
def test_rollups_equal_the_aggregate_after_random_writes(store, seed, tmp_path):
    rng = random.Random(seed)
    _random_writes(rng, tmp_path)
    _check_tables()
    for zone in ZONES:
        for who in (ANA, BEN):
            _check_figures(Settings(rep_name=who.rep_name, rep_timezone=zone))


def test_the_migration_builds_the_rollups_from_existing_touches(store, tmp_path):
    """Dropped and rebuilt by 0018's own statements, the rollups are what the triggers kept."""
    _random_writes(random.Random(7), tmp_path)
    db = database.obj
    before = {
        table: sorted(db.execute_sql(f"SELECT * FROM {table}").fetchall())
        for table in ("call_tally", "first_connect")
    }
    firsts = sorted(db.execute_sql("SELECT id, first_attempt_at FROM lead").fetchall())
    import importlib

    migration = importlib.import_module("leaddesk.core.store.migrations.0018_stats_rollups")
    sqlite = migration.pw.SqliteDatabase
    local = migration.SQLITE_LOCAL_HOUR if isinstance(db, sqlite) else migration.PG_LOCAL_HOUR
    with db.atomic():
        db.execute_sql("DELETE FROM call_tally")
        db.execute_sql("DELETE FROM first_connect")
        db.execute_sql(
            "INSERT INTO call_tally (rep_id, hour, outcome, local_hour, n) "
            + migration.TALLY_FROM.format(hour=3_600_000, local=local.format(t="t"), more="")
        )
        db.execute_sql(migration.FIRST_CONNECTS)
    rebuilt = {
        table: sorted(db.execute_sql(f"SELECT * FROM {table}").fetchall())
        for table in ("call_tally", "first_connect")
    }
    kept = [row for row in before["call_tally"] if row[-1]]  # zeros left by decrements
    assert sorted(rebuilt["call_tally"]) == sorted(kept)
    assert rebuilt["first_connect"] == before["first_connect"]
    assert sorted(db.execute_sql("SELECT id, first_attempt_at FROM lead").fetchall()) == firsts


@pytest.mark.parametrize(
    "bounds",
    [
        [0, 3_600_000],
        [1_800_000, 9_000_000, 9_000_001],
        [5, 6],
        [3_600_000 * 5 + 2_700_000, 3_600_000 * 29 + 2_700_000, 3_600_000 * 53 + 100],
    ],
)
def test_pieces_cover_each_interval_exactly_once(bounds):
    found = pieces(bounds)
    for i, (low, high) in enumerate(itertools.pairwise(bounds)):
        mine = sorted((a, b) for j, a, b, _ in found if j == i)
        assert mine[0][0] == low and mine[-1][1] == high
        assert all(b == c for (_, b), (c, _) in itertools.pairwise(mine))
    for _, a, b, whole in found:
        assert not whole or (a % 3_600_000 == 0 and b % 3_600_000 == 0)
        assert whole or b - a < 3_600_000
