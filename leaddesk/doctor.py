"""`leaddesk doctor`: what a bug report needs, gathered without changing anything.

Versions, where the files are, the database's schema against this program's,
SQLite's integrity check and the config file's problems. The database is
opened but never created, migrated or written.
"""

from __future__ import annotations

import platform
import sqlite3
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import peewee
from pendulum import DateTime

from leaddesk import __version__, paths
from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.store.db import is_url, mask_url, sqlite_error_message
from leaddesk.logs import log_file

SUPPRESSION_SCHEMA = 12  # the migration that made the do-not-call lists
PACKAGES = ("textual", "peewee", "pendulum", "click", "phonenumbers", "platformdirs")


@dataclass
class DatabaseReport:
    target: str  # masked
    exists: bool
    schema_version: int | None = None
    program_schema_version: int = 0
    state: str = (
        ""  # up to date | needs upgrade | newer than this program | not created yet | error
    )
    integrity: str | None = None  # "ok" or what SQLite found
    search: str | None = None  # how search finds text: from an index, or by scanning
    scrub: str = ""  # "registry scrub 40 days old (over 31)": a do-not-call scrub gone stale
    error: str | None = None


@dataclass
class Report:
    versions: dict[str, str]
    paths: dict[str, str]
    database: DatabaseReport
    config_path: str
    config_error: str | None = None
    config_warnings: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        db = self.database
        return (
            self.config_error is None
            and db.error is None
            and db.integrity in (None, "ok")
            and db.state != "newer than this program"
        )

    def as_dict(self) -> dict:
        return {**asdict(self), "healthy": self.healthy}


def versions() -> dict[str, str]:
    found = {"leaddesk": __version__, "python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    found["sqlite"] = sqlite3.sqlite_version
    return found


def diagnose(
    target: str,
    config_path: Path,
    config_error: str | None,
    warnings: list[str],
    now: DateTime | None = None,
) -> Report:
    return Report(
        versions=versions(),
        paths={
            "config": str(config_path),
            "data": str(paths.data_dir()),
            "log": str(log_file()),
            "database": mask_url(target),
        },
        database=inspect_database(target, now),
        config_path=str(config_path),
        config_error=config_error,
        config_warnings=list(warnings),
    )


def inspect_database(target: str, now: DateTime | None = None) -> DatabaseReport:
    from leaddesk.core.store.schema import (
        close_store,
        open_store,
        program_schema_version,
        schema_version,
    )

    program = program_schema_version()
    exists = is_url(target) or Path(target).expanduser().is_file()
    report = DatabaseReport(mask_url(target), exists, program_schema_version=program)
    if not exists:
        report.state = "not created yet"
        return report
    try:
        db = open_store(target, migrate=False)
        try:
            version = schema_version(db)
            report.schema_version = version
            if version > program:
                report.state = "newer than this program"
            elif version < program:
                report.state = "needs upgrade"
            else:
                report.state = "up to date"
            if version == program:
                from leaddesk.core.reads.search_engines import search_method

                report.search = search_method(db)
            if now is not None and SUPPRESSION_SCHEMA <= version <= program:
                from leaddesk.core.reads.suppressions import scrub_warning

                report.scrub = scrub_warning(now)
            if isinstance(db, peewee.SqliteDatabase):
                found = [row[0] for row in db.execute_sql("PRAGMA integrity_check")]
                report.integrity = "; ".join(found[:5])
        finally:
            close_store()
    except LeadDeskError as exc:
        report.state, report.error = "error", str(exc)
    except (sqlite3.Error, peewee.PeeweeException) as exc:
        report.state, report.error = "error", sqlite_error_message(exc, target)
    return report


def as_text(report: Report) -> list[str]:
    v = report.versions
    lines = [" · ".join(f"{name} {version}" for name, version in v.items())]
    for name, where in report.paths.items():
        lines.append(f"{name:<9} {where}")
    db = report.database
    if db.schema_version is not None:
        schema = f"{db.schema_version} (this program: {db.program_schema_version}) — {db.state}"
    else:
        schema = f"— (this program: {db.program_schema_version}) — {db.state}"
    lines.append(f"{'schema':<9} {schema}")
    if db.integrity is not None:
        lines.append(f"{'integrity':<9} {db.integrity}")
    if db.search is not None:
        lines.append(f"{'search':<9} {db.search}")
    if db.scrub:
        lines.append(f"{'dnc':<9} warning: {db.scrub}; import a fresh one (leaddesk dnc import)")
    if db.error:
        lines.append(f"{'problem':<9} {db.error}")
    if report.config_error:
        lines.append(f"{'settings':<9} error: {report.config_error}")
    elif report.config_warnings:
        lines += [f"{'settings':<9} warning: {w}" for w in report.config_warnings]
    else:
        found = "found" if Path(report.config_path).exists() else "none: defaults"
        lines.append(f"{'settings':<9} ok ({found})")
    lines.append("healthy" if report.healthy else "problems found (see above)")
    return lines
