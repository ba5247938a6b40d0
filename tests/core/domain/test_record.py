"""`domain.record.Frozen` behaves as the frozen dataclasses it replaced."""

from __future__ import annotations

import pytest

from leaddesk.core.domain.caps import Block, Cap
from leaddesk.core.reads.queue.rows import QueueCounts
from leaddesk.core.reads.scope import Scope


def test_equal_by_fields_hashable_and_immutable():
    a, b = Cap("US-FL", 3), Cap("US-FL", 3, 24, True)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Cap("US-FL", 3, per_number=False)
    assert a != ("US-FL", 3, 24, True)  # another class is never equal
    assert Block("cap", "x") != Cap("cap", 0)
    with pytest.raises(AttributeError):
        a.calls = 4  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del a.rule  # type: ignore[misc]


def test_repr_names_the_fields_in_order():
    assert repr(Cap("cap", 2)) == "Cap(rule='cap', calls=2, per_hours=24, per_number=True)"
    scope = Scope(rep=3, queue="mine", new_lead_minutes=5, promise_minutes=10, away_minutes=15)
    assert repr(scope) == (
        "Scope(rep=3, queue='mine', new_lead_minutes=5, promise_minutes=10, away_minutes=15)"
    )


def test_the_counts_cap_is_not_compared():
    assert QueueCounts(1, 2, 3, cap=1000) == QueueCounts(due=1, later=2, tomorrow=3)
    assert QueueCounts(1, 2, cap=1000).capped == (False, False, False)
    assert QueueCounts(1000, 2, cap=1000).capped == (True, False, False)
    assert QueueCounts(1, 2) != QueueCounts(1, 3)
