"""The demo's numbers: fictional, dealt once per fill while an area has any left, so a
demo store of the default size shares no number between leads and its audit is clean."""

from __future__ import annotations

import random
import re

import pendulum
import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.demo.numbers import fresh_number
from leaddesk.core.demo.places import AREAS, TOLL_FREE
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.audit import AuditSummary, audit_rows
from leaddesk.core.store.models import Phone

NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
SETTINGS = Settings(rep_name="demo-rep", rep_timezone="America/Chicago")
DEFAULT_SIZE = 60  # `leaddesk demo` without --leads


def digits(raw: str) -> str:
    return re.sub(r"\D", "", raw)


def test_an_area_deals_each_of_its_numbers_once_before_any_repeats():
    rng = random.Random(1)
    dealt = [digits(fresh_number(AREAS[0], rng))[-4:] for _ in range(100)]
    assert sorted(dealt) == [f"01{n:02d}" for n in range(100)]  # 555-0100 … 555-0199
    assert digits(fresh_number(AREAS[0], rng))[-4:].startswith("01")  # then a new round


def test_every_number_stays_in_its_fictional_range():
    rng = random.Random(2)
    for area in (*AREAS, TOLL_FREE):
        for _ in range(30):
            raw = fresh_number(area, rng)
            if area.country in ("US", "CA"):
                assert re.search(r"555[-. ]?01\d\d$", raw), raw


def test_two_fills_deal_independently_and_a_seed_repeats_its_numbers():
    first = [fresh_number(AREAS[0], random.Random(3)) for _ in range(1)]
    rng = random.Random(3)
    whole = [fresh_number(AREAS[0], rng) for _ in range(100)]  # this fill's deck is spent
    again = random.Random(3)  # another fill, same seed: a full deck, the same order
    assert [fresh_number(AREAS[0], again) for _ in range(100)] == whole
    assert whole[:1] == first


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_default_demo_shares_no_number_and_its_audit_is_clean(store, seed):
    assert fill_demo(DEFAULT_SIZE, NOW, SETTINGS, seed=seed) == DEFAULT_SIZE
    owners: dict[str, set[int]] = {}
    for e164, lead in Phone.select(Phone.e164, Phone.lead).tuples():
        owners.setdefault(e164, set()).add(lead)
    assert [n for n, leads in owners.items() if len(leads) > 1] == []
    summary = AuditSummary()
    for row in audit_rows(SETTINGS):
        summary.add(row)
    assert summary.calls > 0
    assert (summary.outside_any_window, summary.over_a_cap, summary.to_a_suppressed_number) == (
        0,
        0,
        0,
    )
