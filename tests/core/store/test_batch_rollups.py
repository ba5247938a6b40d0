"""`batch_rollups` leaves the stats' rollups exactly as the row-by-row triggers do:
the same rows inserted both ways (one rolled back) give the same tallies."""

from __future__ import annotations

import contextlib

import pendulum

from leaddesk.core.store.batch import BatchWriter
from leaddesk.core.store.db import atomic_write, database, to_ms
from leaddesk.core.store.models import Lead, Rep, Touch
from leaddesk.core.store.rollups import batch_rollups

TALLIES = ("call_tally", "speed_tally", "status_tally", "connect_tally", "first_connect")
AT = pendulum.datetime(2026, 11, 2, 15, 30, tz="UTC")


def _tallies() -> dict[str, list[tuple]]:
    db = database.obj
    # a tally's row counted down to 0 is no row (the reads skip it)
    out = {
        t: sorted(r for r in db.execute_sql(f"SELECT * FROM {t}").fetchall() if r[-1] != 0)
        for t in TALLIES
    }
    out["first_attempt_at"] = sorted(
        db.execute_sql("SELECT id, first_attempt_at FROM lead").fetchall()
    )
    return out


def _insert(old_lead: int, rep: int) -> None:
    """New leads with calls (connects among them), emails and a received touch, one
    given a first attempt of its own, and calls on a lead that was there before."""
    batch = BatchWriter((Lead, Touch), without_ids=(Touch,))
    base = dict(received_at=AT.subtract(days=3), created_at=AT, updated_at=AT)
    outcomes = ("no-answer", "connected", "voicemail", "won")
    for n in range(6):
        lead = batch.take(Lead)
        first = AT.subtract(days=9) if n == 2 else None
        status = ("new", "working", "engaged")[n % 3]
        batch.add(
            Lead, dict(name=f"New {n}", status=status, first_attempt_at=first, **base), id=lead
        )
        batch.add(
            Touch, dict(at=AT.subtract(days=3), channel="system", outcome="received"), lead=lead
        )
        for k in range(n):
            at = AT.subtract(hours=5 * k + n)
            channel = "email" if k == 3 else "call"
            outcome = "email" if channel == "email" else outcomes[k % 4]
            local = f"2026-11-02T{9 + k:02d}:00:00"
            touch = dict(at=at, channel=channel, outcome=outcome, rep=rep, lead_local=local)
            batch.add(Touch, touch, lead=lead)
    for k in range(3):
        outcome = ("connected", "no-answer", "won")[k]
        touch = dict(at=AT.subtract(days=k), channel="call", outcome=outcome, rep=rep)
        batch.add(Touch, touch, lead=old_lead)
    batch.finish()


class _Undo(Exception):
    pass


def test_a_batch_rolls_up_what_the_triggers_would(store):
    rep = Rep.create(name="ana", created_at=to_ms(AT)).id
    old = Lead.create(name="Before", received_at=AT.subtract(days=20), created_at=AT,
                      updated_at=AT).id  # fmt: skip
    Touch.create(lead=old, at=AT.subtract(days=1, hours=3), channel="call", outcome="no-answer",
                 rep=rep)  # fmt: skip
    start = _tallies()

    def by_triggers() -> None:
        _insert(old, rep)
        expected.update(_tallies())
        raise _Undo

    expected: dict[str, list[tuple]] = {}
    with contextlib.suppress(_Undo):
        atomic_write(by_triggers)
    assert _tallies() == start and expected != start

    def in_one_pass() -> None:
        with batch_rollups(database.obj):
            _insert(old, rep)

    atomic_write(in_one_pass)
    assert _tallies() == expected
    # the insert triggers are back: a later touch is rolled up on its own
    Touch.create(lead=old, at=AT, channel="call", outcome="no-answer", rep=rep)
    assert (
        sum(n for *_, n in _tallies()["call_tally"])
        == sum(n for *_, n in expected["call_tally"]) + 1
    )
