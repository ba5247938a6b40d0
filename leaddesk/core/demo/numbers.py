"""The demo's phone numbers: fictional, and dealt so that leads sharing one never stack
calls on it.

Subscriber numbers come from ranges kept for fiction — in North America 555-0100
through 555-0199 of an area code (places.py), so an area holds 100 numbers per
area code it takes (`places.Area.codes`). A fill of more leads than that shares
numbers, and caps count calls per called number across every lead (`[rules]
cap_scope = "number"`): a million-lead fill whose reused histories put ~250 leads'
calls at the same instants on a few thousand numbers had its desk's first lead
refused ("cap: 63 calls to +1 404 555 0108 in 24 h").

So each area's numbers are dealt from a deck shuffled per fill, walked round by a
cursor: a number goes once to each lead before any repeats. Past the first round
a lead takes the first of the next `PROBES` numbers that its calls fit — no call
on the same or the next UTC day as another lead's call to it (any 24 h then holds
one lead's calls, which its own history kept under the cap), and at most the cap
of calls in the 24 h before `now` counting each lead due within a day as one more
call (so every lead due on it can be called, one after another). When none of
them fits (a very large fill: the numbers run out), the one breaking least.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from leaddesk.core.demo.places import Area

DAY_MS = 86_400_000
SPAN_DAYS = 1_000  # bit 0 of a day mask: this many days before `now` (histories go back ~400)
PROBES = 12  # numbers looked at per phone past the first round (bounds the fill's CPU)


@dataclass(frozen=True, slots=True)
class Need:
    """What a lead's calls ask of the number at one phone position."""

    days: int = 0  # mask of the UTC days with a call to it (bit i: day SPAN_DAYS - i before now)
    near: int = 0  # calls in the 24 h before now, and its next call if due within a day
    wide: int = 0  # the days another lead's call may not fall on: these and their neighbours

    @classmethod
    def of(cls, days: int, near: int) -> Need:
        return cls(days, near, days | days << 1 | days >> 1)


NO_NEED = Need()


def day_bit(at_ms: int, now_ms: int) -> int:
    return 1 << max(at_ms // DAY_MS - now_ms // DAY_MS + SPAN_DAYS, 0)


@dataclass
class _Deck:
    numbers: list[str]  # the digits each # of a pattern takes
    days: list[int] = field(default_factory=list)  # per number: days with a call
    near: list[int] = field(default_factory=list)  # per number: calls near now
    cursor: int = 0
    # the last `clean` answer, while no deal changed the deck: `fits` then `deal` scan once
    found: tuple[Need, int] | None = None

    def __post_init__(self) -> None:
        self.days = [0] * len(self.numbers)
        self.near = [0] * len(self.numbers)

    def clean(self, need: Need, cap: int) -> int:
        """The first of the next `PROBES` numbers that `need` fits, or -1."""
        if self.found is not None and self.found[0] is need:
            return self.found[1]
        i = self._scan(need, cap)
        self.found = (need, i)
        return i

    def _scan(self, need: Need, cap: int) -> int:
        size = len(self.numbers)
        wide, room = need.wide, cap - need.near
        days, near = self.days, self.near
        for step in range(min(PROBES, size)):
            i = (self.cursor + step) % size
            if not days[i] & wide and near[i] <= room:
                return i
        return -1

    def deal(self, need: Need, cap: int) -> str:
        chosen = self.clean(need, cap)
        if chosen < 0:  # none fits: the one breaking least
            size = len(self.numbers)
            wide = need.wide
            best = None
            for step in range(min(PROBES, size)):
                i = (self.cursor + step) % size
                score = (self.near[i] + need.near > cap, (self.days[i] & wide).bit_count())
                if best is None or score < best:
                    best, chosen = score, i
        self.cursor = (chosen + 1) % len(self.numbers)
        self.found = None
        self.days[chosen] |= need.days
        self.near[chosen] += need.near
        return self.numbers[chosen]


class Dealer:
    """One fill's numbers: the same seed deals the same numbers in the same order."""

    def __init__(self, rng: random.Random, cap: int) -> None:
        self.rng = rng
        self.cap = cap or 3  # no company cap: still no more than a jurisdiction's 3
        self.decks: dict[tuple[object, ...], _Deck] = {}  # areas of one state share one
        # by id(area) (hashing a frozen Area hashes every field): its decks by digit count
        self._of_area: dict[int, dict[int, _Deck]] = {}

    def fits(self, areas: Sequence[Area | None], needs: Sequence[Need]) -> bool:
        """Whether each phone's area has a number its calls fit, a day from other leads'."""
        for area, need in zip(areas, needs, strict=False):
            if area is not None and need.days:
                for deck in self._decks(area).values():
                    if deck.clean(need, self.cap) < 0:
                        return False
        return True

    def number(self, area: Area, need: Need = NO_NEED) -> tuple[str, str]:
        """One of `area`'s fictional numbers, as a person there would type it, and its
        E.164 form ("" for a number outside North America: the caller parses it)."""
        digits, form = _form(self.rng.choice(area.numbers))
        filled = self._decks(area)[digits].deal(need, self.cap)
        raw = form.format(*filled)
        e164 = f"+1{filled[:3]}55501{filled[3:]}" if area.codes else ""
        return raw, e164

    def _decks(self, area: Area) -> dict[int, _Deck]:
        found = self._of_area.get(id(area))
        if found is None:
            found = self._of_area[id(area)] = {}
            for digits in sorted({_form(p)[0] for p in area.numbers}):
                key: tuple[object, ...] = (area.codes,) if area.codes else (area, digits)
                if key not in self.decks:
                    if area.codes:
                        numbers = [f"{code}{n:02d}" for code in area.codes for n in range(100)]
                    else:
                        numbers = [f"{n:0{digits}d}" for n in range(10**digits)]
                    self.rng.shuffle(numbers)
                    self.decks[key] = _Deck(numbers)
                found[digits] = self.decks[key]
        return found


@cache
def _form(pattern: str) -> tuple[int, str]:
    """A pattern's count of digits, and it as a format string taking them one by one."""
    return pattern.count("#"), pattern.replace("#", "{}")
