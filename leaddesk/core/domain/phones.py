"""Phone numbers: normalise to E.164 and find the time zones a number may be in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers import timezone as pn_timezone
from phonenumbers.tzdata import TIMEZONE_DATA

from leaddesk.core.domain import nanp
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.prefixes import decided_by

UNKNOWN_ZONE = "Etc/Unknown"
# A number whose possible zones span more than this many hours of offset gives
# no usable calling window (e.g. toll-free +1 800 spans Guam to Newfoundland).
MAX_SPREAD_ZONES = 6


@dataclass(frozen=True)
class ParsedPhone:
    raw: str
    e164: str
    region: str  # ISO country of the number, e.g. "US"
    zones: tuple[str, ...]  # every zone the number may be in; empty = unknown
    # False when phonenumbers says no such number exists (555-0104, area code 999):
    # kept as typed, flagged wherever it is shown or dialled.
    valid: bool = True
    extension: str = ""  # "3" for "(212) 555-0142 ext 3"


def parse_phone(raw: str, default_region: str = "US") -> ParsedPhone:
    """Parse a phone as typed or exported; raise InvalidInput naming the problem."""
    text = (raw or "").strip()
    if not text:
        raise InvalidInput("phone number is empty")
    if len(text) > 64:
        raise InvalidInput(f"phone number {text[:20]!r}… is too long")
    number = _plain_nanp(text, default_region)
    if number is not None:
        # ten digits, a length every number of country code 1 may have (what
        # is_possible_number checks), and no leading zero: E.164 is "+1" and them
        e164 = f"+1{number.national_number}"
    else:
        try:
            number = phonenumbers.parse(text, default_region or None)
        except phonenumbers.NumberParseException as exc:
            raise InvalidInput(f"phone number {text!r} cannot be read: {exc._msg}") from None
        if not phonenumbers.is_possible_number(number):
            raise InvalidInput(f"phone number {text!r} has the wrong number of digits")
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    known = _ZONES.get(e164)
    if known is None and number.italian_leading_zero:
        # "+49 00223456" keeps a leading zero its E.164 form "+490223456" loses: what is
        # stored is the E.164 form, so validity and zones are that number's, as a later
        # process reading the store will find them (not this parse's)
        known = _known(e164)
    elif known is None:
        known = _judge(e164, number)
    zones, valid, region = known
    return ParsedPhone(text, e164, region, zones, valid, number.extension or "")


# "(212) 555-0142", "212.555.0142", "+1 212 555 0142", "1-212-555-0142": the
# North American shapes most lead lists hold. A shortcut to the same
# PhoneNumber `phonenumbers.parse` builds (tests/core/domain/test_phones_fast.py
# checks they agree): ~1 µs instead of ~10 µs, a second of a 100k-row import.
_NANP_SHAPE = re.compile(r"(?:\+1|1)?[ .\-]?\(?([2-9]\d\d)\)?[ .\-]?(\d{3})[ .\-]?(\d{4})")
_NANP_REGIONS = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])


def _plain_nanp(text: str, default_region: str) -> phonenumbers.PhoneNumber | None:
    if not (text.startswith("+1") or (default_region or "").upper() in _NANP_REGIONS):
        return None
    match = _NANP_SHAPE.fullmatch(text)
    if match is None:
        return None
    return phonenumbers.PhoneNumber(
        country_code=1,
        national_number=int("".join(match.groups())),
        country_code_source=phonenumbers.CountryCodeSource.UNSPECIFIED,
    )


def _known(e164: str) -> nanp.Known:
    known = _ZONES.get(e164)
    if known is None:
        number = _plain_nanp(e164, "") or phonenumbers.parse(e164, None)
        known = _judge(e164, number)
    return known


def region_of(e164: str) -> str:
    """`phonenumbers.region_code_for_number` of a stored number ("" when none claims
    it), remembered from its parse: an import asks right after parsing each row's.
    Raises phonenumbers.NumberParseException for text that is no number."""
    return _known(e164)[2]


def judged(e164: str) -> tuple[str, bool]:
    """(region, valid) of a stored number, as `region_of` and phonenumbers'
    `is_valid_number` (cached). Raises phonenumbers.NumberParseException."""
    _, valid, region = _known(e164)
    return region, valid


def zones_for_e164(e164: str) -> tuple[str, ...]:
    return _known(e164)[0]


# e164 -> what parsing it found, emptied when full (phone_text.py reads it too)
_ZONES = nanp.KNOWN


def _judge(e164: str, number: phonenumbers.PhoneNumber) -> nanp.Known:
    """What `_remember` finds for a number: a ten-digit +1 number's from the first
    number judged with its area code and exchange, where those six digits decide
    (`_six_decide`), once this process has judged a list's worth of numbers."""
    global _judged
    key = e164[:8]  # "+1" and six digits
    if (
        _judged >= BULK
        and len(e164) == 12
        and key[:2] == "+1"
        and not number.italian_leading_zero
        and _six_decide(e164[2:5])
    ):
        known = _BY_PREFIX.get(key)
        if known is None:
            if len(_BY_PREFIX) >= 65536:
                _BY_PREFIX.clear()
            known = _BY_PREFIX[key] = _remember(e164, number, *_region_and_kind(number))
        else:
            _keep(e164, known)
        return known
    _judged += 1
    return _remember(e164, number, *_region_and_kind(number))


