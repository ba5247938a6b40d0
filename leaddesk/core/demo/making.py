"""A fill's rows, made in this process or — a big fill — ahead, in a second one.

Making a lead's rows (its identity, its history or a reused one, its tuples) needs
nothing from the store but the first free ids and the rep's id, and at 1M leads it
is about a fifth of the fill's CPU (BENCHMARKS.md); the inserts and the index builds are
the rest. So a big fill has the rows made by a worker process on the machine's other
core while this one inserts the batches before them (spawned.py: spawned, chunks
through a pipe, stopped with the fill). Both ways run `batches` on the same
`Fill` — one random generator, consumed in the same order — so the store cannot
differ: only where the rows are made does.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from pendulum import DateTime

from leaddesk.core.demo.identities import make_identity, random_shape, with_numbers
from leaddesk.core.demo.numbers import Dealer
from leaddesk.core.demo.scenarios import Template, make_template, scenario_list
from leaddesk.core.demo.writer import Batch, Writer, hold_zones
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.bulk_settings import cores
from leaddesk.core.transfer.spawned import made_in_worker

# Below this many leads a second process costs more than it saves: its start-up is
# ~0.3 s of CPU (a fresh interpreter importing the demo and the store, measured), and
# the tests' and the desk's fills (tens to hundreds of leads) must not pay it.
MIN_LEADS = 20_000
TRIES = 3  # replayed histories drawn for a reused lead before one its numbers fit


def worth_a_worker(count: int) -> bool:
    """Whether a fill of `count` leads has its rows made in a second process: big
    enough, and a second core to run it on."""
    return count >= MIN_LEADS and cores() >= 2


@dataclass(frozen=True)
class Fill:
    """What a fill's rows follow from: the same values, the same rows."""

    count: int
    now: DateTime
    settings: Settings
    seed: int | None
    rep: int  # the rep who logged the histories
    first: dict[str, int]  # the first free id of each table, by name
    pool_size: int  # leads whose histories are replayed; the rest reuse one of them
    batch: int  # leads per batch
    text: bool = False  # rows as COPY's text (PostgreSQL), not tuples (writer.py)


def batches(fill: Fill) -> Iterator[Batch]:
    """The fill's rows, `fill.batch` leads at a time.

    The first `pool_size` leads replay a history each; the rest reuse one of them
    under an identity of their own."""
    rng = random.Random(fill.seed)
    # zoneinfo keeps only 8 zones strongly cached; past that, every
    # `in_timezone(name)` in the rules re-reads the zone file (~35 µs). Holding
    # every zone the demo uses makes the weak cache hit: replay runs ~2x faster.
    held = hold_zones(fill.settings)
    scenarios = scenario_list(fill.count, rng)
    writer = Writer(fill.rep, fill.first, fill.settings, text=fill.text)
    dealer = Dealer(rng, fill.settings.rules.max_calls_per_24h)
    pool: list[Template] = []
    for index, scenario in enumerate(scenarios):
        if index < fill.pool_size:
            shape = random_shape(scenario, rng)
            who = make_identity(shape, rng)
            tpl = make_template(scenario, shape, who, fill.now, fill.settings, rng)
            pool.append(tpl)
            who = with_numbers(who, tpl.needs, dealer)
        else:
            # A history whose calls its area's numbers still fit, if one of a few does:
            # leads sharing a number must call it days apart (numbers.py).
            for _ in range(TRIES):
                tpl = rng.choice(pool)
                if dealer.fits(tpl.who.areas if tpl.who else (), tpl.needs):
                    break
            who = make_identity(tpl.shape, rng, like=tpl.who, dealer=dealer, needs=tpl.needs)
        writer.add(tpl, who, rng)
        if writer.made % fill.batch == 0:
            yield writer.take()
    if writer.made % fill.batch:
        yield writer.take()
    del held


def batches_here_or_ahead(fill: Fill) -> Iterator[Batch]:
    """`batches`, made by a worker process when the fill is worth one."""
    if not worth_a_worker(fill.count):
        return batches(fill)
    return made_in_worker(batches, (fill,), name="leaddesk-demo-rows", what="making demo leads")
