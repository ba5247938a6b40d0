"""Synthetic leads with believable histories, for trying the desk and for benchmarks.

Every history is built by `domain.touches.plan_touch`, the one pure function
`writes.outcomes.log_outcome` also calls — same state in, same columns out, the same
`before` snapshot — so a demo lead is indistinguishable from one worked by
hand, and `undo` walks back through demo touches exactly.

Replaying costs ~2–3 ms per lead (pendulum arithmetic inside the rules), so
above `HISTORY_POOL` leads the remaining leads reuse a replayed history under
a new identity: other names and numbers, the same zone set, phone count and
reachability, hence the same rule inputs and the same rows. Each pooled history
is laid out once as row tuples with gaps (writer.py), so a reused lead costs its
identity and a few tuple joins (on PostgreSQL, a few string joins: the rows come as
COPY's text). A big fill has its rows made by a second process while this one
inserts them (making.py). Rows go in with `executemany` (SQLite) or COPY
(PostgreSQL) inside one transaction (FACTS.md: 3 s for 1.1M rows, against 38 s
through `insert_many`); into a store no bigger than the fill, the indexes (and on
PostgreSQL the foreign keys) are built once at the end (`store.batch.deferred_indexes`).

Numbers use 555-01xx subscribers (reserved for fiction in North America) and
the drama ranges elsewhere, so they parse as possible numbers; a large fill shares
them, dealt so that leads sharing one call it days apart (numbers.py).
"""

from __future__ import annotations

from contextlib import nullcontext

from pendulum import DateTime

from leaddesk.core.demo.making import Fill, batches_here_or_ahead
from leaddesk.core.demo.writer import TABLES
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.search import bulk_indexing
from leaddesk.core.reads.search_engines import NOTE_POSTINGS_INDEX, indexes_here
from leaddesk.core.reads.search_postings import has_postings
from leaddesk.core.store.batch import BatchWriter, deferred_indexes
from leaddesk.core.store.bulk_settings import bulk_cache, fill_journal
from leaddesk.core.store.db import atomic_write, database, is_sqlite
from leaddesk.core.store.models import Lead
from leaddesk.core.store.rollups import bulk_rollups
from leaddesk.core.writes.team import ensure_rep

HISTORY_POOL = 4000  # distinct replayed histories; more leads reuse them
BATCH = 2000  # leads per executemany round (bounds memory at 1M rows)


def fill_demo(count: int, now: DateTime, settings: Settings, seed: int | None = None) -> int:
    """Add `count` synthetic leads with histories up to `now`; return how many were added.

    The same seed, `now` and settings give the same leads, numbers and history.
    """
    if count <= 0:
        return 0
    now = now.in_timezone("UTC").set(microsecond=0)
    db = database.obj

    def write() -> int:
        batch = BatchWriter(TABLES)
        rep = ensure_rep(settings.rep_name)
        first = {m._meta.table_name: batch.next[m] for m in TABLES}
        # Into a store at most as big as the fill: every index built once, at the end.
        fresh = count >= Lead.select().count()
        later = deferred_indexes(db, TABLES) if fresh else nullcontext()
        text = not is_sqlite(db)  # PostgreSQL's rows as COPY's text, made with them
        # The search index and the stats' rollups once at the end too (search.py,
        # rollups.py); the rollups last, when the indexes are back.
        with bulk_cache(db), bulk_rollups(db), later, bulk_indexing(db, adding=count):
            fill = Fill(count, now, settings, seed, rep, first, HISTORY_POOL, BATCH, text)
            for rows, zone_keys in batches_here_or_ahead(fill):
                for model, these in zip(TABLES, rows, strict=True):
                    if isinstance(these, str):
                        batch.add_lines(model, these)
                    else:
                        batch.add_rows(model, these)
                batch.zone_keys.update(zone_keys)
                batch.flush()
            batch.finish()
        return count

    with fill_journal(db, fresh=count >= Lead.select().count()):
        made = atomic_write(write)
    if not is_sqlite(db):
        # Fresh rows have no statistics and no visibility map until autovacuum comes
        # round: the planner would guess, and the counts could not read their index
        # alone. ANALYZE "just after making major changes in the contents of a table"
        # (https://www.postgresql.org/docs/16/sql-analyze.html). Outside the write
        # transaction: VACUUM cannot run inside one.
        # (and migrations 0021's and 0024's posting tables: their walks read the index
        # alone, and 0024's chooses its key from the statistics)
        postings = ", search_gram, search_gram_count" if has_postings(db) else ""
        if NOTE_POSTINGS_INDEX in indexes_here(db):
            postings += ", search_note_gram, search_phone_gram"
        db.execute_sql(f"VACUUM ANALYZE lead, phone, touch, appointment{postings}")
    return made