# Numbers judged one by one before the prefixes serve: deciding an area code's costs
# ~1 ms and its patterns' ~15 ms once, which one number added by hand should not pay.
BULK = 256
_judged = 0
_BY_PREFIX: dict[str, nanp.Known] = {}  # "+1212555" -> its numbers' judgement


@lru_cache(maxsize=1024)
def _six_decide(area: str) -> bool:
    """Whether every ten-digit +1 number beginning with `area` is judged — its region,
    its type, so its validity, and its zones — by its first six digits: each pattern of
    each region of country code 1 looks no further for such a number (prefixes.py),
    and the zone data's +1 prefixes hold at most six digits after the 1. False for
    Barbados's 246 and Jamaica's 876 (phonenumbers 9.0.43: their fixed-line numbers
    are told by the seventh digit); those numbers are judged one by one."""
    if max(len(prefix) for prefix in _nanp_zone_prefixes()) > 7:
        return False
    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]:
        metadata = PhoneMetadata.metadata_for_region(code.upper(), None)
        if metadata is None:
            return False
        leading = metadata.leading_digits
        if leading is not None and not decided_by(leading, 10, 6, start=area, whole=False):
            return False
        for name in ("general_desc", *nanp.TRIED, "fixed_line", "mobile"):
            desc = getattr(metadata, name)
            pattern = desc.national_number_pattern if desc is not None else None
            if pattern is not None and not decided_by(pattern, 10, 6, start=area):
                return False
    return True


@cache
def _nanp_zone_prefixes() -> tuple[str, ...]:
    # the prefixes `time_zones_for_geographical_number` looks a +1 number up by
    return tuple(prefix for prefix in TIMEZONE_DATA if prefix.startswith("1"))


def _keep(e164: str, known: nanp.Known) -> None:
    if len(_ZONES) >= 16384:
        _ZONES.clear()
    _ZONES[e164] = known


def _remember(e164: str, number: phonenumbers.PhoneNumber, region: str, kind: int) -> nanp.Known:
    if len(_ZONES) >= 16384:
        _ZONES.clear()
    # as phonenumbers.is_valid_number: a region claims the number and types it
    # (tests/core/domain/test_phones_fast.py checks they agree)
    valid = bool(region) and kind != phonenumbers.PhoneNumberType.UNKNOWN
    known = (_compute_zones(number, kind), valid, region)
    _ZONES[e164] = known
    return known


def _country_code(number: phonenumbers.PhoneNumber) -> int:
    # A parsed number always has one; the stubs allow None (an empty PhoneNumber).
    return number.country_code or 0


