"""Opening the desk: the only CLI path that loads Textual, so it is imported late."""

from __future__ import annotations

import gc
import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from leaddesk.core.domain.clock import Clock
from leaddesk.core.domain.settings import Settings

if TYPE_CHECKING:
    from leaddesk.cli.env import Env


def how_to_run(argv0: str, executable: str, on_path: str | None, cwd: Path) -> str:
    """The command that runs this leaddesk, as the rep can type it in this folder.

    `leaddesk` when that name on the PATH is this program; else the path it was
    started by (`.venv/bin/leaddesk` after `make run`), or `python -m leaddesk`.
    """
    path = Path(argv0)
    if path.name == "__main__.py" or not argv0:
        return f"{shlex.quote(executable)} -m leaddesk"
    full = path if path.is_absolute() else cwd / path
    if on_path is not None and Path(on_path).resolve() == full.resolve():
        return "leaddesk"
    try:
        shown = str(full.relative_to(cwd))
        shown = shown if "/" in shown else f"./{shown}"
    except ValueError:
        shown = str(full)
    return shlex.quote(shown)


def this_command() -> str:
    return how_to_run(sys.argv[0], sys.executable, shutil.which("leaddesk"), Path.cwd())


def desk_for(env: Env, config_given: bool, clock: Clock) -> None:
    """The desk `leaddesk` opens without a command, on `env`'s store (opened): the
    first run's questions too when no config file is there yet and none was named."""
    where = env.config_path
    first = None if config_given or where is None or where.exists() else where
    open_desk(env.settings, clock, env.target, first)


def open_desk(
    settings: Settings, clock: Clock, target: str, first_config: Path | None = None
) -> None:
    """The desk; `first_config` is where to write config.toml after asking who the
    rep is (no config file yet), None when there is one."""
    from leaddesk.logs import setup_logging
    from leaddesk.ui.dbthread import DbThread
    from leaddesk.ui.first_page import read_first_page

    setup_logging()  # the desk logs what it shows as one line (ui/desk/base.py)
    db, first_page, offer = DbThread(target), None, None
    if first_config is None:
        # read while Textual and the desk load (ui/first_page.py); not before the first
        # run's questions, whose answer may change who the rep is
        rows = shutil.get_terminal_size().lines
        first_page = read_first_page(db, clock.now(), settings, rows)
    from leaddesk.ui.app import make_app

    if first_config is not None:
        from leaddesk.config import first_run_guess
        from leaddesk.ui.screens.first_run import FirstRunOffer

        guess, warning = first_run_guess(settings.rep_name)
        offer = FirstRunOffer(first_config, guess, warning)
    app = make_app(settings, clock, target, this_command(), offer, db, first_page)
    # Everything loaded so far lives as long as the desk: frozen, the collector
    # (paused through start-up, cli/base.py) never walks it again (gc.freeze,
    # https://docs.python.org/3/library/gc.html#gc.freeze, Python 3.7+).
    gc.freeze()
    gc.enable()
    app.run()
