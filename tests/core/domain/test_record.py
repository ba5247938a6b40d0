"""`domain.record.Frozen` and `Record` behave as the frozen dataclasses they replaced."""

from __future__ import annotations

import copy
import pickle

import pytest

from leaddesk.core.domain.caps import Block, Cap
from leaddesk.core.domain.record import MISSING, Record, field, fields, replace
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


# `Record`: the settings-like types declared as frozen dataclasses are.


class Step(Record):
    minutes: int
    channel: str = "call"


class Plan(Record):
    name: str
    steps: tuple[Step, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)


def test_a_record_is_built_as_a_dataclass_is():
    assert Step(5) == Step(minutes=5) == Step(5, "call") and Step(5) != Step(5, "email")
    assert Plan("a").keys == {} and Plan("a").keys is not Plan("a").keys  # made anew
    assert Plan("a", keys={"x": "1"}).keys == {"x": "1"}
    assert Step(5) != ("5", "call") and Step(5) != Plan("5")
    with pytest.raises(TypeError, match="missing required arguments: 'minutes'"):
        Step()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'hours'"):
        Step(5, hours=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for 'minutes'"):
        Step(5, minutes=6)  # type: ignore[misc]
    with pytest.raises(TypeError, match="takes 2 positional arguments but 3"):
        Step(5, "call", 3)  # type: ignore[call-arg]


def test_a_record_is_immutable_hashable_and_repr_names_its_fields():
    step = Step(5)
    with pytest.raises(AttributeError):
        step.minutes = 6  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del step.channel  # type: ignore[misc]
    assert hash(Step(5)) == hash(Step(5)) and len({Step(5), Step(5), Step(6)}) == 2
    assert repr(Plan("a", (Step(1),))) == (
        "Plan(name='a', steps=(Step(minutes=1, channel='call'),), keys={})"
    )
    assert pickle.loads(pickle.dumps(Plan("a", (Step(1),)))) == Plan("a", (Step(1),))
    assert copy.deepcopy(Plan("a", keys={"x": "1"})) == Plan("a", keys={"x": "1"})


def test_replace_and_fields_as_the_dataclass_functions():
    plan = Plan("a", keys={"x": "1"})
    other = replace(plan, name="b")
    assert other == Plan("b", keys={"x": "1"}) and plan.name == "a"
    assert other.keys is plan.keys  # copied, not made anew (as dataclasses.replace)
    with pytest.raises(TypeError, match="no field 'nme'"):
        replace(plan, nme="b")
    with pytest.raises(TypeError, match="takes a Record"):
        replace(("a",), name="b")  # type: ignore[type-var]
    assert [(f.name, f.default) for f in fields(Step(1))] == [
        ("minutes", MISSING),
        ("channel", "call"),
    ]
    assert [f.default_factory for f in fields(Plan)][2] is dict


def test_a_record_declared_wrongly_fails_when_made():
    with pytest.raises(TypeError, match="'b' without a default follows one with a default"):

        class Wrong(Record):
            a: int = 1
            b: int

    with pytest.raises(ValueError, match="default_factory"):

        class Shared(Record):
            a: list[int] = []


class Later(Step):
    note: str = ""


def test_a_subclass_adds_its_fields_after_its_bases():
    assert [f.name for f in fields(Later)] == ["minutes", "channel", "note"]
    assert Later(5, "email", "x") == Later(minutes=5, channel="email", note="x")
    assert Later(5) != Step(5)


def test_the_domain_settings_are_records_with_their_defaults():
    """The types `due` builds are Records, so it loads no dataclasses (test_startup)."""
    from leaddesk.core.domain.lead_state import Decision, LeadState, Outcome
    from leaddesk.core.domain.settings import Settings

    for kind in (Settings, LeadState, Decision, Outcome):
        assert issubclass(kind, Record)
    settings = Settings()
    assert settings.rules.max_calls_per_24h == 3 and settings.team.queue == "mine+pool"
    assert settings.cadence("new-lead").steps[1].after_minutes == 60
    assert Settings() == settings and Settings().cadences is not settings.cadences
    assert replace(settings, rep_name="dana") == Settings(rep_name="dana")
