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
    """Any database: LIKE (ILIKE on PostgreSQL) scans — correct, not fast.

    Each condition may be narrowed by an index (`_hint`): a subclass that
    knows one says which rows can hold the text; the LIKE still decides.
    """

    def _hint(self, text: pw.ColumnBase, pattern: str) -> pw.ColumnBase | None:
        return None

    def _where(self, column: pw.ColumnBase, pattern: str, indexed: pw.ColumnBase) -> pw.ColumnBase:
        hint = self._hint(indexed, pattern)
        like = column**pattern
        return like if hint is None else hint & like

    def phones(self, digits: tuple[str, ...], limit: int) -> list[tuple[int, str, str]]:
        query = (
            Phone.select(Phone.lead, Phone.e164, Phone.label)
            .where(_any(self._where(Phone.e164, f"%{d}%", Phone.e164) for d in digits))
            .order_by(Phone.id.desc())
            .limit(limit)
        )
        return list(tuples(query))

    def leads(self, terms: tuple[str, ...], fields: tuple[str, ...], limit: int) -> list[int]:
        where: pw.ColumnBase = pw.Value(True)
        for term in terms:
            pattern = f"%{_like_term(term)}%"
            any_field = _any(_folded(getattr(Lead, f)) ** pattern for f in fields)
            hint = self._hint(_lead_text(fields), pattern)
            where &= any_field if hint is None else hint & any_field
        query = Lead.select(Lead.id).where(where).order_by(Lead.id.desc()).limit(limit)
        return [r[0] for r in tuples(query)]

    def name_starts(self, terms: tuple[str, ...], limit: int) -> list[int]:
        where: pw.ColumnBase = pw.Value(True)
        for term in terms:
            word = _like_term(term)
            name = _folded(Lead.name)
            starts = (name ** f"{word}%") | (name ** f"% {word}%")
            # a word's start is the word after a space (the index pads the name with one)
            hint = self._hint(_lead_text(("name",)), f"% {word}%")
            where &= starts if hint is None else hint & starts
        query = Lead.select(Lead.id).where(where).order_by(Lead.id.desc()).limit(limit)
        return [r[0] for r in tuples(query)]

    def notes(self, terms: tuple[str, ...], limit: int) -> list[tuple[int, str]]:
        where = (Touch.note != "") & (Touch.channel != "system")
        for term in terms:
            where &= self._where(_folded(Touch.note), f"%{_like_term(term)}%", Touch.note)
        query = (
            Touch.select(Touch.lead, Touch.note).where(where).order_by(Touch.id.desc()).limit(limit)
        )
        return list(tuples(query))


def _lead_text(fields: tuple[str, ...]) -> pw.ColumnBase:
    """The text an index of migration 0014 holds for these lead fields: the name
    alone (padded with a space, so word starts are trigrams too), or all four."""
    if fields == ("name",):
        return pw.Value(" ").concat(Lead.name)
    return _joined(*(getattr(Lead, f) for f in ("name", "company", "email", "notes")))


def _joined(*columns: pw.ColumnBase) -> pw.ColumnBase:
    out: pw.ColumnBase = columns[0]
    for column in columns[1:]:
        out = out.concat(" ").concat(column)
    return out


class TrigramEngine(LikeEngine):
    """PostgreSQL with migration 0014's indexes: every LIKE of three characters or
    more is narrowed by the GIN index of the same text's trigrams.

    The index holds `leaddesk_trigrams(translate(lower(text), accented, plain))`;
    a pattern's trigrams are a subset of those of every text it matches, so the
    index never drops a row the ILIKE would keep. A shorter pattern has no
    trigram and scans, as it does on SQLite.
    """

    def _hint(self, text: pw.ColumnBase, pattern: str) -> pw.ColumnBase | None:
        plain = pattern.strip("%")
        if len(plain) < 3:
            return None
        wanted = getattr(pw.fn, TRIGRAMS)(pw.fn.lower(plain))
        return pw.Expression(trigram_key(text), "@>", wanted)


def trigram_key(text: pw.ColumnBase) -> pw.ColumnBase:
    """The indexed expression, exactly as migration 0014 writes it (else no index)."""
    key: pw.ColumnBase = getattr(pw.fn, TRIGRAMS)(
        pw.fn.translate(pw.fn.lower(text), _ACCENTED, _PLAIN)
    )
    return key


def has_trigram_index(db: pw.Database) -> bool:
    """Whether migration 0014 could make the trigram indexes here (PostgreSQL)."""
    if is_sqlite(db):
        return False
    row = db.execute_sql(
        "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s",
        (NAME_INDEX,),
    ).fetchone()
    return bool(row and row[0])


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
