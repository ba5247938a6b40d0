"""The core and the CLI never load the UI toolkit (harlequin's import-hygiene test).

Runs in a fresh interpreter: this test process may already have imported Textual.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import leaddesk


def every_module_but_the_ui() -> list[str]:
    """Every module outside `leaddesk.ui`, found on disk (`__main__` runs the CLI)."""
    root = Path(leaddesk.__file__).parent
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[1:2] == ("ui",) or parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


CORE_AND_CLI = [*every_module_but_the_ui(), "icalendar"]
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


def test_the_walk_finds_every_layer():
    found = set(CORE_AND_CLI)
    for layer in ("domain", "store", "reads", "writes", "desk", "transfer"):
        assert any(name.startswith(f"leaddesk.core.{layer}.") for name in found), layer
    assert "leaddesk.cli" in found
    assert not any(name.startswith("leaddesk.ui") for name in found)


def test_the_check_can_fail():
    """The same probe sees textual when the UI is imported."""
    assert "textual" in loaded_after_import(["leaddesk.ui.app"])
