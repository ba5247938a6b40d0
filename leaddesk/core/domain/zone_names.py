"""A time zone as reps type it: `PST`, `Eastern`, `Los Angeles`, `London` → an IANA zone.

Three ways in, tried in order:
1. an IANA name as written (`America/Chicago`), except the fixed-offset
   abbreviations the tz database also lists as zones (`EST`, `MST`, `HST`
   never change for summer time, which is not what a rep typing "EST" means);
2. an abbreviation or a region word (`PST`, `CT`, `Eastern`), from `ABBREVIATIONS`;
3. a city: the last part of an IANA name, spaces for underscores, any case
   and accents (`los angeles`, `sao paulo`).

Abbreviations several regions use (`CST`, `IST`, `BST`, `AST`) are ambiguous: the
error lists the choices. Source of the abbreviations: the IANA tz database
(tzdata), the `%z`/`%Z` names its rules print for each zone in winter and summer
(e.g. `northamerica`: "Rule US … P%sT" for America/Los_Angeles);
tests/core/domain/test_zone_names.py checks each one against the zone's own
tzdata names, so a wrong pairing fails.
"""

from __future__ import annotations

from functools import cache

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.text import fold

# What a rep types → the IANA zones it can mean (more than one: ask).
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    # North America (tzdata `northamerica`): standard, daylight and generic forms
    "pst": ("America/Los_Angeles",),
    "pdt": ("America/Los_Angeles",),
    "pt": ("America/Los_Angeles",),
    "pacific": ("America/Los_Angeles",),
    "mst": ("America/Denver", "America/Phoenix"),  # Arizona keeps MST all year
    "mdt": ("America/Denver",),
    "mt": ("America/Denver",),
    "mountain": ("America/Denver",),
    "arizona": ("America/Phoenix",),
    "cst": ("America/Chicago", "Asia/Shanghai"),  # China Standard Time too
    "cdt": ("America/Chicago",),
    "ct": ("America/Chicago",),
    "central": ("America/Chicago",),
    "est": ("America/New_York",),
    "edt": ("America/New_York",),
    "et": ("America/New_York",),
    "eastern": ("America/New_York",),
    "akst": ("America/Anchorage",),
    "akdt": ("America/Anchorage",),
    "alaska": ("America/Anchorage",),
    "hst": ("Pacific/Honolulu",),
    "hawaii": ("Pacific/Honolulu",),
    "ast": ("America/Halifax", "America/Puerto_Rico"),
    "adt": ("America/Halifax",),
    "atlantic": ("America/Halifax",),
    "nst": ("America/St_Johns",),
    "ndt": ("America/St_Johns",),
    "newfoundland": ("America/St_Johns",),
    # Europe (tzdata `europe`)
    "gmt": ("Europe/London", "Etc/GMT"),
    "bst": ("Europe/London",),
    "ist": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "wet": ("Europe/Lisbon",),
    "cet": ("Europe/Paris", "Europe/Berlin"),
    "cest": ("Europe/Paris", "Europe/Berlin"),
    "eet": ("Europe/Athens", "Europe/Helsinki"),
    "msk": ("Europe/Moscow",),
    # Asia and the Pacific (tzdata `asia`, `australasia`)
    "jst": ("Asia/Tokyo",),
    "kst": ("Asia/Seoul",),
    "hkt": ("Asia/Hong_Kong",),
    "aest": ("Australia/Sydney", "Australia/Brisbane"),
    "aedt": ("Australia/Sydney",),
    "awst": ("Australia/Perth",),
    "nzst": ("Pacific/Auckland",),
    "nzdt": ("Pacific/Auckland",),
    "utc": ("UTC",),
}

# IANA "zones" that are fixed offsets named like the abbreviations above.
_FIXED = {"est", "mst", "hst", "est5edt", "cst6cdt", "mst7mdt", "pst8pdt"}
_REGIONS = (
    "Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/",
    "Indian/", "Pacific/",
)  # fmt: skip


def _key(text: str) -> str:
    """Lower case, no accents, one space: 'São  Paulo' → 'sao paulo'."""
    return " ".join(fold(text.replace("_", " ")).split())


@cache
def _zones() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """(exact IANA names by lower-cased name, IANA zones by city key)."""
    import zoneinfo

    names = sorted(zoneinfo.available_timezones())
    exact = {n.lower(): n for n in names}
    cities: dict[str, list[str]] = {}
    for name in names:
        if name.startswith(_REGIONS):
            cities.setdefault(_key(name.rsplit("/", 1)[1]), []).append(name)
    return exact, {city: tuple(zones) for city, zones in cities.items()}


def zone_choices(text: str) -> tuple[str, ...]:
    """Every IANA zone `text` can mean: none, one, or several to choose from."""
    key = _key(text)
    if not key:
        return ()
    exact, cities = _zones()
    if key in ABBREVIATIONS:
        return ABBREVIATIONS[key]
    name = exact.get(text.strip().lower())
    if name is not None and key not in _FIXED:
        return (name,)
    return cities.get(key, ())


def read_zone(text: str) -> str:
    """The IANA zone `text` names, or InvalidInput saying why (with the choices)."""
    choices = zone_choices(text)
    if len(choices) == 1:
        return choices[0]
    if choices:
        raise InvalidInput(f"time zone {text.strip()!r} could be {' or '.join(choices)}")
    raise InvalidInput(
        f"time zone {text.strip()!r} is not an IANA zone or a name we know "
        "(e.g. America/New_York, Eastern, PST, London)"
    )
