"""The search engines: what `reads.search` asks a database for (ids, newest first).

- SQLite: `Fts5Engine` reads the FTS5 indexes of migrations 0004 and 0009.
- PostgreSQL: `TrigramEngine` narrows the LIKE scan with the GIN trigram
  indexes of migration 0014 (built-in GIN over `leaddesk_trigrams()`, no
  extension needed), then rechecks with the same ILIKE, so it finds exactly
  what `LikeEngine` finds, from an index.
- Anything else (or a store whose indexes could not be made): `LikeEngine`,
  which scans — correct, not fast.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable
from typing import Any

import peewee as pw

from leaddesk.core.domain.text import fold
from leaddesk.core.store.db import is_sqlite, tuples
from leaddesk.core.store.models import Lead, Phone, Touch

TRIGRAMS = "leaddesk_trigrams"  # the SQL function of migration 0014
NAME_INDEX = "lead_name_trigrams"  # its index on the folded name (doctor looks for it)
TRIGRAM_INDEXES = (NAME_INDEX, "lead_text_trigrams", "phone_e164_trigrams", "touch_note_trigrams")


def _fts_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_term(term: str) -> str:
    # LIKE's wildcards mean nothing to a rep: search for the other characters.
    return re.sub(r"[%_\\]", "", term)


class Fts5Engine:
    """SQLite: the trigram FTS5 tables of migration 0004, newest rows first."""

    def __init__(self, db: pw.Database) -> None:
        self.db = db
        self.words = _has_table(db, "lead_words")  # migration 0009

    def _ids(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        return list(self.db.execute_sql(sql, params).fetchall())

    def phones(self, digits: tuple[str, ...], limit: int) -> list[tuple[int, str, str]]:
        sql = (
            "SELECT p.lead_id, p.e164, p.label FROM phone_fts f JOIN phone p ON p.id = f.rowid"
            " WHERE phone_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?"
        )
        match = " OR ".join(_fts_string(d) for d in digits)
        return [tuple(r) for r in self._ids(sql, [match, limit])]

    def leads(self, terms: tuple[str, ...], fields: tuple[str, ...], limit: int) -> list[int]:
        columns = "{" + " ".join(fields) + "}"
        match = " AND ".join(f"{columns} : {_fts_string(t)}" for t in terms)
        sql = "SELECT rowid FROM lead_fts WHERE lead_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
        ids = {r[0] for r in self._ids(sql, [match, limit])}
        if self.words:
            # the start of a word, accents removed: "angstrom" finds "Ångström"
            match = " AND ".join(f"{columns} : {_fts_string(t)}*" for t in terms)
            sql = sql.replace("lead_fts", "lead_words")
            ids.update(r[0] for r in self._ids(sql, [match, limit]))
        return sorted(ids, reverse=True)[:limit]

    def name_starts(self, terms: tuple[str, ...], limit: int) -> list[int]:
        return LikeEngine().name_starts(terms, limit)

    def notes(self, terms: tuple[str, ...], limit: int) -> list[tuple[int, str]]:
        match = " AND ".join(_fts_string(t) for t in terms)
        sql = (
            "SELECT t.lead_id, t.note FROM note_fts f JOIN touch t ON t.id = f.rowid"
            " WHERE note_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?"
        )
        return [tuple(r) for r in self._ids(sql, [match, limit])]


def _any(conditions: Iterable[pw.ColumnBase]) -> pw.ColumnBase:
    return functools.reduce(operator.or_, conditions)


def _accent_table() -> tuple[str, str]:
    """(accented, plain) letters of Latin-1 and Latin Extended-A/B, for SQL translate()."""
    pairs = [(c, fold(c)) for c in map(chr, range(0xC0, 0x250))]
    kept = [(c, f) for c, f in pairs if len(f) == 1 and f.isascii() and f != c]
    return "".join(c for c, _ in kept), "".join(f for _, f in kept)


_ACCENTED, _PLAIN = _accent_table()


def _folded(column: pw.Field) -> pw.ColumnBase:
    """`column` without accents, on PostgreSQL (SQLite has no translate(); its
    word index does this there). ILIKE then ignores the case."""
    if is_sqlite():
        return column
    return pw.fn.translate(column, _ACCENTED, _PLAIN)


class LikeEngine:
    """Any database: LIKE (ILIKE on PostgreSQL) scans — correct, not fast."""

    def phones(self, digits: tuple[str, ...], limit: int) -> list[tuple[int, str, str]]:
        query = (
            Phone.select(Phone.lead, Phone.e164, Phone.label)
            .where(_any(Phone.e164 ** f"%{d}%" for d in digits))
            .order_by(Phone.id.desc())
            .limit(limit)
        )
        return list(tuples(query))

    def leads(self, terms: tuple[str, ...], fields: tuple[str, ...], limit: int) -> list[int]:
        where: pw.ColumnBase = pw.Value(True)
        for term in terms:
            pattern = f"%{_like_term(term)}%"
            where &= _any(_folded(getattr(Lead, f)) ** pattern for f in fields)
        query = Lead.select(Lead.id).where(where).order_by(Lead.id.desc()).limit(limit)
        return [r[0] for r in tuples(query)]

    def name_starts(self, terms: tuple[str, ...], limit: int) -> list[int]:
        where: pw.ColumnBase = pw.Value(True)
        for term in terms:
            word = _like_term(term)
            name = _folded(Lead.name)
            where &= (name ** f"{word}%") | (name ** f"% {word}%")
        query = Lead.select(Lead.id).where(where).order_by(Lead.id.desc()).limit(limit)
        return [r[0] for r in tuples(query)]

    def notes(self, terms: tuple[str, ...], limit: int) -> list[tuple[int, str]]:
        where = (Touch.note != "") & (Touch.channel != "system")
        for term in terms:
            where &= _folded(Touch.note) ** f"%{_like_term(term)}%"
        query = (
            Touch.select(Touch.lead, Touch.note).where(where).order_by(Touch.id.desc()).limit(limit)
        )
        return list(tuples(query))


# The texts migration 0014 indexes, exactly as it writes them (else no index is used).
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


_STATS: dict[tuple[int, str], tuple[dict[str, float], float, float, float]] = {}


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


class TrigramEngine(LikeEngine):
    """PostgreSQL with migration 0014's indexes.

    A GIN index cannot hand back rows newest first, as FTS5 does: it gives
    every candidate, which must then be read and sorted. So:
    - a term that the index's statistics say is common (it would hand back
      more rows than reading the table newest first until the page is full
      costs) reads the table newest first, stopping after `limit` hits (the
      planner, misled by its guess of an ILIKE's selectivity, would scan it all);
    - otherwise the index gives the candidates (`trigrams(text) @>
      trigrams(term)`: a term's trigrams are in every text that holds it),
      they are sorted by id, and only then does the ILIKE judge them — behind
      `OFFSET 0`, so PostgreSQL does not run the costly folding ILIKE on every
      candidate before the sort, only until the page is full.
    Either way the ILIKE decides, so the hits are exactly the scan's.
    """

    def __init__(self, db: pw.Database) -> None:
        self.db = db

    def _stats(self, index: str) -> tuple[dict[str, float], float, float, float]:
        """(trigram → share of rows holding it, share of any other, index rows, table
        rows), as the last ANALYZE saw them."""
        key = (id(self.db.connection()), index)
        if key not in _STATS:
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
                _STATS[key] = (dict(zip(elems, freqs, strict=False)), floor, rows, table)
            else:
                _STATS[key] = ({}, 0.0, 0.0, 0.0)  # never analyzed: trust the index
        return _STATS[key]

    def _window(self, index: str, texts: list[str], limit: int) -> int | None:
        """How many of the newest rows to read first when the texts (all must be
        held) are common; None when the index's candidates cost less to sort."""
        freqs, floor, rows, table = self._stats(index)
        share = 1.0
        for text in texts:
            share *= min((freqs.get(t, floor) for t in _trigrams(text)), default=1.0)
        candidates = share * max(rows, 0.0)
        # newest first reads about limit × table / candidates rows, the index about
        # `candidates` (each dearer: random reads, a sort): even at candidates² ≈ 4 ×
        if candidates * candidates <= 4 * limit * max(table, 1.0):
            return None
        return int(max(500, 4 * limit * table / candidates))

    def _hint(self, index: str, text: str) -> tuple[str, list[Any]]:
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
        """The rows of `base` (a SELECT … WHERE) that pass the `judge` (columns,
        condition, parameters), newest first, at most `limit`.

        A common text reads the newest `window` rows first, which usually fills
        the page; otherwise (or if it did not) the index gives the candidates,
        sorted before they are judged (`OFFSET 0` keeps PostgreSQL from judging
        every candidate first)."""
        columns, condition, params = judge
        outer = f"SELECT {columns} FROM ({{}}) AS c WHERE {condition} LIMIT %s"
        if window is not None:
            newest = f"{base} ORDER BY id DESC LIMIT %s"
            found = self.db.execute_sql(outer.format(newest), [window, *params, limit]).fetchall()
            if len(found) >= limit:
                return [tuple(r) for r in found]
        indexed = f"{base} AND ({hints[0]}) ORDER BY id DESC OFFSET 0"
        found = self.db.execute_sql(outer.format(indexed), [*hints[1], *params, limit]).fetchall()
        return [tuple(r) for r in found]

    def leads(self, terms: tuple[str, ...], fields: tuple[str, ...], limit: int) -> list[int]:
        index = "lead_name_trigrams" if fields == ("name",) else "lead_text_trigrams"
        words = [_like_term(t) for t in terms]
        long = [w for w in words if len(w) >= 3]
        if not long:
            return super().leads(terms, fields, limit)
        checks = [_judged([(f"c.{f}", f"%{w}%") for f in fields], " OR ") for w in words]
        judge = ("c.id", " AND ".join(c for c, _ in checks), [p for _, ps in checks for p in ps])
        base = "SELECT id, name, company, email, notes FROM lead WHERE TRUE"
        window = self._window(index, long, limit)
        return [r[0] for r in self._run(base, self._hints(index, long), judge, limit, window)]

    def name_starts(self, terms: tuple[str, ...], limit: int) -> list[int]:
        index = "lead_name_trigrams"
        words = [_like_term(t) for t in terms]
        starts = [f" {w}" for w in words if len(w) >= 2]
        if not starts:
            return super().name_starts(terms, limit)
        checks = [_judged([("c.name", f"{w}%"), ("c.name", f"% {w}%")], " OR ") for w in words]
        judge = ("c.id", " AND ".join(c for c, _ in checks), [p for _, ps in checks for p in ps])
        base = "SELECT id, name FROM lead WHERE TRUE"
        window = self._window(index, starts, limit)
        return [r[0] for r in self._run(base, self._hints(index, starts), judge, limit, window)]

    def phones(self, digits: tuple[str, ...], limit: int) -> list[tuple[int, str, str]]:
        index = "phone_e164_trigrams"
        checks = " OR ".join("c.e164 ILIKE %s" for _ in digits)
        judge = ("c.lead_id, c.e164, c.label", checks, [f"%{d}%" for d in digits])
        base = "SELECT id, lead_id, e164, label FROM phone WHERE TRUE"
        windows = [self._window(index, [d], limit) for d in digits]
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
        window = self._window(index, long, limit)
        hints = self._hints(index, long)
        rows = self._run(base, hints, ("c.lead_id, c.note", condition, params), limit, window)
        return [(r[0], r[1]) for r in rows]


def has_trigram_index(db: pw.Database) -> bool:
    """Whether migration 0014 could make the trigram indexes here (PostgreSQL).

    Asked once per connection (the catalog query costs a few ms a keystroke);
    a wrong answer would only cost speed: both engines find the same rows."""
    if is_sqlite(db):
        return False
    key = id(db.connection())
    if key not in _INDEXED_HERE:
        row = db.execute_sql(
            "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexname = %s",
            (NAME_INDEX,),
        ).fetchone()
        _INDEXED_HERE[key] = bool(row and row[0])
    return _INDEXED_HERE[key]


_INDEXED_HERE: dict[int, bool] = {}


def has_fts(db: pw.Database) -> bool:
    """Whether migration 0004 could build the FTS5 tables here."""
    return is_sqlite(db) and _has_table(db, "lead_fts")


def _has_table(db: pw.Database, name: str) -> bool:
    row = db.execute_sql(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return bool(row and row[0])


def search_method(db: pw.Database) -> str:
    """How search finds text in this store, in words (for `leaddesk doctor`)."""
    if has_fts(db):
        return "indexed (SQLite FTS5 trigrams)"
    if has_trigram_index(db):
        return "indexed (PostgreSQL GIN trigrams of migration 0014, no extension needed)"
    if is_sqlite(db):
        return "scans (this SQLite has no FTS5 trigram tokenizer): slow on big stores"
    return (
        "scans: migration 0014 could not make its trigram indexes in this schema"
        " (a user without the right to create?): slow on big stores"
    )
