"""A lead as typed or imported, and the one check of its fields (per-field errors)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import TypeVar

from pendulum import DateTime

from leaddesk.core.domain.emails import normalise_email
from leaddesk.core.domain.errors import InvalidDraft, InvalidInput
from leaddesk.core.domain.phone_text import NOT_VALID
from leaddesk.core.domain.phones import ParsedPhone, parse_phone
from leaddesk.core.domain.settings import Settings

# clean_text lives in text.py (logging an outcome must not load the phone parser);
# re-exported for callers that import it from here.
from leaddesk.core.domain.text import MAX_FIELD as MAX_FIELD
from leaddesk.core.domain.text import clean_text as clean_text
from leaddesk.core.domain.zone_names import read_zone

T = TypeVar("T")


@dataclass
class LeadDraft:
    """A lead as typed or imported, before validation."""

    name: str
    phones: list[tuple[str, str]] = field(default_factory=list)  # (raw, label)
    email: str = ""
    company: str = ""
    title: str = ""
    address: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""
    source: str = ""
    interest: str = ""
    first_contact_on: date | None = None
    received_at: DateTime | None = None
    tz_override: str | None = None
    tags: str = ""
    notes: str = ""
    owner: int | None = None  # a rep's id; None = the team's pool (core/team.py)


# Short text fields (at most 200 characters each); name and company are checked first.
SHORT_FIELDS = ("title", "source", "interest", "tags", "city", "region", "postcode", "country")
# Every text `validate_draft` checks after the name and company, with its limit.
_TEXTS = (*((f, 200) for f in SHORT_FIELDS), ("address", MAX_FIELD), ("notes", 20_000))


def _plain(value: str, limit: int) -> bool:
    """Whether `clean_text(value, …, limit)` accepts `value`, looked at without it: no
    longer than the limit (trimmed, it is no longer), no NUL, ASCII (every ASCII text is
    UTF-8). Anything else goes through clean_text, which names the problem."""
    return (
        value.__class__ is str and len(value) <= limit and value.isascii() and "\x00" not in value
    )


def _plain_together(values: list[str]) -> bool:
    try:
        together = "".join(values)
    except TypeError:  # a None among them: each one alone
        return False
    return _plain(together, 200)


MAX_LABEL = 40


def validate_draft(
    draft: LeadDraft, settings: Settings, phones: list[ParsedPhone] | None = None
) -> list[ParsedPhone]:
    """Check every field of a draft; return its parsed phones.

    Raises InvalidDraft mapping each bad field to its message (phone rows are
    `phones.N`), so a form can show every error beside its field at once. The
    one check for the add and edit forms, `leaddesk add` and every imported row.
    `phones`, when given, are the draft's numbers already parsed by the caller
    (an import reads each with its row's country); only their labels are checked.
    """
    errors: dict[str, str] = {}

    def check(where: str, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except InvalidInput as exc:
            errors.setdefault(where, str(exc))
            return None

    typed_name, typed_company = draft.name, draft.company
    name = (
        typed_name.strip()
        if _plain(typed_name, 200)
        else check("name", partial(clean_text, typed_name, "name", 200))
    )
    company = (
        typed_company.strip()
        if _plain(typed_company, 200)
        else check("company", partial(clean_text, typed_company, "company", 200))
    )
    if name == "" and company == "":
        errors["name"] = "a lead needs a name (or a company)"
    parsed: list[ParsedPhone] = []
    seen: dict[str, int] = {}
    for index, (raw, label) in enumerate(draft.phones):
        if not raw.strip():
            continue
        where = f" ({label.strip()})" if label.strip() else ""
        phone = None
        if phones is None:
            phone = check(f"phones.{index}", partial(_phone, raw, where, settings))
        if not _plain(label, MAX_LABEL):
            check(f"phones.{index}", partial(clean_text, label, "phone label", MAX_LABEL))
        if phone is None:
            continue
        if phone.e164 in seen:
            errors.setdefault(
                f"phones.{index}", f"phone{where}: the same number as phone {seen[phone.e164] + 1}"
            )
            continue
        seen[phone.e164] = len(parsed)
        parsed.append(phone)
    if phones is not None:
        parsed = list(phones)
    check("email", lambda: normalise_email(draft.email))
    if draft.tz_override:
        check("tz_override", lambda: zone_override(draft))
    # An imported row checks ten texts: most pass `_plain`'s look (~2 µs a row less), and
    # together (no longer than the smallest limit, ASCII, no NUL: then each one is too).
    values = [getattr(draft, f) for f, _ in _TEXTS]
    if not _plain_together(values):
        for (f, limit), value in zip(_TEXTS, values, strict=True):
            if not _plain(value, limit):
                check(f, partial(clean_text, value, f, limit))
    if errors:
        raise InvalidDraft(errors)
    return parsed


def phone_warning(phone: ParsedPhone) -> str:
    """What to tell the rep about a number that is kept but doubtful, else ""."""
    if phone.valid:
        return ""
    return f"phone {phone.raw} is {NOT_VALID} (kept as typed; check it before dialling)"


def _phone(raw: str, where: str, settings: Settings) -> ParsedPhone:
    try:
        return parse_phone(raw, settings.default_region)
    except InvalidInput as exc:
        raise InvalidInput(f"phone{where}: {exc}") from None


def zone_override(draft: LeadDraft) -> str | None:
    """The draft's time zone as an IANA name ('PST' → America/Los_Angeles), None if blank."""
    text = (draft.tz_override or "").strip()
    return read_zone(text) if text else None


def plain_date(day: date | None) -> date | None:
    # sqlite3 binds `datetime.date` itself, not subclasses such as pendulum.Date
    return date(day.year, day.month, day.day) if day is not None else None


# Runs of spaces, tabs and no-break spaces; line breaks and controls are hostile
# text, kept as typed and shown escaped (ui.render.safe, text.one_line).
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def one_spaced(text: str) -> str:
    """Trimmed, inner runs of spaces as one space: "Ana  María " → "Ana María"."""
    text = (text or "").strip()
    if "  " in text or "\t" in text or "\u00a0" in text or "\u3000" in text:
        return _SPACES.sub(" ", text)
    return text  # nothing to fold: most names (the regular expression costs ~0.4 µs)


def normalise_tags(text: str) -> str:
    """Comma-separated tags, trimmed, each once (the first spelling wins): "hot, vip"."""
    tags: dict[str, str] = {}
    for part in (text or "").split(","):
        tag = one_spaced(part)
        if tag:
            tags.setdefault(tag.lower(), tag)
    return ", ".join(tags.values())


# What the edit form may change (the schedule, status and counters are the rules').
EDITABLE_FIELDS = (
    "name", "company", "title", "email", "address", "city", "region", "postcode", "country",
    "source", "interest", "first_contact_on", "tz_override", "tags", "notes",
)  # fmt: skip
