"""The core and the CLI never load the UI toolkit (harlequin's import-hygiene test).

Runs in a fresh interpreter: this test process may already have imported Textual.
"""

from __future__ import annotations

import json
import subprocess
import sys

CORE_AND_CLI = [
    "leaddesk",
    "leaddesk.config",
    "leaddesk.core.services",
    "leaddesk.core.queue",
    "leaddesk.core.leads",
    "leaddesk.core.rules",
    "leaddesk.core.when",
    "leaddesk.core.store",
    "leaddesk.core.desk",
    "leaddesk.core.dialer",
    "leaddesk.core.sessions",
    "leaddesk.core.stats",
    "leaddesk.core.stats_text",
    "leaddesk.core.importing",
    "leaddesk.core.fulldump",
    "leaddesk.core.exporting",
    "leaddesk.core.backup",
    "icalendar",
    "leaddesk.cli",
]
FORBIDDEN = ["textual", "rich"]


def loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(done.stdout))


def test_core_and_cli_do_not_import_the_ui():
    loaded = loaded_after_import(CORE_AND_CLI)
    assert set(CORE_AND_CLI) <= loaded
    for name in FORBIDDEN:
        assert name not in loaded, f"{name} was imported by the core or the CLI"
    assert not any(m.startswith("leaddesk.ui") for m in loaded)


def test_the_check_can_fail():
    """The same probe sees textual when the UI is imported."""
    assert "textual" in loaded_after_import(["leaddesk.ui.app"])
