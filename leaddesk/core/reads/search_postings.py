"""PostgreSQL's search of the lead fields: migration 0021's ordered posting table.

`search_gram(gram, lead_id)` is a B-tree in key order, then lead id: read
backwards, one key's leads come newest first, as FTS5 gives them on SQLite. So a
query walks the rarest key of the typed terms (`search_gram_count` says which),
newest lead first, judges each lead with the ILIKE that `LikeEngine` scans with,
and stops when the page is full — about a page of leads read, where a GIN index
handed back every candidate of its keys (all 1,235 for "Kwame") to be fetched and
sorted. Each other term's rarest key is probed in the same index before the lead
is read ("carlos nguyen" walks "ngu" and skips the leads without "car").

Keys (migration 0021): `t` + a trigram of the four fields joined, `n` + a trigram
of the name padded with a space (" da": a word's start), `n ` + a word's first
letter. Touch notes and phone numbers walk migration 0024's `search_note_gram`
and `search_phone_gram` the same way, newest touch (number) first; their rarest
key comes from the column's statistics, not from counts (the migration says why).
Without 0024 they read 0014's GIN indexes (`TrigramEngine`).
Either way the ILIKE decides, so the hits are exactly the scan's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import peewee as pw

from leaddesk.core.reads.search_engines import (
    NOTE_POSTINGS_INDEX,
    PHONE_POSTINGS_INDEX,
    POSTINGS_INDEX,
    _like_term,
    indexes_here,
    per_connection,
)
from leaddesk.core.reads.search_trigram import _SERIAL, TrigramEngine, _judged

_PROBES = 3  # other terms checked in the index before a lead is read; the ILIKE does the rest


def has_postings(db: pw.Database) -> bool:
    """Whether migration 0021 could make the posting table here (PostgreSQL)."""
    return POSTINGS_INDEX in indexes_here(db)


def _grams(kind: str, word: str) -> set[str]:
    return {kind + word[i : i + 3] for i in range(len(word) - 2)}


# migration 0024's posting tables: the table whose rows they list, and its id column
_POSTED = {"search_note_gram": ("touch", "touch_id"), "search_phone_gram": ("phone", "phone_id")}


class PostingEngine(TrigramEngine):
    """PostgreSQL with migration 0021: lead fields from `search_gram`, newest first;
    phones and touch notes as `TrigramEngine` reads them."""

    def _walk(self, terms: list[set[str]], judge: tuple[str, list[Any]], limit: int) -> list[int]:
        """Leads holding every term (each a set of keys, all required) that pass the
        judge (a condition on the lead `c`), newest first, at most `limit`."""
        wanted = sorted(set().union(*terms))
        counts = dict(
            self.db.execute_sql(
                "SELECT gram, n FROM search_gram_count WHERE gram = ANY(%s)", (wanted,)
            ).fetchall()
        )
        # each term's rarest key; a key no lead holds means no lead holds the term
        rarest = sorted(min((counts.get(k, 0), k) for k in term) for term in terms)
        if rarest[0][0] <= 0:
            return []
        probes = [key for _, key in rarest[1 : 1 + _PROBES]]
        exists = "".join(
            " AND EXISTS (SELECT 1 FROM search_gram h WHERE h.gram = %s AND h.lead_id = g.lead_id)"
            for _ in probes
        )
        condition, params = judge
        # Each posting's lead read alone (a LATERAL subquery the planner may not flatten:
        # OFFSET 0), so the walk stops with the page; flattened, the planner would rather
        # merge-join the list with the whole lead table read backwards (757 leads read
        # for 60 hits of one letter). Posting lists may still merge-join each other.
        sql = (
            f"{_SERIAL}SET LOCAL enable_hashjoin = off; SELECT c.id FROM search_gram g"
            f" CROSS JOIN LATERAL (SELECT c.id FROM lead c WHERE c.id = g.lead_id AND {condition}"
            f" OFFSET 0) AS c WHERE g.gram = %s{exists} ORDER BY g.lead_id DESC LIMIT %s"
        )
        rows = self.db.execute_sql(sql, [*params, rarest[0][1], *probes, limit]).fetchall()
        return [r[0] for r in rows]

    def _shares(self, table: str) -> dict[str, float]:
        """Migration 0024's posting table's keys as the last ANALYZE saw them. Asked
        once per connection, as `TrigramEngine._stats`: a stale answer costs speed."""
        cache, key = per_connection(self.db), ("shares", table)
        if key not in cache:
            row = self.db.execute_sql(
                "SELECT most_common_vals::text::text[], most_common_freqs FROM pg_stats"
                " WHERE schemaname = current_schema() AND tablename = %s AND attname = 'gram'",
                (table,),
            ).fetchone()
            keys, shares = row if row and row[0] else ([], [])
            cache[key] = dict(zip(keys, shares, strict=False))
        found: dict[str, float] = cache[key]
        return found

    def _row_walk(
        self, table: str, keys: set[str], select: str, judge: tuple[str, list[Any]], limit: int
    ) -> tuple[str, list[Any]]:
        """A walk of 0024's posting `table` (its rows' table `c` as `select` names it):
        the statistics' rarest of `keys` (all required) newest first, the next rarest
        probed in the index, the rest judged, at most `limit` rows."""
        shares = self._shares(table)
        ordered = sorted(keys, key=lambda k: (shares.get(k, 0.0), k))
        walked, probes = ordered[0], ordered[1 : 1 + _PROBES]
        base, ref = _POSTED[table]
        exists = "".join(
            f" AND EXISTS (SELECT 1 FROM {table} h WHERE h.gram = %s AND h.{ref} = g.{ref})"
            for _ in probes
        )
        condition, params = judge
        # as `_walk`: each posting's row read alone (OFFSET 0), so the walk stops with the page
        sql = (
            f"SELECT g.{ref} AS id, {select} FROM {table} g CROSS JOIN LATERAL"
            f" (SELECT {select} FROM {base} c WHERE c.id = g.{ref} AND {condition}"
            f" OFFSET 0) AS c WHERE g.gram = %s{exists} ORDER BY g.{ref} DESC LIMIT %s"
        )
        return sql, [*params, walked, *probes, limit]

    def notes(self, terms: tuple[str, ...], limit: int) -> list[tuple[int, str]]:
        words = [_like_term(t) for t in terms]
        keys = set().union(*(_grams("", w) for w in words))
        if NOTE_POSTINGS_INDEX not in indexes_here(self.db) or not keys:
            return super().notes(terms, limit)
        judge = _judged([("c.note", f"%{w}%") for w in words], " AND ")
        sql, params = self._row_walk("search_note_gram", keys, "c.lead_id, c.note", judge, limit)
        rows = self.db.execute_sql(f"{_SERIAL}SET LOCAL enable_hashjoin = off; {sql}", params)
        return [(r[1], r[2]) for r in rows.fetchall()]

    def phones(self, digits: tuple[str, ...], limit: int) -> list[tuple[int, str, str]]:
        if PHONE_POSTINGS_INDEX not in indexes_here(self.db) or any(len(d) < 3 for d in digits):
            return super().phones(digits, limit)
        # one walk a spelling of the number, merged newest first (a number holding
        # both is one row: UNION)
        walks = [
            self._row_walk(
                "search_phone_gram",
                _grams("", d),
                "c.lead_id, c.e164, c.label",
                ("c.e164 ILIKE %s", [f"%{d}%"]),
                limit,
            )
            for d in digits
        ]
        if len(walks) == 1:
            sql, params = walks[0]
        else:
            # (at most `limit` rows a walk: sorting their union is nothing)
            union = " UNION ".join(f"({sql})" for sql, _ in walks)
            sql = f"SELECT * FROM ({union}) AS w ORDER BY w.id DESC LIMIT %s"
            params = [*(p for _, ps in walks for p in ps), limit]
        rows = self.db.execute_sql(f"{_SERIAL}SET LOCAL enable_hashjoin = off; {sql}", params)
        return [(r[1], r[2], r[3]) for r in rows.fetchall()]

    def leads(self, terms: tuple[str, ...], fields: tuple[str, ...], limit: int) -> list[int]:
        words = [_like_term(t) for t in terms]
        kind = "n" if fields == ("name",) else "t"  # (`t` holds all four fields)
        keys = [_grams(kind, w) for w in words if len(w) >= 3]
        if not keys:
            return super().leads(terms, fields, limit)
        checks = [_judged([(f"c.{f}", f"%{w}%") for f in fields], " OR ") for w in words]
        judge = " AND ".join(c for c, _ in checks), [p for _, ps in checks for p in ps]
        return self._walk(keys, judge, limit)

    def name_starts(self, terms: tuple[str, ...], limit: int) -> list[int]:
        words = [w for w in (_like_term(t) for t in terms) if w]
        if not words:
            return super().name_starts(terms, limit)
        # a word's start: its first letter or two after a space ("n d", "n da")
        keys = [{"n " + w[:2]} | _grams("n", w) for w in words]
        checks = [_judged([("c.name", f"{w}%"), ("c.name", f"% {w}%")], " OR ") for w in words]
        judge = " AND ".join(c for c, _ in checks), [p for _, ps in checks for p in ps]
        return self._walk(keys, judge, limit)


BULK_AFTER = "leaddesk.search_bulk_after"  # the setting migration 0021's trigger reads
# migration 0024's: the table, its setting, its fill, its posting table's key and columns
_ROW_BULK = (
    ("touch", "leaddesk.search_touch_after", "leaddesk_index_notes", NOTE_POSTINGS_INDEX,
     "search_note_gram", "gram, touch_id"),
    ("phone", "leaddesk.search_phone_after", "leaddesk_index_phones", PHONE_POSTINGS_INDEX,
     "search_phone_gram", "gram, phone_id"),
)  # fmt: skip


@contextmanager
def postings_emptied(db: pw.Database) -> Iterator[None]:
    """Around deleting every lead, phone and touch (a restore on PostgreSQL): their
    delete triggers skip them, and the posting tables and counts are emptied in one
    statement each afterwards.

    Row by row, each lead's delete took its keys off `search_gram_count` one update
    at a time, the same few rows ("ana", "son") updated thousands of times in one
    transaction: deleting 10,000 demo leads took 110 s, against 2.9 s skipped.
    Call inside the transaction that deletes them all; only for that."""
    if not has_postings(db):
        yield
        return
    rows = [entry for entry in _ROW_BULK if entry[3] in indexes_here(db)]
    settings = [BULK_AFTER, *(setting for _, setting, *_ in rows)]
    for setting in settings:  # every id is above 0: each trigger skips its row
        db.execute_sql("SELECT set_config(%s, '0', true)", (setting,))
    yield
    for table in ("search_gram", "search_gram_count", *(entry[4] for entry in rows)):
        db.execute_sql(f"DELETE FROM {table}")
    for setting in settings:
        db.execute_sql("SELECT set_config(%s, '', true)", (setting,))


@contextmanager
def bulk_postings(db: pw.Database, fresh: bool) -> Iterator[None]:
    """Index the leads a bulk writer inserts once, at the end, in one statement.

    Call inside the transaction that inserts them. The triggers skip every lead
    with an id above the highest before (inserted, or changed or deleted again by
    the fill); `leaddesk_index_leads` then adds their keys and counts. The setting
    is local to the transaction, so other writers' triggers and an error's
    rollback are untouched. A `fresh` fill (at least as many leads as the store
    held) also drops the primary key and builds it again after the fill: sorted
    once rather than inserted into key by key; the table is locked for readers
    until the commit, as `_rebuilt_trigram_indexes` does for the GIN indexes; and it
    takes the statistics of the tables whose keys it computes first (see below).
    Migration 0024's touch notes and phone numbers go the same way (no counts).
    """
    after = db.execute_sql("SELECT COALESCE(MAX(id), 0) FROM lead").fetchone()[0]
    db.execute_sql("SELECT set_config(%s, %s, true)", (BULK_AFTER, str(after)))
    here = indexes_here(db)
    rows = [entry for entry in _ROW_BULK if entry[3] in here]
    befores = []
    for table, setting, _, key, posting, _ in rows:
        before = db.execute_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]
        db.execute_sql("SELECT set_config(%s, %s, true)", (setting, str(before)))
        befores.append(before)
        if fresh:
            db.execute_sql(f"ALTER TABLE {posting} DROP CONSTRAINT {key}")
    if fresh:
        db.execute_sql(f"ALTER TABLE search_gram DROP CONSTRAINT {POSTINGS_INDEX}")
    elif db.in_transaction():  # (outside one, each statement commits alone: nothing held)
        # The batch's rows take the stats tallies row by row (0018's triggers) and the
        # counts only at the end; a rep adding a lead meanwhile takes the counts first
        # (search_gram_insert fires before the stats_ triggers: by name). Holding the
        # counts from the start puts that rep's write behind the batch instead of into
        # a deadlock (seen in tests/core/transfer/test_import_scale.py). Readers pass.
        # (0024's tables have no counts: their rows lock nothing another writer needs.)
        db.execute_sql("LOCK TABLE search_gram_count IN SHARE ROW EXCLUSIVE MODE")
    yield
    if fresh:
        # The fill's tables have no statistics yet (ANALYZE may run inside a transaction,
        # and counts our own uncommitted rows: https://www.postgresql.org/docs/16/sql-analyze.html).
        # With them the planner sees a text repeated across rows and computes its keys
        # once (a Memoize node over the keys' subquery,
        # https://www.postgresql.org/docs/16/runtime-config-query.html#GUC-ENABLE-MEMOIZE):
        # the demo's 374,520 notes at 100k leads are 65 texts, and their keys cost
        # 4.5 s of server CPU instead of 12.3 s. Distinct texts keep the plain plan.
        tables = ["lead", *(table for table, *_ in rows)]
        db.execute_sql(f"ANALYZE {', '.join(tables)}")
    db.execute_sql("SELECT leaddesk_index_leads(%s)", (after,))
    for (_, _, fill, _, _, _), before in zip(rows, befores, strict=True):
        db.execute_sql(f"SELECT {fill}(%s)", (before,))
    if fresh:
        db.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
        db.execute_sql(
            f"ALTER TABLE search_gram ADD CONSTRAINT {POSTINGS_INDEX} PRIMARY KEY (gram, lead_id)"
        )
        for _, _, _, key, posting, columns in rows:
            db.execute_sql(f"ALTER TABLE {posting} ADD CONSTRAINT {key} PRIMARY KEY ({columns})")
    db.execute_sql("SELECT set_config(%s, '', true)", (BULK_AFTER,))
    for _, setting, *_ in rows:
        db.execute_sql("SELECT set_config(%s, '', true)", (setting,))
