"""The type checker's settings (pyproject.toml [tool.mypy]) do what they claim.

`make test` runs mypy over leaddesk; these run it over two small modules placed
where the core and the rest of the package live, through the same settings, to
show that it fails on what it should: strict in leaddesk.core, checked (bodies
of unannotated functions included) everywhere else.
"""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[1]

UNTYPED = "def double(x):\n    return x * 2\n"
WRONG_BODY = "def size(x):\n    return len(5)\n"


def _mypy(tmp_path: Path, module: str, text: str) -> str:
    """mypy's report on `text` saved as leaddesk module `module`, with our settings."""
    package = tmp_path / "leaddesk"
    path = package.joinpath(*module.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in (package, *[p for p in path.parents if package in p.parents]):
        (folder / "__init__.py").touch()
    path.write_text(text)
    config = str(ROOT / "pyproject.toml")
    cache = str(tmp_path / "mypy_cache")
    # One module uses few of the settings' sections: no note about the others.
    args = ["--config-file", config, "--cache-dir", cache, "--no-warn-unused-configs"]
    report, errors, _ = api.run([*args, str(path)])
    assert not errors, errors
    return report


def test_the_core_is_strict(tmp_path):
    report = _mypy(tmp_path, "core.reads.probe", UNTYPED)
    assert "probe.py:1: error: Function is missing a type annotation  [no-untyped-def]" in report


def test_the_rest_may_leave_hints_out(tmp_path):
    report = _mypy(tmp_path, "probe", UNTYPED)
    assert report.startswith("Success: no issues found in 1 source file"), report


def test_the_rest_is_still_checked_inside_unannotated_functions(tmp_path):
    report = _mypy(tmp_path, "probe", WRONG_BODY)
    assert 'probe.py:2: error: Argument 1 to "len" has incompatible type "int"' in report


def test_no_module_of_the_core_is_left_unchecked():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    unchecked = [
        module
        for override in config["tool"]["mypy"]["overrides"]
        if override.get("ignore_errors")
        for module in override["module"]
        if module.startswith("leaddesk.core")
    ]
    assert unchecked == []
