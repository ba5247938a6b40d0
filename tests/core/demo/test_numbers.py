"""The demo's numbers: fictional, dealt once per fill while an area has any left, and past
that shared only by leads that never call one within a day of each other — so a demo
store's desk can call its first lead and its audit finds no call over a cap."""

from __future__ import annotations

import random
import re
from collections import defaultdict

import pendulum
import pytest

from leaddesk.core import demo
from leaddesk.core.demo import fill_demo
from leaddesk.core.demo.identities import sample_number
from leaddesk.core.demo.numbers import DAY_MS, Dealer, Need, day_bit
from leaddesk.core.demo.places import AREAS, TOLL_FREE
from leaddesk.core.desk.keystroke import Page, outcome_key
from leaddesk.core.domain.jurisdictions import phone_places
from leaddesk.core.domain.phones import parse_phone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.audit import AuditSummary, audit_rows
from leaddesk.core.reads.queue.blocked import blocked_by
from leaddesk.core.reads.queue.due import due_page
from leaddesk.core.store.models import Phone, Touch

NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
SETTINGS = Settings(rep_name="demo-rep", rep_timezone="America/Chicago")
DEFAULT_SIZE = 60  # `leaddesk demo` without --leads
NOW_MS = int(NOW.timestamp() * 1000)


def digits(raw: str) -> str:
    return re.sub(r"\D", "", raw)


def test_an_area_deals_each_of_its_numbers_once_before_any_repeats():
    dealer = Dealer(random.Random(1), 3)
    area = AREAS[0]
    supply = 100 * len(area.codes)
    dealt = {dealer.number(area)[1] for _ in range(supply)}
    assert len(dealt) == supply
    assert {e164[2:5] for e164 in dealt} == set(area.codes)
    assert {e164[-4:] for e164 in dealt} == {f"01{n:02d}" for n in range(100)}
    assert dealer.number(area)[1] in dealt  # then a new round


def test_areas_of_one_state_share_its_numbers():
    # New York and Brooklyn deal from one deck: a number never goes to both in a round.
    dealer = Dealer(random.Random(5), 3)
    new_york, brooklyn = AREAS[0], AREAS[1]
    assert new_york.codes == brooklyn.codes
    dealt = [dealer.number(a)[1] for _ in range(50 * len(new_york.codes)) for a in AREAS[:2]]
    assert len(set(dealt)) == len(dealt)


def test_every_number_stays_in_its_fictional_range():
    dealer = Dealer(random.Random(2), 3)
    for area in (*AREAS, TOLL_FREE):
        for _ in range(30):
            raw, e164 = dealer.number(area)
            if area.country in ("US", "CA"):
                assert re.search(r"555[-. ]?01\d\d$", raw), raw
                assert e164 == parse_phone(raw, "US").e164
    toll_free = {dealer.number(TOLL_FREE)[1][2:5] for _ in range(200)}
    assert "800" not in toll_free  # in 800 only 800-555-0199 is fictional


def test_every_code_of_an_area_has_its_zones_and_jurisdictions():
    # A reused history keeps its first lead's area: any code dealt there must give the
    # calling windows and rules that history was planned in.
    for area in (*AREAS, TOLL_FREE):
        home = sample_number(area)
        expected = (parse_phone(home, "US").zones, phone_places(home))
        for code in area.codes:
            for last in ("00", "99"):
                e164 = f"+1{code}55501{last}"
                assert (parse_phone(e164, "US").zones, phone_places(e164)) == expected, e164


def test_two_fills_deal_independently_and_a_seed_repeats_its_numbers():
    def deal(seed: int) -> list[str]:
        dealer = Dealer(random.Random(seed), 3)
        return [dealer.number(AREAS[0])[0] for _ in range(300)]

    assert deal(3) == deal(3)
    assert deal(3) != deal(4)


def test_past_a_round_a_number_goes_only_to_a_lead_calling_a_day_away():
    area = AREAS[-2]  # Ciudad de México: 1,000 numbers, one deck
    dealer = Dealer(random.Random(6), 3)
    today = Need.of(day_bit(NOW_MS, NOW_MS), 1)
    first = dealer.number(area, today)[0]
    rest = {dealer.number(area)[0] for _ in range(999)}  # leads that never call it
    assert first not in rest
    # The round is over and the deck comes back to `first`: a lead calling it today
    # would stack on its calls, one calling days later shares it.
    assert dealer.number(area, today)[0] != first
    again = Dealer(random.Random(6), 3)
    assert again.number(area, today)[0] == first
    for _ in range(999):
        again.number(area)
    assert again.number(area, Need.of(day_bit(NOW_MS + 3 * DAY_MS, NOW_MS), 0))[0] == first


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


def _most_calls_in_a_day() -> tuple[int, str]:
    calls: dict[str, list[int]] = defaultdict(list)
    for phone, at in Touch.select(Touch.phone, Touch.at).where(Touch.channel == "call").tuples():
        calls[phone].append(int(at.timestamp() * 1000))
    most = (0, "")
    for phone, times in calls.items():
        times.sort()
        first = 0
        for last, at in enumerate(times):
            while times[first] <= at - DAY_MS:
                first += 1
            most = max(most, (last - first + 1, phone))
    return most


def test_a_million_lead_shaped_demo_can_be_called(tmp_path, monkeypatch):
    # The 1M fill's shape at 1/200 of its size: 250 leads reuse each replayed history.
    # On the old dealer the reused leads of a history shared numbers and stacked their
    # calls on the same instants (`n` on the desk's first lead: "cap: 63 calls to …").
    from leaddesk.core.store.schema import close_store, open_store

    monkeypatch.setattr(demo, "HISTORY_POOL", 20)
    open_store(str(tmp_path / "shaped.db"))
    try:
        assert fill_demo(5_000, NOW, SETTINGS, seed=2) == 5_000
        most, phone = _most_calls_in_a_day()
        assert most <= SETTINGS.rules.max_calls_per_24h, (most, phone)
        page = due_page(NOW, SETTINGS, 0, 50)
        calls = [row.lead_id for row in page if row.callable]
        assert len(calls) >= 40
        assert blocked_by(calls, NOW, SETTINGS) == {}
        # `n` on the desk's first lead, through the desk's own keystroke job
        key = outcome_key(calls[0], "no-answer", NOW, SETTINGS, Page(0, 50, 0))
        assert (key.logged.lead_id, key.logged.outcome) == (calls[0], "no-answer")
    finally:
        close_store()
