"""Who a demo lead is: the shape the rules see, and names, numbers and addresses."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import accumulate

from leaddesk.core.demo.numbers import NO_NEED, Dealer, Need
from leaddesk.core.demo.places import (
    AREAS,
    FIRST_NAMES,
    INTERESTS,
    LAST_NAMES,
    OVERRIDE_ZONES,
    PERSONAL_DOMAINS,
    PLACE_WORDS,
    SOURCES,
    STREET_KINDS,
    STREETS,
    TAGS,
    TITLES,
    TLDS,
    TOLL_FREE,
    TRADES,
    Area,
)
from leaddesk.core.domain.phones import parse_phone


@dataclass(frozen=True)
class Shape:
    """What the rules see of a lead; leads of one shape share histories."""

    phones: tuple[tuple[int, str], ...]  # (phone group, label) per position
    email: bool
    address: bool
    tz_override: str | None
    interest: str
    company: bool


# --- identities ---------------------------------------------------------------


@lru_cache(maxsize=1)
def area_groups() -> tuple[tuple[tuple[str, ...], str, tuple[Area, ...]], ...]:
    """Areas grouped by (zones, country): a lead's number may come from any of a group."""
    found: dict[tuple[tuple[str, ...], str], list[Area]] = {}
    for area in (*AREAS, TOLL_FREE):
        zones = parse_phone(sample_number(area), "US").zones
        found.setdefault((zones, area.country), []).append(area)
    return tuple((zones, country, tuple(areas)) for (zones, country), areas in found.items())


def sample_number(area: Area) -> str:
    """One of `area`'s numbers, E.164: where its zones and jurisdictions are read."""
    if area.codes:
        return f"+1{area.codes[0]}5550100"
    return e164_of(area.numbers[0].replace("#", "0"))


def fill_digits(pattern: str, rng: random.Random) -> str:
    out = []
    for c in pattern:
        if c == "#":
            out.append(str(rng.randrange(10)))
        elif c == "@":
            out.append(rng.choice("ABCEGHJKLMNPRSTVWXY"))
        else:
            out.append(c)
    return "".join(out)


def _group_for(rng: random.Random, areas: Sequence[Area], weights: Sequence[int]) -> int:
    area = rng.choices(areas, weights=weights)[0]
    for index, (_, _, members) in enumerate(area_groups()):
        if area in members:
            return index
    raise AssertionError(area)


def random_shape(scenario: str, rng: random.Random) -> Shape:
    weights = [a.weight for a in AREAS]
    us = [a for a in AREAS if a.country == "US"]
    us_weights = [a.weight for a in us]
    reachable_now = scenario in ("overdue_callback", "appointment_today")
    n_phones = 1 if scenario == "bad" else rng.choices((0, 1, 2), weights=(4, 70, 26))[0]
    if scenario != "bulk":
        n_phones = max(n_phones, 1)
    phones: list[tuple[int, str]] = []
    for position in range(n_phones):
        pool, pool_weights = (us, us_weights) if reachable_now else (AREAS, weights)
        if position > 0 and rng.random() < 0.12:
            pool, pool_weights = [TOLL_FREE], [1]  # the company's main line
        elif position > 0 and rng.random() < 0.8:
            # A work number is usually in the same area as the mobile.
            pool = area_groups()[phones[0][0]][2]
            pool_weights = [1] * len(pool)
        phones.append((_group_for(rng, pool, pool_weights), ""))
    labels: tuple[str, ...]
    if n_phones == 2:
        labels = rng.choice((("mobile", "work"), ("work", "mobile"), ("mobile", "home")))
    elif n_phones == 1:
        labels = (rng.choice(("mobile", "work", "", "mobile")),)
    else:
        labels = ()
    phones = [(g, label) for (g, _), label in zip(phones, labels, strict=True)]
    company = rng.random() < 0.75
    if scenario == "bad":
        email, address = False, False
    elif scenario == "dnc" or n_phones == 0:
        email, address = True, rng.random() < 0.5
    else:
        email, address = rng.random() < 0.85, rng.random() < 0.45
    override = None
    if phones and rng.random() < 0.01:
        override = rng.choice(OVERRIDE_ZONES)
    return Shape(tuple(phones), email, address, override, rng.choice(INTERESTS), company)


@dataclass(frozen=True)
class Identity:
    name: str
    company: str
    title: str
    email: str
    address: str
    city: str
    region: str
    postcode: str
    country: str
    source: str
    tags: str
    notes: str
    phones: tuple[tuple[str, str, str], ...]  # (raw, e164, label)
    areas: tuple[Area | None, ...] = ()  # each phone's area, then the address's


