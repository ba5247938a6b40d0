"""US states and Canadian provinces: names and ISO 3166-2 codes, both ways.

An address's region may be typed "FL", "Florida" or "fla."-free text; a
jurisdiction is named by its ISO 3166-2 code ("US-FL", "CA-ON").
"""

from __future__ import annotations

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

CA_PROVINCES = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "NT": "Northwest Territories",
    "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec",
    "SK": "Saskatchewan", "YT": "Yukon",
}  # fmt: skip

_BY_COUNTRY = {"US": US_STATES, "CA": CA_PROVINCES}


def _fold(text: str) -> str:
    return " ".join(text.replace(".", " ").replace("é", "e").lower().split())


_LOOKUP: dict[str, tuple[str, str]] = {}
for _country, _table in _BY_COUNTRY.items():
    for _code, _name in _table.items():
        _LOOKUP[_fold(_code)] = (_country, _code)
        _LOOKUP[_fold(_name)] = (_country, _code)
_LOOKUP.update({"washington state": ("US", "WA"), "washington d c": ("US", "DC")})


def region_code(country: str, region: str) -> str:
    """ "US-FL" for ("US", "Florida") or ("", "fl"); "" when not a known state or province.

    With no country, a region that names a US state or a Canadian province
    says its country (the two lists share no code or name).
    """
    found = _LOOKUP.get(_fold(region))
    if found is None:
        return ""
    where, code = found
    if country and country.upper() != where:
        return ""
    return f"{where}-{code}"
