"""Privacy: the database and its journal files are the owner's alone, and a whole
session of the real program (command line and desk) opens no network socket."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_terminal import NOW, Terminal

from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.core.writes.leads import add_lead

PROGRAM = Path(sys.executable).with_name("leaddesk")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_wal_and_shm_are_private(tmp_path, settings, now):
    os.umask(0o022)
    path = tmp_path / "private" / "leaddesk.db"
    open_store(str(path))
    try:
        add_lead(LeadDraft(name="Dana", phones=[("+1 212 555 0142", "")]), now, settings)
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        assert all(f.exists() for f in files), "WAL files exist while the store is open"
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        close_store()


def test_an_existing_world_readable_database_is_left_as_the_owner_set_it(tmp_path):
    """leaddesk creates files private; it does not silently change a mode the owner chose."""
    path = tmp_path / "shared.db"
    open_store(str(path))
    close_store()
    path.chmod(0o640)
    open_store(str(path))
    close_store()
    assert mode(path) == 0o640


# --- nothing sent over the network --------------------------------------------------

GUARD = """
import os, socket

_LOG = os.environ["LEADDESK_NET_LOG"]


def _note(what):
    with open(_LOG, "a") as f:
        f.write(what + "\\n")


class _GuardedSocket(socket.socket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None and family not in (-1, socket.AF_UNIX):
            _note(f"socket family={family}")
            raise OSError("network disabled by the privacy test")
        super().__init__(family, type, proto, fileno)


def _refuse(name):
    def refuse(*args, **kwargs):
        _note(f"{name}{args!r}")
        raise OSError("network disabled by the privacy test")
    return refuse


socket.socket = _GuardedSocket
for _name in ("getaddrinfo", "gethostbyname", "create_connection"):
    setattr(socket, _name, _refuse(_name))
_note("armed")
"""


@pytest.fixture
def offline(tmp_path) -> tuple[dict[str, str], Path]:
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(textwrap.dedent(GUARD))
    log = tmp_path / "net.log"
    config = tmp_path / "config.toml"
    config.write_text('[rep]\ntimezone = "America/Chicago"\n')
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(guard),
        LEADDESK_NET_LOG=str(log),
        LEADDESK_DB=str(tmp_path / "offline.db"),
        LEADDESK_CONFIG=str(config),
        TERM="xterm-256color",
    )
    return env, log


def test_a_whole_session_opens_no_network_socket(offline):
    env, log = offline
    commands = [
        ["demo", "--leads", "30", "--seed", "3"],
        ["add", "--name", "Dana", "--phone", "(212) 555-0142", "--email", "dana@example.com"],
        ["due", "--json"],
        ["show", "31"],
        ["log", "31", "no-answer"],
        ["log", "31", "callback", "--next", "tomorrow 10am"],
        ["undo"],
        ["shift", "--days", "1"],
        ["doctor", "--json"],
    ]
    for args in commands:
        done = subprocess.run([str(PROGRAM), "--now", NOW, *args], env=env, capture_output=True,
                              text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, (args, done.stderr)
    desk = Terminal(["--now", NOW], env)
    desk.wait_for("DUE (")
    desk.wait_for("why now:")  # the lead is on screen: a key now acts on it
    desk.send("n")
    desk.wait_for("u to undo")
    desk.send("q")
    assert desk.finish() == 0
    notes = log.read_text().splitlines()
    assert notes.count("armed") == len(commands) + 1, "the guard ran in every process"
    assert [n for n in notes if n != "armed"] == []


def test_the_guard_would_see_a_connection(offline):
    env, log = offline
    code = "import urllib.request; urllib.request.urlopen('http://example.com', timeout=1)"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert done.returncode != 0
    assert any(n != "armed" for n in log.read_text().splitlines())
