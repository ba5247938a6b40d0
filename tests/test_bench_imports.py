"""The bench imports what the package has: it runs only in `make bench`, so a name
moved in leaddesk (i15w moved `due_query` to queue/where.py) would otherwise surface
in the middle of a run of record."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def leaddesk_imports() -> list[tuple[str, int, str, str]]:
    found = []
    for path in sorted(BENCH.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("leaddesk"):
                found += [(path.name, node.lineno, node.module, a.name) for a in node.names]
    return found


def test_every_name_the_bench_imports_from_leaddesk_exists():
    imports = leaddesk_imports()
    missing = []
    for file, line, module, name in imports:
        imported = importlib.import_module(module)
        if hasattr(imported, name):
            continue
        try:
            importlib.import_module(f"{module}.{name}")  # a submodule
        except ImportError:
            missing.append(f"bench/{file}:{line}: {module}.{name}")
    assert len(imports) > 20
    assert missing == []
