"""Write `vNNNN.db` here: a populated database at this program's schema version.

    .venv/bin/python tests/data/schema/make_fixture.py

Run it once for each new schema version, BEFORE the next migration is added,
and commit the file: tests/core/store/test_upgrades.py upgrades every fixture kept
here to the current schema and checks that no row was lost or changed. Never
regenerate an old version's file: it stands for databases already out there.

The data is the demo (histories replayed through the rules: touches, undo
snapshots, promises, bad phones) plus a lead whose fields hold hostile text,
all at a fixed instant and seed, so the file is the same on every machine.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pendulum

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.schema import (
    close_store,
    open_store,
    program_schema_version,
    schema_version,
)
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome

HERE = Path(__file__).resolve().parent
NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
SETTINGS = Settings(rep_name="fixture", rep_timezone="America/Chicago")
HOSTILE = LeadDraft(
    name="Zoë [bold red]Ørsted[/] \u202egnp.exe ✨ Ä\u0308",
    phones=[("(212) 555-0199", "mobile ☎")],
    company="שלום \x1b[31m <b>Co</b>",
    notes="line one\nline two\ttab 👍🏽",
)


def build(path: Path) -> int:
    """Fill a new database at `path`; return its schema version."""
    open_store(str(path))
    try:
        fill_demo(40, NOW.subtract(days=1), SETTINGS, seed=7)
        hostile = add_lead(HOSTILE, NOW.subtract(hours=2), SETTINGS)
        log_outcome(hostile, "callback", NOW.subtract(hours=1), SETTINGS, next_at=NOW.add(days=1))
        # 21:00 in New York: a call confirmed outside the calling hours (schema 8 marks it).
        log_outcome(hostile, "no-answer", NOW.add(hours=7), SETTINGS, outside_hours=True)
        version = schema_version()
    finally:
        close_store()
    return version


def main() -> None:
    version = program_schema_version()
    target = HERE / f"v{version:04d}.db"
    if target.exists() and "--force" not in sys.argv:
        sys.exit(f"{target} exists; an old version's fixture is never rebuilt (--force to replace)")
    with tempfile.TemporaryDirectory() as tmp:
        made = Path(tmp) / target.name
        assert build(made) == version
        # Closing the last connection checkpointed the WAL: the file stands alone.
        assert not made.with_name(made.name + "-wal").exists()
        target.write_bytes(made.read_bytes())
    print(f"wrote {target} (schema {version})")


if __name__ == "__main__":
    main()
