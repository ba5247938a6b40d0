"""Email addresses: syntax only (no DNS, no network), normalised for dedupe."""

from __future__ import annotations

import re
from functools import lru_cache

from leaddesk.core.domain.errors import InvalidInput

# email-validator (with idna, ~50 ms to import) loads when an address is first
# checked: the desk's first screen and the quick commands check none.

# A plain ASCII address (dot-atom local part, LDH domain labels): the shape of
# nearly every address in a lead list. Its normal form is itself in lower case
# once its domain is known good, so only the domain needs email-validator —
# once per domain (an import of 100k rows spends 2 s less).
_ATEXT = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PLAIN = re.compile(rf"({_ATEXT}(?:\.{_ATEXT})*)@({_LABEL}(?:\.{_LABEL})+)", re.ASCII)


def normalise_email(text: str) -> str:
    """The address in a canonical form, or "" for blank input.

    Lower-cased whole, so the same person typed twice dedupes; raises
    InvalidInput naming the address and why it is not one.
    """
    value = (text or "").strip()
    if not value:
        return ""
    if len(value) > 254:
        raise InvalidInput(f"email is too long ({len(value)} characters; at most 254)")
    lowered = value.lower()
    plain = _PLAIN.fullmatch(lowered)
    if plain and len(plain.group(1)) <= 64 and _normal_domain(plain.group(2)) == plain.group(2):
        return lowered
    return _validated(value)


def _validated(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"email {value!r} is not an email address: {exc}") from None
    return checked.normalized.lower()


@lru_cache(maxsize=4096)
def _normal_domain(domain: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(f"a@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None
