"""Exemptions from a do-not-call REGISTRY, as data — never from a lead's own request.

An "established business relationship" lets a seller call a number on the
national registry: a purchase within the 18 months before the call, or an
inquiry within the 3 months before it. Source: 47 CFR 64.1200(f)(5) (the FCC's
definition; the FTC's Telemarketing Sales Rule has the same two periods for
16 CFR 310.4(b)(1)(iii)(B)), as restated e.g. at
https://www.cornbelttelephone.com/do-not-call-registry/ ("eighteen (18) months
… three (3) months"). A lead's own do-not-call request ends the relationship
for calls, so it is never exempt (the registry only).

A lead counts as having bought when it has a `won` touch; as having enquired
when its source or tags name an inquiry (web forms and inbound calls are
enquiries; a bought list is not) — the rep's data says which.
"""

from __future__ import annotations

from pendulum import DateTime

from leaddesk.core.domain.record import Frozen


class Exemption(Frozen):
    """A registry exemption (a plain class: `domain.record`)."""

    __slots__ = ("id", "months", "after", "source")  # noqa: RUF023 (field order)
    id: str
    months: int  # the relationship lasts this long after …
    after: str  # … the lead's last sale ("sale") or its enquiry ("enquiry")
    source: str

    def __init__(self, id: str, months: int, after: str, source: str) -> None:
        self._set(id=id, months=months, after=after, source=source)


EXEMPTIONS = (
    Exemption("existing-customer", 18, "sale", "47 CFR 64.1200(f)(5); 16 CFR 310.2(q)"),
    Exemption("enquiry", 3, "enquiry", "47 CFR 64.1200(f)(5); 16 CFR 310.2(q)"),
)
# A lead's source or tags containing one of these words is an enquiry.
ENQUIRY_WORDS = ("inquiry", "enquiry", "web form", "inbound", "referral request")


def is_enquiry(source: str, tags: str) -> bool:
    text = f"{source} {tags}".lower()
    return any(word in text for word in ENQUIRY_WORDS)


def registry_exemption(
    last_sale_at: DateTime | None, enquiry_at: DateTime | None, now: DateTime
) -> Exemption | None:
    """The exemption that lets `now`'s call reach a registry-listed number, or None."""
    for exemption in EXEMPTIONS:
        since = last_sale_at if exemption.after == "sale" else enquiry_at
        if since is not None and since <= now < since.add(months=exemption.months):
            return exemption
    return None
