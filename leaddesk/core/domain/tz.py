"""Time zones by name, held for the life of the process.

The standard library keeps only 8 zones strongly cached; a queue spanning more
zones re-read zone files on every `in_timezone("…")` (about 30 µs each,
measured). Looking zones up here keeps each one loaded once.
"""

from __future__ import annotations

from functools import cache

import pendulum
from pendulum.tz.timezone import Timezone

UTC = pendulum.UTC


@cache
def tz(name: str) -> Timezone:
    return pendulum.timezone(name)
