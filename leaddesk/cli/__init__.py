"""The `leaddesk` command: opens the desk, or runs one scripted action.

Every subcommand shares the core with the desk. Each module here holds the
commands of one concern and registers them on `main` (leaddesk/cli/base.py)
when imported; Textual is imported only when the desk opens, so `leaddesk due`
stays quick.
"""

from leaddesk.cli import calls, inbox, leads, numbers, team, transfer
from leaddesk.cli.base import main

__all__ = ["calls", "inbox", "leads", "main", "numbers", "team", "transfer"]
