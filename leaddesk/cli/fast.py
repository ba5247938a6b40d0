"""`leaddesk --version` and `leaddesk … due`, started without click.

Importing click costs a start-up as much as pendulum does (~25 ms of CPU on the
bench machine, issue 15), and the quickest commands need none of it. This reads
exactly the hot forms:

    leaddesk --version
    leaddesk [--db X] [--now T] [--config F] [--rep R] due [--limit N] [--json]
    leaddesk [--db X] [--now T] [--config F] [--rep R]          (the desk)

(each option once, `--opt value` or `--opt=value`, `LEADDESK_DB` and
`LEADDESK_REP` as click reads them), builds the same Env with the same function
(cli/env.make_env) and prints the same lines (cli/queue.due_lines), the queue read
on a bare sqlite3 connection when the store is a current SQLite file
(store/sql.open_quick: no peewee; anything else is opened as click's path opens
it, in this process). Anything
else — `--help`, an unknown or repeated option, a value it would have to
judge, any error at all — is handed to click unchanged, so click stays the one
source of help and of error messages. tests/cli/test_fast.py holds the two
paths to the same output and exit code over a grid of argvs.
"""

from __future__ import annotations

import codecs
import os
import sys

# Not `typing.TYPE_CHECKING`: `--version` would import typing for it (mypy reads
# any name TYPE_CHECKING the same way).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

GROUP_OPTIONS = ("--db", "--now", "--config", "--rep")
LIMIT_RANGE = (1, 10_000_000)  # click.IntRange of `due --limit` (cli/calls.py)
LIMIT_DEFAULT = 20


class Desk:
    """The desk to open, with the shared options. Click (~25 ms of CPU) was most of
    what the desk's start-up loaded and never used (issue 15 point 2)."""

    def __init__(
        self, db: str | None, now_text: str | None, config_path: Path | None, rep_name: str | None
    ) -> None:
        self.db, self.now_text, self.config_path = db, now_text, config_path
        self.rep_name = rep_name


class Due:
    """A `due` to run: the shared options, then its own. (A plain class: `--version`
    imports nothing it does not print, and dataclasses brings inspect.)"""

    def __init__(
        self,
        db: str | None,
        now_text: str | None,
        config_path: Path | None,
        rep_name: str | None,
        limit: int,
        as_json: bool,
    ) -> None:
        self.db, self.now_text, self.config_path = db, now_text, config_path
        self.rep_name, self.limit, self.as_json = rep_name, limit, as_json


def read_options(args: Sequence[str], names: Sequence[str]) -> tuple[dict[str, str], int] | None:
    """The leading `--name value` / `--name=value` options among `names` (each once),
    and where they stop; None for anything click would have to judge."""
    found: dict[str, str] = {}
    i = 0
    while i < len(args) and args[i].startswith("-"):
        name, eq, value = args[i].partition("=")
        if name not in names or name in found:
            return None
        if not eq:
            if name == "--json":  # the one flag
                found[name], i = "", i + 1
                continue
            if i + 1 >= len(args):
                return None
            value, i = args[i + 1], i + 1
        elif name == "--json":
            return None
        # A value click might read as an option, or an empty one: click decides.
        if not value or value.startswith("-"):
            return None
        found[name] = value
        i += 1
    return found, i


def parse(argv: Sequence[str], environ: Mapping[str, str]) -> Desk | Due | str | None:
    """Read `argv`: "version", a Desk, a Due, or None when click must read it."""
    if list(argv) == ["--version"]:
        return "version"
    group = read_options(argv, GROUP_OPTIONS)
    if group is None:
        return None
    options, at = group
    from pathlib import Path

    config = options.get("--config")
    if config is not None and not (Path(config).is_file() and os.access(config, os.R_OK)):
        return None  # click.Path and make_env word these
    db = options.get("--db") or environ.get("LEADDESK_DB") or None
    now_text = options.get("--now")
    config_path = Path(config) if config is not None else None
    rep_name = options.get("--rep") or environ.get("LEADDESK_REP") or None
    if at == len(argv):
        return Desk(db, now_text, config_path, rep_name)
    if argv[at : at + 1] != ["due"]:
        return None
    rest = argv[at + 1 :]
    sub = read_options(rest, ("--limit", "--json"))
    if sub is None or sub[1] != len(rest):
        return None
    flags = sub[0]
    limit = LIMIT_DEFAULT
    if "--limit" in flags:
        try:
            limit = int(flags["--limit"])  # click.INT converts with int() too
        except ValueError:
            return None
        if not LIMIT_RANGE[0] <= limit <= LIMIT_RANGE[1]:
            return None
    return Due(db, now_text, config_path, rep_name, limit, as_json="--json" in flags)


def run(argv: Sequence[str]) -> bool:
    """Run `argv` if it is a hot form and goes well; False: click must run it."""
    asked = parse(argv, os.environ)
    if asked is None or not utf8(sys.stdout):
        return False
    if asked == "version":
        from leaddesk import __version__

        sys.stdout.write(f"leaddesk, version {__version__}\n")
        sys.stdout.flush()
        return True
    if isinstance(asked, Desk):
        return open_desk(asked)
    assert isinstance(asked, Due)
    from leaddesk.cli.env import make_env
    from leaddesk.cli.queue import due_lines
    from leaddesk.core.store.sql import close_quick
    from leaddesk.output import guarded, reader_gone

    try:
        env = make_env(asked.db, asked.now_text, asked.config_path, asked.rep_name, "due")
        lines = due_lines(env, asked.limit, asked.as_json, quick=True)
    except KeyboardInterrupt:
        with guarded():  # as click.Abort says it
            sys.stderr.write("\nAborted!\n")
        sys.exit(1)
    except Exception:
        # Nothing is printed yet: click runs the command again and words the error
        # (and logs it) exactly as it always does.
        return False
    finally:
        close_quick()  # the queue is read: nothing else uses the quick connection
    if any("\x1b" in line for line in lines):
        return False  # click.echo strips ANSI codes when piped: let it
    with guarded():
        for warning in env.warnings:
            sys.stderr.write(f"leaddesk: warning: {warning}\n")
        sys.stderr.flush()
        try:
            for line in lines:
                sys.stdout.write(f"{line}\n")
            sys.stdout.flush()
        except BrokenPipeError:
            reader_gone()
    return True


def open_desk(asked: Desk) -> bool:
    """Open the desk as click's `main` does; False (nothing printed, nothing left
    open) when anything before it fails, for click to run again and word."""
    from leaddesk.cli.env import make_env
    from leaddesk.output import guarded

    try:
        env = make_env(asked.db, asked.now_text, asked.config_path, asked.rep_name, None)
        env.open()
        clock = env.clock(running=True)
    except KeyboardInterrupt:
        with guarded():  # as click.Abort says it
            sys.stderr.write("\nAborted!\n")
        sys.exit(1)
    except Exception:
        from leaddesk.core.store.schema import close_store

        close_store()
        return False
    from leaddesk.cli.desk import desk_for

    with guarded():
        for warning in env.warnings:
            sys.stderr.write(f"leaddesk: warning: {warning}\n")
        sys.stderr.flush()
        try:
            desk_for(env, asked.config_path is not None, clock)
        except KeyboardInterrupt:
            sys.stderr.write("\nAborted!\n")
            sys.exit(1)
        except Exception as exc:
            from leaddesk.cli.base import explain  # click, only to say what failed

            explain(exc, asked.db or "")
    return True


def utf8(stream: object) -> bool:
    """click re-wraps an ASCII stream to replace what it cannot encode; leave that to it."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        return False
