"""What an import reports: the four counts, notes per row, and the rejects file."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from leaddesk.core.domain.errors import InvalidInput, LeadDeskError
from leaddesk.core.store.files import is_stream, open_private
from leaddesk.core.transfer.mapping import Mapping

MAX_NOTES = 50  # row notes (rejects, duplicates, warnings) kept in the summary
Progress = Callable[[int, int], None]  # (bytes read, file size)


class ImportCancelled(LeadDeskError):
    """Raised by a progress callback to stop an import; nothing is written."""


@dataclass(frozen=True)
class RowNote:
    line: int
    text: str


@dataclass
class ImportSummary:
    file: str
    kind: str  # csv | jsonl
    encoding: str
    delimiter: str
    dry_run: bool
    on_duplicate: str
    mapping: Mapping | None
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    skipped_duplicate: int = 0
    rejected: int = 0
    blank_lines: int = 0
    warnings: int = 0
    rejects_file: str | None = None
    rejects: list[RowNote] = field(default_factory=list)
    duplicates: list[RowNote] = field(default_factory=list)
    warning_notes: list[RowNote] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        counted = self.imported + self.updated + self.skipped_duplicate + self.rejected
        return counted == self.rows_read

    def headline(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        text = (
            f"{verb} {self.imported} · updated {self.updated} · "
            f"skipped {self.skipped_duplicate} duplicate"
            f"{'s' if self.skipped_duplicate != 1 else ''} · rejected {self.rejected}"
            f" — of {self.rows_read} row{'s' if self.rows_read != 1 else ''} read"
        )
        return text

    def as_json(self) -> dict[str, Any]:
        def notes(items: list[RowNote]) -> list[dict[str, Any]]:
            return [{"line": n.line, "reason": n.text} for n in items]

        return {
            "file": self.file,
            "kind": self.kind,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "dry_run": self.dry_run,
            "on_duplicate": self.on_duplicate,
            "rows_read": self.rows_read,
            "imported": self.imported,
            "updated": self.updated,
            "skipped_duplicate": self.skipped_duplicate,
            "rejected": self.rejected,
            "blank_lines": self.blank_lines,
            "warnings": self.warnings,
            "rejects_file": self.rejects_file,
            "mapping": self.mapping.as_json() if self.mapping else None,
            "rejects": notes(self.rejects),
            "duplicates": notes(self.duplicates),
            "warning_notes": notes(self.warning_notes),
        }

    def note(self, kind: str, line: int, text: str) -> None:
        bucket = {"reject": self.rejects, "duplicate": self.duplicates}.get(kind)
        if bucket is None:
            self.warnings += 1
            bucket = self.warning_notes
        if len(bucket) < MAX_NOTES:
            bucket.append(RowNote(line, text))


class RejectsFile:
    """Rejected rows, streamed to `<target>.partial` and renamed at the end.

    Columns: line, reason, then the file's own columns with the original
    values, unaltered — so the rejects file imports again once fixed.
    """

    def __init__(self, target: Path | None, source: Path, header: Sequence[str]) -> None:
        self.target = target
        self.header = list(header)
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None
        if target is not None and target.resolve() == source.resolve():
            raise InvalidInput("the rejects file cannot be the file being imported")

    @property
    def partial(self) -> Path:
        """Where the rows go until the end: beside the target, or a pipe or device
        (`files.is_stream`) itself."""
        assert self.target is not None
        if self.direct:
            return self.target
        return self.target.with_name(self.target.name + ".partial")

    @property
    def direct(self) -> bool:
        return self.target is not None and is_stream(self.target)

    def add(self, line: int, reason: str, fields: Sequence[str]) -> None:
        self.count += 1
        if self.target is None:
            return
        if self._writer is None:
            opener = open if self.direct else open_private
            self._handle = opener(self.partial, "w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle)
            header = self.header or ["record"]
            self._writer.writerow(["line", "reason", *header])
        self._writer.writerow([line, reason, *fields])

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def discard(self) -> None:
        self._close()
        if self.target is not None and not self.direct:
            self.partial.unlink(missing_ok=True)

    def finish(self) -> str | None:
        self._close()
        if self.target is None or self._writer is None:
            return None
        if not self.direct:
            os.replace(self.partial, self.target)
        return str(self.target)


def preview_lines(summary: ImportSummary, limit: int = 10) -> list[str]:
    """The summary as lines for a person: headline, then the first notes."""
    lines = [summary.headline()]
    if summary.rejects_file:
        lines.append(f"rejected rows written to {summary.rejects_file}")
    if summary.blank_lines:
        lines.append(f"{summary.blank_lines} blank line(s) ignored")
    for title, notes in (
        ("rejected", summary.rejects),
        ("duplicates", summary.duplicates),
        ("warnings", summary.warning_notes),
    ):
        if notes:
            lines.append(f"{title}:")
            lines.extend(f"  line {n.line}: {n.text}" for n in notes[:limit])
            total = {"rejected": summary.rejected, "duplicates": summary.skipped_duplicate}.get(
                title, summary.warnings
            )
            if total > limit:
                lines.append(f"  … and {total - limit} more")
    return lines
