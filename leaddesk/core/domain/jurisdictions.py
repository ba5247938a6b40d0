"""A lead's jurisdictions: where its calling rules come from.

Every phone number gives its country and, in North America, the state or
province of its area code (rulepacks/nanp_area_codes.txt, generated from
phonenumbers' geocoder by scripts/make_area_codes.py); the address gives its
country and region. All of them apply at once. They are computed when a lead is
written and stored in its window key (`Lead.call_zones`: "zones|places"), so
the queue stays one IN over the few distinct keys.
"""

from __future__ import annotations

from functools import cache, lru_cache

from leaddesk.core.domain.compliance import RULEPACKS
from leaddesk.core.domain.phone_text import country_of
from leaddesk.core.domain.record import Frozen
from leaddesk.core.domain.regions import region_code

SEPARATOR = "|"  # between a key's zones and its places


class Place(Frozen):
    """A jurisdiction a lead is in, and how it is known (a plain class: `domain.record`)."""

    __slots__ = ("code", "source")
    code: str  # "US", "US-FL"
    source: str  # "phone" | "address"

    def __init__(self, code: str, source: str) -> None:
        self._set(code=code, source=source)


@cache
def _area_codes() -> dict[str, str]:
    path = RULEPACKS / "nanp_area_codes.txt"
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            npa, code = line.split()
            table[npa] = code
    return table


def phone_places(e164: str) -> tuple[str, ...]:
    """("US", "US-FL") for +1 305…; ("GB",) for a UK number; () when unknown."""
    # the region the number's parse found (an import parsed it a moment ago); for a
    # North American number, without phonenumbers (the desk's first lead, nanp.py)
    country = country_of(e164)
    # the area code: NANP numbers are +1NPA…
    return _places(country, e164[2:5] if e164.startswith("+1") else "")


@lru_cache(maxsize=4096)  # by country and area code: an import's numbers are all different
def _places(country: str, area: str) -> tuple[str, ...]:
    if not country or country == "001":
        return ()
    if area:
        region = _area_codes().get(area, "")
        if region.startswith(country + "-"):
            return (country, region)
    return (country,)


@lru_cache(maxsize=4096)  # a few hundred states and countries: an import asks per row
def address_places(country: str, region: str) -> tuple[str, ...]:
    """("US", "US-FL") for ("US", "Florida"); ("DE",) for ("DE", "Bayern")."""
    code = region_code(country.strip(), region.strip()) if region.strip() else ""
    found = code.split("-")[0] if code else country.strip().upper()
    return tuple(p for p in (found, code) if p)


def lead_places(e164s: list[str], country: str, region: str) -> tuple[Place, ...]:
    """Every jurisdiction of a lead, each once, the phone's before the address's."""
    found: dict[str, Place] = {}
    for e164 in e164s:
        for code in phone_places(e164) if e164 else ():
            found.setdefault(code, Place(code, "phone"))
    for code in address_places(country, region):
        found.setdefault(code, Place(code, "address"))
    return tuple(found.values())


def place_codes(e164s: list[str], country: str, region: str) -> tuple[str, ...]:
    """The codes of `lead_places`, sorted (which of them came first does not matter)."""
    codes = set(address_places(country, region))
    for e164 in e164s:
        if e164:
            codes.update(phone_places(e164))
    return tuple(sorted(codes))


def window_key(zones: tuple[str, ...] | list[str], places: tuple[str, ...] = ()) -> str:
    """ "America/New_York|US US-FL": the zones then the places; no places, no "|"."""
    key = " ".join(zones)
    return f"{key}{SEPARATOR}{' '.join(sorted(places))}" if places else key


def split_key(key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    zones, _, places = key.partition(SEPARATOR)
    return tuple(zones.split()), tuple(places.split())


def shown(places: tuple[Place, ...]) -> str:
    """ "US-FL from phone, US-NY from address": the most specific places only (a
    state's country goes without saying)."""
    codes = {p.code for p in places}
    kept = [p for p in places if not any(c.startswith(p.code + "-") for c in codes)]
    return ", ".join(f"{p.code} from {p.source}" for p in kept)
