"""Rule packs as data (issue 13): the loader, the shipped contents, the windows
at fixed instants across DST, and which rule is named when a call is refused."""

from __future__ import annotations

from datetime import time

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leaddesk.core.domain.compliance import COMPANY, load_book, parse_pack, shipped_pack
from leaddesk.core.domain.errors import InvalidInput, OutsideHours
from leaddesk.core.domain.hours import blocked_by, check_calling_hours
from leaddesk.core.domain.jurisdictions import (
    address_places,
    lead_places,
    phone_places,
    place_codes,
    shown,
    split_key,
    window_key,
)
from leaddesk.core.domain.settings import WEEKDAYS, Settings
from leaddesk.core.domain.windows import rule_open, window_open

NY, FL, TX, TORONTO = "+12125550142", "+13055550142", "+12145550142", "+14165550142"
SETTINGS = Settings(rep_timezone="America/Chicago")


def at(text: str, zone: str) -> pendulum.DateTime:
    return pendulum.parse(text, tz=zone)


def blocked(e164: str, when: str, zone: str, country: str = "", region: str = "") -> str | None:
    places = place_codes([e164], country, region)
    return blocked_by(at(when, zone), (zone,), places, SETTINGS)


# --- the table: each rule at fixed instants, both sides of DST -------------------


@pytest.mark.parametrize(
    ("e164", "when", "zone", "expected"),
    [
        # Florida: 08:00–20:00 (summer and winter time)
        (FL, "2026-07-07T19:59", "America/New_York", None),
        (FL, "2026-07-07T20:00", "America/New_York", "US-FL"),
        (FL, "2026-01-13T19:59", "America/New_York", None),
        (FL, "2026-01-13T20:00", "America/New_York", "US-FL"),
        (FL, "2026-03-09T07:59", "America/New_York", "US-FL"),  # the day after DST starts
        (FL, "2026-03-09T08:00", "America/New_York", None),
        # Texas: Sunday from noon only; Saturday from 09:00
        (TX, "2026-07-12T11:59", "America/Chicago", "US-TX"),
        (TX, "2026-07-12T12:00", "America/Chicago", None),
        (TX, "2026-11-01T11:59", "America/Chicago", "US-TX"),  # the Sunday DST ends
        (TX, "2026-11-01T12:00", "America/Chicago", None),
        (TX, "2026-07-11T08:59", "America/Chicago", "US-TX"),
        # Toronto (CRTC): Saturday 10:00–18:00, weekdays until 21:30
        (TORONTO, "2026-07-11T09:59", "America/Toronto", "CA"),
        (TORONTO, "2026-07-11T10:00", "America/Toronto", None),
        (TORONTO, "2026-01-10T09:59", "America/Toronto", "CA"),
        (TORONTO, "2026-01-10T10:00", "America/Toronto", None),
        (TORONTO, "2026-07-08T21:29", "America/Toronto", None),
        # New York has no state rule: the federal window and the company's
        (NY, "2026-07-07T20:30", "America/New_York", None),
    ],
)
def test_each_rule_at_fixed_instants(e164, when, zone, expected):
    # the company's own window, 08:00–21:00 Mon–Sat by default, is open Sunday 12:00?
    settings = Settings(calling_hours={d: ((time(0, 0), time(23, 59, 59)),) for d in WEEKDAYS})
    places = place_codes([e164], "", "")
    assert blocked_by(at(when, zone), (zone,), places, settings) == expected


def test_toronto_weekday_21_29_is_callable_even_though_the_company_closes_at_21():
    # …but the company's own 21:00 still wins: the strictest window decides.
    assert blocked(TORONTO, "2026-07-08T21:29", "America/Toronto") == COMPANY
    assert blocked(TORONTO, "2026-07-08T20:59", "America/Toronto") is None


def test_a_new_york_number_with_a_florida_address_follows_florida():
    assert blocked(NY, "2026-07-07T20:30", "America/New_York", "US", "Florida") == "US-FL"
    assert blocked(NY, "2026-07-07T19:59", "America/New_York", "US", "FL") is None
    assert blocked(NY, "2026-07-07T20:30", "America/New_York", "US", "New York") is None


def test_a_jurisdiction_is_named_before_the_company():
    # 22:00 in Florida: the federal rule, Florida's and the company's are all shut
    assert blocked(FL, "2026-07-07T22:00", "America/New_York") == "US-FL"
    # a number with no rule at all: only the company's window
    assert blocked("+442079460000", "2026-07-07T22:00", "Europe/London") == COMPANY


def test_the_refusal_names_the_rule_and_when_it_opens():
    with pytest.raises(OutsideHours, match=r"Dana: US-FL: calls 08:00–20:00 their time .*opens"):
        check_calling_hours(
            "no-answer", "Dana", ("America/New_York",), at("2026-07-07T20:30", "America/New_York"),
            SETTINGS, places=("US", "US-FL"),
        )  # fmt: skip
    with pytest.raises(OutsideHours, match=r"opens Wed 08:00"):
        check_calling_hours(
            "no-answer", "Dana", ("America/New_York",), at("2026-07-07T20:30", "America/New_York"),
            SETTINGS, places=("US", "US-FL"),
        )  # fmt: skip


# --- jurisdictions -------------------------------------------------------------------


def test_phones_give_country_and_state_or_province():
    assert phone_places(FL) == ("US", "US-FL")
    assert phone_places(TORONTO) == ("CA", "CA-ON")
    assert phone_places("+18005550100") == ("US",)  # toll-free: no state
    assert phone_places("+442079460000") == ("GB",)
    assert phone_places("not a number") == ()


