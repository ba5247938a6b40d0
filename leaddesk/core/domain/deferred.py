"""What pendulum imports eagerly and leaddesk seldom runs: loaded on first use.

`import pendulum` imports `pendulum.parsing`, which imports `dateutil.parser`
(~5 ms of every start-up, issue 15) for one fallback: `pendulum.parse(text,
strict=False)` hands text that is not ISO 8601 to dateutil. leaddesk never
parses that way (domain/when.py reads people's text itself), so the module is
registered with the standard library's `importlib.util.LazyLoader`: it exists,
and its code runs on the first attribute anyone reads from it.

pendulum's token formatter (`pendulum.formatting.formatter`: `dt.format("YYYY…")`,
`pendulum.from_format`) compiles two large patterns and builds its tables when
imported, ~7 M instructions of `leaddesk due`'s ~309 M, which formats nothing with
it. pendulum reads its `Formatter` by name as it loads (`from … import Formatter`,
then `Formatter()` in two modules), which a lazy module cannot serve: a stand-in
module gives it `Formatter`, whose instances load the real module on first use and
hand every attribute to a real formatter from then on.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

DEFERRED = "dateutil.parser"
FORMATTER = "pendulum.formatting.formatter"


def defer_dateutil_parser() -> None:
    """Register `dateutil.parser` to load on first use (a no-op once it, or pendulum, is in)."""
    if DEFERRED in sys.modules or "pendulum" in sys.modules:
        return
    spec = importlib.util.find_spec(DEFERRED)  # imports the small `dateutil` package only
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[DEFERRED] = module
    spec.loader.exec_module(module)
    # What the import system sets on a parent for a loaded child: `from dateutil
    # import parser` then binds the module without touching (so loading) it.
    parent, _, child = DEFERRED.rpartition(".")
    setattr(sys.modules[parent], child, module)


class Formatter:
    """Stands in for pendulum's `Formatter` until one is used (then delegates to one)."""

    _real: Any = None

    def __getattr__(self, name: str) -> Any:
        real = Formatter._real
        if real is None:
            real = Formatter._real = _load_formatter()()
        value = getattr(real, name)
        object.__setattr__(self, name, value)  # found directly from now on
        return value


def _load_formatter() -> Any:
    """The real `Formatter` class, its module imported in place of the stand-in."""
    if getattr(sys.modules.get(FORMATTER), "Formatter", None) is Formatter:
        sys.modules.pop(FORMATTER, None)
    return importlib.import_module(FORMATTER).Formatter


def defer_pendulum_formatter() -> None:
    """Give pendulum a stand-in formatter module (a no-op once pendulum is in)."""
    if "pendulum" in sys.modules or FORMATTER in sys.modules:
        return
    standin = types.ModuleType(FORMATTER, "Stands in for pendulum's formatter (leaddesk).")
    standin.Formatter = Formatter  # type: ignore[attr-defined]
    sys.modules[FORMATTER] = standin
