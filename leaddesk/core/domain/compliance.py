"""Calling rules by jurisdiction, as data: rule packs shipped in `rulepacks/*.toml`.

A rule names a jurisdiction (`US`, `US-FL`, `CA`), its calling window per
weekday in the called person's local time, a cap, blackout dates, the dates it
is in force, and its source. A lead's jurisdictions (domain/jurisdictions.py)
pick the rules that apply; a call is allowed only when every one of them, and
the company's own [calling_hours], is open. Pure: no database, no terminal.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.record import Record, field
from leaddesk.core.domain.toml_cache import TomlError
from leaddesk.core.domain.toml_cache import parse as parse_toml

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Window = tuple[time, time]
SHIPPED = ("us", "ca")
COMPANY = "company-hours"  # `blocked_by` when only the company's own window is closed
_DAY_SETS = {
    "all": WEEKDAYS,
    "weekdays": WEEKDAYS[:5],
    "weekend": WEEKDAYS[5:],
    **{d: (d,) for d in WEEKDAYS},
}
_RULE_KEYS = {"id", "name", "applies", "hours", "cap", "per", "blackout", "from", "until"}
_RULE_KEYS |= {"source", "link"}
# The packs ship as package data beside this module (pyproject.toml), read as plain
# files like the migration scripts (store/migrations): importlib.resources would
# load its readers and zipfile on every start-up, for a package never zipped.
RULEPACKS = Path(__file__).parent / "rulepacks"


class Rule(Record):
    id: str  # "US-FL"
    pack: str  # the pack it came from ("us", or the extra file's name)
    hours: dict[str, tuple[Window, ...]]  # weekday -> windows; a day not listed is closed
    name: str = ""
    applies: str = ""  # the jurisdiction it governs; "" = its own id
    cap: int = 0  # calls per rolling 24 h (0 = none)
    per: str = "lead"  # "number": counted per called number across every lead and rep
    blackouts: tuple[tuple[date, date], ...] = ()  # closed from start to end, inclusive
    starts: date | None = None  # in force from (inclusive)
    ends: date | None = None  # in force until (inclusive)
    source: str = ""
    link: str = ""

    @property
    def jurisdiction(self) -> str:
        return self.applies or self.id

    def in_force(self, day: date) -> bool:
        return (self.starts is None or self.starts <= day) and (
            self.ends is None or day <= self.ends
        )

    def windows(self, day: date) -> tuple[Window, ...] | None:
        """The rule's windows on a local date; None when it does not govern that date."""
        if not self.in_force(day):
            return None
        if any(start <= day <= end for start, end in self.blackouts):
            return ()
        return self.hours.get(WEEKDAYS[day.weekday()], ())

    def hours_text(self, day: date) -> str:
        """ "08:00–20:00" for the rule's window on `day` ("closed" when none)."""
        found = self.windows(day) or ()
        return ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in found) or "closed"


class RuleBook(Record):
    """The rules in use and each pack's version (recorded on every call touch)."""

    rules: tuple[Rule, ...] = ()
    versions: tuple[tuple[str, str], ...] = ()  # (pack, version)
    loosened: tuple[str, ...] = ()  # an extra pack's rules that loosen a shipped one: why

    @property
    def version(self) -> str:
        return ",".join(f"{pack}@{version}" for pack, version in self.versions)

    def for_places(self, places: tuple[str, ...]) -> tuple[Rule, ...]:
        """The rules governing any of `places`, the most specific ("US-FL") first."""
        found = [r for r in self.rules if r.jurisdiction in places]
        return tuple(sorted(found, key=lambda r: (-len(r.jurisdiction), r.id)))


class Compliance(Record):
    """`[compliance]` in the config: which packs, and a rep's own pack file."""

    packs: tuple[str, ...] = SHIPPED
    extra: str = ""
    book: RuleBook = field(default_factory=lambda: load_book(SHIPPED))


def _where(origin: str, rule_id: str, key: str) -> str:
    return f"{origin}: rule {rule_id or '?'}: {key}"


