"""The `leaddesk` group: options every command shares, the environment they get,
and the one place an expected failure becomes one line on stderr.

Commands live beside this module, by concern, and register on `main` here.
"""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from leaddesk import __version__
from leaddesk.cli.env import Env, make_env

if TYPE_CHECKING:
    pass

# Start-up is most of a short command's time, so nothing heavy is imported
# here: each command's module is imported when that command runs (click's
# "Lazily Loading Subcommands", https://click.palletsprojects.com/en/stable/complex/),
# and each module imports the core it needs inside the command. `--version`
# loads click alone; `due` never loads the desk, the importer or psycopg2.
# A command missing here still works (every module is then imported);
# tests/cli/test_startup.py fails until it is listed.
COMMANDS = {
    "log": "calls", "cadence": "calls", "undo": "calls", "shift": "calls", "due": "calls",
    "add": "leads", "show": "leads", "find": "leads",
    "stats": "numbers", "doctor": "numbers",
    "claim": "team", "release": "team", "assign": "team", "rep": "team",
    "demo": "transfer", "import": "transfer", "export": "transfer", "letters": "transfer",
    "backup": "transfer", "restore": "transfer",
    "rules": "rules", "dnc": "dnc", "audit": "audit", "templates": "mail", "mail": "mail",
}  # fmt: skip
MODULES = tuple(dict.fromkeys(COMMANDS.values()))
# Short commands whose run is mostly the core's imports (peewee, pendulum, the
# queue): the collector stays paused to the end, as through start-up. With it on,
# `due` ran 27 young and 3 middle collections over objects that all live to the
# exit, ~20 ms CPU at load 6 (issue 15, measured with gc.callbacks); what they
# allocate afterwards (rows, the JSON) holds no cycles for it to find.
QUICK = ("due", "show", "log")


class LeadDeskGroup(click.Group):
    """Turns every expected failure into one line on stderr and exit 1.

    The line goes to the log file too, with the traceback where there is one;
    anything a terminal would obey is neutralised in everything printed, by
    us or by click.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from leaddesk.output import guarded

        # The log is set up where a record can be written: the desk (cli/desk.py)
        # and `fail`. A command that succeeds writes none, so it never loads the
        # logging handlers (or platformdirs, to find the log's folder).
        # Start-up allocates a few hundred thousand objects that live as long as the
        # process (modules, classes, the settings): the cyclic collector walking them
        # again and again was ~15% of the desk's import CPU and ~5% of `due`'s
        # (measured, issue 15). It pauses until the command itself runs
        # (`collecting`; the desk: cli/desk.py), and is as it was after.
        was_on = gc.isenabled()
        gc.disable()
        try:
            with guarded():
                return super().main(*args, **kwargs)
        finally:
            (gc.enable if was_on else gc.disable)()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            module = COMMANDS.get(cmd_name)
            for name in (module,) if module else MODULES:
                importlib.import_module(f"leaddesk.cli.{name}")  # registers its commands
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for name in MODULES:
            importlib.import_module(f"leaddesk.cli.{name}")
        return super().list_commands(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            usage(exc)
            raise  # pragma: no cover (_usage exits)

    def invoke(self, ctx: click.Context) -> Any:
        target = ctx.params.get("db") or ""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            usage(exc)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            explain(exc, target)


def explain(exc: Exception, target: str) -> NoReturn:
    """A command's failure (not click's own) as one line on stderr, and its exit code;
    cli/fast.py's desk says it here too."""
    from leaddesk.core.domain.errors import LeadDeskError, StoreError

    if isinstance(exc, StoreError):
        fail(str(exc), exc)
    if isinstance(exc, LeadDeskError):
        fail(str(exc))
    if isinstance(exc, BrokenPipeError):
        from leaddesk.output import reader_gone

        reader_gone()
    if isinstance(exc, OSError):
        fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), exc)
    if isinstance(exc, OverflowError):
        fail(f"a number is out of range ({exc})")
    from leaddesk.core.store.db import translate_error
    from leaddesk.logs import log_file

    # A driver's error (sqlite3, peewee, psycopg2) in the core's words, as the desk says it.
    said = translate_error(exc, target or "(default)")
    if said is not exc:
        fail(str(said), exc)
    where = log_file()
    fail(f"internal error: {type(exc).__name__}: {exc} (details in {where})", exc, 70)


def usage(exc: click.UsageError) -> None:
    """click's usage errors, in one line like every other error."""
    command = exc.ctx.command_path if exc.ctx else "leaddesk"
    fail(f"{exc.format_message()} (see {command} --help)", code=2)


def fail(message: str, exc: BaseException | None = None, code: int = 1) -> NoReturn:
    from leaddesk.core.domain.text import one_line
    from leaddesk.core.store.db import mask_secrets
    from leaddesk.logs import logger, setup_logging

    setup_logging()
    # One line, whatever the input quoted in it held.
    message = one_line(mask_secrets(message))
    if exc is None:
        logger.warning("%s", message)
    else:
        logger.error("%s", message, exc_info=exc)
    click.echo(f"leaddesk: {message}", err=True)
    sys.exit(code)


def echo_json(data: Any) -> None:
    """Print core values as JSON: dataclasses as objects, times as ISO 8601."""
    from leaddesk.output import json_text, plain

    click.echo(json_text(plain(data)))


@click.group(cls=LeadDeskGroup, invoke_without_command=True)
@click.option(
    "--db",
    envvar="LEADDESK_DB",
    metavar="PATH|URL",
    help="Database file or URL (default: leaddesk.db in the user data folder).",
)
@click.option("--now", "now_text", metavar="ISO8601", help="Pretend the current time is this.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: config.toml in the user config folder).",
)
@click.option(
    "--rep",
    "rep_name",
    envvar="LEADDESK_REP",
    metavar="NAME",
    help="Work as this rep (default: [rep] name in the config, else your login).",
)
@click.version_option(__version__, prog_name="leaddesk")
@click.pass_context
def main(
    ctx: click.Context,
    db: str | None,
    now_text: str | None,
    config_path: Path | None,
    rep_name: str | None,
) -> None:
    """leaddesk: who to call next, and one key to log the call.

    Without a command, opens the desk.
    """
    env = ctx.obj = make_env(db, now_text, config_path, rep_name, ctx.invoked_subcommand)
    for warning in env.warnings:
        click.echo(f"leaddesk: warning: {warning}", err=True)
    if ctx.invoked_subcommand is not None:
        if ctx.invoked_subcommand not in QUICK:
            gc.enable()  # a long command (import, demo) collects as usual
    else:
        from leaddesk.cli.desk import desk_for

        env.open()
        desk_for(env, config_path is not None, env.clock(running=True))


pass_env = click.make_pass_decorator(Env)


def parse_lead_id(text: str) -> int:
    from leaddesk.core.domain.errors import InvalidInput

    try:
        value = int(text.lstrip("#"))
    except ValueError:
        raise InvalidInput(f"{text!r} is not a lead id (a number, e.g. 42)") from None
    if not 0 < value < 2**63:
        raise InvalidInput(f"{text!r} is not a lead id (a number, e.g. 42)")
    return value
