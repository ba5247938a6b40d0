"""North American numbers (+1 and ten digits) judged without importing phonenumbers.

The desk's first lead shows its numbers, and showing one asks phonenumbers two
things: is it valid, and which region claims it (the lead's jurisdictions).
Importing phonenumbers costs ~25 ms of CPU (its package loads every module it
has: the matcher, the as-you-type formatter, …), ~7 % of the desk's start to
its first lead (issue 15 point 2). For a number of country code 1 the answers
come here from the same patterns, copied from phonenumbers' metadata into
rulepacks/nanp_numbers.txt by scripts/make_nanp_numbers.py, by the same steps
(phonenumberutil's `_region_code_for_number_from_list` and `_number_type_helper`,
written out below and in phones.py). tests/core/domain/test_nanp.py holds the
answers to phonenumbers' own over every area code, and the file to the
phonenumbers installed.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

NUMBERS_FILE = Path(__file__).parent / "rulepacks" / "nanp_numbers.txt"

# phonenumbers.PhoneNumberType's values (the test checks them)
FIXED_LINE, MOBILE, FIXED_LINE_OR_MOBILE, UNKNOWN = 0, 1, 2, 99
KINDS = {
    "fixed_line": FIXED_LINE,
    "mobile": MOBILE,
    "toll_free": 3,
    "premium_rate": 4,
    "shared_cost": 5,
    "voip": 6,
    "personal_number": 7,
    "pager": 8,
    "uan": 9,
    "voicemail": 10,
}
# The types phonenumbers tries after the general pattern, in its order.
TRIED = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
    "voicemail",
)  # fmt: skip

# A number type's (type, possible lengths, compiled pattern); a region's types:
# (general, tried in order, fixed line, mobile, same fixed line and mobile pattern).
Desc = tuple[int, frozenset[int], "re.Pattern[str] | None"]
Types = tuple[Desc, tuple[Desc, ...], Desc, Desc, bool]

Known = tuple[tuple[str, ...], bool, str]  # zones, valid, region
# e164 -> what phones.py found parsing it, for any country (emptied when full): an
# import asks for a number's region right after parsing it, and finds it here
KNOWN: dict[str, Known] = {}

# "+12125550142": what the store keeps for a North American number read from any shape.
_PLAIN = re.compile(r"\+1([2-9]\d{9})")


def desc(kind: int, lengths: tuple[int, ...], pattern: str | None) -> Desc:
    return kind, frozenset(lengths), re.compile(pattern) if pattern else None


def matches(nsn: str, desc: Desc) -> bool:
    # phonenumbers' _is_number_matching_desc: no pattern never matches; lengths, when
    # listed, must fit; then the whole number must match (a match at the start that
    # is not whole counts as none: allow_prefix_match is False there)
    _, lengths, pattern = desc
    if pattern is None or (lengths and len(nsn) not in lengths):
        return False
    return pattern.fullmatch(nsn) is not None


def number_type(nsn: str, types: Types) -> int:
    """phonenumbers' `_number_type_helper` over a region's compiled types."""
    general, tried, fixed, mobile, same = types
    if not matches(nsn, general):
        return UNKNOWN
    for found in tried:
        if matches(nsn, found):
            return found[0]
    if matches(nsn, fixed):
        if same or matches(nsn, mobile):
            return FIXED_LINE_OR_MOBILE
        return FIXED_LINE
    if not same and matches(nsn, mobile):
        return MOBILE
    return UNKNOWN


class _Region:
    """One region of country code 1 as the file gives it; its patterns compiled when
    a number first needs them (a US number needs only the US's)."""

    def __init__(self, code: str, leading: str, same: bool) -> None:
        self.code = code
        self.leading = re.compile(leading) if leading else None
        self.same = same
        self.texts: dict[str, tuple[tuple[int, ...], str | None]] = {}
        self._types: Types | None = None

    def types(self) -> Types:
        if self._types is None:
            # with one pattern for both, phonenumbers never tests the mobile one: not
            # compiled (a US number's would cost ~1 ms)
            names = ("general", *TRIED, "fixed_line", *(() if self.same else ("mobile",)))
            made = {name: desc(KINDS.get(name, UNKNOWN), *self.texts[name]) for name in names}
            made.setdefault("mobile", (MOBILE, frozenset(), None))
            tried = tuple(made[name] for name in TRIED)
            self._types = (made["general"], tried, made["fixed_line"], made["mobile"], self.same)
        return self._types


@cache
def _regions() -> tuple[_Region, ...]:
    regions: list[_Region] = []
    for line in NUMBERS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, lengths, pattern = line.split(" ", 2)
        if name == "region":
            leading, same = pattern.split(" ")
            regions.append(_Region(lengths, "" if leading == "-" else leading, same == "1"))
        else:
            sizes = () if lengths == "-" else tuple(int(n) for n in lengths.split(","))
            regions[-1].texts[name] = (sizes, None if pattern == "-" else pattern)
    return tuple(regions)


@lru_cache(maxsize=4096)
def verdict(e164: str) -> tuple[str, bool] | None:
    """(region, valid) of a stored +1 number of ten digits, as phonenumbers'
    `region_code_for_number` ("" when no region claims it) and `is_valid_number`
    find them; None for any other number (phonenumbers answers those)."""
    plain = _PLAIN.fullmatch(e164)
    if plain is None:
        return None
    nsn = plain[1]
    kind: int | None = None
    for region in _regions():
        if region.leading is not None:
            if region.leading.match(nsn):
                break
        else:
            kind = number_type(nsn, region.types())
            if kind != UNKNOWN:
                break
            kind = None
    else:
        return "", False
    if kind is None:
        kind = number_type(nsn, region.types())
    return region.code, kind != UNKNOWN


def international(e164: str) -> str | None:
    """ "+1 212-555-0142": phonenumbers' INTERNATIONAL format of a stored +1 number of
    ten digits (its US pattern `(\\d{3})(\\d{3})(\\d{4})` -> `$1-$2-$3`, whichever
    region claims the number, valid or not); None for any other number."""
    plain = _PLAIN.fullmatch(e164)
    if plain is None:
        return None
    nsn = plain[1]
    return f"+1 {nsn[:3]}-{nsn[3:6]}-{nsn[6:]}"
