"""The mail password, from the rep's own `password_command` (its first line):
one runner for sending and for reading the inbox. Its output is never shown or
logged — it is the password."""

from __future__ import annotations

import shlex
import subprocess


class PasswordCommandFailed(Exception):
    """Why the command gave no password, in a few words fit for one line."""


def command_password(command: str, timeout_s: float) -> str:
    """The first line `command` prints; PasswordCommandFailed when it cannot run,
    exits non-zero or prints nothing."""
    try:
        done = subprocess.run(
            shlex.split(command), capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise PasswordCommandFailed(f"could not run: {type(exc).__name__}") from None
    if done.returncode != 0 or not done.stdout.strip():
        raise PasswordCommandFailed(f"failed (exit {done.returncode})")
    return done.stdout.splitlines()[0]