def test_addresses_give_country_and_region_by_code_or_name():
    assert address_places("US", "Florida") == ("US", "US-FL")
    assert address_places("", "fl") == ("US", "US-FL")
    assert address_places("", "Ontario") == ("CA", "CA-ON")
    assert address_places("DE", "Bayern") == ("DE",)
    assert address_places("CA", "FL") == ("CA",)  # a Canadian address has no Florida


def test_the_detail_names_the_most_specific_places_and_their_source():
    found = lead_places([NY], "US", "Florida")
    assert [p.code for p in found] == ["US", "US-NY", "US-FL"]
    assert shown(found) == "US-NY from phone, US-FL from address"


def test_the_window_key_keeps_zones_and_places_apart():
    key = window_key(("America/New_York",), ("US-FL", "US"))
    assert key == "America/New_York|US US-FL"
    assert split_key(key) == (("America/New_York",), ("US", "US-FL"))
    assert split_key("America/New_York") == (("America/New_York",), ())
    assert window_key(("America/New_York",)) == "America/New_York"


# --- the packs -----------------------------------------------------------------------


def test_the_shipped_packs_hold_the_issues_rules_with_their_sources():
    book = load_book(("us", "ca"))
    by_id = {r.id: r for r in book.rules}
    assert set(by_id) >= {"US", "US-FL", "US-OK", "US-MD", "US-WA", "US-TX", "CA"}
    assert all(r.source and r.link for r in book.rules)
    assert by_id["US-FL"].cap == 3 and by_id["US-FL"].per == "number"
    assert by_id["US-TX"].hours["sun"] == ((time(12), time(21)),)
    assert by_id["CA"].hours["fri"] == ((time(9), time(21, 30)),)
    assert book.version == "us@2026.12.1,ca@2026.12.1"


GOOD = """
pack = "acme"
version = "1"
[[rule]]
id = "ACME-QUIET"
applies = "US"
hours = { all = "09:00-18:00" }
source = "our own policy"
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('hours = { all = "09:00-18:00" }', 'hours = { all = "9-18" }'),
         r"own\.toml: rule ACME-QUIET: hours\.all: '9-18' is not a window"),
        (('source = "our own policy"', ""), r"rule ACME-QUIET: source: every rule names"),
        (('applies = "US"', 'applies = "US"\ncolour = "red"'), r"rule ACME-QUIET: colour: unknown"),
        (('hours = { all = "09:00-18:00" }', 'hours = { noon = "09:00-18:00" }'),
         r"rule ACME-QUIET: hours\.noon: use all, weekdays"),
        (('version = "1"', ""), r"own\.toml: version: needs a version"),
        (('applies = "US"', 'applies = "US"\ncap = -1'), r"rule ACME-QUIET: cap: must be"),
    ],
)  # fmt: skip
def test_a_bad_pack_names_the_file_the_rule_and_the_key(change, message):
    with pytest.raises(InvalidInput, match=message):
        parse_pack(GOOD.replace(*change), "own.toml")


def test_an_own_pack_adds_rules_and_a_loosening_one_is_named(tmp_path):
    own = tmp_path / "own.toml"
    own.write_text(GOOD + '\n[[rule]]\nid = "US-FL"\nhours = { all = "08:00-21:00" }\n'
                   'source = "we think"\n', encoding="utf-8")  # fmt: skip
    book = load_book(("us",), own)
    assert "ACME-QUIET" in {r.id for r in book.rules}
    assert book.version == "us@2026.12.1,acme@1"
    assert len(book.loosened) == 1 and book.loosened[0].startswith("US-FL: calls mon 08:00–21:00")
    assert [r.id for r in book.for_places(("US",))] == ["ACME-QUIET", "US"]


def test_an_unknown_pack_is_one_clear_line():
    with pytest.raises(InvalidInput, match=r"no rule pack 'mx' \(shipped: ca, us\)"):
        shipped_pack("mx")


def test_blackouts_and_effective_dates_close_and_open_a_rule():
    dated = (
        'source = "x"\nfrom = 2026-01-01\nuntil = 2026-12-31\n'
        "blackout = [{ start = 2026-07-03, end = 2026-07-05 }]"
    )
    _, _, (rule,) = parse_pack(GOOD.replace('source = "our own policy"', dated), "own.toml")
    noon = "T12:00"
    assert not rule_open(at("2026-07-04" + noon, "UTC"), ("UTC",), SETTINGS, rule)
    assert rule_open(at("2026-07-06" + noon, "UTC"), ("UTC",), SETTINGS, rule)
    assert rule_open(at("2025-07-04T20:00", "UTC"), ("UTC",), SETTINGS, rule)  # not in force
    assert not rule_open(at("2026-07-06T20:00", "UTC"), ("UTC",), SETTINGS, rule)


# --- the property: blocked_by agrees with every window -------------------------------

PLACES = ["US", "US-FL", "US-TX", "US-OK", "US-MD", "US-WA", "US-NY", "CA", "CA-ON", "GB"]
ZONES = ["America/New_York", "America/Chicago", "America/Toronto", "America/Denver"]


@given(
    places=st.lists(st.sampled_from(PLACES), max_size=4, unique=True),
    zone=st.sampled_from(ZONES),
    minutes=st.integers(0, 14 * 24 * 60),
)
def test_nothing_blocks_only_when_every_applicable_window_is_open(places, zone, minutes):
    when = pendulum.datetime(2026, 3, 1, tz="UTC").add(minutes=minutes)
    reason = blocked_by(when, (zone,), tuple(places), SETTINGS)
    rules = SETTINGS.compliance.book.for_places(tuple(places))
    every = window_open(when, (zone,), SETTINGS) and all(
        rule_open(when, (zone,), SETTINGS, r) for r in rules
    )
    assert (reason is None) == every
    assert (reason is None) == window_open(when, (zone,), SETTINGS, rules=rules)
