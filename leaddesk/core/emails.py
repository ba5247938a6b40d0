"""Email addresses: syntax only (no DNS, no network), normalised for dedupe."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from leaddesk.core.errors import InvalidInput


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
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"email {value!r} is not an email address: {exc}") from None
    return checked.normalized.lower()
