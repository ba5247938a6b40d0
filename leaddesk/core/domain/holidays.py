"""Public holidays that close the calling window, per country of a time zone.

A lead's zone comes from its phone number (or is set by hand); the tz
database's zone.tab says which country a zone belongs to, and the `holidays`
package knows each country's public holidays. Only the countries listed in
`[calling_hours] holidays` are observed.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from leaddesk.core.domain.errors import InvalidInput

if TYPE_CHECKING:
    from holidays import HolidayBase

_ALIASES = (
    ("US/Eastern", "America/New_York"),
    ("US/Central", "America/Chicago"),
    ("US/Mountain", "America/Denver"),
    ("US/Pacific", "America/Los_Angeles"),
    ("Europe/Kiev", "Europe/Kyiv"),
    ("Asia/Calcutta", "Asia/Kolkata"),
)


@cache
def _zone_countries() -> dict[str, str]:
    # zone.tab ships with the tzdata package (a pendulum dependency), so the
    # mapping is the same on every machine whatever the system's tz files.
    # Imported here: only observed holidays need it, not every start-up.
    from importlib import resources

    text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    countries: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            countries[parts[2]] = parts[0]
    # Zones known by another name (links) are not in zone.tab.
    for alias, zone in _ALIASES:
        if zone in countries:
            countries.setdefault(alias, countries[zone])
    return countries


def zone_country(zone: str) -> str | None:
    """The ISO 3166 country of an IANA zone, or None (UTC, Etc/…)."""
    return _zone_countries().get(zone)


# The holidays package is imported only when a country is observed or checked
# (~20 ms of start-up that `leaddesk due` without holidays does not need).


@cache
def _calendar(country: str) -> HolidayBase:
    import holidays as holiday_calendars

    return holiday_calendars.country_holidays(country)


def check_country(code: str) -> str:
    """`code` upper-cased if the holidays package knows it, else InvalidInput."""
    import holidays as holiday_calendars

    upper = code.strip().upper()
    if upper not in holiday_calendars.list_supported_countries():
        raise InvalidInput(f"{code!r} is not a country with known public holidays")
    return upper


def holiday_name(day: date, zone: str, observed: tuple[str, ...]) -> str | None:
    """The public holiday on `day` in the country of `zone`, if it is observed."""
    if not observed:
        return None
    country = zone_country(zone)
    if country is None or country not in observed:
        return None
    return _calendar(country).get(day)
