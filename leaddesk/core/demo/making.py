"""A fill's rows, made in this process or — a big fill — ahead, in a second one.

Making a lead's rows (its identity, its history or a reused one, its tuples) needs
nothing from the store but the first free ids and the rep's id, and at 1M leads it
is about a third of the fill's CPU; the inserts and the index builds are most of
the rest. So a big fill has the rows made by a worker process on the machine's other
core while this one inserts the batches before them (spawned.py: spawned, chunks
through a pipe, stopped with the fill). Both ways run `batches` with the same
arguments — one random generator, consumed in the same order — so the store cannot
differ: only where the rows are made does.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from pendulum import DateTime

from leaddesk.core.demo.identities import make_identity, random_shape
from leaddesk.core.demo.scenarios import Template, make_template, scenario_list
from leaddesk.core.demo.writer import Batch, Writer, hold_zones
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.batch import cores
from leaddesk.core.transfer.spawned import made_in_worker

# Below this many leads a second process costs more than it saves: its start-up is
# ~0.5 s of CPU (measured), and the first HISTORY_POOL leads' histories are made
# before the first batch can go in whatever the size.
MIN_LEADS = 20_000


def worth_a_worker(count: int) -> bool:
    """Whether a fill of `count` leads has its rows made in a second process: big
    enough, and a second core to run it on."""
    return count >= MIN_LEADS and cores() >= 2


def batches(
    count: int,
    now: DateTime,
    settings: Settings,
    seed: int | None,
    rep: int,
    first: dict[str, int],
    pool_size: int,
    batch: int,
) -> Iterator[Batch]:
    """`count` leads' rows, `batch` leads at a time; ids from `first` (by table name).

    The first `pool_size` leads replay a history each; the rest reuse one of them
    under an identity of their own. The same arguments give the same rows."""
    rng = random.Random(seed)
    # zoneinfo keeps only 8 zones strongly cached; past that, every
    # `in_timezone(name)` in the rules re-reads the zone file (~35 µs). Holding
    # every zone the demo uses makes the weak cache hit: replay runs ~2x faster.
    held = hold_zones(settings)
    scenarios = scenario_list(count, rng)
    writer = Writer(rep, first, settings)
    pool: list[Template] = []
    for index, scenario in enumerate(scenarios):
        if index < pool_size:
            shape = random_shape(scenario, rng)
            who = make_identity(shape, rng)
            tpl = make_template(scenario, shape, who, now, settings, rng)
            pool.append(tpl)
        else:
            tpl = rng.choice(pool)
            who = make_identity(tpl.shape, rng, like=tpl.who)
        writer.add(tpl, who, rng)
        if writer.made % batch == 0:
            yield writer.take()
    if writer.made % batch:
        yield writer.take()
    del held


def batches_here_or_ahead(
    count: int,
    now: DateTime,
    settings: Settings,
    seed: int | None,
    rep: int,
    first: dict[str, int],
    pool_size: int,
    batch: int,
) -> Iterator[Batch]:
    """`batches`, made by a worker process when the fill is worth one."""
    args = (count, now, settings, seed, rep, first, pool_size, batch)
    if not worth_a_worker(count):
        return batches(*args)
    return made_in_worker(batches, args, name="leaddesk-demo-rows", what="making demo leads")
