"""Numbered schema migrations, applied in order at start-up (peewee's Runner).

Each script declares frozen copies of the tables it creates, so later changes
to `leaddesk.core.store.models` never alter what an old migration does.
"""

from pathlib import Path

DIRECTORY = Path(__file__).parent
