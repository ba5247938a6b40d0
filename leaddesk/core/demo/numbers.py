"""The demo's phone numbers: fictional, and each handed out once per fill while it lasts.

Subscriber numbers come from ranges kept for fiction — in North America only
555-0100 through 555-0199 of each area code ("only 555-0100 through 555-0199 are
now reserved for fictional use", Area codes in the United States — Fictional
telephone numbers, liquisearch.com, checked with the search tool 2026-12-07) —
so an area holds 100 numbers per area code (`places.Area.numbers`). Drawn at
random with repeats, two leads shared a number often enough that per-number caps
(US-FL: 3 calls per number, `[rules] cap_scope = "number"`) flagged demo calls in
`audit`. So each area's numbers are dealt without replacement, in an order
shuffled per fill; only when an area has given all of them (hundreds of leads in
one area code: large fills) does a new round start, and numbers repeat.
"""

from __future__ import annotations

import random
from weakref import WeakKeyDictionary

from leaddesk.core.demo.places import Area

# One dealer per fill: the fill's own Random (fill_demo makes one per call) keys it,
# so two fills never share a deck and the same seed deals the same numbers.
_DECKS: WeakKeyDictionary[random.Random, dict[tuple[Area, int], list[int]]] = WeakKeyDictionary()


def fresh_number(area: Area, rng: random.Random) -> str:
    """One of `area`'s fictional numbers, as a person there would type it, not yet
    given to another lead of this fill (while the area has any left)."""
    pattern = rng.choice(area.numbers)
    digits = pattern.count("#")
    decks = _DECKS.setdefault(rng, {})
    deck = decks.get((area, digits))
    if not deck:
        deck = list(range(10**digits))
        rng.shuffle(deck)
        decks[area, digits] = deck
    filled = iter(f"{deck.pop():0{digits}d}")
    return "".join(next(filled) if c == "#" else c for c in pattern)
