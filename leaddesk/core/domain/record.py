"""`Frozen` and `Record`: immutable records compared by their fields, in place of
frozen dataclasses on `leaddesk due`'s path.

A frozen `@dataclass` compiles six methods (`exec` of generated source) each time its
class is defined: ~5 M instructions a class on Python 3.11, ~1% of `due`'s whole
process (issue 15, BENCHMARKS.md). A subclass of this one names its fields in
`__slots__` and writes its `__init__`; everything else is shared and compiled once,
into the module's bytecode cache. It behaves as the frozen dataclass did: equal when
of the same class with equal fields, hashable, a `repr` of its fields, no assignment.

`Record` is the same for the domain's settings-like types (Settings, Rules, LeadState,
…): fields declared as a dataclass's are (annotations, defaults, `field(default_factory=
…)`), read once when the class is made, with one shared `__init__` — no code compiled
per class, and no `dataclasses`, `inspect` or `ast` imported (~40 M instructions).
`replace` and `fields` stand in for the `dataclasses` functions of the same names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, dataclass_transform

T = TypeVar("T")


class _Immutable:
    """No assignment after construction (a frozen dataclass's `FrozenInstanceError`
    is an AttributeError too): both kinds of record below."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")


class Frozen(_Immutable):
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


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # a field without a default


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], T]) -> T:
    """A default made anew for each record (a dict, a nested record), as
    `dataclasses.field(default_factory=…)`."""
    return _Factory(default_factory)  # type: ignore[return-value]  # read by Record


class Field:
    """A field as `fields` lists it: its name, and its default or default factory."""

    __slots__ = ("default", "default_factory", "name")

    def __init__(self, name: str, default: Any, default_factory: Any) -> None:
        self.name, self.default, self.default_factory = name, default, default_factory

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r})"


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class Record(_Immutable):
    """An immutable record declared as a frozen dataclass is, with the same `__init__`
    (positional or keyword, in declaration order), equality, hash, `repr` and
    `AttributeError` on assignment. A subclass's fields follow its bases' fields."""

    _names: ClassVar[tuple[str, ...]] = ()
    _name_set: ClassVar[frozenset[str]] = frozenset()
    _defaults: ClassVar[dict[str, Any]] = {}
    _factories: ClassVar[dict[str, Callable[[], Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = list(cls._names)
        defaults, factories = dict(cls._defaults), dict(cls._factories)
        # The class's own annotations (not a base's); `inspect` is what this avoids loading.
        own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
        for name, note in own.items():
            # The modules use `from __future__ import annotations`: notes are text.
            if str(note).startswith(("ClassVar", "typing.ClassVar")):
                continue
            if name not in names:
                names.append(name)
            defaults.pop(name, None)
            factories.pop(name, None)
            value = cls.__dict__.get(name, MISSING)
            if isinstance(value, _Factory):
                factories[name] = value.make
                delattr(cls, name)
            elif value is not MISSING:
                if isinstance(value, (list, dict, set)):
                    raise ValueError(f"{cls.__qualname__}.{name}: use field(default_factory=…)")
                defaults[name] = value
        required = [n for n in names if n not in defaults and n not in factories]
        if required and names.index(required[-1]) >= len(required):
            raise TypeError(
                f"{cls.__qualname__}: {required[-1]!r} without a default follows one with a default"
            )
        cls._names, cls._name_set = tuple(names), frozenset(names)
        cls._defaults, cls._factories = defaults, factories

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        names = cls._names
        if args:
            if len(args) > len(names):
                raise TypeError(
                    f"{cls.__qualname__}() takes {len(names)} positional arguments"
                    f" but {len(args)} were given"
                )
            given = dict(zip(names, args, strict=False))
            if kwargs:
                if not given.keys().isdisjoint(kwargs):
                    twice = next(n for n in kwargs if n in given)
                    raise TypeError(f"{cls.__qualname__}() got multiple values for {twice!r}")
                given.update(kwargs)
            kwargs = given
        if not cls._name_set.issuperset(kwargs):
            unknown = next(n for n in kwargs if n not in cls._name_set)
            raise TypeError(f"{cls.__qualname__}() got an unexpected keyword argument {unknown!r}")
        values = {**cls._defaults, **kwargs}
        for name, make in cls._factories.items():
            if name not in kwargs:
                values[name] = make()
        if len(values) < len(names):
            missing = ", ".join(repr(n) for n in names if n not in values)
            raise TypeError(f"{cls.__qualname__}() missing required arguments: {missing}")
        self.__dict__.update(values)

    # An instance's __dict__ holds its fields and nothing else (`__init__`, `replace`
    # and unpickling set only those; assignment is refused): comparing the dicts
    # compares the fields, in C, ~6× faster than field by field for LeadState's 27.
    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(map(self.__dict__.__getitem__, self._names)))

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._names)
        return f"{type(self).__qualname__}({fields})"


# Bound to the class itself, not its name: a name ("Record") is a ForwardRef, which
# `compile`s the text at import (~1 ms of `due`).
R = TypeVar("R", bound=Record)


def replace(record: R, /, **changes: Any) -> R:
    """A copy of `record` with `changes`, as `dataclasses.replace` (default factories
    are not run again: every field is copied or changed)."""
    cls = type(record)
    if not isinstance(record, Record):
        raise TypeError(f"replace() takes a Record, not {cls.__qualname__}")
    if not cls._name_set.issuperset(changes):
        unknown = next(n for n in changes if n not in cls._name_set)
        raise TypeError(f"{cls.__qualname__} has no field {unknown!r}")
    new = object.__new__(cls)
    values = new.__dict__
    values.update(record.__dict__)
    values.update(changes)
    return new


def fields(record: Record | type[Record]) -> tuple[Field, ...]:
    """The fields of a record or record class, in order (as `dataclasses.fields`)."""
    cls = record if isinstance(record, type) else type(record)
    return tuple(
        Field(n, cls._defaults.get(n, MISSING), cls._factories.get(n, MISSING)) for n in cls._names
    )