_SOURCE_NAMES = tuple(s for s, _ in SOURCES)
_SOURCE_CUM = tuple(accumulate(w for _, w in SOURCES))


# Names come from short lists: a fill of any size has a few thousand companies and
# email names, each cleaned once.
@cache
def _slug(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def make_identity(
    shape: Shape,
    rng: random.Random,
    like: Identity | None = None,
    dealer: Dealer | None = None,
    needs: Sequence[Need] = (),
) -> Identity:
    """A random person of `shape`; `like` another one's areas (phones, address), so a
    reused history keeps the jurisdictions — and calling windows — it was planned in.

    Which number may go to this lead depends on its calls (`needs`, numbers.py): without
    a `dealer`, before its history is made, each phone is its area's sample number until
    `with_numbers` deals it one."""
    groups = area_groups()
    phones = []
    home: Area | None = None
    used: list[Area | None] = []
    for n, (group, label) in enumerate(shape.phones):
        kept = like.areas[n] if like is not None else None
        area = kept or rng.choice(groups[group][2])
        used.append(area)
        if dealer is None:
            raw = e164 = sample_number(area)
        else:
            raw, e164 = dealer.number(area, needs[n] if n < len(needs) else NO_NEED)
            e164 = e164 or e164_of(raw)
        phones.append((raw, e164, label))
        if home is None and area.city:
            home = area
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    domain_country = home.country if home else "US"
    company = title = ""
    if shape.company:
        r = rng.random()
        lead_name = last if r < 0.5 else rng.choice(LAST_NAMES)
        company = f"{lead_name if r < 0.75 else rng.choice(PLACE_WORDS)} {rng.choice(TRADES)}"
        title = rng.choice(TITLES)
    email = ""
    if shape.email:
        local = rng.choice(
            (f"{first}.{last}", f"{first[0]}{last}", first, f"{first}{last[0]}", f"{first}_{last}")
        )
        domain = (
            f"{_slug(company)}.{TLDS.get(domain_country, 'com')}"
            if company and rng.random() < 0.8
            else rng.choice(PERSONAL_DOMAINS)
        )
        email = f"{_email_local(local)}@{domain}"
    # Without an address, the writer takes the country from the first phone (as services does).
    address = city = region = postcode = country = ""
    if shape.address:
        kept = like.areas[-1] if like is not None and like.areas else None
        area = home or kept or rng.choice([a for a in AREAS if a.country == "US"])
        used.append(area)
        number = rng.randint(12, 9800)
        address = f"{number} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"
        if rng.random() < 0.15:
            address += f", Suite {rng.randint(100, 900)}"
        city, region, postcode = area.city, area.region, fill_digits(area.postcode, rng)
        country = area.country
    source = rng.choices(_SOURCE_NAMES, cum_weights=_SOURCE_CUM)[0]
    notes = ""
    if source == "referral":
        notes = f"referred by {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    elif source == "trade show" and rng.random() < 0.5:
        notes = f"met at booth {rng.randint(1, 240)}"
    return Identity(
        name=f"{first} {last}",
        company=company,
        title=title,
        email=email,
        address=address,
        city=city,
        region=region,
        postcode=postcode,
        country=country,
        source=source,
        tags=rng.choice(TAGS),
        notes=notes,
        phones=tuple(phones),
        areas=tuple(used),
    )


def with_numbers(who: Identity, needs: Sequence[Need], dealer: Dealer) -> Identity:
    """`who` with a number dealt for each phone that the calls in `needs` fit."""
    phones = []
    for (_, _, label), area, need in zip(who.phones, who.areas, needs, strict=False):
        assert area is not None
        raw, e164 = dealer.number(area, need)
        phones.append((raw, e164 or e164_of(raw), label))
    return replace(who, phones=tuple(phones))


@cache
def _email_local(local: str) -> str:
    return "".join(c for c in local.lower() if c.isalnum() or c in "._")


@cache
def e164_of(raw: str) -> str:
    return parse_phone(raw, "US").e164


def region_of(e164: str) -> str:
    # A North American number's region is its area code's: tens of thousands of demo
    # numbers, a few hundred codes, each parsed once.
    return _region_of(e164[:5] + "5550100" if e164.startswith("+1") else e164)


@cache
def _region_of(e164: str) -> str:
    return parse_phone(e164, "US").region
