"""Test servers that killed sessions left running: found by their folders, stopped, removed.

A session killed mid-run (a timeout, ^C twice, a CI runner's SIGKILL) never reaches
its fixture's `finally`: its server (PostgreSQL, Dovecot) kept running and its folder
stayed in /tmp. Each folder records the processes that hold it; when none of them
lives, nobody can still use the server. Another session running beside this one (a
holder alive) is left alone, and so is a folder that records no holders yet (being
created, or not ours).
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def names(pid: int, folder: Path) -> bool:
    """Whether process `pid`'s command line names `folder` or a file in it: still the
    server started there, not a process that was given its pid since."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    inside = str(folder).encode()
    return any(arg == inside or arg.startswith(inside + b"/") for arg in argv)


def sweep(
    tmp: Path,
    prefix: str,
    holders: Callable[[Path], list[int] | None],
    server: Callable[[Path], int],
    stop: signal.Signals,
) -> list[Path]:
    """Remove each `tmp/prefix*` folder whose `holders(folder)` are all dead, after
    sending `stop` to the process `server(folder)` (0: none recorded) if it still runs
    there, and waiting up to 10 s for it to end; the folders removed."""
    swept = []
    for home in sorted(tmp.glob(prefix + "*")):
        held_by = holders(home)
        if held_by is None or any(alive(pid) for pid in held_by):
            continue
        pid = server(home)
        if pid and alive(pid) and names(pid, home):
            os.kill(pid, stop)
            deadline = time.monotonic() + 10
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)  # waiting on a server's shutdown, not on code under test
        shutil.rmtree(home, ignore_errors=True)
        swept.append(home)
    return swept


def read_pids(path: Path) -> list[int] | None:
    """The pids a JSON list in `path` names; None when it is missing or not such a list."""
    import json

    try:
        found = json.loads(path.read_text())
        return [int(pid) for pid in found]
    except (OSError, ValueError, TypeError):
        return None


def first_pid(path: Path) -> int:
    """The number on the first line of a pid file (postmaster.pid, master.pid); 0 if none."""
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
