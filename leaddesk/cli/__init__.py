"""The `leaddesk` command: opens the desk, or runs one scripted action.

Every subcommand shares the core with the desk. Each module here holds the
commands of one concern and registers them on `main` (leaddesk/cli/base.py)
when imported; `main` imports a command's module only when that command runs
(`COMMANDS` in base.py), and Textual only when the desk opens, so `leaddesk due`
stays quick. `--version` and `due` start without click at all (cli/fast.py), so
importing this package loads click only when `main` is asked for.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: the quick path would import typing for it
if TYPE_CHECKING:
    from typing import Any

    from leaddesk.cli.base import main

__all__ = ["main"]


def __getattr__(name: str) -> Any:
    if name == "main":
        from leaddesk.cli.base import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
