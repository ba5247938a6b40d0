"""Database drivers are imported when a database needs one, not with peewee.

peewee imports every driver it knows when it is itself first imported:
psycopg2 alone (with ssl) is ~15 ms of every command's start-up, and most
reps only ever open a SQLite file. `defer_drivers` (run by `leaddesk.core`
before any module can import peewee) lets peewee load without the server
drivers; `enable_psycopg2` hands psycopg2 to peewee when a PostgreSQL URL
is opened, setting exactly what peewee 4.5's own import would have set
(peewee.py, the `import psycopg2` block and `Psycopg2Adapter`). The whole
PostgreSQL test suite runs through this path.
"""

from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

# The server drivers peewee tries at import. SQLite's (sqlite3, pysqlite3) is not here:
# every store needs it.
SERVER_DRIVERS = ("psycopg2cffi", "psycopg2", "psycopg", "pymysql", "MySQLdb")


class _PeeweeWithoutServerDrivers:
    """A one-shot import hook: the import of peewee sees no server driver."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if fullname != "peewee":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec("peewee")
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            # A None entry in sys.modules makes `import name` raise ImportError:
            # peewee's own `except ImportError` then records the driver as absent.
            hidden = [name for name in SERVER_DRIVERS if name not in sys.modules]
            for name in hidden:
                sys.modules[name] = None  # type: ignore[assignment]
            try:
                run(module)
            finally:
                for name in hidden:
                    if name in sys.modules and sys.modules[name] is None:
                        del sys.modules[name]

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def defer_drivers() -> None:
    """Make the first import of peewee skip the server drivers (no-op once peewee is in)."""
    if "peewee" in sys.modules:
        return
    if not any(isinstance(f, _PeeweeWithoutServerDrivers) for f in sys.meta_path):
        sys.meta_path.insert(0, _PeeweeWithoutServerDrivers())


def enable_psycopg2() -> None:
    """Give peewee psycopg2, as its import would have (no-op if it has it, or if
    psycopg2 is not installed: peewee then says the driver was not found)."""
    import peewee

    if peewee.psycopg2 is not None:  # type: ignore[attr-defined]
        return
    try:
        import psycopg2
        from psycopg2 import extensions
        from psycopg2.extras import Json, register_uuid
    except ImportError:
        return
    register_uuid()
    module: Any = peewee
    module.psycopg2 = psycopg2
    module.pg_extensions = extensions
    module.pg_register_uuid = register_uuid
    module.Json_pg2 = Json
    adapter: Any = peewee.Psycopg2Adapter
    adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
    adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
    adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
