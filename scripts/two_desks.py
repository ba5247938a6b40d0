"""Two desks on one PostgreSQL show a hand-off (issue 14's "done when"), in tmux.

    .venv/bin/python scripts/two_desks.py [--name i14e] [--keep]

Starts a throwaway PostgreSQL on a unix socket (pgserver, as tests/conftest.py
and bench/desks.py do), adds the reps ana and sam, opens ana's desk and sam's
desk in two tmux sessions (NAME-ana, NAME-sam, 120x35), gives ana a new lead
while both desks run, and shows what each screen says:

1. right after the lead came in: it is ana's, in her queue only;
2. once `[team] new_lead_minutes` (1 in this script's config, 5 by default)
   has passed without ana calling it: sam's queue offers it, with the reason
   ("new 1 min, not yet called by ana");
3. sam moves onto it: his desk claims it and the status line says so
   ("claimed from ana — …"); the history has the hand-off touch.

The desks run on a pretended clock (`--now`, which keeps ticking) set to a
weekday afternoon so every US calling window is open, whatever the hour here;
every command of the script uses the same offset, so both desks and the CLI
agree on "now". Waiting for the minute is real: about 70 s. Everything started
here is stopped at the end (desks quit, sessions closed, server stopped) unless
--keep leaves the desks open to look at (then: tmux kill-session -t NAME-ana …).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pendulum

ROOT = Path(__file__).resolve().parent.parent
LEADDESK = str(ROOT / ".venv" / "bin" / "leaddesk")
PRETEND = pendulum.datetime(2026, 12, 7, 19, 0, tz="UTC")  # Monday 13:00 Chicago
CONFIG = """\
[rep]
timezone = "America/Chicago"

[team]
new_lead_minutes = 1
"""


class Team:
    """The server, the config and one pretended clock for the desks and the CLI."""

    def __init__(self, home: Path, url: str, name: str) -> None:
        self.home, self.url, self.name = home, url, name
        self.config = home / "config.toml"
        self.config.write_text(CONFIG)
        self.offset = PRETEND - pendulum.now("UTC")
        self.env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data-home"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CACHE_HOME": str(home / "cache"),
        }

    def now(self) -> str:
        return (pendulum.now("UTC") + self.offset).isoformat()

    def argv(self, rep: str, *args: str) -> list[str]:
        base = [LEADDESK, "--db", self.url, "--config", str(self.config), "--rep", rep]
        return [*base, "--now", self.now(), *args]

    def cli(self, rep: str, *args: str) -> str:
        done = subprocess.run(
            self.argv(rep, *args), env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            sys.exit(f"leaddesk {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout.strip()

    def session(self, rep: str) -> str:
        return f"{self.name}-{rep}"

    def open_desk(self, rep: str) -> None:
        command = " ".join(f"'{a}'" for a in self.argv(rep))
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.session(rep), "-x", "120", "-y", "35",
             "env", *(f"{k}={self.env[k]}" for k in self.env if k.startswith("XDG_")),
             "sh", "-c", command],
            check=True,
        )  # fmt: skip

    def screen(self, rep: str) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.session(rep)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    def keys(self, rep: str, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.session(rep), *keys], check=True)

    def wait_for(self, rep: str, ok: Callable[[str], bool], what: str, seconds: float) -> str:
        """Poll the screen until `ok` holds (a demo, not a test: the desks are real)."""
        end = time.monotonic() + seconds
        while True:
            text = self.screen(rep)
            if ok(text):
                return text
            if time.monotonic() > end:
                print(text)
                sys.exit(f"gave up waiting for {rep}'s desk: {what}")
            time.sleep(0.5)

    def close(self) -> None:
        for rep in ("ana", "sam"):
            subprocess.run(["tmux", "send-keys", "-t", self.session(rep), "q"], check=False)
        time.sleep(1.5)  # the desks let their claims go as they quit
        for rep in ("ana", "sam"):
            subprocess.run(
                ["tmux", "kill-session", "-t", self.session(rep)],
                check=False, stderr=subprocess.DEVNULL,
            )  # fmt: skip


def show(title: str, rep: str, text: str) -> None:
    print(f"\n=== {title} ({rep}'s desk) ===")
    print(text.rstrip())


def scene(team: Team) -> None:
    for rep in ("ana", "sam"):
        team.cli("ana", "rep", "add", rep)
    # ana is busy on an older lead of hers (her desk holds it, so it is never
    # offered); sam works the pool.
    team.cli("ana", "add", "--name", "Ravi Patel", "--phone", "(312) 555-0177", "--owner", "ana")
    team.cli("ana", "add", "--name", "Lee Okafor", "--phone", "(404) 555-0123")
    team.open_desk("ana")
    team.wait_for("ana", lambda s: "Ravi Patel" in s, "Ravi on screen", 30)
    team.open_desk("sam")
    team.wait_for("sam", lambda s: "Lee Okafor" in s, "Lee on screen", 30)
    dana = team.cli(
        "ana", "add", "--name", "Dana Whitfield", "--phone", "(212) 555-0142", "--owner", "ana"
    )
    print(f"added lead {dana} (Dana Whitfield), owned by ana, at {team.now()}")
    text = team.wait_for("ana", lambda s: "Dana Whitfield" in s, "Dana in ana's queue", 30)
    show("1. the new lead arrives: ana's", "ana", text)
    show("1. the new lead arrives: not in sam's queue yet", "sam", team.screen("sam"))
    print(f"\n… waiting for [team] new_lead_minutes (1) to pass (now {team.now()}) …")
    text = team.wait_for("sam", lambda s: "Dana Whitfield" in s, "Dana offered to sam", 100)
    show("2. a minute later, not called by ana: offered to sam", "sam", text)
    team.keys("sam", "j")
    text = team.wait_for("sam", lambda s: "claimed from ana" in s, "the hand-off claimed", 30)
    show("3. sam moves onto it: claimed, and the status line says why", "sam", text)
    show("3. ana's desk meanwhile", "ana", team.screen("ana"))
    print("\n=== the lead's history (leaddesk show) ===")
    print(team.cli("sam", "show", dana))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--name", default="two-desks", help="tmux session prefix")
    parser.add_argument("--keep", action="store_true", help="leave the desks and server up")
    args = parser.parse_args()
    import pgserver  # the test extra: pip install -e '.[test]'

    home = Path(tempfile.mkdtemp(prefix="leaddesk-two-desks-"))
    home.chmod(0o755)  # as root, pgserver runs the server as its own user
    server = pgserver.get_server(home / "pg", cleanup_mode="stop")
    socket_dir = server.get_uri().split("host=", 1)[1]
    team = Team(home, f"postgresql://postgres@/postgres?host={socket_dir}", args.name)
    try:
        scene(team)
    finally:
        if args.keep:
            print(f"\ndesks left open: tmux attach -t {team.session('sam')} (server: {team.url})")
        else:
            team.close()
            server.cleanup()
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
