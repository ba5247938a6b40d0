"""Files leaddesk writes for the rep: owner-only from the first byte.

Databases, backups, exports and rejects files hold people's names and phone
numbers, so they are created 0600 rather than chmod-ed after the fact.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import IO, Any

PRIVATE_MODE = 0o600


def is_stream(path: Path) -> bool:
    """Whether `path` names something other than a regular file or a folder: a pipe,
    /dev/null, /dev/stdout. Such a target is written in place: a copy beside it renamed
    over it would replace the device or pipe with a file (as root, /dev/null itself)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def create_private(path: str | Path) -> Path:
    """Make sure `path` exists and only its owner may read it; return it."""
    p = Path(path).expanduser()
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_CREAT | os.O_WRONLY, PRIVATE_MODE)
    os.close(fd)
    os.chmod(p, PRIVATE_MODE)
    return p


def open_private(path: str | Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """`open()` for writing a new file that only its owner can read.

    The file is truncated like `open(path, "w")`; its mode is 0600 even when
    it already existed with wider permissions.
    """
    p = create_private(path)
    return open(p, mode, **kwargs)


def backup_sqlite(source: sqlite3.Connection, dest: str | Path) -> Path:
    """A consistent copy of a live SQLite database (the online backup API).

    Safe while other connections write: SQLite copies a snapshot. The copy is
    written beside `dest` and renamed into place, so a half-written backup
    never carries the final name. The partial copy's name is this process's own:
    two programs upgrading one file in the same second back up to the same name, and
    one's clean-up removed the other's copy in progress (test_concurrency).
    """
    target = Path(dest).expanduser()
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    create_private(partial)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    os.chmod(target, PRIVATE_MODE)
    return target
