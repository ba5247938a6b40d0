"""The queue never offers a call the caps or the lists forbid (issue 13, point 8):
over random stores and histories, no row DUE offers as callable has its number
at a cap or suppressed — and the checker does catch a store where one is."""

from __future__ import annotations

import itertools

import pendulum
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.reads.queue.blocked import blocked_by
from leaddesk.core.reads.queue.due import due_page
from leaddesk.core.store.db import to_ms
from leaddesk.core.store.models import Touch
from leaddesk.core.writes.dnc import add_suppression, import_registry
from leaddesk.core.writes.outcomes import log_outcome, undo_last

NUMBERS = ["+1 305 555 0142", "+1 305 555 0143", "+1 212 555 0177"]
E164 = [n.replace(" ", "") for n in NUMBERS]
START = pendulum.datetime(2026, 11, 23, 9, 0, tz="America/New_York")  # a Monday
WEEKS = itertools.count()  # each example a week after the last: time never runs back
OPS = ("no-answer", "voicemail", "wrong-number", "dnc", "dnm", "manual", "registry", "add", "undo")


def offered_but_blocked(now, settings) -> list[tuple[int, str]]:
    """The property's checker: rows DUE offers as callable that a cap or a list blocks."""
    rows = [r for r in due_page(now, settings, limit=10_000) if r.callable]
    blocks = blocked_by([r.lead_id for r in rows], now, settings)
    return [(r.lead_id, blocks[r.lead_id].reason) for r in rows if r.lead_id in blocks]


@given(
    leads=st.lists(st.integers(0, 2), min_size=1, max_size=4),
    ops=st.lists(
        st.tuples(st.sampled_from(OPS), st.integers(0, 7), st.integers(0, 240)), max_size=14
    ),
    later=st.integers(0, 24 * 60),
)
@hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_callable_row_is_over_a_cap_or_suppressed(make_lead, settings, leads, ops, later):
    # Examples share the store (a function-scoped fixture): each one adds to a random store,
    # a week after the one before (a store's clock never runs backwards).
    at = START.add(weeks=next(WEEKS))
    ids = [make_lead(f"Lead {n}", phone=NUMBERS[n], at=at, minutes_ago=0) for n in leads]
    for op, who, gap in ops:
        at = at.add(minutes=gap)
        lead = ids[who % len(ids)]
        number = NUMBERS[who % len(NUMBERS)]
        try:
            if op == "manual":
                add_suppression(number, at, settings)
            elif op == "registry":
                import_registry([E164[who % len(E164)]], at, at, settings)
            elif op == "add":
                ids.append(make_lead(f"Lead +{who}", phone=number, at=at, minutes_ago=0))
            elif op == "undo":
                undo_last(at, settings)
            else:
                log_outcome(lead, op, at, settings, outside_hours=True)
        except InvalidInput:
            continue  # refused (a cap, a list, nothing to undo): the property is about the rest
        except Exception as exc:
            assert type(exc).__name__ == "NothingToUndo", exc
    assert offered_but_blocked(at.add(minutes=later), settings) == []


def test_the_checker_catches_a_callable_row_over_its_cap(make_lead, settings, now):
    # Calls written around the write path (no hold): the queue offers a capped (Florida) number.
    lead = make_lead("Ana Alvarez", phone=NUMBERS[0])
    other = make_lead("Ben Brook", phone=NUMBERS[0])
    for minutes in (10, 20, 30):
        Touch.insert(
            lead=other, at=to_ms(now.subtract(minutes=minutes)), channel="call",
            outcome="no-answer", phone=E164[0],
        ).execute()  # fmt: skip
    assert (lead, "US-FL") in offered_but_blocked(now, settings)
