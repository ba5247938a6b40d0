"""A stored number as the rep reads it, and what showing it asks: valid? whose?

phonenumbers loads only for a number nanp.py does not answer (anything but +1
and ten digits): the desk's first lead, a North American one, is shown without
it (issue 15 point 2). Parsing typed numbers stays in phones.py.
"""

from __future__ import annotations

from leaddesk.core.domain import nanp

NOT_VALID = "not a valid number"


def is_valid_e164(e164: str) -> bool:
    """phonenumbers' `is_valid_number` for a stored number (cached): read at
    display time rather than stored, as the zones are."""
    return _region_and_validity(e164)[1]


def country_of(e164: str) -> str:
    """The region that claims a stored number ("US", "JM"; "001" for a non-geographic
    one), as phonenumbers' `region_code_for_number`; "" when none does or the text
    is no number."""
    return _region_and_validity(e164)[0]


def _region_and_validity(e164: str) -> tuple[str, bool]:
    """(region, valid): from what parsing found already, else nanp for a +1 number,
    else phonenumbers (imported only then); ("", False) for text that is no number."""
    known = nanp.KNOWN.get(e164)
    if known is not None:
        return known[2], known[1]
    found = nanp.verdict(e164)
    if found is not None:
        return found
    import phonenumbers

    from leaddesk.core.domain.phones import judged

    try:
        return judged(e164)
    except phonenumbers.NumberParseException:
        return "", False


def pretty(e164: str) -> str:
    """An E.164 number in its international format, for display."""
    if not e164:
        return ""
    quick = nanp.international(e164)
    if quick is not None:
        return quick
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def extension_of(raw: str, e164: str = "") -> str:
    """The extension typed with a number ("3" for "(212) 555-0142 ext 3"), else "".

    Read from the number as typed (stored), in the country of its E.164 form.
    """
    if not any(c.isalpha() or c in "#;," for c in raw or ""):
        return ""  # digits and punctuation only: no extension to find (the common case)
    import phonenumbers

    try:
        code = phonenumbers.parse(e164, None).country_code if e164 else 1
        region = phonenumbers.region_code_for_country_code(code or 1)
        return phonenumbers.parse(raw, region).extension or ""
    except phonenumbers.NumberParseException:
        return ""


def with_extension(e164: str, raw: str) -> str:
    """The number to export or re-import: `+12125550142 ext. 3` keeps the extension."""
    ext = extension_of(raw, e164)
    return f"{e164} ext. {ext}" if ext else e164


def shown_phone(e164: str, raw: str) -> str:
    """A stored number as the rep should read it: `+1 212-555-0142 ext. 3`; a
    number phonenumbers calls invalid as typed, flagged (never "+1 5550104" as
    if it were fine)."""
    if e164 and not is_valid_e164(e164):
        return f"{(raw or e164).strip()} ({NOT_VALID})"
    text = pretty(e164) or raw
    ext = extension_of(raw, e164)
    return f"{text} ext. {ext}" if ext else text
