"""Numbered schema migrations, applied in order at start-up (peewee's Runner).

Each script declares frozen copies of the tables it creates, so later changes
to `leaddesk.core.store.models` never alter what an old migration does.
"""

import importlib.util
from pathlib import Path
from types import ModuleType

DIRECTORY = Path(__file__).parent


def sibling(filename: str) -> ModuleType:
    """Another migration's module, loaded from its file (a name starting with digits
    cannot be imported), for what a later one builds on: its SQL, its constants."""
    spec = importlib.util.spec_from_file_location(f"migration_{filename[:4]}", DIRECTORY / filename)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
