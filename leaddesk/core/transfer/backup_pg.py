"""Backups and restores of a PostgreSQL store, through the full-fidelity JSONL.

A backup is the JSONL export (`fulldump`: every column of every lead, phone,
touch with its undo snapshot, appointment, rep and zone set) plus the call
sessions and the row counts in its header, read in one REPEATABLE READ
transaction — one snapshot, even while desks write — and written beside its
target, then renamed in (owner-only). It restores into either engine's
`leaddesk import`, and into `leaddesk restore` on PostgreSQL.

A restore checks the file, asks (as on SQLite, unless told), keeps the current
content aside as a backup of its own in the data folder, then empties the
store and imports the file keeping every id, in ONE transaction: a desk sees
the old content or the new, never a mix. Any row the import would reject or
skip fails the whole restore (nothing changed). The id sequences are moved
past the restored rows, so the next lead gets a fresh id.

pg_dump is not used: its version must match the server's, and a team's
machines rarely have it; the JSONL needs nothing but leaddesk.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput, StoreError
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.search_postings import postings_emptied
from leaddesk.core.store.batch import sync_sequences
from leaddesk.core.store.db import atomic_write, database
from leaddesk.core.store.files import open_private
from leaddesk.core.store.models import (
    Appointment,
    CallSession,
    Lead,
    Phone,
    Rep,
    Touch,
    ZoneSet,
)
from leaddesk.core.transfer.backup import RestoreResult, StoreFile, check_backup_target
from leaddesk.core.transfer.fulldump import (
    check_header,
    export_jsonl,
    read_header,
    row_of,
    select_raw,
)
from leaddesk.core.transfer.fulldump_import import import_records
from leaddesk.core.transfer.import_report import ImportSummary, RejectsFile

# What a backup holds, parents first (fulldump's rows, and the call sessions).
TABLES = (Rep, ZoneSet, Lead, Phone, Touch, Appointment, CallSession)
NOT_A_BACKUP = (
    "{path} is not a leaddesk backup of a PostgreSQL store (a JSONL file from"
    " `leaddesk backup` or `leaddesk export --format jsonl`)"
)


def backup_pg(dest: str | Path, now: DateTime) -> StoreFile:
    """Write the open PostgreSQL store to `dest` (JSONL); what it holds."""
    dest = check_backup_target(dest)
    partial = dest.with_name(dest.name + ".partial")
    db = database.obj
    try:
        with db.atomic():
            db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            extra = {
                "leads": Lead.select().count(),
                "touches": Touch.select().count(),
                "call_sessions": list(select_raw(CallSession, None, [CallSession.id])),
            }
            with open_private(partial, "w", encoding="utf-8", newline="\n") as out:
                export_jsonl(out, now, extra=extra)
                out.flush()
                os.fsync(out.fileno())
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return inspect_backup(dest)


def inspect_backup(path: str | Path) -> StoreFile:
    """What a JSONL backup holds; InvalidInput unless leaddesk can restore it."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise InvalidInput(f"no file {path}")
    header = read_header(path)
    if header is None:
        raise InvalidInput(NOT_A_BACKUP.format(path=path))
    check_header(header, path)
    leads, touches = header.get("leads"), header.get("touches")
    if not isinstance(leads, int) or not isinstance(touches, int):
        leads, touches = _count(path)  # an export: count what it holds
    return StoreFile(str(path), int(header["schema"]), leads, touches, path.stat().st_size)


def _count(path: Path) -> tuple[int, int]:
    leads = touches = 0
    with open(path, encoding="utf-8-sig") as handle:
        next(handle, None)  # the header
        for line in handle:
            if line.strip():
                leads += 1
                # (a damaged line: the restore itself says which one is wrong)
                with contextlib.suppress(ValueError, AttributeError, TypeError):
                    touches += len(json.loads(line).get("touches", []))
    return leads, touches


def restore_pg(
    source: Path,
    now: DateTime,
    settings: Settings,
    aside_folder: Path,
    confirm: Callable[[StoreFile, StoreFile, Path], bool],
    where: str = "the PostgreSQL store",
) -> RestoreResult | None:
    """Replace the open PostgreSQL store's content with `source` (see module doc).

    `confirm(incoming, current, aside)` is asked before anything changes; None
    when it says no. `where` names the store (a masked URL) in `current`."""
    from leaddesk.core.store.schema import schema_version

    source = Path(source).expanduser()
    incoming = inspect_backup(source)
    name = f"before-restore-{now.in_timezone('UTC'):%Y%m%dT%H%M%S}"
    aside = aside_folder / f"{name}.jsonl"
    n = 2
    while aside.exists():
        aside = aside_folder / f"{name}-{n}.jsonl"
        n += 1
    current = StoreFile(where, schema_version(), Lead.select().count(), Touch.select().count(), 0)
    if not confirm(incoming, current, aside):
        return None
    aside_folder.mkdir(parents=True, exist_ok=True)
    previous = backup_pg(aside, now)
    header = read_header(source) or {}
    atomic_write(lambda: _replace(source, header, now, settings))
    restored = StoreFile(
        str(source), schema_version(), Lead.select().count(), Touch.select().count(), 0
    )
    return RestoreResult(restored, previous, str(aside))


def _replace(source: Path, header: dict[str, Any], now: DateTime, settings: Settings) -> None:
    db = database.obj
    # children first; only the tables a backup holds (a table it does not hold and
    # that needs a lead refuses the delete: nothing changes)
    with postings_emptied(db):
        for model in reversed(TABLES):
            model.delete().execute()
    summary = ImportSummary(str(source), "jsonl", "utf-8", "", False, "skip", None)
    import_records(source, summary, now, settings, RejectsFile(None, source, []), None)
    problems = summary.rejects + summary.duplicates
    if problems or summary.rejected or summary.skipped_duplicate:
        first = problems[0] if problems else None
        where = f"line {first.line}: {first.text}" if first else "rows skipped"
        raise StoreError(f"not restored: {source.name} {where} (nothing changed)")
    sessions = header.get("call_sessions", [])
    if not isinstance(sessions, list):
        raise StoreError(f"not restored: {source.name}: call_sessions is not a list")
    try:
        rows = [row_of(CallSession, s, f"call_sessions[{i}]") for i, s in enumerate(sessions)]
    except ValueError as exc:
        raise StoreError(f"not restored: {source.name}: {exc} (nothing changed)") from None
    if rows:
        CallSession.insert_many(rows).execute()
    sync_sequences(db, [m for m in TABLES if m is not ZoneSet])
