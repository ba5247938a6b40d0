"""`Frozen`: an immutable record compared by its fields, for the few records on
`leaddesk due`'s path that are built per row.

A frozen `@dataclass` compiles six methods (`exec` of generated source) each time its
class is defined: ~5 M instructions a class on Python 3.11, ~1% of `due`'s whole
process (issue 15, BENCHMARKS.md). A subclass of this one names its fields in
`__slots__` and writes its `__init__`; everything else is shared and compiled once,
into the module's bytecode cache. It behaves as the frozen dataclass did: equal when
of the same class with equal fields, hashable, a `repr` of its fields, no assignment.
"""

from __future__ import annotations

from typing import Any


class Frozen:
    __slots__: tuple[str, ...] = ()

    def _set(self, **values: Any) -> None:
        """Set every field once, from `__init__` (in `__slots__` order)."""
        for name in self.__slots__:
            object.__setattr__(self, name, values[name])

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Frozen)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")
