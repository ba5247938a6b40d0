"""PostgreSQL's indexed search: `TrigramEngine` narrows `LikeEngine`'s scan with the
GIN trigram indexes of migrations 0014 and 0020 (built-in GIN over
`leaddesk_trigrams()`, no extension needed), then rechecks with the same ILIKE, so it
finds exactly what the scan finds, from an index. Split from `search_engines` (the
engines' common parts and the choice of engine) to keep each module readable.
"""

from __future__ import annotations

import math
from typing import Any

import peewee as pw

from leaddesk.core.reads.search_engines import (
    _ACCENTED,
    _PLAIN,
    INITIALS,
    INITIALS_INDEX,
    NAME_INDEX,
    TRIGRAMS,
    LikeEngine,
    _like_term,
    indexes_here,
    per_connection,
)

_INDEXED = {
    "lead_name_trigrams": "' ' || name",  # padded: a word's start (" da") is a trigram too
    "lead_text_trigrams": "name || ' ' || company || ' ' || email || ' ' || notes",
    "phone_e164_trigrams": "e164",
    "touch_note_trigrams": "note",
}


def _judge(column: str, pattern: str) -> tuple[str, list[Any]]:
    """`translate(column) ILIKE pattern`, as `_folded` asks it — but translate()
    with our 256-letter table costs ~10 µs a field, so a row of plain ASCII
    (where it changes nothing) is judged by the ILIKE alone. The same answer:
    the pattern is folded, so it holds none of the letters translate() maps."""
    sql = (
        f"({column} ILIKE %s OR (octet_length({column}) <> char_length({column})"
        f" AND translate({column}, %s, %s) ILIKE %s))"
    )
    return sql, [pattern, _ACCENTED, _PLAIN, pattern]


def _judged(checks: list[tuple[str, str]], joiner: str) -> tuple[str, list[Any]]:
    parts = [_judge(column, pattern) for column, pattern in checks]
    return "(" + joiner.join(sql for sql, _ in parts) + ")", [p for _, ps in parts for p in ps]


# A parallel plan's workers take longer to start (milliseconds, far more on a loaded
# machine) than any of these reads takes alone; SET LOCAL lasts for this one statement
# (peewee runs psycopg2 in autocommit: the string is its own transaction).
_SERIAL = "SET LOCAL max_parallel_workers_per_gather = 0; "


def _cap(limit: int, table: float) -> int:
    """Candidates worth fetching all: n fetches cost as much as reading the
    limit × table / n newest rows (each ~2× a fetch: four fields judged) when
    n = √(2 × limit × table) — 3,500 for 60 hits at 100k rows."""
    return int(min(max(math.sqrt(2 * limit * max(table, 1.0)), 500), 5000))


def table_index(base: str) -> str:
    """An index of the table `base` reads (its statistics hold the table's size)."""
    return {"lead": NAME_INDEX, "phone": "phone_e164_trigrams", "touch": "touch_note_trigrams"}[
        base.split(" FROM ", 1)[1].split()[0]
    ]


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