def _compute_zones(number: phonenumbers.PhoneNumber, kind: int) -> tuple[str, ...]:
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:
        return ()
    if not phonenumbers.is_number_type_geographical(kind, _country_code(number)):
        found = pn_timezone.time_zones_for_number(number)  # country-level zones
    else:
        found = pn_timezone.time_zones_for_geographical_number(number)
    zones = tuple(z for z in found if z != UNKNOWN_ZONE)
    if len(zones) > MAX_SPREAD_ZONES:
        return ()
    return zones


# A region's number types in the order phonenumbers tries them, compiled once per
# region's metadata (nanp.py types numbers of country code 1 from its own copy).
_T = phonenumbers.PhoneNumberType
_TYPES: dict[int, tuple[PhoneMetadata, nanp.Types]] = {}


def _desc(kind: int, desc: phonenumbers.PhoneNumberDesc | None) -> nanp.Desc:
    if desc is None:
        return kind, frozenset(), None
    return nanp.desc(kind, tuple(desc.possible_length or ()), desc.national_number_pattern)


def _number_type(nsn: str, metadata: PhoneMetadata) -> int:
    """phonenumbers' `_number_type_helper` with each pattern compiled once and looked up
    by the metadata, not by its text for every test (most of a number's typing time).
    tests/core/domain/test_phones_fast.py checks they agree for every region."""
    entry = _TYPES.get(id(metadata))
    if entry is None or entry[0] is not metadata:
        tried = tuple(_desc(nanp.KINDS[name], getattr(metadata, name)) for name in nanp.TRIED)
        types: nanp.Types = (
            _desc(_T.UNKNOWN, metadata.general_desc),
            tried,
            _desc(_T.FIXED_LINE, metadata.fixed_line),
            _desc(_T.MOBILE, metadata.mobile),
            bool(metadata.same_mobile_and_fixed_line_pattern),
        )
        entry = (metadata, types)
        _TYPES[id(metadata)] = entry
    return nanp.number_type(nsn, entry[1])


def _region_and_kind(number: phonenumbers.PhoneNumber) -> tuple[str, int]:
    """`region_code_for_number` and `number_type` in one pass.

    phonenumbers finds a number's region by typing it against each candidate
    region's patterns, then `number_type` (inside `time_zones_for_number`)
    finds the region and types it all over again: a third of a phone's parse
    time in a 100k-row import. tests/core/domain/test_phones_fast.py checks this
    agrees with phonenumbers' own functions.
    """
    nsn = phonenumbers.national_significant_number(number)
    regions: tuple[str, ...] = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(
        _country_code(number), ()
    )
    region: str | None = regions[0] if len(regions) == 1 else None
    kind: int | None = None
    for code in regions if region is None else ():
        # as phonenumbers' _region_code_for_number_from_list, keeping the type
        metadata = PhoneMetadata.metadata_for_region(code.upper(), None)
        if metadata is None:
            continue
        if metadata.leading_digits is not None:
            if re.match(metadata.leading_digits, nsn):
                region = code
                break
        else:
            kind = _number_type(nsn, metadata)
            if kind != phonenumbers.PhoneNumberType.UNKNOWN:
                region = code
                break
            kind = None
    if kind is None:
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(
            _country_code(number), region or ""
        )
        kind = (
            phonenumbers.PhoneNumberType.UNKNOWN
            if metadata is None
            else _number_type(nsn, metadata)
        )
    return region or "", kind


@dataclass(frozen=True)
class LeadZone:
    timezone: str  # shown to the rep; "" means the rep's own zone
    source: str  # manual | phone | rep
    call_zones: tuple[str, ...]  # windows must be open in all of these


def resolve_zone(tz_override: str | None, e164s: list[str]) -> LeadZone:
    """Where a lead is: set by hand, else from its first good phone, else unknown."""
    if tz_override:
        return LeadZone(tz_override, "manual", (tz_override,))
    for e164 in e164s:
        zones = zones_for_e164(e164)
        if zones:
            return LeadZone(zones[0], "phone", zones)
    return LeadZone("", "rep", ())
