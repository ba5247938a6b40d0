"""A library pendulum imports eagerly and leaddesk never runs: loaded on first use.

`import pendulum` imports `pendulum.parsing`, which imports `dateutil.parser`
(~5 ms of every start-up, issue 15) for one fallback: `pendulum.parse(text,
strict=False)` hands text that is not ISO 8601 to dateutil. leaddesk never
parses that way (domain/when.py reads people's text itself), so the module is
registered with the standard library's `importlib.util.LazyLoader`: it exists,
and its code runs on the first attribute anyone reads from it.
"""

from __future__ import annotations

import importlib.util
import sys

DEFERRED = "dateutil.parser"


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
