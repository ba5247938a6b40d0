"""The `leaddesk` command: opens the desk, or runs one scripted action.

Every subcommand shares the core with the desk. Each module here holds the
commands of one concern and registers them on `main` (leaddesk/cli/base.py)
when imported; `main` imports a command's module only when that command runs
(`COMMANDS` in base.py), and Textual only when the desk opens, so `leaddesk due`
stays quick.
"""

from leaddesk.cli.base import main

__all__ = ["main"]
