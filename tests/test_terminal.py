"""The installed program in a real pseudo-terminal: a key press lands in the database.

pexpect gives the pty, pyte plays the terminal; we wait on what the screen
shows (with an upper bound), never on a fixed delay.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pyte
import pytest

NOW = "2026-11-23T14:00:00-05:00"
ROWS, COLS = 35, 120


def leaddesk_bin() -> str:
    found = Path(sys.executable).with_name("leaddesk")
    if found.exists():
        return str(found)
    which = shutil.which("leaddesk")
    if which is None:
        pytest.skip("leaddesk is not installed")
    return which


class Terminal:
    def __init__(self, args: list[str], env: dict[str, str], prefix: tuple[str, ...] = ()) -> None:
        """`prefix`: a command that runs the program (e.g. setpriv …)."""
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        command, *rest = [*prefix, leaddesk_bin(), *args]
        self.child = pexpect.spawn(command, rest, dimensions=(ROWS, COLS), env=env, encoding=None)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, within: float = 20.0) -> str:
        deadline = time.monotonic() + within
        while needle not in self.text():
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} never appeared; screen:\n{self.text()}")
            try:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=0.5))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                raise AssertionError(f"program exited; screen:\n{self.text()}") from None
        return self.text()

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def finish(self, within: float = 20.0) -> int:
        self.child.expect(pexpect.EOF, timeout=within)
        self.child.close()
        return self.child.exitstatus


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(COLS),
        LINES=str(ROWS),
        LEADDESK_DB=str(tmp_path / "pty.db"),
        LEADDESK_CONFIG=str(tmp_path / "config.toml"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    (tmp_path / "config.toml").write_text('[rep]\ntimezone = "America/Chicago"\n')
    return env


def cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [leaddesk_bin(), "--now", NOW, *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_a_key_in_the_real_terminal_lands_in_the_database(env):
    cli(env, "add", "--name", "Dana Whitfield", "--phone", "(212) 555-0142")
    cli(env, "add", "--name", "Ravi Patel", "--phone", "(312) 555-0177")
    term = Terminal(["--now", NOW], env)
    screen = term.wait_for("Dana Whitfield")
    assert "DUE (2)" in screen
    term.send("n")
    screen = term.wait_for("u to undo")
    assert "no answer" in screen
    term.send("q")
    assert term.finish() == 0
    shown = json.loads(cli(env, "show", "1", "--json"))
    assert [t["outcome"] for t in shown["touches"]] == ["no-answer", "received"]
    assert shown["attempts"] == 1


def test_first_start_offers_demo_leads_with_one_key(env):
    term = Terminal(["--now", NOW], env)
    term.wait_for("No leads yet")
    term.send("D")
    # The status line once they are written: "demo leads" alone is already in the footer.
    term.wait_for("added 60 demo leads")
    term.send("q")
    assert term.finish() == 0
    due = json.loads(cli(env, "due", "--json", "--limit", "5"))
    assert due, "demo leads should fill the queue"
