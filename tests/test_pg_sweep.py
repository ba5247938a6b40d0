"""The test setup stops the servers that killed sessions left running: PostgreSQL's
(tests/conftest.py) and Dovecot's (tests/dovecot_server.py), one sweep (tests/orphans.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orphans
import pytest
from dovecot_server import HOLDERS, HOME_PREFIX, ensure_dovecot, sweep_orphan_dovecots

from tests.conftest import ENGINES, PG_HOME_PREFIX, sweep_orphan_servers

# A session that dies without cleanup: it starts a server and exits at once,
# as a SIGKILL would leave it (no `finally`, no atexit).
ORPHAN = """
import os, sys, pgserver
server = pgserver.get_server(sys.argv[1], cleanup_mode="stop")
print(server.get_pid(), flush=True)
os._exit(0)
"""

# The same for Dovecot (argv: the tests folder, the binary, the folder to start it in).
DOVECOT_ORPHAN = """
import os, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from dovecot_server import Dovecot
server = Dovecot(sys.argv[2], root=Path(sys.argv[3]))
print(server.process.pid, server.home, flush=True)
os._exit(0)
"""


@pytest.fixture
def tmp_root() -> Iterator[Path]:
    # Not pytest's tmp_path: as root, pgserver runs the server as its own user,
    # which must be able to reach the folder.
    root = Path(tempfile.mkdtemp(prefix="leaddesk-sweep-"))
    root.chmod(0o755)
    yield root
    sweep_orphan_servers(root)  # the server a failed test left running
    sweep_orphan_dovecots(root)
    subprocess.run(["rm", "-rf", str(root)], check=False)


def dead_pid() -> int:
    """A pid that has just ended (its process reaped)."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def _home(root: Path, holders: list[int]) -> Path:
    data = root / f"{PG_HOME_PREFIX}x{len(list(root.iterdir()))}" / "data"
    data.mkdir(parents=True)
    (data / ".handle_pids.json").write_text(json.dumps(holders))
    return data.parent


def test_a_dead_sessions_folder_goes_and_a_live_ones_stays(tmp_root) -> None:
    dead = _home(tmp_root, [dead_pid()])
    live = _home(tmp_root, [os.getpid()])
    starting = tmp_root / f"{PG_HOME_PREFIX}starting"
    starting.mkdir()  # pgserver has not written its list yet: not ours to judge

    assert sweep_orphan_servers(tmp_root) == [dead]
    assert not dead.exists()
    assert live.exists() and starting.exists()


@pytest.mark.skipif("postgresql" not in ENGINES, reason="PostgreSQL left out")
def test_a_server_whose_session_was_killed_is_stopped(tmp_root) -> None:
    home = tmp_root / f"{PG_HOME_PREFIX}orphan"
    home.mkdir()
    home.chmod(0o755)
    started = subprocess.run(
        [sys.executable, "-c", ORPHAN, str(home / "data")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    postmaster = int(started.stdout.split()[0])
    assert Path(f"/proc/{postmaster}").exists()

    assert sweep_orphan_servers(tmp_root) == [home]
    assert not Path(f"/proc/{postmaster}").exists()
    assert not home.exists()


def test_a_dead_sessions_dovecot_folder_goes_and_a_live_ones_stays(tmp_root) -> None:
    def home(name: str, holders: list[int] | None) -> Path:
        folder = tmp_root / f"{HOME_PREFIX}{name}"
        folder.mkdir()
        if holders is not None:
            (folder / HOLDERS).write_text(json.dumps(holders))
        return folder

    dead = home("dead", [dead_pid()])
    live = home("live", [os.getpid()])
    starting = home("starting", None)  # its holders not written yet: not ours to judge
    garbled = home("garbled", None)
    (garbled / HOLDERS).write_text("[")

    assert sweep_orphan_dovecots(tmp_root) == [dead]
    assert not dead.exists()
    assert live.exists() and starting.exists() and garbled.exists()


def test_a_dovecot_whose_session_was_killed_is_stopped(tmp_root) -> None:
    binary = ensure_dovecot()
    if not binary:
        pytest.skip("Dovecot is not installed and cannot be (apt-get dovecot-imapd needs root)")
    started = subprocess.run(
        [sys.executable, "-c", DOVECOT_ORPHAN, str(Path(__file__).parent), binary, str(tmp_root)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    pid, home = started.stdout.split()
    master = int(pid)
    assert orphans.names(master, Path(home))  # still serving, its session gone

    assert sweep_orphan_dovecots(tmp_root) == [Path(home)]
    assert not orphans.alive(master)
    assert not Path(home).exists()
