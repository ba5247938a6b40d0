"""A do-not-call registry scrub file: numbers one per line, or a CSV column.

Every row is read and checked before anything is written: a bad row is named by
its line, and then nothing is imported (the caller writes all rows in one bulk
write, or none).
"""

from __future__ import annotations

import csv
from pathlib import Path

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.phones import parse_phone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.writes.dnc import import_registry

COLUMN_NAMES = ("phone", "phone number", "number", "telephone", "tel")
SHOWN_BAD = 5  # bad rows named in the one line; the rest are counted


def read_numbers(path: Path, default_region: str = "US") -> list[str]:
    """The file's numbers as E.164; InvalidInput naming the bad rows by line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc})") from None
    rows = list(csv.reader(text.splitlines()))
    column, start = 0, 0
    if rows and rows[0]:
        header = [cell.strip().lower() for cell in rows[0]]
        named = [i for i, name in enumerate(header) if name in COLUMN_NAMES]
        if named:
            column, start = named[0], 1
    numbers, bad = [], []
    for line, row in enumerate(rows[start:], start=start + 1):
        cell = row[column].strip() if len(row) > column else ""
        if not cell and not any(c.strip() for c in row):
            continue  # a blank line
        try:
            parsed = parse_phone(cell, default_region)
        except InvalidInput as exc:
            bad.append(f"line {line}: {exc}")
            continue
        if not parsed.valid:
            bad.append(f"line {line}: {cell!r} is not a valid phone number")
            continue
        numbers.append(parsed.e164)
    if bad:
        more = f" (and {len(bad) - SHOWN_BAD} more)" if len(bad) > SHOWN_BAD else ""
        shown = "; ".join(bad[:SHOWN_BAD])
        raise InvalidInput(f"{path}: nothing imported — {len(bad)} bad rows: {shown}{more}")
    return numbers


def import_scrub(path: Path, as_of: DateTime, now: DateTime, settings: Settings) -> tuple[int, int]:
    """Read and import a registry scrub: (numbers written, leads taken off the phone)."""
    return import_registry(read_numbers(path, settings.default_region), as_of, now, settings)