def _windows(text: Any, where: str) -> tuple[Window, ...]:
    if not isinstance(text, str):
        raise InvalidInput(f"{where}: must be a string like '08:00-21:00' or ''")
    found = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        match = re.match(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$", part)
        if not match:
            raise InvalidInput(f"{where}: {part!r} is not a window like '08:00-21:00'")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start = time(h1, m1)
            end = time(23, 59, 59) if (h2, m2) == (24, 0) else time(h2, m2)
        except ValueError:
            raise InvalidInput(f"{where}: {part!r} is not a time of day") from None
        if end <= start:
            raise InvalidInput(f"{where}: {part!r} ends before it starts")
        found.append((start, end))
    return tuple(found)


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    raise InvalidInput(f"{where}: must be a date like 2026-12-24, not {value!r}")


def _rule(raw: Any, pack: str, origin: str) -> Rule:
    if not isinstance(raw, dict):
        raise InvalidInput(f"{origin}: each [[rule]] must be a table")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[A-Z0-9][A-Z0-9-]*", rule_id):
        raise InvalidInput(f'{_where(origin, "", "id")}: must be a code like "US-FL"')

    def where(key: str) -> str:
        return _where(origin, rule_id, key)

    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise InvalidInput(f"{where(unknown[0])}: unknown key")
    hours_raw = raw.get("hours")
    if not isinstance(hours_raw, dict) or not hours_raw:
        raise InvalidInput(f'{where("hours")}: needs a table like {{ all = "08:00-21:00" }}')
    hours: dict[str, tuple[Window, ...]] = {}
    for key in sorted(hours_raw, key=lambda k: len(_DAY_SETS.get(k, ())), reverse=True):
        if key not in _DAY_SETS:
            raise InvalidInput(f"{where(f'hours.{key}')}: use all, weekdays, weekend or mon … sun")
        for day in _DAY_SETS[key]:
            hours[day] = _windows(hours_raw[key], where(f"hours.{key}"))
    cap = raw.get("cap", 0)
    if not isinstance(cap, int) or isinstance(cap, bool) or cap < 0:
        raise InvalidInput(f"{where('cap')}: must be a whole number ≥ 0")
    per = raw.get("per", "lead")
    if per not in ("lead", "number"):
        raise InvalidInput(f'{where("per")}: must be "number" or "lead"')
    blackouts = []
    for n, item in enumerate(raw.get("blackout", [])):
        if not isinstance(item, dict):
            raise InvalidInput(f"{where(f'blackout.{n}')}: must be {{ start = …, end = … }}")
        start = _date(item.get("start"), where(f"blackout.{n}.start"))
        end = _date(item.get("end", start), where(f"blackout.{n}.end"))
        if end < start:
            raise InvalidInput(f"{where(f'blackout.{n}')}: ends before it starts")
        blackouts.append((start, end))
    text = {k: raw.get(k, "") for k in ("name", "applies", "source", "link")}
    for key, value in text.items():
        if not isinstance(value, str):
            raise InvalidInput(f"{where(key)}: must be a string")
    if not text["source"].strip():
        raise InvalidInput(f"{where('source')}: every rule names its source (statute, link)")
    starts = _date(raw["from"], where("from")) if "from" in raw else None
    ends = _date(raw["until"], where("until")) if "until" in raw else None
    return Rule(
        id=rule_id,
        pack=pack,
        hours=hours,
        name=text["name"],
        applies=text["applies"],
        cap=cap,
        per=per,
        blackouts=tuple(blackouts),
        starts=starts,
        ends=ends,
        source=text["source"],
        link=text["link"],
    )


def parse_pack(
    text: str, origin: str, path: Path | None = None
) -> tuple[str, str, tuple[Rule, ...]]:
    """A pack's name, version and rules; InvalidInput names the file, rule and key.
    The parsed TOML of a `path` read from is cached (domain/toml_cache)."""
    try:
        data = parse_toml(text, None if path is None else str(path))
    except TomlError as exc:
        raise InvalidInput(f"{origin}: {exc}") from None
    pack, version = data.get("pack"), data.get("version")
    if not isinstance(pack, str) or not pack.strip():
        raise InvalidInput(f'{origin}: pack: needs a name, like pack = "us"')
    if not isinstance(version, str) or not version.strip():
        raise InvalidInput(f'{origin}: version: needs a version, like version = "2026.12.1"')
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise InvalidInput(f"{origin}: rule: needs at least one [[rule]]")
    rules = tuple(_rule(raw, pack, origin) for raw in raw_rules)
    ids = [r.id for r in rules]
    for rule_id in ids:
        if ids.count(rule_id) > 1:
            raise InvalidInput(f"{_where(origin, rule_id, 'id')}: appears twice")
    return pack, version, rules


@cache
def shipped_pack(name: str) -> tuple[str, str, tuple[Rule, ...]]:
    known = sorted(p.name[:-5] for p in RULEPACKS.iterdir() if p.name.endswith(".toml"))
    if name not in known:
        raise InvalidInput(f"no rule pack {name!r} (shipped: {', '.join(known)})")
    path = RULEPACKS / f"{name}.toml"
    return parse_pack(path.read_text(encoding="utf-8"), f"rulepacks/{name}.toml", path)


def loosens(own: Rule, shipped: Rule) -> str:
    """Why `own` is looser than `shipped` ("" when it is as strict or stricter)."""
    for day in WEEKDAYS:
        theirs = shipped.hours.get(day, ())
        for start, end in own.hours.get(day, ()):
            if not any(a <= start and end <= b for a, b in theirs):
                return f"{own.id}: calls {day} {start:%H:%M}–{end:%H:%M} beyond {shipped.source}"
    if shipped.cap and (not own.cap or own.cap > shipped.cap):
        return f"{own.id}: cap {own.cap or 'none'} looser than {shipped.cap} ({shipped.source})"
    if shipped.per == "number" and own.per != "number":
        return f"{own.id}: counts per lead, not per number as {shipped.source} does"
    return ""


def load_book(packs: tuple[str, ...], extra: Path | None = None) -> RuleBook:
    """The shipped `packs`, then a rep's own pack file (`extra`): its rules add to
    them, and one with a shipped rule's id replaces that rule — a loosening is
    listed in `loosened` (doctor names it) rather than accepted silently."""
    rules: dict[str, Rule] = {}
    versions = []
    for name in packs:
        pack, version, found = shipped_pack(name)
        versions.append((pack, version))
        rules.update((r.id, r) for r in found)
    loosened = []
    if extra is not None:
        try:
            text = extra.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read rule pack {extra}: {exc}") from None
        pack, version, found = parse_pack(text, str(extra), extra)
        versions.append((pack, version))
        for rule in found:
            if rule.id in rules:
                why = loosens(rule, rules[rule.id])
                if why:
                    loosened.append(why)
            rules[rule.id] = rule
    return RuleBook(tuple(rules.values()), tuple(versions), tuple(loosened))


def describe(rule: Rule, today: date) -> dict[str, Any]:
    """A rule as plain values, for `leaddesk rules` (text and JSON)."""
    return {
        "id": rule.id,
        "name": rule.name,
        "applies_to": rule.jurisdiction,
        "hours": {day: [f"{a:%H:%M}-{b:%H:%M}" for a, b in rule.hours.get(day, ())]
                  for day in WEEKDAYS},
        "cap": rule.cap or None,
        "per": rule.per if rule.cap else None,
        "blackouts": [[start.isoformat(), end.isoformat()] for start, end in rule.blackouts],
        "from": rule.starts.isoformat() if rule.starts else None,
        "until": rule.ends.isoformat() if rule.ends else None,
        "in_force": rule.in_force(today),
        "source": rule.source,
        "link": rule.link,
        "pack": rule.pack,
    }  # fmt: skip


def hours_summary(rule: Rule) -> str:
    """ "08:00–20:00 every day", "09:00–21:00 mon–sat, 12:00–21:00 sun"."""
    runs: list[tuple[list[str], str]] = []
    for day in WEEKDAYS:
        text = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in rule.hours.get(day, ())) or "closed"
        if runs and runs[-1][1] == text:
            runs[-1][0].append(day)
        else:
            runs.append(([day], text))
    if len(runs) == 1:
        return f"{runs[0][1]} every day"
    return ", ".join(
        f"{text} {days[0]}" + (f"–{days[-1]}" if len(days) > 1 else "") for days, text in runs
    )
