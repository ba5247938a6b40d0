"""North American numbers judged without phonenumbers give exactly phonenumbers' answers.

nanp.py answers "valid?", "whose?" and "how is it written?" for a stored +1
number of ten digits from its own copy of phonenumbers' patterns; these fail if
the copy is stale or a phonenumbers release ever answers otherwise.
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.core.domain import nanp, phone_text
from leaddesk.core.domain.jurisdictions import phone_places
from leaddesk.core.domain.phones import parse_phone

ROOT = Path(__file__).resolve().parents[3]


def theirs(e164: str) -> tuple[str, bool, str]:
    number = phonenumbers.parse(e164, None)
    return (
        phonenumbers.region_code_for_number(number) or "",
        phonenumbers.is_valid_number(number),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
    )


def ours(e164: str) -> tuple[str, bool, str]:
    found = nanp.verdict(e164)
    assert found is not None, e164
    shown = nanp.international(e164)
    assert shown is not None, e164
    return found[0], found[1], shown


def test_the_shipped_patterns_are_the_installed_phonenumbers_own():
    """scripts/make_nanp_numbers.py prints the shipped file: after a phonenumbers
    upgrade, run it again (this fails until then)."""
    spec = importlib.util.spec_from_file_location(
        "make_nanp_numbers", ROOT / "scripts" / "make_nanp_numbers.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert nanp.NUMBERS_FILE.read_text(encoding="utf-8").splitlines() == script.lines()


def test_the_number_types_are_phonenumbers_own():
    kinds = phonenumbers.PhoneNumberType
    assert (nanp.FIXED_LINE, nanp.MOBILE, nanp.FIXED_LINE_OR_MOBILE, nanp.UNKNOWN) == (
        kinds.FIXED_LINE,
        kinds.MOBILE,
        kinds.FIXED_LINE_OR_MOBILE,
        kinds.UNKNOWN,
    )
    for name, kind in nanp.KINDS.items():
        assert kind == getattr(kinds, name.upper()), name


def test_every_area_code_agrees_with_phonenumbers():
    """Each area code 200–999 with exchanges and lines of every sort: the demo's
    fictional 555-01xx, N11 and 555-1212, toll-free and premium lines, the
    Caribbean's own codes — region, validity and writing as phonenumbers gives them."""
    rng = random.Random(15)
    checked = valid = regions = 0
    seen: set[str] = set()
    for npa in range(200, 1000):
        lines = ["5550142", "5551212", "2110000", "9110000", "2000001", "9999999"]
        lines += [f"{rng.randrange(200, 1000)}{rng.randrange(10_000):04d}" for _ in range(8)]
        lines += [f"{rng.randrange(0, 200):03d}{rng.randrange(10_000):04d}" for _ in range(2)]
        for line in lines:
            e164 = f"+1{npa}{line}"
            got = ours(e164)
            assert got == theirs(e164), e164
            checked += 1
            valid += got[1]
            seen.add(got[0])
    regions = len(seen - {""})
    # the grid reaches valid and invalid numbers and most of the 25 regions
    assert checked == 800 * 16 and valid > 3000 and regions >= 20


@settings(max_examples=600, deadline=None)
@given(digits=st.from_regex(r"[2-9][0-9]{9}", fullmatch=True))
def test_any_ten_digits_agree_with_phonenumbers(digits):
    assert ours(f"+1{digits}") == theirs(f"+1{digits}")


@pytest.mark.parametrize(
    "e164",
    ["+442079460958", "+4915112345678", "+1212555014", "+112125550142", "+12125550142 ", ""],
)
def test_other_numbers_are_left_to_phonenumbers(e164):
    assert nanp.verdict(e164) is None
    assert nanp.international(e164) is None


@pytest.mark.parametrize(
    "e164",
    ["+12125550142", "+12015550123", "+18765550123", "+18005550199", "+16135550123",
     "+442079460958", "+4915112345678", "+61291234567", "+80012345678", "+999123"],
)  # fmt: skip
def test_what_the_desk_shows_agrees_with_phonenumbers_for_any_number(e164):
    """The shown text, validity and jurisdictions, whichever path answers."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        assert phone_text.pretty(e164) == e164
        assert not phone_text.is_valid_e164(e164)
        assert phone_text.country_of(e164) == ""
        return
    valid = phonenumbers.is_valid_number(number)
    pretty = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    assert phone_text.is_valid_e164(e164) == valid
    assert phone_text.pretty(e164) == pretty
    assert phone_text.country_of(e164) == (phonenumbers.region_code_for_number(number) or "")
    assert phone_text.shown_phone(e164, "as typed") == (
        pretty if valid else "as typed (not a valid number)"
    )


def test_a_parsed_number_is_answered_from_what_its_parse_found():
    """An import parses a row's number, then asks its region: the parse's answer."""
    phone = parse_phone("(305) 555-2671")
    assert nanp.KNOWN[phone.e164][1:] == (phone.valid, phone.region)
    assert phone_text.country_of(phone.e164) == phone.region
    assert phone_places(phone.e164) == (("US", "US-FL") if phone.region == "US" else ())
