"""Which leading digits decide whether a number pattern matches.

phonenumbers judges a number (its region, its type, so its validity) by matching
its national number against each region's patterns, and finds its time zones by
the longest prefix its data knows. When every pattern of a country's regions looks
at no more than the first K digits of a number of length N — past them, any digit
does — and its zone data's prefixes are no longer than K, two numbers of length N
that share their first K digits are judged alike, and one judgement serves them all
(phones.py: a North American list holds many numbers per area code and exchange).

`decided_by` answers that from the patterns themselves: each is spelt out as the
digit strings it accepts (a set of digits per position), and every string of length
N must accept any digit past position K. A pattern this cannot spell out (an
unbounded repeat, a construct phonenumbers does not use) answers "no", and the
number is judged on its own, as before.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

# CPython's own regular-expression parser and its node kinds (`re._parser`, the
# `sre_parse` of old): untyped, so Any; whatever it cannot spell out answers "no".
sre_parse: Any = importlib.import_module("re._parser")
sre: Any = importlib.import_module("re._constants")
DIGITS = frozenset("0123456789")
Shape = tuple[frozenset[str], ...]  # the digits each position accepts
LIMIT = 50_000  # shapes at most per pattern: beyond it, "no" (none of phonenumbers' nears it)


class _Unknown(Exception):
    """A pattern this module does not spell out."""


def decided_by(
    pattern: str, length: int, digits: int, *, start: str = "", whole: bool = True
) -> bool:
    """Whether `pattern`'s verdict on a string of `length` digits beginning with `start`
    depends on its first `digits` only: `whole`, as `re.fullmatch` (a type's pattern);
    otherwise as `re.match` (a region's leading digits: a prefix match)."""
    found = shapes(pattern)
    if found is None:
        return False
    for shape in found:
        if any(digit not in accepted for digit, accepted in zip(start, shape, strict=False)):
            continue  # no string beginning with `start` takes this path
        if not whole:
            if len(shape) > digits:  # a prefix match that reads further
                return False
        elif len(shape) == length and any(accepted != DIGITS for accepted in shape[digits:]):
            return False
    return True


@lru_cache(maxsize=1024)
def shapes(pattern: str) -> frozenset[Shape] | None:
    """The digit strings `pattern` matches whole, as shapes; None if not spelt out."""
    try:
        return frozenset(_shapes(sre_parse.parse(pattern)))
    except (_Unknown, re.error):
        return None


def _shapes(items: Iterable[tuple[Any, Any]]) -> set[Shape]:
    found: set[Shape] = {()}
    for op, av in items:
        options = _item(op, av)
        found = {head + tail for head in found for tail in options}
        if len(found) > LIMIT:
            raise _Unknown
    return found


def _item(op: Any, av: Any) -> set[Shape]:
    if op is sre.LITERAL:
        return {(frozenset(chr(av)) & DIGITS or _none(),)}
    if op is sre.IN:
        return {(_digits(av),)}
    if op is sre.SUBPATTERN:
        return _shapes(av[-1])
    if op is sre.BRANCH:
        return set().union(*(_shapes(alternative) for alternative in av[1]))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, body = av
        if high is sre.MAXREPEAT or high > 32:
            raise _Unknown
        once = _shapes(body)
        found: set[Shape] = set()
        repeated: set[Shape] = {()}
        for count in range(high + 1):
            if count >= low:
                found |= repeated
            repeated = {head + tail for head in repeated for tail in once}
            if len(repeated) > LIMIT:
                raise _Unknown
        return found
    raise _Unknown


def _digits(members: list[tuple[Any, Any]]) -> frozenset[str]:
    accepted: set[str] = set()
    for op, av in members:
        if op is sre.LITERAL:
            accepted.add(chr(av))
        elif op is sre.RANGE:
            accepted.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is sre.CATEGORY and av is sre.CATEGORY_DIGIT:
            accepted.update(DIGITS)  # national numbers are ASCII digits (from an int)
        else:
            raise _Unknown  # a negated set, a word class: not spelt out
    return frozenset(accepted) & DIGITS or _none()


def _none() -> frozenset[str]:
    raise _Unknown  # a position no digit can fill: not a digit pattern
