"""What every command runs with (the store, "now", the settings), built without
click so the quick path (cli/fast.py) and click's `main` build it the same way."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from leaddesk.core.domain.record import replace

if TYPE_CHECKING:
    from leaddesk.core.domain.clock import Clock
    from leaddesk.core.domain.settings import Settings


class Env:
    """The store, "now" and the settings a command runs with. (A plain class: a
    dataclass costs `leaddesk due` the compiling of its methods, domain/record.py.)"""

    def __init__(
        self,
        target: str,
        now_text: str | None,
        settings: Settings,
        warnings: list[str],
        config_path: Path | None = None,
        config_error: str | None = None,  # only `doctor` runs with a broken config
    ) -> None:
        self.target, self.now_text, self.settings = target, now_text, settings
        self.warnings, self.config_path, self.config_error = warnings, config_path, config_error

    def clock(self, *, running: bool = False) -> Clock:
        from leaddesk.core.domain.clock import FixedClock, ShiftedClock, SystemClock
        from leaddesk.core.domain.when import parse_instant

        if self.now_text is None:
            return SystemClock()
        at = parse_instant(self.now_text, self.settings.rep_timezone)
        return ShiftedClock(at) if running else FixedClock(at)

    def open(self, *, quick: bool = False) -> None:
        """Open the store (migrated if it must be). `quick`: a current SQLite file is
        opened without peewee (store/sql.open_quick), for reads written in SQL only —
        the queue's; anything else is opened as always."""
        if quick:
            from leaddesk.core.store.migrations import DIRECTORY
            from leaddesk.core.store.sql import open_quick

            if open_quick(self.target, DIRECTORY):
                return
        from leaddesk.core.store.schema import open_store

        open_store(self.target)


def make_env(
    db: str | None,
    now_text: str | None,
    config_path: Path | None,
    rep_name: str | None,
    command: str | None,
) -> Env:
    """The shared options read into an Env: the config loaded, the rep and the
    store chosen, a bad --now refused. Raises the core's errors (ConfigError,
    InvalidInput); `command` is the subcommand about to run (None: the desk)."""
    from leaddesk import paths
    from leaddesk.config import ConfigError, load_settings
    from leaddesk.core.domain.errors import InvalidInput
    from leaddesk.core.domain.settings import Settings

    if config_path is not None and not config_path.is_file():
        # A path typed by hand that is not there is a typo, not "use the defaults".
        raise ConfigError(f"no config file {config_path} (--config names an existing file)")
    config_path = config_path or paths.config_file()
    try:
        settings, warnings = load_settings(config_path)
        config_error = None
    except ConfigError as exc:
        if command != "doctor":
            raise
        settings, warnings, config_error = Settings(), [], str(exc)
    if rep_name is not None:
        if not rep_name.strip():
            raise InvalidInput("--rep needs a name")
        settings = replace(settings, rep_name=rep_name.strip())
    if not settings.mail.templates_dir:  # no config file yet: its folder's templates/
        mail = replace(settings.mail, templates_dir=str(config_path.parent / "templates"))
        settings = replace(settings, mail=mail)
    target = db or settings.team.database or paths.default_database()
    env = Env(target, now_text, settings, warnings, config_path, config_error)
    if now_text is not None:
        env.clock()  # reject a bad --now before anything else
    return env