class TrigramEngine(LikeEngine):
    """PostgreSQL with migration 0014's (and 0020's) indexes.

    A GIN index cannot hand back rows newest first, as FTS5 does: it gives
    every candidate, each a random heap read (~3 µs). But it counts them
    without reading the heap (a bitmap scan skips the fetch of all-visible
    pages when no column is needed: ~1 ms for 5,000 candidates at 100k leads).
    So each query counts first, then takes the cheaper way to a page:
    - few candidates (≤ `_cap`): fetch them all, judge them, newest first;
    - many: read the table newest first (the primary key backwards), judging
      each row, until the page is full — about limit × rows / candidates rows.
    The cap is where the two cost the same. A term the index's statistics call
    very common (a count would walk long posting lists) reads a short window of
    the newest rows first, which usually fills the page.
    Either way the ILIKE decides, so the hits are exactly the scan's.
    """

    def __init__(self, db: pw.Database) -> None:
        self.db = db
        self.initials = INITIALS_INDEX in indexes_here(db)

    def _stats(self, index: str) -> tuple[dict[str, float], float, float, float]:
        """(trigram → share of rows holding it, share of any other, index rows, table
        rows), as the last ANALYZE saw them."""
        cache, key = per_connection(self.db), ("stats", index)
        if key not in cache:
            row = self.db.execute_sql(
                "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs,"
                " i.reltuples, t.reltuples FROM pg_class i"
                " JOIN pg_index x ON x.indexrelid = i.oid JOIN pg_class t ON t.oid = x.indrelid"
                " LEFT JOIN pg_stats s ON s.tablename = i.relname"
                " AND s.schemaname = current_schema()"
                " WHERE i.relname = %s AND i.relnamespace = current_schema()::regnamespace",
                (index,),
            ).fetchone()
            elems, freqs, rows, table = row if row else (None, None, 0.0, 0.0)
            if elems and freqs:
                # (after the elements' shares comes their minimum: the share of any other)
                floor = freqs[len(elems)]
                cache[key] = (dict(zip(elems, freqs, strict=False)), floor, rows, table)
            else:
                cache[key] = ({}, 0.0, 0.0, 0.0)  # never analyzed: trust the index
        stats: tuple[dict[str, float], float, float, float] = cache[key]
        return stats

    def _window(self, index: str, keys: list[set[str]], limit: int) -> int | None:
        """How many of the newest rows to read first when the terms (each a set of
        index keys, every term must be held) look very common; else None."""
        freqs, floor, rows, table = self._stats(index)
        share = 1.0
        for term in keys:
            share *= min((freqs.get(k, floor) for k in term), default=1.0)
        candidates = share * max(rows, 0.0)
        if candidates <= 10 * _cap(limit, table):
            return None
        # (bounded: the statistics hold single keys, and keys that are each common
        # can be rare together — "price" in notes of "prices" … "office")
        return int(min(max(500, 4 * limit * table / candidates), 4000))

    def _hint(self, index: str, text: str) -> tuple[str, list[Any]]:
        if index == INITIALS_INDEX:
            sql = f"{INITIALS}(translate(lower(name), %s, %s)) @> ARRAY[lower(%s)]"
            return sql, [_ACCENTED, _PLAIN, text]
        expr = _INDEXED[index]
        sql = f"{TRIGRAMS}(translate(lower({expr}), %s, %s)) @> {TRIGRAMS}(lower(%s))"
        return sql, [_ACCENTED, _PLAIN, text]

    def _hints(self, index: str, texts: list[str], joiner: str = " AND ") -> tuple[str, list[Any]]:
        parts = [self._hint(index, text) for text in texts]
        return joiner.join(sql for sql, _ in parts), [p for _, params in parts for p in params]

    def _run(
        self,
        base: str,
        hints: tuple[str, list[Any]],
        judge: tuple[str, str, list[Any]],
        limit: int,
        window: int | None,
    ) -> list[tuple[Any, ...]]:
        """The rows of `base` (a SELECT id, … WHERE) that pass the `judge` (columns,
        condition, parameters), newest first, at most `limit`."""
        columns, condition, params = judge
        if window is not None:
            newest = (
                f"{_SERIAL}SELECT {columns} FROM ({base} ORDER BY id DESC LIMIT %s) AS c"
                f" WHERE {condition} LIMIT %s"
            )
            found = self.db.execute_sql(newest, [window, *params, limit]).fetchall()
            if len(found) >= limit:
                return [tuple(r) for r in found]
        # One round trip (each costs more than these reads on a loaded machine): the
        # count, and the candidates only when they are few (a LIMIT 0 reads nothing).
        where = f"{base} AND ({hints[0]})"
        cap = _cap(limit, self._stats(table_index(base))[3])
        both = (
            f"{_SERIAL}WITH n AS MATERIALIZED (SELECT count(*) AS n FROM ({where}) AS c)"
            f" SELECT n.n, f.* FROM n LEFT JOIN (SELECT c.id, {columns} FROM ({where}) AS c"
            f" WHERE {condition} LIMIT CASE WHEN (SELECT n FROM n) <= %s THEN NULL ELSE 0 END)"
            " AS f ON TRUE"
        )
        rows = self.db.execute_sql(both, [*hints[1], *hints[1], *params, cap]).fetchall()
        if rows[0][0] <= cap:
            found = sorted((r[1:] for r in rows if r[1] is not None), reverse=True)
            return [tuple(r[1:]) for r in found[:limit]]
        # Newest first (enable_sort off: the primary key read backwards, never a sort
        # of the whole table); many candidates make it short.
        newest = (
            f"{_SERIAL}SET LOCAL enable_sort = off; SELECT {columns} FROM ({base}) AS c"
            f" WHERE {condition} ORDER BY c.id DESC LIMIT %s"
        )
        return [tuple(r) for r in self.db.execute_sql(newest, [*params, limit]).fetchall()]

    def leads(self, terms: tuple[str, ...], fields: tuple[str, ...], limit: int) -> list[int]:
        index = "lead_name_trigrams" if fields == ("name",) else "lead_text_trigrams"
        words = [_like_term(t) for t in terms]
        long = [w for w in words if len(w) >= 3]
        if not long:
            return super().leads(terms, fields, limit)
        checks = [_judged([(f"c.{f}", f"%{w}%") for f in fields], " OR ") for w in words]
        judge = ("c.id", " AND ".join(c for c, _ in checks), [p for _, ps in checks for p in ps])
        base = "SELECT id, name, company, email, notes FROM lead WHERE TRUE"
        window = self._window(index, [_trigrams(w) for w in long], limit)
        return [r[0] for r in self._run(base, self._hints(index, long), judge, limit, window)]

    def name_starts(self, terms: tuple[str, ...], limit: int) -> list[int]:
        words = [w for w in (_like_term(t) for t in terms) if w]
        if not words or (not self.initials and all(len(w) < 2 for w in words)):
            return super().name_starts(terms, limit)
        checks = [_judged([("c.name", f"{w}%"), ("c.name", f"% {w}%")], " OR ") for w in words]
        judge = ("c.id", " AND ".join(c for c, _ in checks), [p for _, ps in checks for p in ps])
        base = "SELECT id, name FROM lead WHERE TRUE"
        # two letters or more: the padded name's trigram " da"; one: its word initials
        starts = [f" {w}" for w in words if len(w) >= 2]
        if starts:
            index, keys = NAME_INDEX, [_trigrams(s) for s in starts]
        else:
            index, keys = INITIALS_INDEX, [{w} for w in words]
        hints, window = self._hints(index, starts or words), self._window(index, keys, limit)
        return [r[0] for r in self._run(base, hints, judge, limit, window)]

    def phones(self, digits: tuple[str, ...], limit: int) -> list[tuple[int, str, str]]:
        index = "phone_e164_trigrams"
        checks = " OR ".join("c.e164 ILIKE %s" for _ in digits)
        judge = ("c.lead_id, c.e164, c.label", checks, [f"%{d}%" for d in digits])
        base = "SELECT id, lead_id, e164, label FROM phone WHERE TRUE"
        windows = [self._window(index, [_trigrams(d)], limit) for d in digits]
        window = max((w for w in windows if w is not None), default=None)
        rows = self._run(base, self._hints(index, list(digits), " OR "), judge, limit, window)
        return [(r[0], r[1], r[2]) for r in rows]

    def notes(self, terms: tuple[str, ...], limit: int) -> list[tuple[int, str]]:
        index = "touch_note_trigrams"
        words = [_like_term(t) for t in terms]
        long = [w for w in words if len(w) >= 3]
        if not long:
            return super().notes(terms, limit)
        condition, params = _judged([("c.note", f"%{w}%") for w in words], " AND ")
        # (the conditions of the partial index, so that it may be used)
        base = "SELECT id, lead_id, note FROM touch WHERE note <> '' AND channel <> 'system'"
        # Notes repeat a rep's phrases ("asked for pricing"), which the statistics of a
        # sample of the partial index underrate (2,135 rows guessed, 20,854 held "ask" at
        # 100k leads), and counting them reads the heap: try the newest notes first.
        window = self._window(index, [_trigrams(w) for w in long], limit) or 1000
        hints = self._hints(index, long)
        rows = self._run(base, hints, ("c.lead_id, c.note", condition, params), limit, window)
        return [(r[0], r[1]) for r in rows]
