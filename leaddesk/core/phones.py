"""Phone numbers: normalise to E.164 and find the time zones a number may be in."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers import timezone as pn_timezone

try:  # private, but stable for a decade; without it the public (slower) path runs
    from phonenumbers.phonenumberutil import _number_type_helper
except ImportError:  # pragma: no cover
    _number_type_helper = None

from leaddesk.core.errors import InvalidInput

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


def parse_phone(raw: str, default_region: str = "US") -> ParsedPhone:
    """Parse a phone as typed or exported; raise InvalidInput naming the problem."""
    text = (raw or "").strip()
    if not text:
        raise InvalidInput("phone number is empty")
    if len(text) > 64:
        raise InvalidInput(f"phone number {text[:20]!r}… is too long")
    try:
        number = phonenumbers.parse(text, default_region or None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(f"phone number {text!r} cannot be read: {exc._msg}") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidInput(f"phone number {text!r} has the wrong number of digits")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    region = phonenumbers.region_code_for_number(number) or ""
    return ParsedPhone(text, e164, region, _zones(e164, number, region))


def zones_for_e164(e164: str) -> tuple[str, ...]:
    return _zones(e164, None, None)


_ZONES: dict[str, tuple[str, ...]] = {}  # e164 -> zones, emptied when full


def _zones(
    e164: str, number: phonenumbers.PhoneNumber | None, region: str | None
) -> tuple[str, ...]:
    zones = _ZONES.get(e164)
    if zones is None:
        if len(_ZONES) >= 16384:
            _ZONES.clear()
        if number is None:
            number = phonenumbers.parse(e164, None)
            region = phonenumbers.region_code_for_number(number) or ""
        zones = _ZONES[e164] = _compute_zones(number, region or "")
    return zones


def _compute_zones(number: phonenumbers.PhoneNumber, region: str) -> tuple[str, ...]:
    found = _time_zones(number, region)
    zones = tuple(z for z in found if z != UNKNOWN_ZONE)
    if len(zones) > MAX_SPREAD_ZONES:
        return ()
    return zones


def _time_zones(number: phonenumbers.PhoneNumber, region: str) -> list[str]:
    """`phonenumbers.timezone.time_zones_for_number`, given the region already found.

    That function finds the region again and types the number again (each a
    pass over the region's patterns: a third of a phone's parse time in a
    100k-row import). tests/core/test_phones.py checks both agree.
    """
    if _number_type_helper is None:
        return pn_timezone.time_zones_for_number(number)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(number.country_code, region)
    if metadata is None:
        return [UNKNOWN_ZONE]
    kind = _number_type_helper(phonenumbers.national_significant_number(number), metadata)
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:
        return [UNKNOWN_ZONE]
    if not phonenumbers.is_number_type_geographical(kind, number.country_code):
        return pn_timezone.time_zones_for_number(number)  # country-level zones
    return pn_timezone.time_zones_for_geographical_number(number)


def pretty(e164: str) -> str:
    """An E.164 number in its international format, for display."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


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
